// Beyond upstream (no Rust counterpart): kimojio::sync::oneshot, a one-value channel
// whose sender any thread may complete (tokio::sync::oneshot's semantics). Upstream's
// kimojio::oneshot (async_oneshot.hpp) is the single-thread one.
//
//   auto [sender, receiver] = kimojio::sync::oneshot<int>();
//   std::thread([s = std::move(sender)]() mutable { s.send(42); }).detach();
//   int v = co_await receiver;   // in a task; rethrows what set_exception stored
//
// The shared state (guarded by one mutex; no lock-free step):
//
//   Empty --send(v)-----------> Value  --receiver polls--> Taken (returns v)
//     |  --set_exception(e)---> Error  --receiver polls--> Taken (rethrows e)
//     +--~OneshotSender unsent-> SenderDropped --receiver polls--> throws RecvError
//   ~OneshotReceiver in any state: later send / set_exception hand the value back.
#pragma once

#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

#include "kimojio/current_waker.hpp"
#include "kimojio/result.hpp"
#include "kimojio/std_task.hpp"

namespace kimojio::sync {

// The receiver's error when the sender was destroyed without sending.
class RecvError : public std::runtime_error {
public:
    RecvError()
        : std::runtime_error(
              "kimojio::sync::oneshot: the sender was destroyed without sending a value or an exception") {}
};

// Using a oneshot end again after it was used up (a second send, a second receive).
class OneshotUsedError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

namespace detail {
template <class T>
struct OneshotState {
    enum class Phase : std::uint8_t { Empty, Value, Error, SenderDropped, Taken };
    std::mutex mutex;
    Phase phase = Phase::Empty;
    std::optional<T> value;
    std::exception_ptr error;
    bool receiver_alive = true;
    std::optional<Waker> waker;  // the receiving task's, while it waits
};
}  // namespace detail

template <class T>
class OneshotReceiver;

template <class T>
class OneshotSender {
public:
    OneshotSender(OneshotSender&&) noexcept = default;
    OneshotSender& operator=(OneshotSender&& other) noexcept {
        if (this != &other) {
            drop();
            state_ = std::move(other.state_);
        }
        return *this;
    }
    ~OneshotSender() { drop(); }

    // Any thread, once. Ok if the receiver will get `value`; Err(value) if the receiver
    // is gone. Throws OneshotUsedError on a second call (or after set_exception).
    Result<void, T> send(T value) {
        auto state = take("send");
        std::optional<Waker> waker;
        {
            std::lock_guard lock(state->mutex);
            if (!state->receiver_alive) {
                return Err{std::move(value)};
            }
            state->value.emplace(std::move(value));
            state->phase = detail::OneshotState<T>::Phase::Value;
            waker = std::exchange(state->waker, std::nullopt);
        }
        if (waker) {
            std::move(*waker).wake();
        }
        return ok();
    }

    // Any thread, once: the receiver rethrows `error`. False if the receiver is gone.
    bool set_exception(std::exception_ptr error) {
        auto state = take("set_exception");
        return finish(*state, detail::OneshotState<T>::Phase::Error, std::move(error));
    }

    // Any thread. True once the receiver was destroyed (a send would come back).
    bool is_closed() const {
        if (!state_) {
            return true;
        }
        std::lock_guard lock(state_->mutex);
        return !state_->receiver_alive;
    }

private:
    template <class U>
    friend std::pair<OneshotSender<U>, OneshotReceiver<U>> oneshot();
    explicit OneshotSender(std::shared_ptr<detail::OneshotState<T>> state) : state_(std::move(state)) {}

    std::shared_ptr<detail::OneshotState<T>> take(const char* what) {
        if (!state_) {
            throw OneshotUsedError(std::string("kimojio::sync::OneshotSender::") + what +
                                   ": this sender was already used (or moved from); a oneshot carries one value");
        }
        return std::move(state_);
    }

    static bool finish(detail::OneshotState<T>& state, typename detail::OneshotState<T>::Phase phase,
                       std::exception_ptr error) {
        std::optional<Waker> waker;
        {
            std::lock_guard lock(state.mutex);
            if (!state.receiver_alive) {
                return false;
            }
            state.error = std::move(error);
            state.phase = phase;
            waker = std::exchange(state.waker, std::nullopt);
        }
        if (waker) {
            std::move(*waker).wake();
        }
        return true;
    }

    void drop() noexcept {
        if (auto state = std::move(state_)) {
            finish(*state, detail::OneshotState<T>::Phase::SenderDropped, nullptr);
        }
    }

    std::shared_ptr<detail::OneshotState<T>> state_;
};

template <class T>
class OneshotReceiver {
public:
    OneshotReceiver(OneshotReceiver&&) noexcept = default;
    OneshotReceiver& operator=(OneshotReceiver&& other) noexcept {
        if (this != &other) {
            drop();
            state_ = std::move(other.state_);
        }
        return *this;
    }
    ~OneshotReceiver() { drop(); }

    // The owner thread of the awaiting task (`co_await receiver`). Ready with the value;
    // rethrows the sender's exception; throws RecvError if the sender was destroyed
    // unsent, TaskAborted in an aborted task, OneshotUsedError after the value was taken.
    Poll<T> poll(Context& cx) {
        throw_if_aborted("kimojio::sync::OneshotReceiver");
        auto& state = live("receive");
        std::lock_guard lock(state.mutex);
        if (state.phase == detail::OneshotState<T>::Phase::Empty) {
            if (!state.waker) {
                state.waker.emplace(cx.waker());
            } else {
                state.waker->clone_from(cx.waker());
            }
            return Pending;
        }
        return take_locked(state);
    }

    // Any thread. The value if it arrived (nullopt if not yet); rethrows / throws as poll.
    std::optional<T> try_recv() {
        auto& state = live("try_recv");
        std::lock_guard lock(state.mutex);
        if (state.phase == detail::OneshotState<T>::Phase::Empty) {
            return std::nullopt;
        }
        return take_locked(state);
    }

private:
    template <class U>
    friend std::pair<OneshotSender<U>, OneshotReceiver<U>> oneshot();
    explicit OneshotReceiver(std::shared_ptr<detail::OneshotState<T>> state) : state_(std::move(state)) {}

    detail::OneshotState<T>& live(const char* what) {
        if (!state_) {
            throw OneshotUsedError(std::string("kimojio::sync::OneshotReceiver::") + what +
                                   ": this receiver was moved from");
        }
        return *state_;
    }

    // state.mutex held, phase not Empty.
    static T take_locked(detail::OneshotState<T>& state) {
        using Phase = typename detail::OneshotState<T>::Phase;
        Phase phase = std::exchange(state.phase, Phase::Taken);
        switch (phase) {
            case Phase::Value: {
                T value = std::move(*state.value);
                state.value.reset();
                return value;
            }
            case Phase::Error:
                std::rethrow_exception(std::exchange(state.error, nullptr));
            case Phase::SenderDropped:
                state.phase = Phase::SenderDropped;  // every later receive says the same
                throw RecvError();
            default:
                break;
        }
        throw OneshotUsedError("kimojio::sync::OneshotReceiver: the value was already received; a oneshot carries one value");
    }

    void drop() noexcept {
        if (auto state = std::move(state_)) {
            std::lock_guard lock(state->mutex);
            state->receiver_alive = false;
            state->waker.reset();
        }
    }

    std::shared_ptr<detail::OneshotState<T>> state_;
};

// A connected sender and receiver.
template <class T>
std::pair<OneshotSender<T>, OneshotReceiver<T>> oneshot() {
    auto state = std::make_shared<detail::OneshotState<T>>();
    return {OneshotSender<T>(state), OneshotReceiver<T>(state)};
}

}  // namespace kimojio::sync
