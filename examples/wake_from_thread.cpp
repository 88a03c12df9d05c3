// Waking kimojio tasks from plain std::threads: current_waker, sync::Notify,
// sync::oneshot and sync::channel. README.md shows these functions verbatim (checked by ctest
// readme_examples); ctest runs this program (example_wake_from_thread).
#include <atomic>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "kimojio/kimojio.hpp"

using kimojio::Async;

// A leaf future of your own: Ready once `done` is set. throw_if_aborted() first, so an
// aborted task ends instead of waiting forever.
struct DoneFlag {
    const std::atomic<bool>* done;
    kimojio::Poll<void> poll(kimojio::Context&) {
        kimojio::throw_if_aborted();
        if (done->load(std::memory_order_acquire)) return kimojio::Ready;
        return kimojio::Pending;
    }
};

Async<int> with_current_waker() {
    std::atomic<bool> done{false};
    kimojio::Waker waker = co_await kimojio::current_waker();
    std::thread worker([&done, waker] {
        done.store(true, std::memory_order_release);  // publish first,
        waker.wake_by_ref();                           // then wake
    });
    co_await DoneFlag{&done};
    worker.join();
    co_return 1;
}

Async<int> with_notify() {
    auto notify = std::make_shared<kimojio::sync::Notify>();
    std::thread worker([notify] { notify->notify_one(); });  // a permit if nobody waits yet
    co_await notify->notified();
    worker.join();
    co_return 2;
}

Async<int> with_oneshot() {
    auto [sender, receiver] = kimojio::sync::oneshot<int>();
    std::thread worker([sender = std::move(sender)]() mutable {
        if (sender.send(6 * 7).is_err()) std::puts("the receiver was gone");
    });
    int answer = co_await receiver;  // rethrows what the worker set with set_exception
    worker.join();
    co_return answer;
}

Async<int> with_channel() {
    auto [tx, rx] = kimojio::sync::channel<int>(16);  // bounded: senders wait for space
    std::vector<std::thread> workers;
    for (int w = 0; w < 3; ++w) {
        workers.emplace_back([tx = tx, w] {         // each thread holds a sender copy
            for (int i = 0; i < 100; ++i) (void)tx.send_blocking(w * 100 + i);
        });
    }
    { auto last = std::move(tx); }                 // the task's own copy: gone
    int received = 0;
    while (std::optional<int> message = co_await rx.recv()) received += 1;  // nullopt: all senders gone
    for (auto& worker : workers) worker.join();
    co_return received;
}

int main() {
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto total = runtime.block_on([]() -> Async<int> {
        int a = co_await with_current_waker();
        int b = co_await with_notify();
        int c = co_await with_oneshot();
        int d = co_await with_channel();
        co_return a + b + c + d;
    }());
    if (!total || total->value() != 345) {
        std::fprintf(stderr, "wake_from_thread: expected 345\n");
        return 1;
    }
    auto stats = runtime.foreign_wake_stats();
    std::printf("4 tasks woken from threads: %llu foreign wakes, %llu eventfd writes, %llu sleeps\n",
                static_cast<unsigned long long>(stats.foreign_wakes),
                static_cast<unsigned long long>(stats.eventfd_writes), static_cast<unsigned long long>(stats.sleeps));
    return 0;
}
