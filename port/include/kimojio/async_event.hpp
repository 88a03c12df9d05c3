// Port of kimojio/src/async_event.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f
// (lines 1-234 and 367-500; WaitData and WaitList, lines 235-366, are in kimojio/wait_list.hpp).
//
// AsyncEvent is used to suspend tasks until a condition occurs. It can be set or
// reset; waiting suspends the task until it is set. set() wakes all waiters,
// set_wake_one() / set_wake_n() wake some. Owner thread only (Rust: !Send, !Sync).
//
//   AsyncEvent e;
//   e.set();
//   co_await e.wait();
#pragma once

#include <cstdint>
#include <optional>

#include "kimojio/errors.hpp"
#include "kimojio/task.hpp"
#include "kimojio/task_state_cell.hpp"
#include "kimojio/wait_list.hpp"

namespace kimojio {

class WaitAsyncEventFuture;

// async_event.rs:44-47 AsyncEvent
class AsyncEvent {
public:
    // Creates a new AsyncEvent in the reset (unset) state.
    // async_event.rs:54-56 AsyncEvent::new
    AsyncEvent() = default;

    // Creates a new AsyncEvent with the specified initial state (Rust: with_state).
    // async_event.rs:59-64 AsyncEvent::with_state
    explicit AsyncEvent(bool state) : state(state) {}
    AsyncEvent(const AsyncEvent&) = delete;
    AsyncEvent& operator=(const AsyncEvent&) = delete;

    // set the state of the event to "set" and wake up all waiters (if any).
    // async_event.rs:67-70 AsyncEvent::set (part 1 of 2: declaration)
    void set() const;

    // Returns true if AsyncEvent is set, false if it is reset.
    // async_event.rs:73-75 AsyncEvent::is_set
    bool is_set() const { return state; }

    // Set the state of the event to "set" and wake up one waiter (if any).
    // If the woken waiter does not reset the event, others may keep waiting while
    // the event is set: when in doubt, use set().
    // async_event.rs:88-90 AsyncEvent::set_wake_one
    void set_wake_one() const { set_wake_n(1); }

    // Set the state of the event to "set" and wake up to at most `count` waiters.
    // async_event.rs:104-113 AsyncEvent::set_wake_n (part 1 of 2: declaration)
    void set_wake_n(std::size_t count) const;

    // Set the state of the event to "reset". This also wakes all waiters, which
    // re-check the state they wait for.
    // async_event.rs:117-120 AsyncEvent::reset (part 1 of 2: declaration)
    void reset() const;

    // Wait for the event to be set. Cancel safe.
    // async_event.rs:129-136 AsyncEvent::wait (part 1 of 2: declaration)
    WaitAsyncEventFuture wait() const;

    // Wait for the event to be reset.
    // async_event.rs:194-201 AsyncEvent::wait_reset (part 1 of 2: declaration)
    WaitAsyncEventFuture wait_reset() const;

    // Returns true if any tasks are waiting on this event.
    // async_event.rs:205-207 AsyncEvent::any_waiting
    bool any_waiting() const { return waiting_tasks.any_waiting(); }

private:
    friend struct AsyncEventSource;
    mutable bool state = false;
    WaitList waiting_tasks;
};

// async_event.rs:263-266 AsyncEventSource
struct AsyncEventSource {
    const AsyncEvent* event;
    bool expected_state;

    // async_event.rs:269-271 AsyncEventSource::is_complete
    bool is_complete() const { return event->state == expected_state; }
    // async_event.rs:273-275 AsyncEventSource::wake_all
    void wake_all() const { event->waiting_tasks.wake_all(); }
    // async_event.rs:277-281 AsyncEventSource::register
    void register_(const Rc<WaitData>& wait_data, std::uint16_t task_id, Uuid activity_id, std::uint32_t tag) const {
        event->waiting_tasks.register_(wait_data, task_id, activity_id, tag);
    }
    // async_event.rs:283-285 AsyncEventSource::unregister
    void unregister(const Rc<WaitData>& wait_data) const { event->waiting_tasks.unregister(wait_data); }
};

// async_event.rs:368-370 TaskSource
struct TaskSource {
    Rc<Task> task_;

    // async_event.rs:373-375 TaskSource::new
    explicit TaskSource(Rc<Task> task) : task_(std::move(task)) {}
    // async_event.rs:377-379 TaskSource::task
    Rc<Task> task() const { return task_; }

    // async_event.rs:383-385 TaskSource::is_complete
    bool is_complete() const { return task_->get_state() == TaskReadyState::Complete; }
    // async_event.rs:387-389 TaskSource::wake_all
    void wake_all() const { task_->joining_tasks.wake_all(); }
    // async_event.rs:391-395 TaskSource::register
    void register_(const Rc<WaitData>& wait_data, std::uint16_t task_id, Uuid activity_id, std::uint32_t tag) const {
        task_->joining_tasks.register_(wait_data, task_id, activity_id, tag);
    }
    // async_event.rs:397-399 TaskSource::unregister
    void unregister(const Rc<WaitData>& wait_data) const { task_->joining_tasks.unregister(wait_data); }
};

// async_event.rs:402-405 WaitFuture
template <WaitSource Source>
class WaitFuture {
public:
    // async_event.rs:408-413 WaitFuture::new
    explicit WaitFuture(Source source) : source_(std::move(source)) {}
    WaitFuture(WaitFuture&& other) noexcept
        : source_(std::exchange(other.source_, std::nullopt)), wait_data_(std::exchange(other.wait_data_, std::nullopt)) {}
    WaitFuture& operator=(WaitFuture&&) = delete;

    // async_event.rs:415-417 WaitFuture::source
    const Source* source() const { return source_ ? &*source_ : nullptr; }

    // async_event.rs:423-483 WaitFuture::poll
    Poll<Result<Source, CanceledError>> poll(Context& cx) {
        if (wait_data_ && (*wait_data_)->canceled) {
            (*wait_data_)->canceled = false;
            return Result<Source, CanceledError>(Err{CanceledError{}});
        }

        // Note: do not keep TaskState around when possibly calling wake below.
        Rc<Task> current_task = TaskState::get()->get_current_task();

        TaskReadyState current_task_state = current_task->get_state();
        if (current_task_state == TaskReadyState::Aborted) {
            // It is possible that the task is still in the waiting tasks list
            // because poll was called for a reason other than this task being
            // woken. To be on the safe side, we will wake all waiters.
            if (source_) {
                source_->wake_all();
            }
            throw TaskAborted();
        }

        if (source_) {
            if (source_->is_complete()) {
                Source source = std::move(*source_);
                source_.reset();
                return Result<Source, CanceledError>(Ok{std::move(source)});
            }
            // Location for this future is stable while it is polled: use source address as a tag
            auto tag = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(&*source_));
            if (wait_data_) {
                // reset waker in case future moved to another task
                (*wait_data_)->set_waker(cx);

                std::uint16_t task_id = (*wait_data_)->task_id;
                Uuid activity_id = (*wait_data_)->activity_id;
                source_->register_(*wait_data_, task_id, activity_id, tag);
                current_task->register_wait(*wait_data_);
            } else {
                std::uint16_t task_id = current_task->task_index;
                Uuid activity_id = current_task->activity_id;
                Rc<WaitData> new_wait_data =
                    Rc<WaitData>::make(activity_id, std::optional<Waker>(cx.waker()), task_id, tag);
                source_->register_(new_wait_data, task_id, activity_id, tag);
                current_task->register_wait(new_wait_data);
                wait_data_ = std::move(new_wait_data);
            }
            return Pending;
        }
        throw Panic("It is not valid to poll a completed task.");
    }

    // async_event.rs:487-489 WaitFuture::is_terminated
    bool is_terminated() const { return !source_.has_value(); }

    // async_event.rs:493-499 WaitFuture::drop
    ~WaitFuture() {
        if (wait_data_ && source_) {
            // Fix (upstream only unregisters): a wait that a wake took off the list and
            // that is dropped before its next poll would swallow that wake (a set_wake_one
            // of a lock or semaphore), leaving the others asleep on a complete source.
            // Pass it on; woken waiters that lose re-check and wait again.
            if (!(*wait_data_)->link.is_linked() && source_->is_complete()) {
                source_->wake_all();
            } else {
                source_->unregister(*wait_data_);
            }
        }
    }

private:
    std::optional<Source> source_;
    std::optional<Rc<WaitData>> wait_data_;
};

// async_event.rs:211-214 WaitAsyncEventFuture
class WaitAsyncEventFuture {
public:
    explicit WaitAsyncEventFuture(WaitFuture<AsyncEventSource> wait) : wait(std::move(wait)) {}

    // async_event.rs:220-226 WaitAsyncEventFuture::poll
    Poll<Result<void, CanceledError>> poll(Context& cx) {
        auto polled = wait.poll(cx);
        if (polled.is_pending()) {
            return Pending;
        }
        if (polled.value().is_ok()) {
            return Result<void, CanceledError>(ok());
        }
        return Result<void, CanceledError>(Err{CanceledError{}});
    }

    // async_event.rs:230-232 WaitAsyncEventFuture::is_terminated
    bool is_terminated() const { return wait.is_terminated(); }

private:
    WaitFuture<AsyncEventSource> wait;
};

// async_event.rs:129-136 AsyncEvent::wait (part 2 of 2: definition)
inline WaitAsyncEventFuture AsyncEvent::wait() const {
    return WaitAsyncEventFuture(WaitFuture<AsyncEventSource>(AsyncEventSource{this, true}));
}

// async_event.rs:194-201 AsyncEvent::wait_reset (part 2 of 2: definition)
inline WaitAsyncEventFuture AsyncEvent::wait_reset() const {
    return WaitAsyncEventFuture(WaitFuture<AsyncEventSource>(AsyncEventSource{this, false}));
}

}  // namespace kimojio
