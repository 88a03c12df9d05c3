// Port of kimojio/src/task_ref.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
// Waker implementation: the waker's data word is an Rc<Task> (a non-atomic count),
// so only the task's own thread may clone, wake or drop it. The runtime now uses the
// index waker (kimojio/index_waker.hpp); this one stays, in namespace rc_waker, as the
// baseline the benchmarks compare against.
#pragma once

#include "kimojio/rc.hpp"
#include "kimojio/std_task.hpp"

namespace kimojio {

class Task;
class TaskState;

namespace rc_waker {

// wake_task can be used when you already have a TaskState& reference. This avoids
// recursive TaskState::get() calls.
// task_ref.rs:12-19 wake_task (part 1 of 2: declaration)
void wake_task(TaskState& task_state, const Waker& waker);

// task_ref.rs:70-78 create_waker (part 1 of 2: declaration)
Waker create_waker(Rc<Task> task);

// The vtable behind create_waker, for identity checks (waker.vtable() == &task_ref_vtable()).
const RawWakerVTable& task_ref_vtable();

}  // namespace rc_waker
}  // namespace kimojio
