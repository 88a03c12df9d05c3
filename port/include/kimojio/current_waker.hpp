// Beyond upstream (no Rust counterpart): the running task's waker as a value, and the
// one-line abort check for a user's own leaf future.
//
// A kimojio waker is (thread index, task index) packed in one word (index_waker.hpp):
// copy it to any thread, call wake() or wake_by_ref() there, drop it anywhere.
// Lifetime rules:
//  - after the task ended, a wake is a no-op; if a new task reuses its index, that task
//    is polled once more than it asked for (a spurious wake, which the Waker contract
//    allows: a correct future answers Pending again);
//  - after the runtime ended, a wake writes no descriptor: it marks a bit in the index's
//    pending set (kept for the process), which the next runtime with that index drops;
//  - atomic stores made before wake() are visible to the poll it causes; plain data
//    needs the caller's own release/acquire (see foreign_wake.hpp).
#pragma once

#include "kimojio/std_task.hpp"
#include "kimojio/foreign_wake.hpp"
#include "kimojio/index_waker.hpp"
#include "kimojio/task.hpp"
#include "kimojio/task_state_cell.hpp"

namespace kimojio {

// Resolves at once to a copy of the waker of the task that awaits it.
struct CurrentWakerFuture {
    Poll<Waker> poll(Context& cx) { return cx.waker(); }
};

// `Waker waker = co_await kimojio::current_waker();` inside a task.
inline CurrentWakerFuture current_waker() { return {}; }

// The one-word form of a kimojio waker, for kimojio/waker.h (C, Rust, other runtimes).
// Throws std::invalid_argument if `waker` is not a kimojio task's waker.
inline const void* waker_data(const Waker& waker) {
    if (waker.vtable() != &index_waker_vtable()) {
        throw std::invalid_argument("kimojio::waker_data: not a kimojio task's waker (get one with current_waker())");
    }
    return waker.data();
}

// Thrown by a sync primitive awaited where no kimojio task is running.
class NotInTask : public std::runtime_error {
public:
    explicit NotInTask(const char* what)
        : std::runtime_error(std::string(what) +
                             " was polled outside a kimojio task: co_await it inside a task run by a kimojio::Runtime") {}
};

// For a leaf future (one that stores cx.waker() and returns Pending): call it first in
// poll(). An aborted task is polled once more, and a leaf future that answers Pending
// then is never polled again: its task never ends and block_on never returns. This
// throws TaskAborted instead, which ends the task the way every kimojio operation does.
// Throws NotInTask when no kimojio task is being polled on this thread.
// Owner thread only (the thread whose runtime polls the future).
inline void throw_if_aborted(const char* what = "a leaf future") {
    if (kimojio_thread_index() == NO_THREAD_INDEX) {
        throw NotInTask(what);
    }
    TaskStateCellRef task_state = TaskState::get();
    if (!task_state->current_task) {
        throw NotInTask(what);
    }
    if ((*task_state->current_task)->get_state() == TaskReadyState::Aborted) {
        throw TaskAborted();
    }
}

}  // namespace kimojio
