// Port of kimojio/src/runtime.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
// The event loop: poll ready tasks, submit I/O, reap completions, wake tasks.
// Non-template bodies are in port/src/runtime.cpp, in the same order.
#pragma once

#include <cstdint>
#include <exception>
#include <optional>

#include "kimojio/configuration.hpp"
#include "kimojio/foreign_wake.hpp"
#include "kimojio/owned_fd.hpp"
#include "kimojio/runtime_handle.hpp"
#include "kimojio/spawn_blocking.hpp"
#include "kimojio/task.hpp"
#include "kimojio/task_state_cell.hpp"
#include "kimojio/timer.hpp"

namespace kimojio {

// runtime.rs:19-76 poll_task (part 1 of 2: declaration)
TaskStateCellRef poll_task(Rc<Task> task, TaskStateCellRef task_state);

// runtime.rs:78-85 RingEventTraceInfo
struct RingEventTraceInfo {
    std::uint64_t start_time;
    std::uint32_t ring_tag;
    std::uint64_t submissions;
    std::uint64_t in_flight_io;
    bool want;
    bool iopoll;
};

// runtime.rs:87-195 process_completions (part 1 of 2: declaration)
TaskStateCellRef process_completions(TaskStateCellRef task_state, RingEventTraceInfo trace_info);

// runtime.rs:197-224 submit_and_complete_io_all (part 1 of 2: declaration)
TaskStateCellRef submit_and_complete_io_all(TaskStateCellRef task_state, bool busy_poll);

// Submit new IOs to the kernel and wait for completion events to occur if
// there are no ready tasks to run in the meantime. This is called from the
// heart of the event loop to pass incoming IOs to the kernel and extract
// completed IOs from the kernel.
// runtime.rs:233-295 submit_and_complete_io (part 1 of 2: declaration)
TaskStateCellRef submit_and_complete_io(TaskStateCellRef task_state, bool busy_poll, bool iopoll);

// ---- Beyond upstream (no Rust counterpart): the Phase 2 foreign-wake path.
// Queue the read of the runtime's eventfd (owner thread).
void arm_foreign_wake_read(TaskState& task_state);

// Phase 2, the drain point of each loop iteration (after completions are processed,
// before the cohort is prepared): schedule every task a foreign thread woke, in
// ascending task index. Owner thread. Inline (performance): with no foreign wake pending
// it is one load (a wake published after it is found by the next turn's drain, as after
// ForeignWakeQueue::drain's own first test).
TaskStateCellRef drain_pending_foreign_wakes(TaskStateCellRef task_state);
inline TaskStateCellRef drain_foreign_wakes(TaskStateCellRef task_state) {
    ForeignWakeQueue* queue = task_state->foreign_wake_queue;
    if (queue != nullptr && queue->any_pending()) {
        return drain_pending_foreign_wakes(std::move(task_state));
    }
    return task_state;
}
// ---- End of the foreign-wake path.

// Adapted teardown of block_on (Rust: mem::take of the TaskState). See PORTING.md "teardown".
// Throws what teardown throws (Rust propagates the panic), with no borrow held.
// runtime.rs:328-411 Runtime::block_on (part 4 of 6: drop_all_tasks, the teardown, declaration)
void drop_all_tasks(TaskStateCellRef task_state);

// Not in Rust: drop_all_tasks, except that the fresh TaskState keeps this one's two rings
// (and probe) instead of setting up new ones, unless I/O could not be reaped from them.
// For code that reuses a thread across many short runs (the fuzz harnesses). Owner
// thread, no borrow held elsewhere.
void reset_task_state(TaskStateCellRef task_state);

// The main future of block_on with the scope guard of the Rust async block: when
// it completes or is dropped, the runtime server task is told to shut down.
// runtime.rs:328-411 Runtime::block_on (part 3 of 6: MainFuture)
template <Future Fut>
class MainFuture {
public:
    MainFuture(Fut main, OwnedFd client_pipe) : main(std::move(main)), client_pipe(std::move(client_pipe)) {}
    MainFuture(MainFuture&& other) noexcept
        : main(std::move(other.main)),
          client_pipe(std::move(other.client_pipe)),
          runtime_handle(std::exchange(other.runtime_handle, std::nullopt)) {}
    ~MainFuture() {
        if (runtime_handle) {
            runtime_handle->close_sync();
        }
    }

    Poll<future_output_t<Fut>> poll(Context& cx) {
        if (!runtime_handle) {
            runtime_handle.emplace(std::move(client_pipe));
        }
        return main.poll(cx);
    }

private:
    Fut main;
    OwnedFd client_pipe;
    std::optional<RuntimeHandle> runtime_handle;
};

// runtime.rs:297-301 Runtime
class Runtime {
public:
    // Throws std::system_error if io_uring is unavailable or refused,
    // std::invalid_argument for thread index 255, and std::runtime_error if a live
    // runtime already uses `thread_index` or this thread already has a Runtime.
    // runtime.rs:304-318 Runtime::new (part 1 of 2: declaration)
    Runtime(std::uint8_t thread_index, Configuration configuration);
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    // runtime.rs:320-322 Runtime::get_handle (part 1 of 2: declaration)
    RuntimeHandle get_handle() const;

    // ---- Beyond upstream (no Rust counterpart): destructor and foreign-wake accessors.
    // On the thread that created it. Wakers of its tasks become no-ops.
    ~Runtime();

    // Counters of the foreign-wake path (any thread).
    ForeignWakeStats foreign_wake_stats() const;

    // The eventfd foreign wakes write (diagnostics and tests). Kept for the process and
    // reused by the next runtime with this thread index.
    int foreign_wake_eventfd() const;
    // ---- End of beyond-upstream members.

    // Not in Rust. Readies this thread's TaskState to run this runtime's loop: a fresh
    // TaskState (a second block_on) gets the thread index and the pending set the drain
    // point reads; foreign wakes queued earlier are dropped (their tasks are gone).
    // block_on calls it first; code that drives the loop one step at a time (the fuzz
    // harnesses) calls it once. Owner thread.
    // runtime.rs:328-411 Runtime::block_on (part 2 of 6: prepare_task_state)
    void prepare_task_state(TaskState& task_state) {
        task_state.trace_buffer.thread_idx = thread_index;
        foreign_wake_queue->drain([](std::uint16_t) {});
        task_state.foreign_wake_queue = foreign_wake_queue;
    }

    // Runs the given future until completion, and every task spawned meanwhile too (as
    // Rust): a main future that returns while a spawned task waits on I/O that never
    // completes makes block_on wait forever. End such tasks first: TaskHandle::abort, an
    // io_scope around the I/O and io_scope_cancel, or shutdown_loop().
    // Returns nullopt if shutdown_loop() stopped the loop before the future returned.
    // Returns Err(exception) if the future throws.
    // Returns Ok(output) if the future completes successfully (also when it called
    // shutdown_loop() and then returned).
    // runtime.rs:328-411 Runtime::block_on (part 1 of 6: the loop)
    template <Future Fut>
    std::optional<Result<non_void_t<future_output_t<Fut>>, std::exception_ptr>> block_on(Fut main) {
        using Output = non_void_t<future_output_t<Fut>>;
        static_assert(sizeof(Fut) <= MAX_TASK_STACK_SIZE, "main future is larger than MAX_TASK_STACK_SIZE");

        TaskStateCellRef task_state = TaskState::get();
        prepare_task_state(*task_state);

        // Set a new activity_id for each runtime thread
        Uuid activity_id = Uuid::new_v4();
        Uuid tenant_id = Uuid::nil();

        Rc<Task> task = [&] {
            OwnedFd main_client_pipe = client_pipe.try_clone();
            return task_state->schedule_new(MainFuture<Fut>(std::move(main), std::move(main_client_pipe)),
                                            activity_id, tenant_id);
        }();

        schedule_runtime_server(server_pipe.try_clone(), *task_state, activity_id, tenant_id);

        std::uint64_t cool_down_time = 0;
        std::optional<std::uint64_t> poll_duration_ticks;
        if (busy_poll.kind == BusyPoll::Kind::Until) {
            poll_duration_ticks = static_cast<std::uint64_t>(busy_poll.duration.count()) * Timer::ticks_per_us();
            cool_down_time = Timer::ticks() + *poll_duration_ticks;
        }

        try {
            // Bail out once all tasks complete or if shutdown() is called which sets keep_running to false
            while (task_state->get_task_count() > 0 && task_state->keep_running) {
                // do not busy poll if the cool down time has elapsed
                bool busy = busy_poll.kind == BusyPoll::Kind::Always ||
                            (busy_poll.kind == BusyPoll::Kind::Until && Timer::ticks() <= cool_down_time);

                task_state = submit_and_complete_io_all(std::move(task_state), busy);

                // The drain point: tasks woken from other threads join this cohort.
                task_state = drain_foreign_wakes(std::move(task_state));

                task_state->prepare_cohort();
                while (std::optional<Rc<Task>> ready = task_state->get_ready()) {
                    task_state = poll_task(std::move(*ready), std::move(task_state));

                    if (poll_duration_ticks) {
                        // if we polled a task, then reset the cool down time. Any I/O completion
                        // will wake a task, so this is an adequate proxy for I/O completion activity.
                        cool_down_time = Timer::ticks() + *poll_duration_ticks;
                    }
                }
            }
        } catch (...) {
            // Not in Rust (a panic there unwinds with the tasks still in the thread local):
            // leave the thread's TaskState empty so the next block_on starts clean. The
            // borrow was moved into the call that threw, which released it.
            // A second error while tearing down is dropped: the first one is the cause.
            std::exception_ptr first = std::current_exception();
            try {
                drop_all_tasks(task_state.is_borrowed() ? std::move(task_state) : TaskState::get());
            } catch (...) {
            }
            std::rethrow_exception(first);
        }

        task_state->enter_stats.report("enter_stats     ");
        task_state->enter_stats_wait.report("enter_stats_wait");

        // Drop every task with no borrow held: their destructors may run arbitrary
        // code (scope guards, RingFuture cancellation) that borrows the TaskState.
        drop_all_tasks(std::move(task_state));

        return task->template result<Output>();
    }

private:
    std::uint8_t thread_index;
    // The thread index's pending set: the registry's, kept for the process.
    ForeignWakeQueue* foreign_wake_queue;
    // ForeignWakeRegistry::wakes(thread_index) when this runtime started.
    std::uint64_t foreign_wakes_at_start;
    BusyPoll busy_poll;
    OwnedFd server_pipe;
    OwnedFd client_pipe;
    // Not in Rust: spawn_blocking's threads. Last, so it is joined first.
    detail::BlockingPool blocking_pool;
};

}  // namespace kimojio
