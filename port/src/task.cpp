// Port of kimojio/src/task.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f
// (the non-template bodies; declarations in kimojio/task.hpp, same order).
#include "kimojio/task.hpp"

#include <pthread.h>

#include <cstdio>
#include <cstring>
#include <system_error>

#include "kimojio/runtime.hpp"
#include "kimojio/index_waker.hpp"
#include "kimojio/task_state_cell.hpp"
#include "kimojio/timer.hpp"
#include "tsan_ring_sync.hpp"  // beyond upstream: TSan hooks of the ring mappings

namespace kimojio {

// task.rs:189-197 Task::replace_io_scope_completions (part 2 of 2: definition)
std::optional<IoScopeCompletions> Task::replace_io_scope_completions(
    std::optional<IoScopeCompletions> new_completions) const {
    io_scope_completions.use_mut(
        [&](std::optional<IoScopeCompletions>& io_scope_completions) { std::swap(io_scope_completions, new_completions); });
    return new_completions;
}

// task.rs:199-205 Task::register_io (part 2 of 2: definition)
void Task::register_io(const Rc<Completion>& completion) const {
    io_scope_completions.use_mut([&](std::optional<IoScopeCompletions>& io_scope_completions) {
        if (io_scope_completions) {
            io_scope_completions->completions.push_back(completion);
        }
    });
}

// task.rs:207-228 Task::cancel_io_scope_completions (part 2 of 2: definition)
void Task::cancel_io_scope_completions(TaskStateCellRef task_state) const {
    io_scope_completions.use_mut([&](std::optional<IoScopeCompletions>& io_scope_completions) {
        if (!io_scope_completions) {
            throw Panic("must be called from an io_scope callback");
        }
        // As Rust's drain(..): the vector is emptied first, so an exception leaves no
        // moved-from entry behind (the rest are dropped with the local).
        std::vector<Rc<Completion>> completions = std::exchange(io_scope_completions->completions, {});
        for (auto& completion : completions) {
            completion->cancel(*task_state);
            task_state->return_completion(std::move(completion));
        }
        // flush the added SQE
        task_state = submit_and_complete_io_all(std::move(task_state), true);

        auto waits = std::exchange(io_scope_completions->waits, {});
        for (auto& wait : waits) {
            wait->canceled = true;
            wait->waker.use_mut([&](std::optional<Waker>& waker) {
                if (waker) {
                    wake_task(*task_state, *waker);
                }
            });
        }
    });
}

// task.rs:230-236 Task::register_wait (part 2 of 2: definition)
void Task::register_wait(const Rc<WaitData>& wait) const {
    io_scope_completions.use_mut([&](std::optional<IoScopeCompletions>& io_scope_completions) {
        if (io_scope_completions) {
            io_scope_completions->waits.push_back(wait);
        }
    });
}

// task.rs:319-331 Ring::new (part 2 of 2: definition)
Ring::Ring(bool iopoll) : ring_(std::make_unique<io_uring>()) {
    unsigned flags = 0;
    if (iopoll) {
        flags |= IORING_SETUP_IOPOLL;
    }
#if KIMOJIO_IO_URING_CMD
    // Rust's IoUring<Entry128, Entry32> (task.rs:17-18): both rings.
    flags |= IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
#endif
    const unsigned entries = IO_URING_SUBMISSION_ENTRIES;
    int rc = io_uring_queue_init(entries, ring_.get(), flags);
    if (rc < 0) {
        // Rust unwraps here (a panic); the port reports it so the caller can handle it.
        throw std::system_error(-rc, std::generic_category(),
                                std::string("kimojio: io_uring_setup failed") + (iopoll ? " (IOPOLL ring)" : "") +
                                    "; io_uring may be disabled (sysctl kernel.io_uring_disabled, seccomp or a "
                                    "container profile) or the kernel is older than 5.15");
    }
    tsan_ring_mapped();
}

Ring::Ring(Ring&& other) noexcept = default;

Ring& Ring::operator=(Ring&& other) noexcept {
    if (this != &other) {
        if (ring_) {
            tsan_ring_unmapping();
            io_uring_queue_exit(ring_.get());
        }
        ring_ = std::move(other.ring_);
    }
    return *this;
}

Ring::~Ring() {
    if (ring_) {
        tsan_ring_unmapping();
        io_uring_queue_exit(ring_.get());
    }
}

// Not in Rust: a Ring is closed once ~TaskState dropped it (Rust's order); a task left
// alive at thread exit that submits from its destructor gets a Panic (Rust: the TLS
// access panics and aborts), not a null dereference.
void Ring::throw_closed() {
    throw Panic("kimojio: io_uring ring used after ~TaskState closed it (a task left at thread exit used it)");
}

// task.rs:335-352 Ring::submit_and_wait (part 2 of 2: definition)
std::size_t Ring::submit_and_wait(std::size_t want) {
    int rc = io_uring_submit_and_wait(live(), static_cast<unsigned>(want));
    if (rc >= 0) {
        return static_cast<std::size_t>(rc);
    }
    switch (-rc) {
        case EAGAIN:
        case EBUSY:
        case EINTR:
            // EAGAIN indicates temporary inability to allocate resources.
            // EBUSY means no CQE positions available
            // EINTR means we got as signal
            // In these three cases, the guidance is to process completions and continue
            return 0;
        default:
            // EBADF, EFAULT, EINVAL, ENXIO, EOPNOTSUPP
            throw std::system_error(-rc, std::generic_category(), "kimojio: error submitting or waiting for IO");
    }
}

// task.rs:354-358 Ring::register_probe (part 2 of 2: definition)
Probe Ring::register_probe() {
    Probe probe(io_uring_get_probe_ring(live()));
    if (!probe) {
        throw std::system_error(ENOMEM, std::generic_category(), "kimojio: io_uring register_probe failed");
    }
    return probe;
}

void Ring::wait_cqe_timeout(std::chrono::milliseconds timeout) {
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
    Timespec ts{seconds.count(), std::chrono::duration_cast<std::chrono::nanoseconds>(timeout - seconds).count()};
    io_uring_cqe* cqe = nullptr;
    io_uring_wait_cqe_timeout(live(), &cqe, &ts);
}

// Not in Rust: the out-of-line halves of the timed EnterStats::start / stop.
std::uint64_t EnterStats::now() { return Timer::ticks(); }

void EnterStats::record(std::uint64_t elapsed) {
    sum += elapsed;
    min = std::min(min, elapsed);
    max = std::max(max, elapsed);
}

// task.rs:432-446 EnterStats::report (part 2 of 2: definition)
void EnterStats::report(const char* msg) const {
    // Rust prints only under feature "enter_stats"; so does the port (env KIMOJIO_ENTER_STATS).
    if (!timed()) {
        return;
    }
    std::uint64_t t_per_us = Timer::ticks_per_us();
    if (count > 0) {
        std::printf("EnterStats %s  count: %llu , sum: %lluns, avg: %lluns, min: %lluns, max: %lluns\n", msg,
                    (unsigned long long)count, (unsigned long long)(1000 * sum / t_per_us),
                    (unsigned long long)(1000 * sum / t_per_us / count), (unsigned long long)(1000 * min / t_per_us),
                    (unsigned long long)(1000 * max / t_per_us));
    } else {
        std::printf("EnterStats %s  count: 0\n", msg);
    }
}

const bool EnterStats::TIMED = std::getenv("KIMOJIO_ENTER_STATS") != nullptr;

// thread_local! { static TASK_STATE } -- block scope, so that a failing io_uring_setup
// throws to the caller and is retried on the next get() instead of terminating.
// The first use on a thread builds the TaskState out of line (rings, pthread_self), so
// the function every wake runs is only the initialized-guard check and the address.
[[gnu::noinline, gnu::cold]] static TaskState new_task_state() { return TaskState(); }

// task.rs:524-526 TASK_STATE
static TaskStateCell& task_state_cell() {
    thread_local TaskStateCell TASK_STATE{new_task_state()};
    return TASK_STATE;
}

// task.rs:529-556 TaskState::new (part 2 of 2: definition)
// task.rs:879-883 TaskState::default (part 2 of 2: definition)
TaskState::TaskState() : thread_id(std::this_thread::get_id()), ring(false), ring_poll(true) {
    probe = ring.register_probe();
}

// Every other member has its default initializer, as in TaskState(): keep it so.
TaskState::TaskState(Ring ring, Ring ring_poll, Probe probe)
    : thread_id(std::this_thread::get_id()),
      ring(std::move(ring)),
      ring_poll(std::move(ring_poll)),
      probe(std::move(probe)) {}

// task.rs:457-522 TaskState (part 2 of 3: TaskState::TaskState)
TaskState::TaskState(TaskState&&) noexcept = default;
TaskState& TaskState::operator=(TaskState&&) noexcept = default;
// Rust drops the fields in declaration order (task.rs:457-522): the rings close and the
// trace buffer goes before any task is dropped. C++ would destroy the members in reverse,
// so the destructor drops them in Rust's order; the scalars left need no order.
// task.rs:457-522 TaskState (part 3 of 3: TaskState::~TaskState)
TaskState::~TaskState() {
    { Ring closing = std::move(ring); }
    { Ring closing = std::move(ring_poll); }
    trace_buffer.trace_configuration.reset();
    current_task.reset();
    std::exchange(fill_ready_task_list_io, {});
    std::exchange(ready_task_list_io, {});
    std::exchange(ready_task_list_cpu, {});
    std::exchange(completion_pool, {});
    std::exchange(tasks, {});
    std::exchange(completed_tasks, {});
    probe.reset();
}

namespace detail {
constinit thread_local TaskStateCell* this_thread_task_state = nullptr;
}  // namespace detail

namespace {
// Not in Rust: set in a child of fork() on the thread that forked, if it had a TaskState.
thread_local bool task_state_is_parents = false;

// pthread_atfork's child handler: runs on the child's only thread, the one that forked.
void forget_parents_task_state() {
    if (detail::this_thread_task_state != nullptr) {
        task_state_is_parents = true;
        detail::this_thread_task_state = nullptr;  // every get() now takes get_slow()
    }
}
}  // namespace

// TaskState::get's first call on a thread (see detail::this_thread_task_state).
TaskStateCellRef TaskState::get_slow() {
    if (task_state_is_parents) {
        throw ForkedThreadError();
    }
    // Once per process; a failure (ENOMEM, its only error) throws and the next get() tries again.
    [[maybe_unused]] static const bool fork_handler_registered = [] {
        if (int error = pthread_atfork(nullptr, nullptr, forget_parents_task_state); error != 0) {
            throw std::system_error(error, std::generic_category(),
                                    "kimojio: cannot register the fork() child handler (pthread_atfork); "
                                    "free some memory and call again");
        }
        return true;
    }();
    TaskStateCell& cell = task_state_cell();
    detail::this_thread_task_state = &cell;
    return cell.borrow_mut();
}

// task.rs:596-598 TaskState::get_current_task (part 2 of 2: definition)
Rc<Task> TaskState::get_current_task() const { return current_task_ref(); }

void TaskState::throw_no_current_task() { throw Panic("kimojio: no current task (called outside a task's poll)"); }

// task.rs:613-618 TaskState::get_current_activity_id (part 2 of 2: definition)
Uuid TaskState::get_current_activity_id() const {
    return current_task ? (*current_task)->activity_id : Uuid::nil();
}

// task.rs:621-626 TaskState::get_current_tenant_id (part 2 of 2: definition)
Uuid TaskState::get_current_tenant_id() const { return current_task ? (*current_task)->tenant_id : Uuid::nil(); }

// task.rs:628-637 TaskState::set_current_activity_id_and_tenant_id (part 2 of 2: definition)
void TaskState::set_current_activity_id_and_tenant_id(Uuid activity_id, Uuid tenant_id) {
    if (current_task) {
        (*current_task)->activity_id = activity_id;
        (*current_task)->tenant_id = tenant_id;
    }
}

// task.rs:655-679 TaskState::schedule_new (part 3 of 3: TaskState::throw_too_many_tasks)
void TaskState::throw_too_many_tasks() {
    throw std::runtime_error(
        "kimojio: cannot spawn a task: 65,535 tasks are already live on this thread (task indexes are 16-bit); "
        "wait for some tasks to complete or spread the work over more runtime threads");
}

// task.rs:681-710 TaskState::schedule_io_internal (part 2 of 2: definition)
void TaskState::schedule_io_internal(Rc<Task> task) {
    // Active in release builds too: a task is only ever scheduled on its own TaskState.
    if (this != task->task_state) {
        throw Panic("It is incorrect to wake a uringruntime task from another thread");
    }

    std::uint32_t tag = get_next_tag();
    Uuid activity_id = task->activity_id;
    Uuid tenant_id = task->tenant_id;
    task->tag = tag;
    if (trace_buffer.tracing()) {  // performance: no event built when nobody traces
        write_event(task->task_index, events::TaskScheduled{activity_id, tenant_id, tag, true});
    }

    bool high_priority = current_task && (*current_task)->high_priority;
    if (high_priority) {
        ready_task_list_io.push_back(std::move(task));
    } else {
        fill_ready_task_list_io.push_back(std::move(task));
    }
}

// task.rs:712-732 TaskState::schedule_io (part 2 of 2: definition)
void TaskState::schedule_io(Rc<Task> task) {
    switch (task->get_state()) {
        case TaskReadyState::Complete:
            // ignore I/O completions trying to schedule a completed task. This happens
            // if a task is completed with pending I/O outstanding
            break;
        case TaskReadyState::Running:
        case TaskReadyState::Suspend:
            // yield_io and yield_cpu call schedule_io on themselves when they are in
            // running state. We allow this but it is important that they immediately
            // return Pending so that we don't have a running task in Ready state.
            task->set_state(TaskReadyState::Ready);
            schedule_io_internal(std::move(task));
            break;
        case TaskReadyState::Ready:
        case TaskReadyState::Aborted:
            // Ignore scheduling a task that is already ready or canceled
            break;
        case TaskReadyState::Unknown:
            throw Panic("Invalid task state");
    }
}

// task.rs:734-754 TaskState::schedule_cpu (part 2 of 2: definition)
void TaskState::schedule_cpu(Rc<Task> task) {
    switch (task->get_state()) {
        case TaskReadyState::Complete:
            // ignore I/O completions trying to schedule a completed task. This happens
            // if a task is completed with pending I/O outstanding
            break;
        case TaskReadyState::Running:
        case TaskReadyState::Suspend:
            // yield_io and yield_cpu call schedule_io on themselves when they are in
            // running state. We allow this but it is important that they immediately
            // return Pending so that we don't have a running task in Ready state.
            task->set_state(TaskReadyState::Ready);
            ready_task_list_cpu.push_back(std::move(task));
            break;
        case TaskReadyState::Ready:
        case TaskReadyState::Aborted:
            // Ignore scheduling a task that is already ready or canceled
            break;
        case TaskReadyState::Unknown:
            throw Panic("Invalid task state");
    }
}

// task.rs:766-780 TaskState::complete_task (part 2 of 2: definition)
TaskStateCellRef TaskState::complete_task(TaskStateCell& cell, Task& task) {
    if (KIMOJIO_DEBUG_ASSERTIONS && task.get_state() == TaskReadyState::Complete) {
        throw Panic("complete_task: task is already Complete");
    }
    task.set_state(TaskReadyState::Complete);
    task.joining_tasks.wake_all();

    // borrow after updating task state and especially invoking wakers,
    // as this may recursively need to borrow TaskStateCellRef.
    TaskStateCellRef this_ = cell.borrow_mut();
    Index index = Index::from(task.task_index);
    if (auto removed = this_->tasks.remove(index)) {
        this_->completed_tasks.push_back(std::move(*removed));
    }
    this_->task_count -= 1;
    return this_;
}

// task.rs:782-792 TaskState::prepare_cohort (part 2 of 2: definition)
void TaskState::prepare_cohort() {
    if (ready_task_list_io.empty()) {
        swap(ready_task_list_io, fill_ready_task_list_io);
    } else {
        // old cohort still leftover due to submission queue being full,
        // just continue working on the old one.
    }
}

// task.rs:794-821 TaskState::get_ready (part 2 of 2: definition)
std::optional<Rc<Task>> TaskState::get_ready() {
    if (!ready_task_list_io.empty()) {
        Rc<Task> task = std::move(ready_task_list_io.front());
        ready_task_list_io.pop_front();
        stats.increment_tasks_polled_io();
        TaskReadyState task_ready = task->get_state();
        if (task_ready != TaskReadyState::Aborted && task_ready != TaskReadyState::Complete) {
            task->set_state(TaskReadyState::Running);
        }
        last_ready_cpu = false;
        return task;
    }

    if (last_ready_cpu) {
        last_ready_cpu = false;
        return std::nullopt;
    }

    if (!ready_task_list_cpu.empty()) {
        Rc<Task> task = std::move(ready_task_list_cpu.front());
        ready_task_list_cpu.pop_front();
        // Deviation: Rust checks only Aborted here, so a task that completed while queued
        // (yield_cpu inside a select) became Running and was polled after completion.
        TaskReadyState task_ready = task->get_state();
        if (task_ready != TaskReadyState::Aborted && task_ready != TaskReadyState::Complete) {
            task->set_state(TaskReadyState::Running);
        }
        stats.increment_tasks_polled_cpu();
        last_ready_cpu = true;
        return task;
    } else {
        last_ready_cpu = false;
        return std::nullopt;
    }
}

// task.rs:828-851 TaskState::abort_task (part 2 of 2: definition)
void TaskState::abort_task(Rc<Task> task) {
    switch (task->get_state()) {
        case TaskReadyState::Suspend:
            // If tasks is suspended, mark it aborted and schedule it so the
            // cancelation can be turned into an exception
            task->set_state(TaskReadyState::Aborted);
            schedule_io_internal(std::move(task));
            break;
        case TaskReadyState::Running:
            // if you abort yourself, then just throw
            throw TaskAborted();
        // Ready tasks are scheduled to run, mark it aborted but don't schedule
        case TaskReadyState::Ready:
            task->set_state(TaskReadyState::Aborted);
            break;
        // Already aborted tasks do not get re-aborted
        case TaskReadyState::Aborted:
            break;
        // Complete tasks can not be aborted, ignore
        case TaskReadyState::Complete:
            break;
        // Tasks should never be in Unknown state
        case TaskReadyState::Unknown:
            throw Panic("Invalid task state");
    }
}

// task.rs:867-876 TaskState::new_completion (part 2 of 2: definition)
Rc<Completion> TaskState::new_completion(const SQE& entry, bool has_timespec, CompletionResources owned_resources,
                                         Timespec timespec, std::uint32_t tag, std::uint16_t task_index, bool iopoll) {
    if (!completion_pool.empty()) {
        Rc<Completion> existing = std::move(completion_pool.front());
        completion_pool.pop_front();
        Completion* ptr = Rc<Completion>::get_mut(existing);
        if (ptr == nullptr) {
            throw Panic("Pooled completion must have singular refcount");
        }
        ptr->refill(entry, has_timespec, std::move(owned_resources), timespec, tag, task_index, iopoll);
        return existing;
    } else {
        return Rc<Completion>::make(Completion(completion_state::Idle{entry, has_timespec}, std::move(owned_resources),
                                               timespec, tag, task_index, iopoll));
    }
}

}  // namespace kimojio
