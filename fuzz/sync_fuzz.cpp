// Differential fuzz harness: the cross-thread primitives (kimojio::sync::Notify, oneshot,
// channel) against their sequential models in props/sync_programs.hpp (the primitives go
// beyond upstream, so there is no Rust oracle for them: the models state tokio's
// semantics). The bytes pick a primitive, a channel capacity and up to 64 operations
// (waiters / send futures created, polled and dropped, notifies, sends, receives, closes,
// sender clones and drops); a difference in any observed outcome traps.
// sync_explain <file>... prints the program a crash file decodes to.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "harness_main.hpp"
#include "sync_programs.hpp"

namespace {

using namespace sync_programs;

struct Program {
    int primitive = 0;  // 0 Notify, 1 oneshot, 2 channel
    std::size_t capacity = 1;
    std::vector<std::tuple<int, int, int>> ops;
};

Program decode(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    Program p;
    p.primitive = in.ConsumeIntegralInRange<int>(0, 2);
    p.capacity = in.ConsumeIntegralInRange<std::size_t>(1, 3);
    static const int op_count[] = {5, 6, 9};
    while (in.remaining_bytes() > 0 && p.ops.size() < 64) {
        int op = in.ConsumeIntegralInRange<int>(0, op_count[p.primitive] - 1);
        int k = in.ConsumeIntegralInRange<int>(0, p.primitive == 0 ? WAITERS - 1 : SEND_SLOTS - 1);
        int v = in.ConsumeIntegralInRange<int>(0, 99);
        p.ops.emplace_back(op, k, v);
    }
    return p;
}

std::vector<std::pair<int, int>> pairs(const Program& p, bool second_is_value) {
    std::vector<std::pair<int, int>> out;
    for (auto [op, k, v] : p.ops) out.emplace_back(op, second_is_value ? v : k);
    return out;
}

std::string explain(const Program& p) {
    static const char* names[3][9] = {
        {"notified()", "poll", "drop", "notify_one", "notify_waiters"},
        {"send", "set_exception", "drop sender", "drop receiver", "try_recv", "poll"},
        {"try_send", "send future", "poll send", "drop send", "recv", "try_recv", "close", "clone sender", "drop sender"}};
    static const char* primitive[] = {"Notify", "oneshot", "channel"};
    std::string out = std::string(primitive[p.primitive]) +
                      (p.primitive == 2 ? " capacity " + std::to_string(p.capacity) : std::string()) + "\n";
    for (auto [op, k, v] : p.ops) {
        out += std::string("  ") + names[p.primitive][op] + " k=" + std::to_string(k) + " v=" + std::to_string(v) + "\n";
    }
    return out;
}

std::optional<std::string> run(const Program& p) {
    std::vector<std::string> port, model;
    switch (p.primitive) {
        case 0: port = run_in_task(notify_port(pairs(p, false))); model = notify_model(pairs(p, false)); break;
        case 1: port = run_in_task(oneshot_port(pairs(p, true))); model = oneshot_model(pairs(p, true)); break;
        default: port = run_in_task(channel_port(p.capacity, p.ops)); model = channel_model(p.capacity, p.ops); break;
    }
    for (std::size_t i = 0; i < std::max(port.size(), model.size()); ++i) {
        std::string a = i < port.size() ? port[i] : "(nothing)";
        std::string b = i < model.size() ? model[i] : "(nothing)";
        if (a != b) return "outcome " + std::to_string(i) + ": port " + a + ", model " + b;
    }
    return std::nullopt;
}

}  // namespace

KIMOJIO_PROGRAM_HARNESS("sync", decode, explain, run)
