// Port of kimojio/src/task_ref.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
// The Rc<Task> waker: only the benchmark baseline now (bench/, self_wake rc); the runtime
// uses the Phase 1 index waker (index_waker.cpp).
#include "kimojio/task_ref.hpp"

#include "kimojio/task.hpp"
#include "kimojio/task_state_cell.hpp"

namespace kimojio::rc_waker {

namespace {
// task_ref.rs:51-61 clone_waker_task (part 1 of 2: declaration)
Rc<Task> clone_waker_task(const void* task);
// task_ref.rs:63-68 consume_waker_task (part 1 of 2: declaration)
Rc<Task> consume_waker_task(const void* task);
// task_ref.rs:21-49 VTABLE (part 1 of 2: declaration)
extern const RawWakerVTable VTABLE;
}  // namespace

// task_ref.rs:12-19 wake_task (part 2 of 2: definition)
void wake_task(TaskState& task_state, const Waker& waker) {
    if (waker.vtable() == &VTABLE) {
        Rc<Task> task = clone_waker_task(waker.data());
        task_state.schedule_io(std::move(task));
    } else {
        waker.wake_by_ref();
    }
}

namespace {
// task_ref.rs:21-49 VTABLE (part 2 of 2: definition)
constexpr RawWakerVTable VTABLE = {
    [](const void* task) -> RawWaker {
        // clone should create a copy of the waker with its own reference
        // count to the underlying task.
        Rc<Task> cloned = clone_waker_task(task);
        return RawWaker{Rc<Task>::into_raw(std::move(cloned)), &VTABLE};
    },
    [](const void* task) {
        // wake will only be called at most once. Its job is to put
        // the associated task into the ready queue. If wake is called
        // then drop will not be called. It is an optimization over
        // wake_by_ref followed by drop.
        Rc<Task> consumed = consume_waker_task(task);
        TaskStateCellRef task_state = TaskState::get();
        task_state->schedule_io(std::move(consumed));
    },
    [](const void* task) {
        // wake_by_ref can potentially be called multiple times.
        // It needs to make the task as ready by moving it to the
        // ready queue. drop or wake could still be called afterwards.
        Rc<Task> cloned = clone_waker_task(task);
        TaskStateCellRef task_state = TaskState::get();
        task_state->schedule_io(std::move(cloned));
    },
    [](const void* task) {
        // drop will only be called if wake isn't
        Rc<Task> released = consume_waker_task(task);
    },
};

// task_ref.rs:51-61 clone_waker_task (part 2 of 2: definition)
Rc<Task> clone_waker_task(const void* task) {
    auto* ptr = static_cast<const Task*>(task);
    // On exit the total reference count will be one greater than it was. This
    // indicates that the waker still owns its reference and the returned
    // Rc<Task> owns the new count.
    Rc<Task>::increment_strong_count(ptr);
    return Rc<Task>::from_raw(ptr);
}

// task_ref.rs:63-68 consume_waker_task (part 2 of 2: definition)
Rc<Task> consume_waker_task(const void* task) {
    auto* ptr = static_cast<const Task*>(task);
    // the waker will no longer own its reference so the refcount will not change.
    return Rc<Task>::from_raw(ptr);
}
}  // namespace

// task_ref.rs:70-78 create_waker (part 2 of 2: definition)
Waker create_waker(Rc<Task> task) {
    RawWaker raw{Rc<Task>::into_raw(std::move(task)), &VTABLE};
    // The waker contract: when a waker is woken, poll is guaranteed to
    // eventually be called on the related task.
    return Waker::from_raw(raw);
}

const RawWakerVTable& task_ref_vtable() { return VTABLE; }

}  // namespace kimojio::rc_waker
