// Stress (ctest label `stress`; run under the tsan preset by ci/test): runtimes on
// several threads start and stop again and again while their tasks sleep, yield, wake
// each other locally and wake tasks of the other runtimes, and plain threads throw
// every kind of wake at whatever waker data was published (live, stale, recycled).
// Bounded in time and count. Correctness here is "no crash, no hang, no TSan report":
// every task finishes on its own (sleeps complete), foreign wakes only add polls.
//
// Hand-offs between threads go through C++ atomics (the pending bitmap, the registry
// slot), which TSan sees. The one the kernel orders, a ring's memory unmapped by one
// runtime thread and mapped again for another's new ring, is annotated with
// __tsan_release / __tsan_acquire in port/src/task.cpp (Ring).
//
// Usage: stress [seconds] (default 3), or stress --cycles N: until N runtime teardowns
// (ctest label props-deep, under the tsan preset).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "kimojio/kimojio.hpp"

using namespace std::chrono_literals;
using kimojio::Async;

namespace {

constexpr int RUNTIMES = 3;
constexpr int TASKS = 8;
constexpr int FOREIGN = 3;
constexpr std::uint8_t FIRST_INDEX = 100;

std::atomic<const void*> published[RUNTIMES][TASKS];
std::atomic<bool> stop{false};
std::atomic<std::uint64_t> cycles{0}, foreign_ops{0};

Async<void> worker(int r, int t, unsigned seed) {
    std::minstd_rand rng(seed);
    std::uint16_t me = kimojio::TaskState::get()->get_current_task()->task_index;
    published[r][t].store(kimojio::pack_waker_data(static_cast<std::uint8_t>(FIRST_INDEX + r), me));
    for (int step = 0; step < 20; ++step) {
        switch (rng() % 4) {
            case 0: (co_await kimojio::sleep(std::chrono::microseconds(rng() % 200))).value(); break;
            case 1: co_await kimojio::yield_io(); break;
            case 2: co_await kimojio::yield_cpu(); break;
            default: {
                // wake a sibling (local) and a task of another runtime (foreign)
                const void* sibling = published[r][rng() % TASKS].load();
                const void* other = published[(r + 1 + rng() % (RUNTIMES - 1)) % RUNTIMES][rng() % TASKS].load();
                for (const void* data : {sibling, other}) {
                    if (data) {
                        kimojio::Waker::from_raw(kimojio::RawWaker{data, &kimojio::index_waker_vtable()}).wake_by_ref();
                    }
                }
                (co_await kimojio::sleep(10us)).value();
            }
        }
    }
}

Async<void> runtime_main(int r, unsigned seed) {
    std::vector<kimojio::JoinHandle<void>> tasks;
    for (int t = 0; t < TASKS; ++t) tasks.push_back(kimojio::spawn(worker(r, t, seed * 31 + t)));
    for (auto& h : tasks) co_await h;
}

void runtime_thread(int r) {
    unsigned seed = 1;
    while (!stop.load()) {
        kimojio::Runtime runtime(static_cast<std::uint8_t>(FIRST_INDEX + r), kimojio::Configuration());
        auto result = runtime.block_on(runtime_main(r, seed++));
        if (!result || result->is_err()) {
            std::fprintf(stderr, "stress: runtime %d cycle failed\n", r);
            std::abort();
        }
        cycles.fetch_add(1);
    }  // the runtime goes away while foreign threads keep waking its stale wakers
}

void foreign_thread(unsigned seed) {
    std::minstd_rand rng(seed);
    while (!stop.load()) {
        const void* data = published[rng() % RUNTIMES][rng() % TASKS].load();
        if (!data) continue;
        kimojio::Waker waker = kimojio::Waker::from_raw(kimojio::RawWaker{data, &kimojio::index_waker_vtable()});
        switch (rng() % 4) {
            case 0: waker.wake_by_ref(); break;
            case 1: std::move(waker).wake(); break;
            case 2: {
                kimojio::Waker clone = waker;  // clone and drop here
                clone.wake_by_ref();
                break;
            }
            default:  // a stale or never-used index of the same runtime
                kimojio::Waker::from_raw(
                    kimojio::RawWaker{kimojio::pack_waker_data(kimojio::unpack_waker_data(data).thread_index,
                                                               static_cast<std::uint16_t>(rng())),
                                      &kimojio::index_waker_vtable()})
                    .wake_by_ref();
        }
        foreign_ops.fetch_add(1, std::memory_order_relaxed);
    }
}

}  // namespace

int main(int argc, char** argv) {
    // --cycles N bounds the run by teardowns, not time: a slow (TSan, shared) machine
    // still does them all.
    bool by_cycles = argc > 2 && std::strcmp(argv[1], "--cycles") == 0;
    std::uint64_t want_cycles = by_cycles ? std::strtoull(argv[2], nullptr, 10) : 0;
    double seconds = by_cycles ? 0 : argc > 1 ? std::atof(argv[1]) : 3.0;
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int r = 0; r < RUNTIMES; ++r) threads.emplace_back(runtime_thread, r);
    for (int f = 0; f < FOREIGN; ++f) threads.emplace_back(foreign_thread, 1000u + f);
    if (by_cycles) {
        while (cycles.load() < want_cycles) std::this_thread::sleep_for(10ms);
    } else {
        std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    }
    stop.store(true);
    for (auto& t : threads) t.join();
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bool ok = cycles.load() >= std::max<std::uint64_t>(RUNTIMES, want_cycles) && foreign_ops.load() > 0;
    std::printf("stress: %llu runtime cycles, %llu foreign wake operations in %.1f s\n",
                static_cast<unsigned long long>(cycles.load()), static_cast<unsigned long long>(foreign_ops.load()),
                seconds);
    std::printf("%d passed, %d failed\n", ok ? 1 : 0, ok ? 0 : 1);
    return ok ? 0 : 1;
}
