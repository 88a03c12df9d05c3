// tokio and kimojio through kimojio/waker.h (ctest tokio_waker_interop):
//  1. 256 kimojio tasks, each woken 1,000 times by its own task on a tokio multi-thread
//     runtime (a lost wake would leave a kimojio task waiting: the test times out);
//  2. a kimojio task awaits a tokio mpsc channel fed by a tokio runtime on another thread.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <vector>

#include "kimojio/kimojio.hpp"
#include "kimojio/waker.h"

extern "C" {
void kimojio_tokio_wake_rounds(const std::uintptr_t* words, const std::atomic<std::uint64_t>* counters, std::size_t n,
                               std::uint64_t rounds);
struct KimojioTokioChannel;
KimojioTokioChannel* kimojio_tokio_channel_start(std::uint64_t count);
std::int64_t kimojio_tokio_channel_poll(KimojioTokioChannel* channel, std::uintptr_t word);
void kimojio_tokio_channel_free(KimojioTokioChannel* channel);
}

using kimojio::Async;

namespace {

constexpr std::size_t TASKS = 256;
constexpr std::uint64_t ROUNDS = 1000;

// Ready once the counter reached `target`; only the tokio side wakes the task.
struct CounterReached {
    const std::atomic<std::uint64_t>* counter;
    std::uint64_t target;
    kimojio::Poll<void> poll(kimojio::Context&) {
        kimojio::throw_if_aborted();
        if (counter->load(std::memory_order_acquire) >= target) return kimojio::Ready;
        return kimojio::Pending;
    }
};

// A tokio Receiver polled with this task's waker: tokio stores it and wakes through waker.h.
struct TokioRecv {
    KimojioTokioChannel* channel;
    kimojio::Poll<std::int64_t> poll(kimojio::Context& cx) {
        kimojio::throw_if_aborted();
        std::int64_t v = kimojio_tokio_channel_poll(channel, reinterpret_cast<std::uintptr_t>(kimojio::waker_data(cx.waker())));
        if (v == -1) return kimojio::Pending;
        return v;
    }
};

Async<bool> body() {
    std::vector<std::atomic<std::uint64_t>> counters(TASKS);
    std::vector<std::uintptr_t> words(TASKS);
    std::vector<kimojio::TaskHandle<void>> tasks;
    for (std::size_t i = 0; i < TASKS; ++i) {
        tasks.push_back(kimojio::spawn_task([](std::atomic<std::uint64_t>* counter, std::uintptr_t* word) -> Async<void> {
            *word = reinterpret_cast<std::uintptr_t>(kimojio::waker_data(co_await kimojio::current_waker()));
            co_await CounterReached{counter, ROUNDS};
        }(&counters[i], &words[i])));
    }
    co_await kimojio::yield_io();  // every task has published its word
    std::thread tokio([&] { kimojio_tokio_wake_rounds(words.data(), counters.data(), TASKS, ROUNDS); });
    bool ok = true;
    for (auto& task : tasks) ok = (co_await task).is_ok() && ok;
    tokio.join();

    KimojioTokioChannel* channel = kimojio_tokio_channel_start(10000);
    std::int64_t expected = 0;
    for (;;) {
        std::int64_t v = co_await TokioRecv{channel};
        if (v == -2) break;
        ok = ok && v == expected;
        expected += 1;
    }
    kimojio_tokio_channel_free(channel);
    std::printf("tokio woke %zu kimojio tasks %llu times each; a kimojio task received %lld values from tokio\n",
                TASKS, static_cast<unsigned long long>(ROUNDS), static_cast<long long>(expected));
    co_return ok && expected == 10000;
}

}  // namespace

int main() {
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto ok = runtime.block_on(body());
    if (!ok || !ok->value()) {
        std::fprintf(stderr, "tokio_interop: a wake or a value was lost\n");
        return 1;
    }
    auto stats = runtime.foreign_wake_stats();
    std::printf("foreign wakes %llu, eventfd writes %llu\n", static_cast<unsigned long long>(stats.foreign_wakes),
                static_cast<unsigned long long>(stats.eventfd_writes));
    return 0;
}
