// C++20 coroutines over the poll model (not a port of a kimojio file).
//
// Async<T> is a Future: poll() resumes the coroutine. Inside it, `co_await f` on
// any Future polls `f` with the task's Context. If `f` answers Pending, the
// coroutine stays suspended and the next poll of the Async polls `f` again; only
// when `f` is Ready is the coroutine resumed. Wakers never resume a coroutine
// handle: they schedule the task, whose next poll re-polls the leaf future, so a
// spurious wake is harmless (the leaf answers Pending again), exactly as in Rust.
//
//   kimojio::Async<int> job() { co_await kimojio::sleep(10ms); co_return 7; }
//   kimojio::Async<void> main_task() {
//       auto h = kimojio::spawn(job());
//       int v = co_await h;
//   }
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

#include "kimojio/std_task.hpp"
#include "kimojio/task.hpp"

namespace kimojio {

template <class T>
class Async;

namespace detail {

// The awaiter a suspended coroutine waits in; the next poll calls repoll.
class PendingAwait {
public:
    // Polls the awaited future again; true when it is Ready (or threw).
    virtual bool repoll(Context& cx) = 0;

protected:
    ~PendingAwait() = default;
};

// Coroutine frames come from the per-thread block pool (performance; see block_pool.hpp).
struct PromiseCore : block_pool::Pooled {
    Context* cx = nullptr;
    PendingAwait* pending = nullptr;
    std::exception_ptr exception;

    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void unhandled_exception() noexcept { exception = std::current_exception(); }

    template <class Fut>
    auto await_transform(Fut&& future);
};

// Fut is `F&` for an lvalue operand (awaited in place) or `F` for a temporary (moved in).
template <class Fut>
class FutureAwaiter final : public PendingAwait {
public:
    using F = std::remove_reference_t<Fut>;
    using Output = future_output_t<F>;

    FutureAwaiter(PromiseCore* promise, Fut&& future) : promise_(promise), future_(std::forward<Fut>(future)) {}

    bool await_ready() { return try_poll(*promise_->cx); }
    void await_suspend(std::coroutine_handle<>) noexcept { promise_->pending = this; }
    bool repoll(Context& cx) override { return try_poll(cx); }
    Output await_resume() {
        promise_->pending = nullptr;
        if (error_) {
            std::rethrow_exception(error_);
        }
        if constexpr (!std::is_void_v<Output>) {
            return std::move(*result_);
        }
    }

private:
    // An exception from the leaf poll is rethrown inside the coroutine, where user code can catch it.
    bool try_poll(Context& cx) {
        try {
            auto polled = future_.poll(cx);
            if (polled.is_pending()) {
                return false;
            }
            if constexpr (std::is_void_v<Output>) {
                result_.emplace();
            } else {
                result_.emplace(polled.take());
            }
        } catch (...) {
            error_ = std::current_exception();
        }
        return true;
    }

    PromiseCore* promise_;
    Fut future_;
    std::optional<non_void_t<Output>> result_;
    std::exception_ptr error_;
};

template <class Fut>
auto PromiseCore::await_transform(Fut&& future) {
    static_assert(Future<std::remove_cvref_t<Fut>>,
                  "kimojio::Async can only co_await futures (types with Poll<T> poll(Context&))");
    return FutureAwaiter<Fut>(this, std::forward<Fut>(future));
}

template <class T>
struct Promise : PromiseCore {
    std::optional<T> value;
    Async<T> get_return_object();
    template <class U>
    void return_value(U&& v) {
        value.emplace(std::forward<U>(v));
    }
};

template <>
struct Promise<void> : PromiseCore {
    Async<void> get_return_object();
    void return_void() {}
};

}  // namespace detail

template <class T = void>
class [[nodiscard]] Async {
public:
    using promise_type = detail::Promise<T>;

    Async(Async&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    Async& operator=(Async&& other) noexcept {
        if (this != &other) {
            destroy();
            handle_ = std::exchange(other.handle_, nullptr);
        }
        return *this;
    }
    ~Async() { destroy(); }

    // Owner thread only: resumes the coroutine once its awaited future is Ready.
    Poll<T> poll(Context& cx) {
        if (!handle_ || handle_.done()) {
            throw Panic("kimojio::Async polled after it completed");
        }
        auto& promise = handle_.promise();
        promise.cx = &cx;
        if (promise.pending != nullptr && !promise.pending->repoll(cx)) {
            return Pending;
        }
        handle_.resume();
        if (!handle_.done()) {
            return Pending;
        }
        if (promise.exception) {
            std::rethrow_exception(std::exchange(promise.exception, nullptr));
        }
        if constexpr (std::is_void_v<T>) {
            return Ready;
        } else {
            return std::move(*promise.value);
        }
    }

private:
    friend struct detail::Promise<T>;
    explicit Async(std::coroutine_handle<promise_type> handle) : handle_(handle) {}
    void destroy() {
        if (handle_) {
            std::exchange(handle_, nullptr).destroy();
        }
    }
    std::coroutine_handle<promise_type> handle_;
};

template <class T>
Async<T> detail::Promise<T>::get_return_object() {
    return Async<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}

inline Async<void> detail::Promise<void>::get_return_object() {
    return Async<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}

}  // namespace kimojio
