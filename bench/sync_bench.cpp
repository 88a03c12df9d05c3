// kimojio side of the sync-primitive benchmarks (ci/bench sync; BENCHMARKS.md). One
// measurement per invocation, `RESULT <metric> kimojio <value> <unit>` lines. Not a test.
//
//   sync_bench channel <producers> [n]  producers std::threads send_blocking n messages in
//                                       all into a channel of 1,024 that one task drains
//   sync_bench channel_joined [n]       one std::thread send_blocking n messages into a channel
//                                       of n and is joined, then a task drains them (the loop
//                                       never parks: for callgrind's instructions per message)
//   sync_bench spawn_blocking [n]       a task awaits a trivial spawn_blocking job n times
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "kimojio/kimojio.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using kimojio::Async;

int arg(int argc, char** argv, int i, int fallback) { return argc > i ? std::atoi(argv[i]) : fallback; }

void channel(int producers, int n) {
    auto [tx, rx] = kimojio::sync::channel<int>(1024);
    const int per = n / producers;
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([tx = tx, per] {
            for (int i = 0; i < per; ++i) {
                if (tx.send_blocking(i).is_err()) std::abort();
            }
        });
    }
    { auto last = std::move(tx); }
    auto received = runtime.block_on([](kimojio::sync::ChannelReceiver<int> rx) -> Async<long> {
        long count = 0;
        while (co_await rx.recv()) count += 1;
        co_return count;
    }(std::move(rx)));
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    for (auto& t : threads) t.join();
    long count = received->value();
    if (count != static_cast<long>(per) * producers) std::abort();
    std::printf("RESULT channel_%d kimojio %.6g msgs/s\n", producers, count / seconds);
    auto stats = runtime.foreign_wake_stats();
    std::fprintf(stderr, "channel_%d: %.3f foreign wakes, %.3f eventfd writes, %.3f sleeps per message\n", producers,
                 double(stats.foreign_wakes) / count, double(stats.eventfd_writes) / count, double(stats.sleeps) / count);
}

void channel_joined(int n) {
    auto [tx, rx] = kimojio::sync::channel<int>(n > 0 ? n : 1);
    std::thread([tx = std::move(tx), n] {
        for (int i = 0; i < n; ++i) {
            if (tx.send_blocking(i).is_err()) std::abort();
        }
    }).join();
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto received = runtime.block_on([](kimojio::sync::ChannelReceiver<int> rx) -> Async<long> {
        long count = 0;
        while (co_await rx.recv()) count += 1;
        co_return count;
    }(std::move(rx)));
    if (received->value() != n) std::abort();
    std::printf("RESULT channel_joined kimojio %d msgs\n", n);
}

void spawn_blocking(int n) {
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto ns = runtime.block_on([](int n) -> Async<double> {
        auto start = Clock::now();
        for (int i = 0; i < n; ++i) {
            int v = co_await kimojio::spawn_blocking([i] { return i + 1; });
            if (v != i + 1) std::abort();
        }
        co_return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / n;
    }(n));
    std::printf("RESULT spawn_blocking kimojio %.6g ns\n", ns->value());
}

}  // namespace

int main(int argc, char** argv) {
    std::string what = argc > 1 ? argv[1] : "";
    if (what == "channel") channel(arg(argc, argv, 2, 1), arg(argc, argv, 3, 1000000));
    else if (what == "channel_joined") channel_joined(arg(argc, argv, 2, 100000));
    else if (what == "spawn_blocking") spawn_blocking(arg(argc, argv, 2, 20000));
    else {
        std::fprintf(stderr, "usage: sync_bench channel <producers> [n] | channel_joined [n] | spawn_blocking [n]\n");
        return 2;
    }
    return 0;
}
