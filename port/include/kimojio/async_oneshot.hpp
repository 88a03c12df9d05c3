// Port of kimojio/src/async_oneshot.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f,
// plus AsyncEvent::wait_with_deadline (async_event.rs:146-176), which async_event.hpp omits.
//
// A oneshot channel carries one value from one task to another on the same thread
// (Rust: Rc, !Send). Dropping either side closes the channel.
//
//   auto [tx, rx] = kimojio::oneshot<int>();
//   tx.send(42);
//   int v = (co_await std::move(rx).recv()).value();
#pragma once

#include <chrono>
#include <optional>
#include <ostream>
#include <utility>

#include "kimojio/async.hpp"
#include "kimojio/async_event.hpp"
#include "kimojio/errors.hpp"
#include "kimojio/mut_in_place_cell.hpp"
#include "kimojio/operations.hpp"
#include "kimojio/rc.hpp"
#include "kimojio/result.hpp"

namespace kimojio {

// Rust's std::time::Instant.
using Instant = std::chrono::steady_clock::time_point;

namespace detail {

// Polls an event wait and a sleep side by side; Ready when either is (Rust:
// futures::select! over the two). The loser is dropped with this future.
struct WaitOrSleep {
    WaitAsyncEventFuture wait;
    SleepFuture sleep;
    // Ready(true): the wait or the sleep was canceled.
    Poll<bool> poll(Context& cx) {
        auto waited = wait.poll(cx);
        if (waited.is_ready()) {
            return waited.value().is_err();
        }
        auto slept = sleep.poll(cx);
        if (slept.is_ready()) {
            return slept.value().is_err() && slept.value().error() == Errno::CANCELED;
        }
        return Pending;
    }
};

// Wait for the event to be set, or return at once if it is already set. If a
// deadline is given and the event is not set by then, the result is
// TimeoutError::Timeout. Cancel safe.
// async_event.rs:146-176 AsyncEvent::wait_with_deadline
inline Async<Result<void, TimeoutError>> wait_with_deadline(const AsyncEvent& event, std::optional<Instant> deadline) {
    if (deadline) {
        auto wait_remaining = [&]() -> std::optional<std::chrono::nanoseconds> {
            if (event.is_set()) {
                return std::nullopt;
            }
            auto now = std::chrono::steady_clock::now();
            if (*deadline <= now) {
                return std::nullopt;
            }
            return std::chrono::duration_cast<std::chrono::nanoseconds>(*deadline - now);
        };

        while (auto remaining = wait_remaining()) {
            if (co_await WaitOrSleep{event.wait(), kimojio::sleep(*remaining)}) {
                co_return Result<void, TimeoutError>(Err{TimeoutError::Canceled});
            }
        }

        if (event.is_set()) {
            co_return Result<void, TimeoutError>(ok());
        }
        co_return Result<void, TimeoutError>(Err{TimeoutError::Timeout});
    } else {
        auto waited = co_await event.wait();
        if (waited.is_err()) {
            co_return Result<void, TimeoutError>(Err{TimeoutError::Canceled});
        }
        co_return Result<void, TimeoutError>(ok());
    }
}

}  // namespace detail

template <class T>
class SenderOneshot;
template <class T>
class ReceiverOneshot;
template <class T>
class OneshotChannel;

// A oneshot channel for sending a single value between tasks.
// async_oneshot.rs:8-16 oneshot
template <class T>
std::pair<SenderOneshot<T>, ReceiverOneshot<T>> oneshot() {
    auto inner = Rc<OneshotChannel<T>>::make();
    return {SenderOneshot<T>(inner), ReceiverOneshot<T>(std::move(inner))};
}

// Move-only; a moved-from (or used) sender holds no channel.
// async_oneshot.rs:18-20 SenderOneshot
template <class T>
class SenderOneshot {
public:
    explicit SenderOneshot(Rc<OneshotChannel<T>> inner) : inner(std::move(inner)) {}
    SenderOneshot(SenderOneshot&& other) noexcept : inner(std::exchange(other.inner, std::nullopt)) {}
    SenderOneshot& operator=(SenderOneshot&& other) noexcept {
        if (this != &other) {
            drop();
            inner = std::exchange(other.inner, std::nullopt);
        }
        return *this;
    }

    // Sends a value to the channel and closes this side (Rust: consumes self).
    // Returns the value as an error if the channel is closed; the channel is
    // closed when the receiver is dropped.
    // # Panics
    // Throws kimojio::Panic on a sender that was moved from or already sent.
    // async_oneshot.rs:26-28 SenderOneshot::send
    Result<void, T> send(T value) {
        if (!inner) {
            throw Panic("kimojio: SenderOneshot::send on a moved-from or already used sender; a oneshot sends once");
        }
        Rc<OneshotChannel<T>> channel = std::move(*std::exchange(inner, std::nullopt));
        auto result = channel->send(std::move(value));
        channel->close();
        return result;
    }

    // async_oneshot.rs:32-34 SenderOneshot::drop
    ~SenderOneshot() { drop(); }

    // async_oneshot.rs:38-42 SenderOneshot::fmt
    friend std::ostream& operator<<(std::ostream& os, const SenderOneshot& s) {
        return os << "SenderOneshot { complete: " << (s.inner && (*s.inner)->has_value.is_set() ? "true" : "false") << " }";
    }

private:
    void drop() {
        if (inner) {
            (*inner)->close();
        }
    }
    std::optional<Rc<OneshotChannel<T>>> inner;
};

// Move-only; a moved-from (or used) receiver holds no channel.
// async_oneshot.rs:45-47 ReceiverOneshot
template <class T>
class ReceiverOneshot {
public:
    explicit ReceiverOneshot(Rc<OneshotChannel<T>> inner) : inner(std::move(inner)) {}
    ReceiverOneshot(ReceiverOneshot&& other) noexcept : inner(std::exchange(other.inner, std::nullopt)) {}
    ReceiverOneshot& operator=(ReceiverOneshot&& other) noexcept {
        if (this != &other) {
            drop();
            inner = std::exchange(other.inner, std::nullopt);
        }
        return *this;
    }

    // Receives the value, waiting if necessary. The result is ChannelError::Closed
    // when the sender is dropped without sending. Consumes the receiver (it is
    // moved into the returned coroutine, which closes the channel when done).
    // # Panics
    // Throws kimojio::Panic on a moved-from or already used receiver.
    // async_oneshot.rs:53-55 ReceiverOneshot::recv
    Async<Result<T, ChannelError>> recv() { return recv_owned(take()); }

    // As recv; if a deadline is given and no value arrives by then, the result is
    // ChannelError::Timeout.
    // async_oneshot.rs:62-64 ReceiverOneshot::recv_with_deadline
    Async<Result<T, ChannelError>> recv_with_deadline(std::optional<Instant> deadline) {
        return recv_with_deadline_owned(take(), deadline);
    }

    // Takes the value if there is one: Ok(nullopt) if none has been sent yet,
    // ChannelError::Closed if the sender is gone (or the value was taken).
    // async_oneshot.rs:69-71 ReceiverOneshot::try_recv
    Result<std::optional<T>, ChannelError> try_recv() const {
        if (!inner) {
            throw Panic("kimojio: ReceiverOneshot::try_recv on a moved-from or already used receiver");
        }
        return (*inner)->try_recv();
    }

    // async_oneshot.rs:75-77 ReceiverOneshot::drop
    ~ReceiverOneshot() { drop(); }

    // async_oneshot.rs:81-85 ReceiverOneshot::fmt
    friend std::ostream& operator<<(std::ostream& os, const ReceiverOneshot& r) {
        return os << "ReceiverOneshot { complete: " << (r.inner && (*r.inner)->has_value.is_set() ? "true" : "false")
                  << " }";
    }

private:
    ReceiverOneshot take() {
        if (!inner) {
            throw Panic("kimojio: ReceiverOneshot::recv on a moved-from or already used receiver; a oneshot receives once");
        }
        return ReceiverOneshot(std::move(*std::exchange(inner, std::nullopt)));
    }
    // The receiver lives in the coroutine frame, so the channel stays alive and
    // is closed when the coroutine ends (Rust: self dropped at the end of recv).
    static Async<Result<T, ChannelError>> recv_owned(ReceiverOneshot self) { co_return co_await (*self.inner)->recv(); }
    static Async<Result<T, ChannelError>> recv_with_deadline_owned(ReceiverOneshot self, std::optional<Instant> deadline) {
        co_return co_await (*self.inner)->recv_with_deadline(deadline);
    }
    void drop() {
        if (inner) {
            (*inner)->close();
        }
    }
    std::optional<Rc<OneshotChannel<T>>> inner;
};

// `closed: Cell<bool>` -> a mutable bool. Not copyable or movable (wait
// futures point at its event).
// async_oneshot.rs:88-92 OneshotChannel
template <class T>
class OneshotChannel : public RcCounted {
public:
    // async_oneshot.rs:95-101 OneshotChannel::new
    OneshotChannel() : value(std::nullopt) {}
    OneshotChannel(const OneshotChannel&) = delete;
    OneshotChannel& operator=(const OneshotChannel&) = delete;

    // async_oneshot.rs:103-110 OneshotChannel::send
    Result<void, T> send(T v) const {
        if (closed) {
            return Result<void, T>(Err{std::move(v)});
        }
        value.use_mut([&](std::optional<T>& slot) { slot = std::move(v); });
        has_value.set();
        return Result<void, T>(ok());
    }

    // async_oneshot.rs:112-119 OneshotChannel::recv
    Async<Result<T, ChannelError>> recv() const {
        for (;;) {
            auto got = try_recv();
            if (got.is_err()) {
                co_return Result<T, ChannelError>(Err{got.error()});
            }
            if (auto& v = got.value(); v) {
                co_return Result<T, ChannelError>(Ok{std::move(*v)});
            }
            auto waited = co_await has_value.wait();
            if (waited.is_err()) {
                co_return Result<T, ChannelError>(Err{channel_error_from(waited.error())});
            }
        }
    }

    // async_oneshot.rs:121-128 OneshotChannel::recv_with_deadline
    Async<Result<T, ChannelError>> recv_with_deadline(std::optional<Instant> deadline) const {
        for (;;) {
            auto got = try_recv();
            if (got.is_err()) {
                co_return Result<T, ChannelError>(Err{got.error()});
            }
            if (auto& v = got.value(); v) {
                co_return Result<T, ChannelError>(Ok{std::move(*v)});
            }
            auto waited = co_await detail::wait_with_deadline(has_value, deadline);
            if (waited.is_err()) {
                co_return Result<T, ChannelError>(Err{channel_error_from(waited.error())});
            }
        }
    }

    // async_oneshot.rs:130-138 OneshotChannel::try_recv
    Result<std::optional<T>, ChannelError> try_recv() const {
        std::optional<T> taken = value.use_mut([](std::optional<T>& slot) { return std::exchange(slot, std::nullopt); });
        if (taken) {
            return Result<std::optional<T>, ChannelError>(Ok{std::move(taken)});
        } else if (closed) {
            return Result<std::optional<T>, ChannelError>(Err{ChannelError::Closed});
        } else {
            return Result<std::optional<T>, ChannelError>(Ok{std::optional<T>()});
        }
    }

    // async_oneshot.rs:140-143 OneshotChannel::close
    void close() const {
        closed = true;
        has_value.set();
    }

    // Public (Rust: module-private fields) so the ends' Debug output can read has_value.
    MutInPlaceCell<std::optional<T>> value;
    AsyncEvent has_value;
    mutable bool closed = false;
};

}  // namespace kimojio
