// Beyond upstream (Rust users have futures::join!/select! and operations::*_with_timeout):
// when_all, when_any and timeout for any kimojio future or Async coroutine.
//
//   auto [n, m] = co_await kimojio::when_all(read(a, buf1), read(b, buf2));
//   auto first = co_await kimojio::when_any(read(a, buf1), kimojio::sleep(1s));  // std::variant
//   auto r = co_await kimojio::timeout(read(a, buf1), 100ms);  // Result<T, TimeoutError>
//
// A future that loses a when_any (or the operation a timeout gives up on) is destroyed
// before the combinator returns, so its I/O is cancelled and waited for as upstream's
// RingFuture drop does. The futures are polled on the task's thread, in argument order;
// an exception from any of them propagates (the rest are destroyed with the combinator).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "kimojio/errors.hpp"
#include "kimojio/operations.hpp"
#include "kimojio/std_task.hpp"

namespace kimojio {

namespace detail {
// A future's output as a value: void becomes std::monostate.
template <class F>
using output_value_t = std::conditional_t<std::is_void_v<future_output_t<F>>, std::monostate, future_output_t<F>>;

template <class F>
std::optional<output_value_t<F>> poll_as_value(F& future, Context& cx) {
    auto polled = future.poll(cx);
    if (polled.is_pending()) {
        return std::nullopt;
    }
    if constexpr (std::is_void_v<future_output_t<F>>) {
        return std::monostate{};
    } else {
        return polled.take();
    }
}
}  // namespace detail

// Ready with every output (void ones as std::monostate) once all are Ready.
template <Future... Fs>
class WhenAll {
public:
    explicit WhenAll(Fs... futures) : futures_(std::move(futures)...) {}

    Poll<std::tuple<detail::output_value_t<Fs>...>> poll(Context& cx) {
        bool all = poll_each(cx, std::index_sequence_for<Fs...>{});
        if (!all) {
            return Pending;
        }
        return std::apply([](auto&... out) { return std::tuple<detail::output_value_t<Fs>...>(std::move(*out)...); },
                          outputs_);
    }

private:
    template <std::size_t... I>
    bool poll_each(Context& cx, std::index_sequence<I...>) {
        bool all = true;
        ((std::get<I>(outputs_) ? void() : void(std::get<I>(outputs_) = detail::poll_as_value(std::get<I>(futures_), cx)),
          all = all && std::get<I>(outputs_).has_value()),
         ...);
        return all;
    }

    std::tuple<Fs...> futures_;
    std::tuple<std::optional<detail::output_value_t<Fs>>...> outputs_;
};

template <Future... Fs>
WhenAll<Fs...> when_all(Fs... futures) {
    return WhenAll<Fs...>(std::move(futures)...);
}

// Ready with the first output, as a std::variant whose index() says which future won
// (void outputs as std::monostate). The others are destroyed first.
template <Future... Fs>
class WhenAny {
public:
    using Output = std::variant<detail::output_value_t<Fs>...>;

    explicit WhenAny(Fs... futures) : futures_(std::optional<Fs>(std::move(futures))...) {}

    Poll<Output> poll(Context& cx) {
        std::optional<Output> winner;
        poll_until_ready(cx, winner, std::index_sequence_for<Fs...>{});
        if (!winner) {
            return Pending;
        }
        // Drop the losers now: their I/O is cancelled before the caller goes on.
        std::apply([](auto&... future) { (future.reset(), ...); }, futures_);
        return std::move(*winner);
    }

private:
    template <std::size_t... I>
    void poll_until_ready(Context& cx, std::optional<Output>& winner, std::index_sequence<I...>) {
        ((winner ? void() : [&] {
            auto& future = std::get<I>(futures_);
            if (!future) {
                throw std::runtime_error("kimojio::when_any polled again after it completed");
            }
            if (auto out = detail::poll_as_value(*future, cx)) {
                winner.emplace(std::in_place_index<I>, std::move(*out));
            }
        }()),
         ...);
    }

    std::tuple<std::optional<Fs>...> futures_;
};

template <Future... Fs>
WhenAny<Fs...> when_any(Fs... futures) {
    return WhenAny<Fs...>(std::move(futures)...);
}

// Ready with Ok(output) if `future` finishes within `duration`, else Err(Timeout) with
// `future` destroyed (its I/O cancelled). Err(Canceled) if the timer itself was
// cancelled (an io_scope cancel).
template <Future F>
class Timeout {
public:
    Timeout(F future, std::chrono::nanoseconds duration) : inner_(std::move(future), sleep(duration)) {}

    Poll<Result<detail::output_value_t<F>, TimeoutError>> poll(Context& cx) {
        using R = Result<detail::output_value_t<F>, TimeoutError>;
        auto polled = inner_.poll(cx);
        if (polled.is_pending()) {
            return Pending;
        }
        auto winner = polled.take();
        if (winner.index() == 0) {
            return R(Ok{std::move(std::get<0>(winner))});
        }
        const Result<void, Errno>& slept = std::get<1>(winner);
        return R(Err{slept.is_err() && slept.error() == Errno::CANCELED ? TimeoutError::Canceled : TimeoutError::Timeout});
    }

private:
    WhenAny<F, SleepFuture> inner_;
};

template <Future F>
Timeout<F> timeout(F future, std::chrono::nanoseconds duration) {
    return Timeout<F>(std::move(future), duration);
}

}  // namespace kimojio
