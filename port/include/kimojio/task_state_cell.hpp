// Port of kimojio/src/task_state_cell.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
//
// TaskStateCell is a special case of RefCell for the very specific case of
// TaskState. To get good performance from the innermost loop of the runtime we
// can not afford the runtime refcounting of RefCell. This wrapper relies on the
// runtime code to very carefully make sure that the mutable borrow held by the
// main loop is suspended using into_inner any time that task code might need to
// mutably borrow task_state.
//
// TaskStateCell only enforces the invariant of a single borrow at a time in debug
// builds (KIMOJIO_DEBUG_ASSERTIONS). It is therefore imperative that unit test
// coverage exists to catch any violations of this invariant. Upstream measured a
// 7% regression in the 'parallel nop' bench with the check on in release builds.
#pragma once

#include <utility>

#include "kimojio/debug_assertions.hpp"
#include "kimojio/task.hpp"

namespace kimojio {

// task_state_cell.rs:20-24 TaskStateCell
class TaskStateCell {
public:
    // task_state_cell.rs:27-33 TaskStateCell::new
    explicit TaskStateCell(TaskState value) : cell_(std::move(value)) {}
    TaskStateCell(const TaskStateCell&) = delete;
    TaskStateCell& operator=(const TaskStateCell&) = delete;

    // Throws kimojio::Panic "TaskStateCell borrowed recursively" in debug builds
    // when a borrow is already live.
    // task_state_cell.rs:35-49 TaskStateCell::borrow_mut (part 1 of 2: declaration)
    TaskStateCellRef borrow_mut();

private:
    friend class TaskStateCellRef;
    TaskState cell_;
#if KIMOJIO_DEBUG_ASSERTIONS
    bool borrowed_ = false;
#endif
};

// The mutable borrow of a TaskStateCell. Move-only, like the Rust guard.
// task_state_cell.rs:52-55 TaskStateCellRef
class TaskStateCellRef {
public:
#if KIMOJIO_DEBUG_ASSERTIONS
    TaskStateCellRef(TaskStateCellRef&& other) noexcept
        : value_(std::exchange(other.value_, nullptr)), value_ref_(std::exchange(other.value_ref_, nullptr)) {}
    TaskStateCellRef& operator=(TaskStateCellRef&& other) noexcept {
        if (this != &other) {
            release();
            value_ = std::exchange(other.value_, nullptr);
            value_ref_ = std::exchange(other.value_ref_, nullptr);
        }
        return *this;
    }
    TaskStateCellRef(const TaskStateCellRef&) = delete;
    TaskStateCellRef& operator=(const TaskStateCellRef&) = delete;
    // task_state_cell.rs:79-81 TaskStateCellRef::drop (part 1 of 2: ~TaskStateCellRef)
    ~TaskStateCellRef() { release(); }
#else
    // As Rust (Drop only under cfg(debug_assertions)): with no flag to clear the guard is
    // two plain pointers, trivially moved and destroyed, so it is passed and returned in
    // registers (performance; PORTING.md "Performance deviations"). A moved-from guard
    // still points at the cell and still reads as borrowed.
    TaskStateCellRef(TaskStateCellRef&&) noexcept = default;
    TaskStateCellRef& operator=(TaskStateCellRef&&) noexcept = default;
    TaskStateCellRef(const TaskStateCellRef&) = delete;
    TaskStateCellRef& operator=(const TaskStateCellRef&) = delete;
    ~TaskStateCellRef() = default;
#endif

    // Ends the borrow and returns the cell, so it can be borrowed again later.
    // task_state_cell.rs:58-60 TaskStateCellRef::into_inner
    TaskStateCell& into_inner() && {
        TaskStateCell& cell = *value_;
        release();
        return cell;
    }

    // False once ended by into_inner (and, with debug assertions, once moved from).
    bool is_borrowed() const { return value_ != nullptr; }

    // A const borrow reads, as Rust's Deref (DerefMut needs the borrow itself mutable).
    // task_state_cell.rs:72-74 TaskStateCellRef::deref_mut
    TaskState* operator->() { return value_ref_; }
    TaskState& operator*() { return *value_ref_; }
    // task_state_cell.rs:66-68 TaskStateCellRef::deref
    const TaskState* operator->() const { return value_ref_; }
    const TaskState& operator*() const { return *value_ref_; }

private:
    friend class TaskStateCell;
    TaskStateCellRef(TaskStateCell& value, TaskState& value_ref) : value_(&value), value_ref_(&value_ref) {}
    // task_state_cell.rs:79-81 TaskStateCellRef::drop (part 2 of 2: release)
    void release() noexcept {
#if KIMOJIO_DEBUG_ASSERTIONS
        if (value_ != nullptr) {
            value_->borrowed_ = false;
        }
#endif
        value_ = nullptr;
        value_ref_ = nullptr;
    }
    TaskStateCell* value_;
    TaskState* value_ref_;
};

// task_state_cell.rs:35-49 TaskStateCell::borrow_mut (part 2 of 2: definition)
inline TaskStateCellRef TaskStateCell::borrow_mut() {
#if KIMOJIO_DEBUG_ASSERTIONS
    if (borrowed_) {
        throw Panic("TaskStateCell borrowed recursively");
    }
    borrowed_ = true;
#endif
    return TaskStateCellRef(*this, cell_);
}

namespace detail {
// This thread's TASK_STATE once built, else null. constinit: reading it is one TLS load,
// where the block-scope thread_local behind it costs a call and a guard check.
extern constinit thread_local TaskStateCell* this_thread_task_state;
}  // namespace detail

// task.rs:563-570 TaskState::get (part 2 of 2: definition)
inline TaskStateCellRef TaskState::get() {
    // SAFETY (Rust): tasks can not run after their thread is gone, so the
    // thread local lives as long as any borrow.
    if (TaskStateCell* cell = detail::this_thread_task_state) [[likely]] {
        return cell->borrow_mut();
    }
    return get_slow();
}

}  // namespace kimojio
