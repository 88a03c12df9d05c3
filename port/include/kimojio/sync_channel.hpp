// Beyond upstream (no Rust counterpart): kimojio::sync::channel, a bounded
// multi-producer single-consumer queue whose senders may be on any thread
// (tokio::sync::mpsc's semantics). Upstream's kimojio async_channel is single-thread.
//
//   auto [tx, rx] = kimojio::sync::channel<int>(64);
//   std::thread([tx] { tx.send_blocking(1); }).detach();   // a plain thread
//   co_await tx.send(2);                                    // a task: waits for space
//   std::optional<int> v = co_await rx.recv();              // nullopt: closed and empty
//
// The shared state, guarded by one mutex except for one lock-free step (channel_credit.hpp:
// the receiver releases capacity per message without the mutex):
//
//   open --receiver close() or destroyed--> closed: every send fails with its value
//     |                                      back; buffered messages stay receivable
//     +--last sender destroyed----------> drained: recv returns the buffered
//                                          messages, then nullopt
// A sender that finds the queue full waits in a FIFO (a task by its waker, a plain
// thread by a condition variable). When recv frees a slot it moves the first waiter's
// message into the queue itself and completes that waiter: a wakeup cannot be lost
// to a waiter that is dropped, and no message is sent twice.
//
// The receiver takes every queued message in one lock into its own `taken` queue and
// returns them from there, lock-free; capacity is still released one message at a time,
// as recv returns each (ChannelCredit), so `capacity` means exactly what it says: sent and
// not yet received.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "kimojio/channel_credit.hpp"
#include "kimojio/current_waker.hpp"
#include "kimojio/result.hpp"
#include "kimojio/std_task.hpp"

namespace kimojio::sync {

// Why try_send did not queue the message; `value` is the message, handed back.
template <class T>
struct TrySendError {
    enum class Kind { Full, Closed };
    Kind kind;
    T value;
};

namespace detail {

template <class T>
struct ChannelState {
    // A sender waiting for space. Guarded by `mutex`; linked while `queued`.
    struct Waiter {
        std::optional<T> value;                  // moved into the queue by recv
        std::optional<Waker> waker;              // a task's, or
        std::condition_variable* cv = nullptr;   // a blocked thread's
        bool queued = false;
        bool sent = false;                       // recv took the value (else: closed)
    };

    explicit ChannelState(std::size_t capacity) : credit(capacity) {}

    // mutex held. True if a new message may enter now (no earlier sender waits).
    bool can_push_locked() { return waiters.empty() && credit.has_space_locked(); }

    // mutex held, after can_push_locked().
    void push_locked(T value) {
        buffer.push_back(std::move(value));
        credit.pushed_locked();
    }

    // mutex held. Queues a sender that found no space; returns the waker of a waiter
    // admitted at once because a recv freed a slot meanwhile (ChannelCredit's handshake;
    // the admitted waiter may be this one).
    std::optional<Waker> wait_locked(Waiter& waiter) {
        waiter.queued = true;
        waiters.push_back(&waiter);
        if (waiters.size() == 1 && credit.start_waiting_locked()) return admit_waiter_locked();
        return std::nullopt;
    }

    // mutex held. Unlinks a waiter that gives up (its future was destroyed).
    void withdraw_locked(Waiter& waiter) {
        std::erase(waiters, &waiter);
        waiter.queued = false;
        if (waiters.empty()) credit.stop_waiting_locked();
    }

    // mutex held. Completes the first waiting sender into the freed slot; returns the
    // waker to call once the mutex is released.
    std::optional<Waker> admit_waiter_locked() {
        if (waiters.empty() || !credit.has_space_locked()) {
            return std::nullopt;
        }
        Waiter* waiter = waiters.front();
        waiters.pop_front();
        if (waiters.empty()) credit.stop_waiting_locked();
        push_locked(std::move(*waiter->value));
        waiter->value.reset();
        waiter->sent = true;
        return finish_locked(*waiter);
    }

    // mutex held. Fails every waiting sender (their values stay with them).
    std::vector<Waker> close_locked() {
        closed = true;
        std::vector<Waker> wakers;
        while (!waiters.empty()) {
            Waiter* waiter = waiters.front();
            waiters.pop_front();
            if (auto waker = finish_locked(*waiter)) wakers.push_back(std::move(*waker));
        }
        credit.stop_waiting_locked();
        return wakers;
    }

    std::optional<Waker> finish_locked(Waiter& waiter) {
        waiter.queued = false;
        if (waiter.cv) {
            waiter.cv->notify_one();
            return std::nullopt;
        }
        return std::exchange(waiter.waker, std::nullopt);
    }

    // mutex held: the receiver's waker, taken to wake it after unlocking.
    std::optional<Waker> take_receiver_waker_locked() { return std::exchange(receiver_waker, std::nullopt); }

    std::mutex mutex;
    std::deque<T> buffer;              // sent, not yet taken by the receiver
    kimojio::detail::ChannelCredit credit;  // the capacity: sent and not yet received
    std::deque<Waiter*> waiters;       // FIFO of senders waiting for space
    std::size_t senders = 1;           // live Sender objects
    bool closed = false;               // receiver closed or destroyed
    std::optional<Waker> receiver_waker;
    // The receiver's own (its thread, no lock): messages taken from `buffer` in one
    // lock, older than everything in `buffer`, returned one per recv.
    std::deque<T> taken;
};

// A spin-wait hint to the CPU (any thread).
inline void cpu_pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

// Any thread: locks `mutex`, trying a few times first. Its critical sections are a few
// dozen instructions, so a contended sender gets it without sleeping in the kernel
// (std::mutex sleeps at once; Rust's std Mutex, under tokio, spins first too).
inline std::unique_lock<std::mutex> lock_spinning(std::mutex& mutex) {
    for (int i = 0; i < 64; ++i) {
        if (mutex.try_lock()) return std::unique_lock<std::mutex>(mutex, std::adopt_lock);
        cpu_pause();
    }
    return std::unique_lock<std::mutex>(mutex);
}

inline void wake_all(std::optional<Waker> one, std::vector<Waker> more = {}) {
    if (one) std::move(*one).wake();
    for (Waker& waker : more) std::move(waker).wake();
}

}  // namespace detail

template <class T>
class ChannelReceiver;

template <class T>
class ChannelSender {
    using State = detail::ChannelState<T>;

public:
    // Copies are further producers; the receiver sees the end once every copy is gone.
    ChannelSender(const ChannelSender& other) : state_(other.state_) {
        if (state_) {
            std::lock_guard lock(state_->mutex);
            state_->senders += 1;
        }
    }
    ChannelSender(ChannelSender&& other) noexcept = default;
    ChannelSender& operator=(ChannelSender other) noexcept {
        std::swap(state_, other.state_);
        return *this;
    }
    ~ChannelSender() {
        if (!state_) return;
        std::optional<Waker> receiver;
        {
            std::lock_guard lock(state_->mutex);
            if (--state_->senders == 0) receiver = state_->take_receiver_waker_locked();
        }
        detail::wake_all(std::move(receiver));
    }

    // The future of send(): Ok once the message is queued, Err(message) if the receiver
    // closed. Polled by a task (owner thread); throws TaskAborted in an aborted task.
    // Destroying it (also by an abort) withdraws the message unless a recv already
    // took it.
    class SendFuture {
    public:
        SendFuture(const SendFuture&) = delete;
        SendFuture& operator=(const SendFuture&) = delete;
        // Only before the first poll (a waiting future is linked by address).
        SendFuture(SendFuture&& other) : state_(other.state_) {
            if (other.waiter_.queued) {
                throw std::runtime_error("kimojio::sync::ChannelSender::SendFuture moved while waiting for space: await it where it is");
            }
            waiter_.value = std::move(other.waiter_.value);
            other.waiter_.value.reset();
            done_ = std::exchange(other.done_, true);
        }
        ~SendFuture() {
            std::lock_guard lock(state_->mutex);
            if (waiter_.queued) state_->withdraw_locked(waiter_);
        }

        Poll<Result<void, T>> poll(Context& cx) {
            throw_if_aborted("kimojio::sync::ChannelSender::send");
            std::optional<Waker> receiver;
            {
                auto lock = detail::lock_spinning(state_->mutex);
                if (done_) {
                    throw std::runtime_error("kimojio::sync::ChannelSender::SendFuture polled again after it completed");
                }
                if (waiter_.queued) {
                    waiter_.waker->clone_from(cx.waker());
                    return Pending;
                }
                if (waiter_.sent) {
                    done_ = true;
                    return Result<void, T>(ok());
                }
                if (state_->closed) {
                    done_ = true;
                    return Result<void, T>(Err{take_value()});
                }
                if (state_->can_push_locked()) {
                    state_->push_locked(take_value());
                    receiver = state_->take_receiver_waker_locked();
                    done_ = true;
                } else {
                    waiter_.waker.emplace(cx.waker());
                    std::optional<Waker> admitted = state_->wait_locked(waiter_);
                    if (!waiter_.sent) {
                        lock.unlock();
                        detail::wake_all(std::move(admitted));  // an earlier waiter got the slot
                        return Pending;
                    }
                    // This one got the slot at once (`admitted` is its own waker): done.
                    receiver = state_->take_receiver_waker_locked();
                    done_ = true;
                }
            }
            detail::wake_all(std::move(receiver));
            return Result<void, T>(ok());
        }

    private:
        friend class ChannelSender;
        SendFuture(std::shared_ptr<State> state, T value) : state_(std::move(state)) { waiter_.value.emplace(std::move(value)); }
        T take_value() {
            T value = std::move(*waiter_.value);
            waiter_.value.reset();
            return value;
        }
        std::shared_ptr<State> state_;
        typename State::Waiter waiter_;
        bool done_ = false;
    };

    // In a task: `co_await tx.send(v)` waits for space.
    SendFuture send(T value) const { return SendFuture(live("send"), std::move(value)); }

    // Any thread, never waits: Full or Closed hands the message back.
    Result<void, TrySendError<T>> try_send(T value) const {
        auto& state = *live("try_send");
        std::optional<Waker> receiver;
        {
            auto lock = detail::lock_spinning(state.mutex);
            if (state.closed) return Err{TrySendError<T>{TrySendError<T>::Kind::Closed, std::move(value)}};
            if (!state.can_push_locked()) {
                return Err{TrySendError<T>{TrySendError<T>::Kind::Full, std::move(value)}};
            }
            state.push_locked(std::move(value));
            receiver = state.take_receiver_waker_locked();
        }
        detail::wake_all(std::move(receiver));
        return ok();
    }

    // A plain thread (not a runtime's: that would block its loop; throws
    // std::runtime_error there). Blocks until the message is queued (Ok) or the
    // receiver closed (Err(message)).
    Result<void, T> send_blocking(T value) const {
        if (kimojio_thread_index() != NO_THREAD_INDEX) {
            throw std::runtime_error(
                "kimojio::sync::ChannelSender::send_blocking called on a kimojio runtime thread: it would block the "
                "loop; co_await send() there instead");
        }
        auto& state = *live("send_blocking");
        std::optional<std::condition_variable> cv;  // made only to wait
        typename State::Waiter waiter;
        std::optional<Waker> receiver;
        {
            auto lock = detail::lock_spinning(state.mutex);
            // Full: first wait a little, unlocked, for the receiver to free a slot (it
            // usually does within a microsecond); sleeping as a waiter costs both threads
            // a system call per message. The hint only says when to look again.
            for (int round = 0; round < 4 && !state.closed && !state.can_push_locked(); ++round) {
                std::size_t seen = state.credit.received_hint();
                lock.unlock();
                for (int i = 0; i < 64 && state.credit.received_hint() == seen; ++i) detail::cpu_pause();
                lock.lock();
            }
            if (state.closed) return Err{std::move(value)};
            if (state.can_push_locked()) {
                state.push_locked(std::move(value));
            } else {
                waiter.value.emplace(std::move(value));
                waiter.cv = &cv.emplace();
                if (std::optional<Waker> admitted = state.wait_locked(waiter)) {
                    // An earlier waiter (a task) got the freed slot: wake it unlocked.
                    lock.unlock();
                    detail::wake_all(std::move(admitted));
                    lock.lock();
                }
                cv->wait(lock, [&] { return !waiter.queued; });
                if (!waiter.sent) return Err{std::move(*waiter.value)};
            }
            receiver = state.take_receiver_waker_locked();
        }
        detail::wake_all(std::move(receiver));
        return ok();
    }

    // Any thread. True once the receiver closed or was destroyed.
    bool is_closed() const {
        std::lock_guard lock(live("is_closed")->mutex);
        return state_->closed;
    }

private:
    template <class U>
    friend std::pair<ChannelSender<U>, ChannelReceiver<U>> channel(std::size_t capacity);
    explicit ChannelSender(std::shared_ptr<State> state) : state_(std::move(state)) {}
    const std::shared_ptr<State>& live(const char* what) const {
        if (!state_) {
            throw std::runtime_error(std::string("kimojio::sync::ChannelSender::") + what + ": this sender was moved from");
        }
        return state_;
    }
    std::shared_ptr<State> state_;
};

template <class T>
class ChannelReceiver {
    using State = detail::ChannelState<T>;

public:
    ChannelReceiver(ChannelReceiver&&) noexcept = default;
    ChannelReceiver& operator=(ChannelReceiver&& other) noexcept {
        if (this != &other) {
            drop();
            state_ = std::move(other.state_);
        }
        return *this;
    }
    // Closes the channel and drops the messages still buffered (close() and drain them
    // first to keep them).
    ~ChannelReceiver() { drop(); }

    // The future of recv(): the next message, or nullopt once the channel is closed (or
    // every sender is gone) and empty. Owner thread of the receiving task.
    struct RecvFuture {
        ChannelReceiver* receiver;
        Poll<std::optional<T>> poll(Context& cx) {
            throw_if_aborted("kimojio::sync::ChannelReceiver::recv");
            return receiver->poll_recv(&cx);
        }
    };
    RecvFuture recv() { return RecvFuture{this}; }

    // Any thread with the receiver: a message if one is buffered; nullopt if empty
    // (is_finished() tells an empty open channel from the end).
    std::optional<T> try_recv() { return poll_recv(nullptr).take(); }

    // No sender may send any more; buffered messages stay receivable, waiting senders
    // get their messages back.
    void close() {
        std::vector<Waker> wakers;
        {
            std::lock_guard lock(live("close").mutex);
            wakers = state_->close_locked();
        }
        detail::wake_all(std::nullopt, std::move(wakers));
    }

    // True when nothing is buffered and nothing more can arrive.
    bool is_finished() {
        auto& state = live("is_finished");
        std::lock_guard lock(state.mutex);
        return state.taken.empty() && state.buffer.empty() && (state.closed || state.senders == 0);
    }

private:
    template <class U>
    friend std::pair<ChannelSender<U>, ChannelReceiver<U>> channel(std::size_t capacity);
    explicit ChannelReceiver(std::shared_ptr<State> state) : state_(std::move(state)) {}

    State& live(const char* what) {
        if (!state_) {
            throw std::runtime_error(std::string("kimojio::sync::ChannelReceiver::") + what + ": this receiver was moved from");
        }
        return *state_;
    }

    // cx null: try_recv (never Pending; an empty channel gives Ready(nullopt)).
    // Locks only when `taken` is empty (then takes the whole buffer) or a sender waits.
    Poll<std::optional<T>> poll_recv(Context* cx) {
        auto& state = live("recv");
        if (state.taken.empty()) {
            auto lock = detail::lock_spinning(state.mutex);
            if (state.buffer.empty()) {
                if (cx && !state.closed && state.senders > 0) {
                    if (state.receiver_waker) {
                        state.receiver_waker->clone_from(cx->waker());
                    } else {
                        state.receiver_waker.emplace(cx->waker());
                    }
                    return Pending;
                }
                return std::optional<T>();
            }
            state.taken.swap(state.buffer);
        }
        std::optional<T> message(std::move(state.taken.front()));
        state.taken.pop_front();
        if (state.credit.release_one()) {
            std::optional<Waker> sender;
            {
                auto lock = detail::lock_spinning(state.mutex);
                sender = state.admit_waiter_locked();
            }
            detail::wake_all(std::move(sender));
        }
        return message;
    }

    void drop() noexcept {
        if (!state_) return;
        std::vector<Waker> wakers;
        std::deque<T> dropped;
        {
            std::lock_guard lock(state_->mutex);
            wakers = state_->close_locked();
            dropped.swap(state_->buffer);
            state_->receiver_waker.reset();
        }
        state_->taken.clear();
        state_.reset();
        detail::wake_all(std::nullopt, std::move(wakers));
    }

    std::shared_ptr<State> state_;
};

// A connected sender and receiver; `capacity` >= 1 messages are buffered before a send
// waits. Throws std::invalid_argument for capacity 0.
template <class T>
std::pair<ChannelSender<T>, ChannelReceiver<T>> channel(std::size_t capacity) {
    if (capacity == 0) {
        throw std::invalid_argument("kimojio::sync::channel: capacity must be at least 1");
    }
    auto state = std::make_shared<detail::ChannelState<T>>(capacity);
    return {ChannelSender<T>(state), ChannelReceiver<T>(state)};
}

}  // namespace kimojio::sync
