// Differential fuzz harness: one runtime's scheduling, port against oracle. The bytes
// decode to a program (spawn / wake / wake_cpu / abort / set_high_priority / run_cohort)
// and the polls' scripts (wakes of other, self or stale tasks, then Ready or Pending);
// props/scheduler_program.hpp runs it through both and any difference in the trace or
// the final task states traps. With KIMOJIO_EXPLAIN: scheduler_explain <file>... prints
// the program a crash file decodes to.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <vector>

#include "explain_main.hpp"
#include "scheduler_program.hpp"

namespace {

using namespace scheduler_program;

Program decode(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    Program p;
    std::size_t steps = in.ConsumeIntegralInRange<std::size_t>(1, 6);
    for (std::size_t i = 0; i < steps; ++i) {
        Step s;
        std::size_t wakes = in.ConsumeIntegralInRange<std::size_t>(0, 3);
        for (std::size_t w = 0; w < wakes; ++w) {
            s.wakes.push_back(in.ConsumeIntegralInRange<std::uint16_t>(1, MAX_INDEX));
            s.cpu.push_back(in.ConsumeBool());
        }
        s.complete = in.ConsumeBool();
        p.steps.push_back(std::move(s));
    }
    static const Op ops[] = {Op::Spawn, Op::Spawn, Op::Wake, Op::WakeCpu, Op::Abort, Op::High, Op::Run, Op::Run};
    while (in.remaining_bytes() > 0 && p.instrs.size() < 64) {
        Op op = ops[in.ConsumeIntegralInRange<int>(0, 7)];
        p.instrs.push_back({op, in.ConsumeIntegralInRange<std::uint16_t>(1, MAX_INDEX)});
    }
    return p;
}

}  // namespace

#ifndef KIMOJIO_EXPLAIN
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Program p = decode(data, size);
    if (auto difference = run(p)) {
        std::fprintf(stderr, "scheduler: port and oracle differ: %s\n%s", difference->c_str(), explain(p).c_str());
        __builtin_trap();
    }
    return 0;
}
#else
int main(int argc, char** argv) {
    return explain_files(argc, argv, [](const std::uint8_t* data, std::size_t size) {
        Program p = decode(data, size);
        std::printf("%s", explain(p).c_str());
        if (auto difference = run(p)) {
            std::printf("DIFFERENCE: %s\n", difference->c_str());
            return 1;
        }
        std::printf("port and oracle agree\n");
        return 0;
    });
}
#endif
