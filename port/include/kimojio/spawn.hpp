// Coroutine-friendly spawning (not a port of a kimojio file): `co_await` on a
// JoinHandle gives the task's value, or rethrows the exception the task threw.
//
//   auto h = kimojio::spawn(job());
//   int v = co_await h;
#pragma once

#include "kimojio/operations.hpp"

namespace kimojio {

template <class T>
class JoinHandle {
public:
    explicit JoinHandle(TaskHandle<T> handle) : handle(std::move(handle)) {}

    // See TaskHandle::abort.
    void abort() const { handle.abort(); }
    bool is_complete() const { return handle.is_complete(); }

    // Ready with the task's output; throws the task's exception, or
    // CanceledException if the wait was canceled by an io_scope.
    Poll<T> poll(Context& cx) {
        auto polled = handle.poll(cx);
        if (polled.is_pending()) {
            return Pending;
        }
        if constexpr (std::is_void_v<T>) {
            polled.value().value();
            return Ready;
        } else {
            return std::move(polled.value()).value();
        }
    }

private:
    TaskHandle<T> handle;
};

// spawn_task for coroutine code: returns a JoinHandle whose co_await yields T.
template <Future Fut>
JoinHandle<future_output_t<Fut>> spawn(Fut future) {
    return JoinHandle<future_output_t<Fut>>(spawn_task(std::move(future)));
}

}  // namespace kimojio
