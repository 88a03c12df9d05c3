// Beyond upstream (no Rust counterpart): kimojio::spawn_blocking, tokio's
// spawn_blocking: run a blocking function on a small thread pool owned by the runtime,
// await its result in a task.
//
//   int n = co_await kimojio::spawn_blocking([] { return count_lines("big.txt"); });
//
// The pool (detail::BlockingPool, one per Runtime) starts its threads on first use, up
// to Configuration::blocking_threads; ~Runtime lets the running functions finish, drops
// the ones not started yet (their awaiters are gone with the runtime's tasks) and joins.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

#include "kimojio/sync_oneshot.hpp"

namespace kimojio {

namespace detail {

// Owner: the Runtime (a member). Any thread may submit while it lives; the destructor
// runs on the runtime's thread.
class BlockingPool {
public:
    // Makes this pool the one spawn_blocking uses on the constructing thread (the
    // previous one is restored by the destructor: a Runtime that fails to construct
    // leaves the thread's live one in place).
    explicit BlockingPool(std::size_t max_threads);
    BlockingPool(const BlockingPool&) = delete;
    BlockingPool& operator=(const BlockingPool&) = delete;
    ~BlockingPool();

    // Queues `job`; starts a thread if every started one is busy and the limit allows.
    // Throws std::runtime_error once the pool is shutting down.
    void submit(std::function<void()> job);

    // The pool of the Runtime on this thread; throws std::runtime_error if there is none.
    static BlockingPool& current();

    std::size_t threads_started() const;

private:
    void worker();

    const std::size_t max_threads_;
    mutable std::mutex mutex_;
    std::condition_variable work_;
    std::deque<std::function<void()>> jobs_;
    std::vector<std::thread> threads_;
    std::size_t idle_ = 0;
    bool stopping_ = false;
    BlockingPool* previous_;
};

// What the oneshot carries: the result, or monostate for void.
template <class R>
using BlockingSlot = std::conditional_t<std::is_void_v<R>, std::monostate, R>;

}  // namespace detail

// The awaitable of spawn_blocking: Ready with f's result (rethrows what f threw).
// Polled by a task (owner thread); throws TaskAborted in an aborted task.
template <class R>
class BlockingFuture {
public:
    explicit BlockingFuture(sync::OneshotReceiver<detail::BlockingSlot<R>> receiver) : receiver_(std::move(receiver)) {}

    Poll<R> poll(Context& cx) {
        auto polled = receiver_.poll(cx);
        if (polled.is_pending()) {
            return Pending;
        }
        if constexpr (std::is_void_v<R>) {
            return Ready;
        } else {
            return polled.take();
        }
    }

private:
    sync::OneshotReceiver<detail::BlockingSlot<R>> receiver_;
};

// Runs `f()` on the runtime's blocking pool. Call it on a runtime's thread (in a task or
// around block_on); throws std::runtime_error on a thread without a Runtime.
template <class F>
BlockingFuture<std::invoke_result_t<F&>> spawn_blocking(F f) {
    using R = std::invoke_result_t<F&>;
    auto [sender, receiver] = sync::oneshot<detail::BlockingSlot<R>>();
    // std::function needs a copyable callable: the move-only parts live in a shared_ptr.
    auto job = std::make_shared<std::pair<F, sync::OneshotSender<detail::BlockingSlot<R>>>>(std::move(f),
                                                                                          std::move(sender));
    detail::BlockingPool::current().submit([job] {
        auto& [function, result] = *job;
        std::exception_ptr error;
        try {
            if constexpr (std::is_void_v<R>) {
                function();
                (void)result.send(std::monostate{});
            } else {
                (void)result.send(function());
            }
        } catch (...) {
            error = std::current_exception();
        }
        // Outside the handler: this thread keeps no reference to the exception once it
        // is handed over, so the task's thread releases it last (after the mutex handoff).
        if (error) {
            result.set_exception(std::move(error));
        }
    });
    return BlockingFuture<R>(std::move(receiver));
}

}  // namespace kimojio
