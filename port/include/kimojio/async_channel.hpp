// Port of kimojio/src/async_channel.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
//
// Channels between the tasks of one thread (Rust: Rc, !Send). Two kinds:
// - unbounded (async_channel_unbounded): send never waits; the channel closes
//   when the last SenderUnbounded is dropped or close() is called; messages
//   already queued can still be received after that.
// - rendezvous (async_channel): one message in flight; send waits until the
//   previous one was received; dropping the Receiver closes the channel.
// Senders are copyable (Rust: Clone), receivers move-only. A moved-from end
// holds no channel; using it throws kimojio::Panic. A pending recv/send keeps
// the channel alive, so an end may be destroyed while its future is pending.
//
//   auto [tx, rx] = kimojio::async_channel_unbounded<int>();
//   tx.send(1).value();
//   int v = (co_await rx.recv()).value();
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

#include "kimojio/async.hpp"
#include "kimojio/async_event.hpp"
#include "kimojio/async_oneshot.hpp"
#include "kimojio/errors.hpp"
#include "kimojio/mut_in_place_cell.hpp"
#include "kimojio/panic.hpp"
#include "kimojio/rc.hpp"
#include "kimojio/result.hpp"
#include "kimojio/vec_deque.hpp"

namespace kimojio {

template <class T>
class SenderUnbounded;
template <class T>
class ReceiverUnbounded;
template <class T>
class AsyncChannelUnbounded;
template <class T>
class Sender;
template <class T>
class Receiver;
template <class T>
class AsyncChannel;
namespace send_error {
template <class T>
struct ChannelClosed;
template <class T>
struct ChannelFull;
}  // namespace send_error
template <class T>
using SendError = std::variant<send_error::ChannelClosed<T>, send_error::ChannelFull<T>>;

namespace detail {
// The channel of a sender or receiver; throws on a moved-from end.
template <class C>
const Rc<C>& channel_of(const std::optional<Rc<C>>& inner, const char* what) {
    if (!inner) {
        throw Panic(what);
    }
    return *inner;
}
}  // namespace detail

// Creates a new unbounded channel. Sending never blocks. The channel is closed
// when the last sender is dropped or by close().
// async_channel.rs:11-19 async_channel_unbounded
template <class T>
std::pair<SenderUnbounded<T>, ReceiverUnbounded<T>> async_channel_unbounded() {
    auto inner = Rc<AsyncChannelUnbounded<T>>::make();
    return {SenderUnbounded<T>(inner), ReceiverUnbounded<T>(std::move(inner))};
}

// As async_channel_unbounded, with room for `capacity` messages reserved up front.
// async_channel.rs:25-35 async_channel_unbounded_with_capacity
template <class T>
std::pair<SenderUnbounded<T>, ReceiverUnbounded<T>> async_channel_unbounded_with_capacity(std::size_t capacity) {
    auto inner = Rc<AsyncChannelUnbounded<T>>::make(capacity);
    return {SenderUnbounded<T>(inner), ReceiverUnbounded<T>(std::move(inner))};
}

// A sender for an unbounded channel. Copies count as senders (Rust: Clone); the
// channel closes when the last one is destroyed.
// async_channel.rs:40-42 SenderUnbounded
template <class T>
class SenderUnbounded {
public:
    // Sends a message. Never blocks; returns the message as the error if the
    // channel was closed by dropping every sender.
    // async_channel.rs:47-49 SenderUnbounded::send
    Result<void, T> send(T message) const { return channel()->send(std::move(message)); }

    // Closes the channel: receivers get ChannelError::Closed once the queued
    // messages are taken.
    // async_channel.rs:53-55 SenderUnbounded::close
    void close() const { channel()->close(); }

    // Returns true if the channel is empty.
    // async_channel.rs:58-60 SenderUnbounded::is_empty
    bool is_empty() const { return channel()->is_empty(); }

    // Returns the number of messages in the channel.
    // async_channel.rs:63-65 SenderUnbounded::len
    std::size_t len() const { return channel()->len(); }

    // async_channel.rs:69-73 SenderUnbounded::clone
    SenderUnbounded(const SenderUnbounded& other) : inner(other.inner) {
        if (inner) {
            (*inner)->increment_sender_count();
        }
    }
    SenderUnbounded& operator=(const SenderUnbounded& other) {
        if (this != &other) {
            SenderUnbounded copy(other);
            *this = std::move(copy);
        }
        return *this;
    }
    SenderUnbounded(SenderUnbounded&& other) noexcept : inner(std::exchange(other.inner, std::nullopt)) {}
    SenderUnbounded& operator=(SenderUnbounded&& other) noexcept {
        if (this != &other) {
            drop();
            inner = std::exchange(other.inner, std::nullopt);
        }
        return *this;
    }

    // async_channel.rs:77-79 SenderUnbounded::drop
    ~SenderUnbounded() { drop(); }

private:
    friend std::pair<SenderUnbounded<T>, ReceiverUnbounded<T>> async_channel_unbounded<T>();
    friend std::pair<SenderUnbounded<T>, ReceiverUnbounded<T>> async_channel_unbounded_with_capacity<T>(std::size_t);
    explicit SenderUnbounded(Rc<AsyncChannelUnbounded<T>> inner) : inner(std::move(inner)) {}
    const Rc<AsyncChannelUnbounded<T>>& channel() const {
        return detail::channel_of(inner, "kimojio: SenderUnbounded used after it was moved from");
    }
    void drop() {
        if (inner) {
            (*std::exchange(inner, std::nullopt))->decrement_sender_count();
        }
    }
    std::optional<Rc<AsyncChannelUnbounded<T>>> inner;
};

// A receiver for an unbounded channel. Move-only (Rust: not Clone); dropping
// it does not close the channel (as in Rust).
// async_channel.rs:83-85 ReceiverUnbounded
template <class T>
class ReceiverUnbounded {
public:
    ReceiverUnbounded(ReceiverUnbounded&& other) noexcept : inner(std::exchange(other.inner, std::nullopt)) {}
    ReceiverUnbounded& operator=(ReceiverUnbounded&& other) noexcept {
        inner = std::exchange(other.inner, std::nullopt);
        return *this;
    }

    // Takes a message without waiting: Ok(nullopt) if there is none,
    // ChannelError::Closed if the channel is closed and empty.
    // async_channel.rs:90-92 ReceiverUnbounded::try_recv
    Result<std::optional<T>, ChannelError> try_recv() const { return channel()->try_recv(); }

    // Receives a message, waiting until one is available or the channel is closed.
    // async_channel.rs:96-98 ReceiverUnbounded::recv
    Async<Result<T, ChannelError>> recv() const { return recv_owned(channel(), std::nullopt); }

    // As recv; ChannelError::Timeout if the deadline passes first.
    // async_channel.rs:102-104 ReceiverUnbounded::recv_with_deadline
    Async<Result<T, ChannelError>> recv_with_deadline(std::optional<Instant> deadline) const {
        return recv_owned(channel(), deadline);
    }

private:
    friend std::pair<SenderUnbounded<T>, ReceiverUnbounded<T>> async_channel_unbounded<T>();
    friend std::pair<SenderUnbounded<T>, ReceiverUnbounded<T>> async_channel_unbounded_with_capacity<T>(std::size_t);
    explicit ReceiverUnbounded(Rc<AsyncChannelUnbounded<T>> inner) : inner(std::move(inner)) {}
    const Rc<AsyncChannelUnbounded<T>>& channel() const {
        return detail::channel_of(inner, "kimojio: ReceiverUnbounded used after it was moved from");
    }
    // The coroutine owns a reference (Rust borrows `&self` for the whole future).
    static Async<Result<T, ChannelError>> recv_owned(Rc<AsyncChannelUnbounded<T>> inner, std::optional<Instant> deadline) {
        co_return co_await inner->recv(deadline);
    }
    std::optional<Rc<AsyncChannelUnbounded<T>>> inner;
};

// Rust's VecDeque is kimojio::VecDeque, which can reserve; a T whose move may throw keeps
// std::deque (VecDeque needs a nothrow move), and then the capacity hint is unused.
// async_channel.rs:107-110 ChannelQueue
template <class T>
struct ChannelQueue {
    using Items = std::conditional_t<std::is_nothrow_move_constructible_v<T>, VecDeque<T>, std::deque<T>>;
    Items items;
    bool closed;
};

// Not copyable or movable (waiters point at its event).
// async_channel.rs:112-116 AsyncChannelUnbounded
template <class T>
class AsyncChannelUnbounded : public RcCounted {
public:
    // async_channel.rs:122-124 AsyncChannelUnbounded::new
    // async_channel.rs:205-207 AsyncChannelUnbounded::default
    AsyncChannelUnbounded() : AsyncChannelUnbounded(0) {}
    AsyncChannelUnbounded(const AsyncChannelUnbounded&) = delete;
    AsyncChannelUnbounded& operator=(const AsyncChannelUnbounded&) = delete;

    // Reserves room for `capacity` messages (Rust: VecDeque::with_capacity).
    // async_channel.rs:126-135 AsyncChannelUnbounded::with_capacity (part 1 of 2: AsyncChannelUnbounded)
    explicit AsyncChannelUnbounded(std::size_t capacity)
        : queue(ChannelQueue<T>{items_with_capacity(capacity), false}), has_items(), sender_count(1) {}

    // async_channel.rs:137-141 AsyncChannelUnbounded::send
    Result<void, T> send(T message) const {
        auto pushed = push_back(std::move(message));
        if (pushed.is_err()) {
            return pushed;
        }
        has_items.set();
        return Result<void, T>(ok());
    }

    // async_channel.rs:143-145 AsyncChannelUnbounded::is_empty
    bool is_empty() const {
        return queue.use_mut([](ChannelQueue<T>& queue) { return queue.items.empty(); });
    }

    // async_channel.rs:147-149 AsyncChannelUnbounded::len
    std::size_t len() const {
        return queue.use_mut([](ChannelQueue<T>& queue) { return queue.items.size(); });
    }

    // async_channel.rs:151-153 AsyncChannelUnbounded::try_recv
    Result<std::optional<T>, ChannelError> try_recv() const { return pop_front(); }

    // async_channel.rs:155-163 AsyncChannelUnbounded::recv
    Async<Result<T, ChannelError>> recv(std::optional<Instant> deadline) const {
        for (;;) {
            auto popped = pop_front();
            if (popped.is_err()) {
                co_return Result<T, ChannelError>(Err{popped.error()});
            }
            if (auto& value = popped.value(); value) {
                co_return Result<T, ChannelError>(Ok{std::move(*value)});
            }

            auto waited = co_await detail::wait_with_deadline(has_items, deadline);
            if (waited.is_err()) {
                co_return Result<T, ChannelError>(Err{channel_error_from(waited.error())});
            }
        }
    }

    // async_channel.rs:165-168 AsyncChannelUnbounded::close
    void close() const {
        queue.use_mut([](ChannelQueue<T>& queue) { queue.closed = true; });
        has_items.set();
    }

    // async_channel.rs:170-175 AsyncChannelUnbounded::push_back
    Result<void, T> push_back(T message) const {
        return queue.use_mut([&](ChannelQueue<T>& queue) {
            queue.items.push_back(std::move(message));
            return Result<void, T>(ok());
        });
    }

    // async_channel.rs:177-187 AsyncChannelUnbounded::pop_front
    Result<std::optional<T>, ChannelError> pop_front() const {
        return queue.use_mut([&](ChannelQueue<T>& queue) {
            if (!queue.items.empty()) {
                T item = std::move(queue.items.front());
                queue.items.pop_front();
                return Result<std::optional<T>, ChannelError>(Ok{std::optional<T>(std::move(item))});
            } else if (queue.closed) {
                return Result<std::optional<T>, ChannelError>(Err{ChannelError::Closed});
            } else {
                has_items.reset();
                return Result<std::optional<T>, ChannelError>(Ok{std::optional<T>()});
            }
        });
    }

    // async_channel.rs:189-192 AsyncChannelUnbounded::increment_sender_count
    void increment_sender_count() const {
        std::size_t count = sender_count + 1;
        sender_count = count;
    }

    // async_channel.rs:194-201 AsyncChannelUnbounded::decrement_sender_count
    void decrement_sender_count() const {
        std::size_t count = sender_count - 1;
        sender_count = count;

        if (count == 0) {
            close();
        }
    }

private:
    // async_channel.rs:126-135 AsyncChannelUnbounded::with_capacity (part 2 of 2: items_with_capacity)
    static typename ChannelQueue<T>::Items items_with_capacity(std::size_t capacity) {
        typename ChannelQueue<T>::Items items;
        if constexpr (requires { items.reserve(capacity); }) items.reserve(capacity);
        return items;
    }

    MutInPlaceCell<ChannelQueue<T>> queue;
    AsyncEvent has_items;
    mutable std::size_t sender_count;
};

// Creates a new rendezvous channel: no buffering, so a send waits while the
// previous message has not been received. The channel is closed when the last
// sender or the receiver is dropped.
// async_channel.rs:216-224 async_channel
template <class T>
std::pair<Sender<T>, Receiver<T>> async_channel() {
    auto inner = Rc<AsyncChannel<T>>::make();
    return {Sender<T>(inner), Receiver<T>(std::move(inner))};
}

// A sender for a rendezvous channel. Copies count as senders (Rust: Clone).
// async_channel.rs:228-230 Sender
template <class T>
class Sender {
public:
    // Sends a message, waiting until the previous message has been received:
    // only one message is in flight at a time. Returns the message as the
    // error if the channel is closed or the wait is canceled.
    // async_channel.rs:237-239 Sender::send
    Async<Result<void, T>> send(T message) const { return send_owned(channel(), std::move(message)); }

    // Sends without waiting: SendError ChannelFull or ChannelClosed give the message back.
    // async_channel.rs:241-243 Sender::try_send
    Result<void, SendError<T>> try_send(T message) const { return channel()->try_send(std::move(message)); }

    // async_channel.rs:247-251 Sender::clone
    Sender(const Sender& other) : inner(other.inner) {
        if (inner) {
            (*inner)->increment_sender_count();
        }
    }
    Sender& operator=(const Sender& other) {
        if (this != &other) {
            Sender copy(other);
            *this = std::move(copy);
        }
        return *this;
    }
    Sender(Sender&& other) noexcept : inner(std::exchange(other.inner, std::nullopt)) {}
    Sender& operator=(Sender&& other) noexcept {
        if (this != &other) {
            drop();
            inner = std::exchange(other.inner, std::nullopt);
        }
        return *this;
    }

    // async_channel.rs:255-257 Sender::drop
    ~Sender() { drop(); }

private:
    friend std::pair<Sender<T>, Receiver<T>> async_channel<T>();
    explicit Sender(Rc<AsyncChannel<T>> inner) : inner(std::move(inner)) {}
    const Rc<AsyncChannel<T>>& channel() const {
        return detail::channel_of(inner, "kimojio: Sender used after it was moved from");
    }
    static Async<Result<void, T>> send_owned(Rc<AsyncChannel<T>> inner, T message) {
        co_return co_await inner->send(std::move(message));
    }
    void drop() {
        if (inner) {
            (*std::exchange(inner, std::nullopt))->decrement_sender_count();
        }
    }
    std::optional<Rc<AsyncChannel<T>>> inner;
};

// A receiver for a rendezvous channel. Move-only; destroying it closes the channel.
// async_channel.rs:261-263 Receiver
template <class T>
class Receiver {
public:
    Receiver(Receiver&& other) noexcept : inner(std::exchange(other.inner, std::nullopt)) {}
    Receiver& operator=(Receiver&& other) noexcept {
        if (this != &other) {
            drop();
            inner = std::exchange(other.inner, std::nullopt);
        }
        return *this;
    }

    // Takes a message without waiting: Ok(nullopt) if there is none,
    // ChannelError::Closed if the channel is closed and empty.
    // async_channel.rs:267-269 Receiver::try_recv
    Result<std::optional<T>, ChannelError> try_recv() const { return channel()->try_recv(); }

    // Receives a message, waiting until one is available or the channel is closed.
    // async_channel.rs:273-275 Receiver::recv
    Async<Result<T, ChannelError>> recv() const { return recv_owned(channel()); }

    // Receiver should not be copyable unless drop is updated to support that.
    // async_channel.rs:279 const_assert!(Receiver: !Clone)
    Receiver(const Receiver&) = delete;
    Receiver& operator=(const Receiver&) = delete;

    // async_channel.rs:282-284 Receiver::drop
    ~Receiver() { drop(); }

private:
    friend std::pair<Sender<T>, Receiver<T>> async_channel<T>();
    explicit Receiver(Rc<AsyncChannel<T>> inner) : inner(std::move(inner)) {}
    const Rc<AsyncChannel<T>>& channel() const {
        return detail::channel_of(inner, "kimojio: Receiver used after it was moved from");
    }
    static Async<Result<T, ChannelError>> recv_owned(Rc<AsyncChannel<T>> inner) { co_return co_await inner->recv(); }
    void drop() {
        if (inner) {
            (*std::exchange(inner, std::nullopt))->close();
        }
    }
    std::optional<Rc<AsyncChannel<T>>> inner;
};

// async_channel.rs:287-290 AsyncChannelValue
template <class T>
struct AsyncChannelValue {
    std::optional<T> value;
    bool closed;
};

// The error of try_send: the message comes back in either case. Rust enum with
// data -> std::variant of the structs in namespace send_error.
// async_channel.rs:302-305 SendError
namespace send_error {
// The receiver was dropped.
template <class T>
struct ChannelClosed {
    T value;
    friend bool operator==(const ChannelClosed&, const ChannelClosed&) = default;
};
// A message is already in flight.
template <class T>
struct ChannelFull {
    T value;
    friend bool operator==(const ChannelFull&, const ChannelFull&) = default;
};
// What value() of a Result holding a SendError throws (found by ADL).
template <class T>
[[noreturn]] void throw_error(const SendError<T>& e) {
    if (std::holds_alternative<ChannelClosed<T>>(e)) {
        throw std::system_error(EPIPE, std::generic_category(),
                                "kimojio: sending on a closed channel (the receiver was dropped)");
    }
    throw std::system_error(EAGAIN, std::generic_category(),
                            "kimojio: channel is full (the previous message was not received yet); use send() to wait");
}
}  // namespace send_error

// Not copyable or movable (waiters point at its event).
// async_channel.rs:292-296 AsyncChannel
template <class T>
class AsyncChannel : public RcCounted {
public:
    // async_channel.rs:308-317 AsyncChannel::new
    // async_channel.rs:395-397 AsyncChannel::default
    AsyncChannel() : item(AsyncChannelValue<T>{std::nullopt, false}), has_item(), sender_count(1) {}
    AsyncChannel(const AsyncChannel&) = delete;
    AsyncChannel& operator=(const AsyncChannel&) = delete;

    // async_channel.rs:319-332 AsyncChannel::send (part 1 of 2: send)
    Async<Result<void, T>> send(T message) const {
        for (;;) {
            auto sent = try_send(std::move(message));
            if (sent.is_ok()) {
                co_return Result<void, T>(ok());
            }
            SendError<T> error = std::move(sent).error();
            if (auto* full = std::get_if<send_error::ChannelFull<T>>(&error)) {
                message = std::move(full->value);
                // Rust waits for has_item.wait_reset(), which a closed channel never gives.
                WaitFuture<SpaceOrClosedSource> space(SpaceOrClosedSource{AsyncEventSource{&has_item, false}, this});
                auto waited = co_await space;
                if (waited.is_err()) {
                    co_return Result<void, T>(Err{std::move(message)});
                }
            } else {
                co_return Result<void, T>(Err{std::move(std::get<send_error::ChannelClosed<T>>(error).value)});
            }
        }
    }

    // async_channel.rs:334-349 AsyncChannel::try_send
    Result<void, SendError<T>> try_send(T message) const {
        auto stored = item.use_mut([&](AsyncChannelValue<T>& item) -> Result<void, SendError<T>> {
            if (!item.closed) {
                if (!item.value) {
                    item.value = std::move(message);
                    return Result<void, SendError<T>>(ok());
                } else {
                    return Result<void, SendError<T>>(Err{SendError<T>(send_error::ChannelFull<T>{std::move(message)})});
                }
            } else {
                return Result<void, SendError<T>>(Err{SendError<T>(send_error::ChannelClosed<T>{std::move(message)})});
            }
        });
        if (stored.is_err()) {
            return stored;
        }
        has_item.set();
        return Result<void, SendError<T>>(ok());
    }

    // async_channel.rs:351-362 AsyncChannel::try_recv
    Result<std::optional<T>, ChannelError> try_recv() const {
        return item.use_mut([&](AsyncChannelValue<T>& item) -> Result<std::optional<T>, ChannelError> {
            if (std::optional<T> value = std::exchange(item.value, std::nullopt)) {
                has_item.reset();
                return Result<std::optional<T>, ChannelError>(Ok{std::move(value)});
            } else if (!item.closed) {
                return Result<std::optional<T>, ChannelError>(Ok{std::optional<T>()});
            } else {
                return Result<std::optional<T>, ChannelError>(Err{ChannelError::Closed});
            }
        });
    }

    // async_channel.rs:364-372 AsyncChannel::recv
    Async<Result<T, ChannelError>> recv() const {
        for (;;) {
            auto got = try_recv();
            if (got.is_err()) {
                co_return Result<T, ChannelError>(Err{got.error()});
            }
            if (auto& value = got.value(); value) {
                co_return Result<T, ChannelError>(Ok{std::move(*value)});
            }

            auto waited = co_await has_item.wait();
            if (waited.is_err()) {
                co_return Result<T, ChannelError>(Err{channel_error_from(waited.error())});
            }
        }
    }

    // async_channel.rs:374-377 AsyncChannel::close
    void close() const {
        item.use_mut([](AsyncChannelValue<T>& item) { item.closed = true; });
        has_item.set();
    }

    // async_channel.rs:379-382 AsyncChannel::increment_sender_count
    void increment_sender_count() const {
        std::size_t count = sender_count + 1;
        sender_count = count;
    }

    // async_channel.rs:384-391 AsyncChannel::decrement_sender_count
    void decrement_sender_count() const {
        std::size_t count = sender_count - 1;
        sender_count = count;

        if (count == 0) {
            close();
        }
    }

private:
    // ---- Beyond upstream: what a blocked send waits for
    // The slot is empty (Rust: has_item reset) or the channel is closed (Rust
    // never wakes a send blocked on a full channel whose receiver is dropped).
    // async_channel.rs:319-332 AsyncChannel::send (part 2 of 2: SpaceOrClosedSource)
    struct SpaceOrClosedSource {
        AsyncEventSource reset;
        const AsyncChannel* channel;
        bool is_complete() const {
            return reset.is_complete() || channel->item.use_mut([](AsyncChannelValue<T>& item) { return item.closed; });
        }
        void wake_all() const { reset.wake_all(); }
        void register_(const Rc<WaitData>& wait_data, std::uint16_t task_id, Uuid activity_id, std::uint32_t tag) const {
            reset.register_(wait_data, task_id, activity_id, tag);
        }
        void unregister(const Rc<WaitData>& wait_data) const { reset.unregister(wait_data); }
    };
    // ---- End of beyond upstream

    MutInPlaceCell<AsyncChannelValue<T>> item;
    AsyncEvent has_item;
    mutable std::size_t sender_count;
};

}  // namespace kimojio
