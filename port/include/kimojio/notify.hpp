// Beyond upstream (no Rust counterpart): kimojio::sync::Notify, tokio::sync::Notify's
// semantics for kimojio tasks, notified from any thread.
//
//   auto notify = std::make_shared<kimojio::sync::Notify>();
//   std::thread([notify] { notify->notify_one(); }).detach();   // any thread
//   co_await notify->notified();                                 // in a task
//
// One Notified future (a waiter):
//
//   Idle --poll: permit or notify_waiters() since creation--------------> Done (Ready)
//     |
//     +--poll: nothing yet--> Queued --notify_one / notify_waiters--> Notified
//                               |  ^                                      |
//                               +--+ poll: still queued (waker updated)   +--poll--> Done (Ready)
//   Destroyed while Queued: leaves the queue. Destroyed while Notified by notify_one (not
//   yet Done): the notification is passed on to the next waiter, or stored as the permit,
//   so a notify_one is never lost to an aborted or dropped waiter.
//
// Every method takes one mutex (no lock-free step); wakers are called with it released.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "kimojio/current_waker.hpp"
#include "kimojio/std_task.hpp"

namespace kimojio::sync {

class Notify;

// The future of Notify::notified(). A queued waiter is linked by address; a move
// relinks it under the Notify's lock.
class Notified {
public:
    Notified(const Notified&) = delete;
    Notified& operator=(const Notified&) = delete;
    Notified& operator=(Notified&&) = delete;
    Notified(Notified&& other) noexcept;
    ~Notified();

    // The owner thread of the awaiting task. Ready once a permit, a notify_one or a
    // notify_waiters reached this waiter. Throws TaskAborted in an aborted task,
    // NotInTask outside a task, std::runtime_error when polled again after Ready.
    Poll<void> poll(Context& cx);

private:
    friend class Notify;
    enum class State : std::uint8_t { Idle, Queued, NotifiedOne, NotifiedAll, Done };
    Notified(Notify* notify, std::uint64_t notify_waiters_calls)
        : notify_(notify), notify_waiters_calls_(notify_waiters_calls) {}

    Notify* notify_;
    std::uint64_t notify_waiters_calls_;  // Notify's count when this waiter was created
    State state_ = State::Idle;
    std::optional<Waker> waker_;  // set while Queued
    Notified* prev_ = nullptr;    // the queue links, guarded by notify_->mutex_
    Notified* next_ = nullptr;
};

class Notify {
public:
    Notify() = default;
    // Waiters point at their Notify: it must outlive them (share it with std::shared_ptr).
    Notify(const Notify&) = delete;
    Notify& operator=(const Notify&) = delete;

    // Any thread. Wakes the waiter queued longest, or, if none is queued, stores the
    // permit (at most one) that the next notified() poll consumes.
    void notify_one() {
        std::optional<Waker> waker;
        {
            std::lock_guard lock(mutex_);
            waker = notify_one_locked();
        }
        if (waker) {
            std::move(*waker).wake();
        }
    }

    // Any thread. Wakes every waiter created before this call (polled or not); stores no
    // permit.
    void notify_waiters() {
        std::vector<Waker> wakers;
        {
            std::lock_guard lock(mutex_);
            notify_waiters_calls_ += 1;
            while (Notified* waiter = pop_front()) {
                waiter->state_ = Notified::State::NotifiedAll;
                wakers.push_back(std::move(*waiter->waker_));
                waiter->waker_.reset();
            }
        }
        for (Waker& waker : wakers) {
            std::move(waker).wake();
        }
    }

    // Any thread may create the future; it is polled by the task that awaits it.
    Notified notified() {
        std::lock_guard lock(mutex_);
        return Notified(this, notify_waiters_calls_);
    }

private:
    friend class Notified;

    // mutex_ held. The waker to call once the lock is released, if a waiter got it.
    std::optional<Waker> notify_one_locked() {
        if (Notified* waiter = pop_front()) {
            waiter->state_ = Notified::State::NotifiedOne;
            std::optional<Waker> waker = std::move(waiter->waker_);
            waiter->waker_.reset();
            return waker;
        }
        permit_ = true;
        return std::nullopt;
    }

    // mutex_ held.
    void push_back(Notified* waiter) {
        waiter->prev_ = tail_;
        waiter->next_ = nullptr;
        (tail_ ? tail_->next_ : head_) = waiter;
        tail_ = waiter;
    }
    Notified* pop_front() {
        Notified* waiter = head_;
        if (waiter) {
            unlink(waiter);
        }
        return waiter;
    }
    void unlink(Notified* waiter) {
        (waiter->prev_ ? waiter->prev_->next_ : head_) = waiter->next_;
        (waiter->next_ ? waiter->next_->prev_ : tail_) = waiter->prev_;
        waiter->prev_ = waiter->next_ = nullptr;
    }

    std::mutex mutex_;
    bool permit_ = false;
    std::uint64_t notify_waiters_calls_ = 0;
    Notified* head_ = nullptr;  // oldest queued waiter
    Notified* tail_ = nullptr;
};

inline Notified::Notified(Notified&& other) noexcept
    : notify_(other.notify_), notify_waiters_calls_(other.notify_waiters_calls_) {
    std::lock_guard lock(notify_->mutex_);
    state_ = std::exchange(other.state_, State::Done);
    waker_ = std::move(other.waker_);
    other.waker_.reset();
    if (state_ == State::Queued) {
        prev_ = other.prev_;
        next_ = other.next_;
        (prev_ ? prev_->next_ : notify_->head_) = this;
        (next_ ? next_->prev_ : notify_->tail_) = this;
        other.prev_ = other.next_ = nullptr;
    }
}

inline Notified::~Notified() {
    std::optional<Waker> passed_on;
    {
        std::lock_guard lock(notify_->mutex_);
        if (state_ == State::Queued) {
            notify_->unlink(this);
        } else if (state_ == State::NotifiedOne) {
            passed_on = notify_->notify_one_locked();
        }
    }
    if (passed_on) {
        std::move(*passed_on).wake();
    }
}

inline Poll<void> Notified::poll(Context& cx) {
    throw_if_aborted("kimojio::sync::Notified");
    std::lock_guard lock(notify_->mutex_);
    switch (state_) {
        case State::Idle:
            if (notify_->notify_waiters_calls_ != notify_waiters_calls_ || notify_->permit_) {
                if (notify_->notify_waiters_calls_ == notify_waiters_calls_) {
                    notify_->permit_ = false;
                }
                state_ = State::Done;
                return Ready;
            }
            waker_ = cx.waker();
            state_ = State::Queued;
            notify_->push_back(this);
            return Pending;
        case State::Queued:
            waker_->clone_from(cx.waker());
            return Pending;
        case State::NotifiedOne:
        case State::NotifiedAll:
            state_ = State::Done;
            return Ready;
        case State::Done:
            break;
    }
    throw std::runtime_error("kimojio::sync::Notified polled again after it completed: call notified() for a new waiter");
}

}  // namespace kimojio::sync
