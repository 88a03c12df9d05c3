// Upstream's task primitives (tasks of one thread): an AsyncLock and an unbounded
// async_channel, and an adder that holds the lock across a yield. README.md shows
// `worker` verbatim (ctest readme_examples); ctest runs this program
// (example_task_primitives).
#include <cstdio>
#include <memory>
#include <vector>

#include "kimojio/kimojio.hpp"

kimojio::Async<void> worker(std::shared_ptr<kimojio::AsyncLock<int>> total,
                            kimojio::ReceiverUnbounded<int> jobs) {
    for (;;) {
        auto job = co_await jobs.recv();           // ChannelError::Closed once every sender is gone
        if (job.is_err()) co_return;
        auto guard = (co_await total->lock()).value();
        *guard += job.value();                      // unlocked when `guard` is destroyed
    }
}

// Adds `amount` to the total in `steps` locked steps, yielding while it holds the lock.
kimojio::Async<void> adder(std::shared_ptr<kimojio::AsyncLock<int>> total, int amount, int steps) {
    for (int i = 0; i < steps; ++i) {
        auto guard = (co_await total->lock()).value();
        int before = *guard;
        co_await kimojio::yield_io();  // the worker waits for the lock meanwhile
        *guard = before + amount / steps;
    }
}

kimojio::Async<int> run_workers() {
    auto total = std::make_shared<kimojio::AsyncLock<int>>(0);
    auto [tx, rx] = kimojio::async_channel_unbounded<int>();
    auto consumer = kimojio::spawn_task(worker(total, std::move(rx)));
    auto other = kimojio::spawn_task(adder(total, 1000, 10));
    for (int i = 1; i <= 100; ++i) tx.send(i).value();
    { auto last = std::move(tx); }  // closes the channel: the worker finishes
    (co_await consumer).value();
    (co_await other).value();
    auto guard = (co_await total->lock()).value();
    co_return *guard;
}

int main() {
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto total = runtime.block_on(run_workers());
    if (!total || total->value() != 6050) {
        std::fprintf(stderr, "task_primitives: expected 6050\n");
        return 1;
    }
    std::printf("a worker summed 1..100 and an adder 1000 under one AsyncLock: %d\n", total->value());
    return 0;
}
