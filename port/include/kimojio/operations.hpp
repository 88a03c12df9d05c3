// Port of parts of kimojio/src/operations.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f:
// write/read (+ _with_timeout), close, nop, yield_io, yield_cpu, sleep, write_event,
// task_identity, activity ids, set_high_priority, spawn_task, TaskHandle, shutdown_loop,
// io_scope. Everything here must be called from a task running on a Runtime.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <thread>

#include "kimojio/async_event.hpp"
#include "kimojio/errors.hpp"
#include "kimojio/ring_future.hpp"
#include "kimojio/task.hpp"
#include "kimojio/task_state_cell.hpp"

namespace kimojio {

// &impl AsFd: a descriptor that is only borrowed for the call.
struct BorrowedFd {
    int fd;
    BorrowedFd(int fd) : fd(fd) {}
    BorrowedFd(const OwnedFd& fd) : fd(fd.as_raw_fd()) {}
};

// Writes `buf` to the descriptor at its current position. Resolves to the byte count.
UsizeFuture write(BorrowedFd fd, std::span<const char> buf);

// Like write, failing with Errno::TIME if it does not complete within `timeout`.
UsizeFuture write_with_timeout(BorrowedFd fd, std::span<const char> buf,
                               std::optional<std::chrono::nanoseconds> timeout);

// Reads into `buf` from the descriptor's current position. Resolves to the byte count.
UsizeFuture read(BorrowedFd fd, std::span<char> buf);

// Like read, failing with Errno::TIME if it does not complete within `timeout`.
UsizeFuture read_with_timeout(BorrowedFd fd, std::span<char> buf, std::optional<std::chrono::nanoseconds> timeout);

// Closes the descriptor through io_uring; the OwnedFd is consumed.
UnitFuture close(OwnedFd fd);

// Submits a no-op entry to io_uring.
UnitFuture nop();

enum class YieldFutureState { CreatedIo, CreatedCpu, Polled, Complete };

class SetYieldCpuFuture {
public:
    explicit SetYieldCpuFuture(YieldFutureState state) : state(state) {}
    Poll<void> poll(Context& cx);
    bool is_terminated() const { return state == YieldFutureState::Complete; }

private:
    YieldFutureState state;
};

// Return to the main loop; the task runs again with this iteration's I/O-priority cohort.
SetYieldCpuFuture yield_io();

// Pause until the I/O-priority tasks have run (CPU priority is not durable).
SetYieldCpuFuture yield_cpu();

class SleepFuture {
public:
    explicit SleepFuture(UnitFuture fut) : fut(std::move(fut)) {}
    void cancel() const { fut.cancel(); }
    Poll<Result<void, Errno>> poll(Context& cx);
    bool is_terminated() const { return fut.is_terminated(); }

private:
    UnitFuture fut;
};

// Suspends the task for the specified duration (or longer). Cancel safe.
SleepFuture sleep(std::chrono::nanoseconds duration);

// Writes a tracing event for the current task.
void write_event(Events event);

// Information identifying the current task.
struct TaskIdentity {
    // The thread ID of the thread executing the task.
    std::thread::id thread_id;
    // The index of the thread within the runtime.
    std::uint8_t thread_index;
    // The index of the task within the runtime.
    std::uint16_t task_index;
    friend bool operator==(const TaskIdentity&, const TaskIdentity&) = default;
};

TaskIdentity task_identity();
Uuid get_activity_id();
Uuid get_tenant_id();
void set_activity_id_and_tenant_id(Uuid activity_id, Uuid tenant_id);
// High priority tasks pass their priority to the tasks they wake.
void set_high_priority(bool high_priority);

// Waits for a task to complete, ignoring the result (Rust: operations::WaitFuture).
class TaskWaitFuture {
public:
    explicit TaskWaitFuture(Rc<Task> task) : wait(TaskSource(std::move(task))) {}
    Poll<Result<void, CanceledError>> poll(Context& cx) {
        auto polled = wait.poll(cx);
        if (polled.is_pending()) return Pending;
        if (polled.value().is_ok()) return Result<void, CanceledError>(ok());
        return Result<void, CanceledError>(Err{polled.value().error()});
    }
    bool is_terminated() const { return wait.is_terminated(); }

private:
    WaitFuture<TaskSource> wait;
};

// The handle of a spawned task. Awaiting it gives the task's output, or
// TaskHandleError::Panic with the exception the task threw. Not copyable.
template <class T>
class TaskHandle {
public:
    explicit TaskHandle(Rc<Task> task) : wait_(TaskSource(std::move(task))) {}
    TaskHandle(TaskHandle&&) noexcept = default;

    // Wait for a task to complete, ignoring the result.
    TaskWaitFuture wait() const { return TaskWaitFuture(task()); }

    // Schedule the task to run and then throw TaskAborted inside it when it next
    // polls I/O, a wait or a yield. Aborting yourself throws TaskAborted here.
    void abort() const {
        TaskStateCellRef task_state = TaskState::get();
        task_state->abort_task(task());
    }

    // Not in Rust's TaskHandle: true once the task has completed.
    bool is_complete() const { return !wait_.source() || wait_.source()->is_complete(); }

    bool is_terminated() const { return wait_.is_terminated(); }

    Poll<Result<T, TaskHandleError>> poll(Context& cx) {
        auto polled = wait_.poll(cx);
        if (polled.is_pending()) {
            return Pending;
        }
        auto& source = polled.value();
        if (source.is_err()) {
            return Result<T, TaskHandleError>(Err{TaskHandleError::Canceled()});
        }
        auto result = source.value().task()->template result<non_void_t<T>>();
        if (!result) {
            throw Panic("Task result");
        }
        if (result->is_err()) {
            return Result<T, TaskHandleError>(Err{TaskHandleError::Panic(result->error())});
        }
        if constexpr (std::is_void_v<T>) {
            return Result<T, TaskHandleError>(ok());
        } else {
            return Result<T, TaskHandleError>(Ok{std::move(*result).value()});
        }
    }

private:
    // Rust unwraps the source, which is gone once the handle returned the result.
    Rc<Task> task() const {
        if (wait_.source() == nullptr) {
            throw Panic("TaskHandle used after it returned the task's result");
        }
        return wait_.source()->task();
    }
    WaitFuture<TaskSource> wait_;
};

// spawn_task creates a new task that will poll the provided future to completion.
// Throws std::runtime_error when 65,535 tasks are already live on this thread.
template <Future Fut>
TaskHandle<future_output_t<Fut>> spawn_task(Fut future) {
    // propagate current activity id to next task by default
    TaskStateCellRef task_state = TaskState::get();
    Uuid activity_id = task_state->get_current_activity_id();
    Uuid tenant_id = task_state->get_current_tenant_id();

    Rc<Task> task = task_state->schedule_new(std::move(future), activity_id, tenant_id);
    return TaskHandle<future_output_t<Fut>>(std::move(task));
}

// Inform the event loop it should make an immediate shutdown. Runtime::block_on()
// returns nullopt instead of the result once the current iteration ends.
void shutdown_loop();

// Restores the outer scope's completions and waits out (after canceling) the I/O
// gathered while the scope's future ran. Blocks this runtime thread until done.
void io_scope_cancel_and_wait_internal(std::optional<IoScopeCompletions> new_io_scope_completions);

// Calls `f`, ensuring that any I/O initiated by the current task while `f` runs
// has completed when the returned future completes: I/O still in progress when
// `f` completes is canceled and waited for. Pass a coroutine (or any future that
// starts its I/O when first polled): I/O futures created before io_scope() is
// called belong to the enclosing scope.
template <Future F>
class IoScopeFuture {
public:
    explicit IoScopeFuture(F f) : f(std::move(f)) {
        // remember completions from io_scope further up the stack and clear the current list
        TaskStateCellRef task_state = TaskState::get();
        Rc<Task> task = task_state->get_current_task();
        old_completions = task->replace_io_scope_completions(IoScopeCompletions{});
    }
    IoScopeFuture(IoScopeFuture&&) = default;

    Poll<future_output_t<F>> poll(Context& cx) {
        // CatchUnwindFuture: the scope is closed whether f completes or throws.
        std::exception_ptr error;
        std::optional<Poll<future_output_t<F>>> polled;
        try {
            polled.emplace(f.poll(cx));
            if (polled->is_pending()) {
                return Pending;
            }
        } catch (...) {
            error = std::current_exception();
        }
        io_scope_cancel_and_wait_internal(std::move(old_completions));
        if (error) {
            std::rethrow_exception(error);
        }
        return std::move(*polled);
    }

private:
    F f;
    std::optional<IoScopeCompletions> old_completions;
};

template <Future F>
IoScopeFuture<F> io_scope(F f) {
    return IoScopeFuture<F>(std::move(f));
}

// Within an io_scope: cancel all the pending I/O accumulated since the start of
// the scope, without waiting for it. The scope stays open.
void io_scope_cancel();

}  // namespace kimojio
