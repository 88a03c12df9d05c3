// Not a port: the small part of Rust's `futures` crate that operations.rs's
// io_scope_drain_futures takes, a Stream, `StreamExt::next` and `FuturesUnordered`.
// Owner thread only, like every future of a task.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "kimojio/std_task.hpp"

namespace kimojio {

template <class P>
struct is_poll_of_optional : std::false_type {};
template <class T>
struct is_poll_of_optional<Poll<std::optional<T>>> : std::true_type {};

// futures::Stream: `Poll<std::optional<Item>> poll_next(Context&)` yields Ready(item) for
// each item and Ready(nullopt) at the end.
template <class S>
concept Stream = requires(S& s, Context& cx) {
    { s.poll_next(cx) };
    requires is_poll_of_optional<decltype(s.poll_next(cx))>::value;
};

template <Stream S>
using stream_item_t = typename decltype(std::declval<S&>().poll_next(std::declval<Context&>()))::value_type::value_type;

// StreamExt::next: a future of the stream's next item (nullopt at the end).
template <Stream S>
class StreamNext {
public:
    explicit StreamNext(S& stream) : stream_(&stream) {}
    Poll<std::optional<stream_item_t<S>>> poll(Context& cx) { return stream_->poll_next(cx); }

private:
    S* stream_;
};

template <Stream S>
StreamNext<S> next(S& stream) {
    return StreamNext<S>(stream);
}

// futures::stream::FuturesUnordered: a set of futures of one type, yielding each output
// as it becomes ready, in completion order; the stream ends when the set is empty.
// Every poll_next polls each pending future once (a wake of any of them re-polls all:
// spurious polls are harmless here, and the sets this is for hold a few dozen I/Os).
// Futures are boxed, so one that has been polled never moves (Rust: Pin).
template <Future F>
class FuturesUnordered {
public:
    using Output = future_output_t<F>;
    static_assert(!std::is_void_v<Output>, "FuturesUnordered needs futures with a value (e.g. Result<void, Errno>)");

    FuturesUnordered() = default;

    // Adds a future; it is first polled by the next poll_next.
    void push(F future) { futures_.push_back(std::make_unique<F>(std::move(future))); }
    std::size_t len() const { return futures_.size(); }
    bool is_empty() const { return futures_.empty(); }

    Poll<std::optional<Output>> poll_next(Context& cx) {
        if (futures_.empty()) {
            return std::optional<Output>();
        }
        for (std::size_t i = 0; i < futures_.size(); ++i) {
            Poll<Output> polled = futures_[i]->poll(cx);
            if (polled.is_ready()) {
                Output output = polled.take();
                futures_.erase(futures_.begin() + static_cast<std::ptrdiff_t>(i));
                return std::optional<Output>(std::move(output));
            }
        }
        return Pending;
    }

private:
    std::vector<std::unique_ptr<F>> futures_;
};

}  // namespace kimojio
