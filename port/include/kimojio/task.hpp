// Port of kimojio/src/task.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
//
// Task represents the per-task state. A Task is bound to a thread. Tasks can
// suspend and be woken up by I/O. There can be many pending futures per task.
// Non-template bodies are in port/src/task.cpp, in the same order.
#pragma once

#include <liburing.h>

#include <chrono>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "kimojio/block_pool.hpp"
#include "kimojio/completion.hpp"
#include "kimojio/config.hpp"
#include "kimojio/handle_table.hpp"
#include "kimojio/mut_in_place_cell.hpp"
#include "kimojio/panic.hpp"
#include "kimojio/rc.hpp"
#include "kimojio/result.hpp"
#include "kimojio/std_task.hpp"
#include "kimojio/tracing.hpp"
#include "kimojio/uring_stats.hpp"
#include "kimojio/uuid.hpp"
#include "kimojio/vec_deque.hpp"
#include "kimojio/wait_list.hpp"

namespace kimojio {

class TaskStateCell;
class TaskStateCellRef;
class ForeignWakeQueue;

// ---- Beyond upstream (no Rust item): needed before the ported items.
// user_data of the eventfd read that wakes a sleeping loop (never a Completion pointer).
inline constexpr std::uint64_t FOREIGN_WAKE_USER_DATA = 1;

// Thrown inside an aborted task when it next polls I/O, a wait or a yield (Rust: panic!("Task aborted")).
class TaskAborted : public std::runtime_error {
public:
    TaskAborted() : std::runtime_error("Task aborted") {}
};
// ---- End of beyond-upstream declarations; the ported items follow in Rust order.

// This is the maximum number of submission entries that can be
// enqueued before we have to flush them to the kernel.
// task.rs:37 IO_URING_SUBMISSION_ENTRIES
inline constexpr std::size_t IO_URING_SUBMISSION_ENTRIES = 128;

// The maximum number of completion pool entries that can be pooled for re-use.
// task.rs:40 MAX_COMPLETION_POOL_ENTRIES
inline constexpr std::size_t MAX_COMPLETION_POOL_ENTRIES = 4096;

// Not in Rust (see PORTING.md "Task index limit"): the largest number of live tasks
// per thread, as task indexes are 16-bit.
inline constexpr std::size_t MAX_LIVE_TASKS = 65535;

// `TaskReadyState` is used to represent the next task in the list for ready
// tasks, or the desired next action to do to the task for executing tasks.
// task.rs:46-53 TaskReadyState
enum class TaskReadyState : std::uint8_t {
    Unknown = 0,
    Ready = 1,
    Running = 2,
    Suspend = 3,
    Aborted = 4,
    Complete = 5,
};

// `FutureOrResult` exists to have a single allocation and a single virtual call for
// any kind of future that can be wrapped in a task.
// task.rs:57-74 FutureOrResult
class FutureOrResult : public block_pool::Pooled {  // performance: pooled (see block_pool.hpp)
public:
    virtual ~FutureOrResult() = default;

    // Poll the future. When the future is ready, this will return Ready,
    // and the `result` call can be used to discover the result.
    // task.rs:60 FutureOrResult::poll
    virtual Poll<void> poll(Context& cx) = 0;

    // Retrieve the result of the future. nullopt is returned if the future has
    // not been polled to completion, or if the result has already been retrieved.
    // Ok indicates that the value has been written to `value`.
    // Err(e) indicates the future threw, and e is the exception.
    //
    // Safety (Rust: `unsafe fn`): the caller must ensure that `value` points to a
    // std::optional<Output> of this future's Output; nothing checks it.
    // task.rs:70-73 FutureOrResult::result
    virtual std::optional<Result<void, std::exception_ptr>> result(void* value) = 0;
};

// `TaskFuture` is either a future that is being polled, or a result
// returned by that future, or the exception thrown by polling the future.
// task.rs:81-89 TaskFuture
template <Future F>
class TaskFuture final : public FutureOrResult {
public:
    using Output = non_void_t<future_output_t<F>>;
    struct FutureState {
        F future;
    };
    struct ResultState {
        std::optional<Result<Output, std::exception_ptr>> result;
    };

    explicit TaskFuture(F future) : state_(std::in_place_index<0>, FutureState{std::move(future)}) {}

    // task.rs:93-122 TaskFuture::poll
    Poll<void> poll(Context& cx) override {
        if (auto* this_ = std::get_if<FutureState>(&state_)) {
            // If the future throws, we drop it when we replace FutureState with
            // ResultState. That ensures the future will not get repolled.
            try {
                // the actual poll
                auto polled = this_->future.poll(cx);
                if (polled.is_pending()) {
                    return Pending;
                }
                // Built in place (no moved temporaries: GCC 12 warns falsely about those).
                if constexpr (std::is_void_v<future_output_t<F>>) {
                    state_.template emplace<ResultState>().result.emplace(Ok{Unit{}});
                } else {
                    Output value = polled.take();
                    state_.template emplace<ResultState>().result.emplace(Ok{std::move(value)});
                }
                return Ready;
            } catch (...) {
                std::exception_ptr error = std::current_exception();
                state_.template emplace<ResultState>().result.emplace(Err{std::move(error)});
                return Ready;
            }
        }
        throw Panic("No future while in non-terminal state");
    }

    // task.rs:124-143 TaskFuture::result
    std::optional<Result<void, std::exception_ptr>> result(void* out_value) override {
        auto* this_ = std::get_if<ResultState>(&state_);
        if (this_ == nullptr || !this_->result) {
            return std::nullopt;
        }
        auto result = std::move(*this_->result);
        this_->result.reset();
        if (result.is_ok()) {
            static_cast<std::optional<Output>*>(out_value)->emplace(std::move(result).value());
            return Result<void, std::exception_ptr>(ok());
        }
        return Result<void, std::exception_ptr>(Err{result.error()});
    }

private:
    std::variant<FutureState, ResultState> state_;
};

// Not in Rust (performance, see PORTING.md "Performance deviations"): a task's future
// is usually built in the Task's own block (one allocation per task); the deleter then
// only destroys it. Futures from elsewhere (tests, over-aligned ones) are owned.
struct TaskFutureDeleter {
    bool in_task_block = false;
    TaskFutureDeleter() = default;
    explicit TaskFutureDeleter(bool in_task_block) : in_task_block(in_task_block) {}
    template <class U>
    TaskFutureDeleter(std::default_delete<U>) noexcept {}
    void operator()(FutureOrResult* future) const noexcept {
        if (in_task_block) {
            future->~FutureOrResult();
        } else {
            delete future;
        }
    }
};
using TaskFuturePtr = std::unique_ptr<FutureOrResult, TaskFutureDeleter>;

// Declared before Task (Rust declares it after): Task holds it by value.
// task.rs:183-186 IoScopeCompletions
struct IoScopeCompletions {
    std::vector<Rc<Completion>> completions;
    std::vector<Rc<WaitData>> waits;
};

// task.rs:146-180 Task (part 1 of 2: Task)
class Task : public RcCounted, public block_pool::Pooled {  // performance: pooled (see block_pool.hpp)
public:
    // task.rs:146-180 Task (part 2 of 2: constructor)
    Task(TaskFuturePtr future, std::uint16_t task_index, const TaskState* task_state, Uuid activity_id,
         Uuid tenant_id)
        : activity_id(activity_id),
          tenant_id(tenant_id),
          active_state(std::move(future)),
          task_index(task_index),
          task_state(task_state) {}

    // The activity_id associated with this task, for tracing.
    Uuid activity_id;

    // The tenant_id associated with this task, for tracing.
    Uuid tenant_id;

    MutInPlaceCell<TaskFuturePtr> active_state;

    // The identifier of this task.
    std::uint16_t task_index;

    // If a task is high priority and wakes up another task, that task will
    // inherit the high priority and will be scheduled immediately, without
    // necessarily wait for I/O to be submitted.
    bool high_priority = false;

private:
    // The current state of this task..
    // Ready    => in a ready list (needs to be polled)
    // Running  => poll method is currently executing
    // Suspend  => not in a ready list and not running (e.g. waiting for I/O)
    // Complete => poll method returned completion, should no longer be polled
    TaskReadyState ready = TaskReadyState::Ready;

public:
    // start at 1 as zero is reserved for RingEnter start/end
    std::uint32_t tag = 1;

    // A list of tasks that are suspended and would like to
    // be made ready when this task goes to Complete ready state.
    WaitList joining_tasks;

private:
    MutInPlaceCell<std::optional<IoScopeCompletions>> io_scope_completions;

public:
    // The task state from which this task originates
    const TaskState* task_state;

    // task.rs:189-197 Task::replace_io_scope_completions (part 1 of 2: declaration)
    std::optional<IoScopeCompletions> replace_io_scope_completions(
        std::optional<IoScopeCompletions> new_completions) const;
    // task.rs:199-205 Task::register_io (part 1 of 2: declaration)
    void register_io(const Rc<Completion>& completion) const;
    // task.rs:207-228 Task::cancel_io_scope_completions (part 1 of 2: declaration)
    void cancel_io_scope_completions(TaskStateCellRef task_state) const;
    // task.rs:230-236 Task::register_wait (part 1 of 2: declaration)
    void register_wait(const Rc<WaitData>& wait) const;

    // task.rs:238-262 Task::new
    template <Future F>
    static Rc<Task> new_(F future, std::uint16_t task_index, const TaskState* task_state, Uuid activity_id,
                         Uuid tenant_id) {
        using Boxed = TaskFuture<F>;
        if constexpr (alignof(Boxed) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) {
            // Performance: Task and its TaskFuture in one pooled block (Rust: two Box/Rc allocations).
            constexpr std::size_t offset = (sizeof(Task) + alignof(Boxed) - 1) / alignof(Boxed) * alignof(Boxed);
            constexpr std::size_t size = offset + sizeof(Boxed);
            void* block = block_pool::allocate(size);
            Boxed* boxed;
            try {
                boxed = ::new (static_cast<char*>(block) + offset) Boxed(std::move(future));
            } catch (...) {
                block_pool::deallocate(block, size);
                throw;
            }
            Task* task = ::new (block) Task(TaskFuturePtr(boxed, TaskFutureDeleter(true)), task_index, task_state,
                                            activity_id, tenant_id);
            task->block_size = size;
            return Rc<Task>::from_raw(task);
        } else {
            std::unique_ptr<FutureOrResult> boxed = std::make_unique<Boxed>(std::move(future));
            return Rc<Task>::make(std::move(boxed), task_index, task_state, activity_id, tenant_id);
        }
    }

    // task.rs:264-266 Task::poll
    Poll<void> poll(Context& cx) const {
        return active_state.use_mut([&](TaskFuturePtr& state) { return state->poll(cx); });
    }

    // The task's output (or its exception), once; T must be the task future's output.
    // task.rs:268-282 Task::result
    template <class T>
    std::optional<Result<T, std::exception_ptr>> result() const {
        return active_state.use_mut(
            [](TaskFuturePtr& state) -> std::optional<Result<T, std::exception_ptr>> {
                std::optional<T> result;
                auto got = state->result(&result);
                if (!got) {
                    return std::nullopt;
                }
                if (got->is_ok()) {
                    return Result<T, std::exception_ptr>(Ok{std::move(*result)});
                }
                return Result<T, std::exception_ptr>(Err{got->error()});
            });
    }

    // task.rs:285-287 Task::get_state
    TaskReadyState get_state() const { return ready; }
    // task.rs:290-292 Task::set_state
    void set_state(TaskReadyState state) { ready = state; }

    // Not in Rust (performance): the Task's block (with its future when new_ built it in
    // place) goes back to the pool whole; `block_size` is the size it was allocated with.
    static void operator delete(Task* task, std::destroying_delete_t) noexcept {
        std::size_t size = task->block_size;
        task->~Task();
        block_pool::deallocate(task, size);
    }
    // Frees the block of a `new Task` whose constructor threw.
    static void operator delete(void* block, std::size_t size) noexcept { block_pool::deallocate(block, size); }

private:
    std::size_t block_size = sizeof(Task);
};

// task.rs:296-301 TraceBuffer
struct TraceBuffer {
    // A trace buffer for this thread
    std::unique_ptr<TraceConfiguration> trace_configuration;
    // A thread id that is a zero based index
    std::uint8_t thread_idx = 0;

    // task.rs:305-313 TraceBuffer::write_event
    void write_event(std::uint16_t task_index, Events event) const {
        if (trace_configuration) {
            trace_configuration->trace(EventEnvelope{thread_idx, task_index, std::move(event)});
        }
    }

    // Not in Rust (performance, PORTING.md "Performance deviations"): callers build an
    // event, and read the clocks it needs, only when a trace sink is configured.
    bool tracing() const { return trace_configuration != nullptr; }
};

struct ProbeDeleter {
    void operator()(io_uring_probe* probe) const { io_uring_free_probe(probe); }
};
using Probe = std::unique_ptr<io_uring_probe, ProbeDeleter>;

// task.rs:316 Ring
class Ring {
public:
    // Throws std::system_error naming io_uring_setup and the errno when the kernel refuses.
    // task.rs:319-331 Ring::new (part 1 of 2: declaration)
    explicit Ring(bool iopoll);
    Ring(Ring&& other) noexcept;
    Ring& operator=(Ring&& other) noexcept;
    ~Ring();

    // Blocks if want > 0. want is the number of CQEs to wait for.
    // Returns the number of SQEs submitted
    // task.rs:335-352 Ring::submit_and_wait (part 1 of 2: declaration)
    std::size_t submit_and_wait(std::size_t want);
    // task.rs:354-358 Ring::register_probe (part 1 of 2: declaration)
    Probe register_probe();
    // task.rs:360-362 Ring::get_completion_count
    std::size_t get_completion_count() { return ring_ ? io_uring_cq_ready(ring_.get()) : 0; }
    // task.rs:365-367 Ring::get_next_cqe
    std::optional<CQE> get_next_cqe() {
        io_uring_cqe* cqe = nullptr;
        // Performance: io_uring_peek_cqe on an empty CQ calls out of line into liburing,
        // which returns -EAGAIN unless cq_needs_enter(); test that here first.
        if (!ring_ || (io_uring_cq_ready(ring_.get()) == 0 && !cq_needs_enter())) {
            return std::nullopt;
        }
        if (io_uring_peek_cqe(ring_.get(), &cqe) != 0 || cqe == nullptr) {
            return std::nullopt;
        }
#if KIMOJIO_IO_URING_CMD
        CQE copy{cqe->user_data, cqe->res, cqe->flags, {cqe->big_cqe[0], cqe->big_cqe[1]}};
#else
        CQE copy{cqe->user_data, cqe->res, cqe->flags};
#endif
        io_uring_cqe_seen(ring_.get(), cqe);
        return copy;
    }
    // task.rs:370-379 Ring::submit
    // task.rs:757-759 TaskState::submit
    void submit(std::span<const SQE> entries) {
        // SAFETY: the pointers in entry have to live until the CQE is processed.
        // This will be the case as long as RingFuture is polled from a task.
        auto push_multiple = [&]() {
            if (io_uring_sq_space_left(live()) < entries.size()) {
                return false;
            }
            for (const SQE& entry : entries) {
#if KIMOJIO_IO_URING_CMD
                // all 128 bytes (assigning to the io_uring_sqe would copy only the first 64)
                std::memcpy(io_uring_get_sqe(ring_.get()), &entry, sizeof(SQE));
#else
                *io_uring_get_sqe(ring_.get()) = entry;
#endif
            }
            return true;
        };
        if (!push_multiple()) {
            submit_and_wait(0);
            if (!push_multiple()) {
                throw Panic("Can not push SQE");
            }
        }
    }
    // Not in Rust (performance, for RingFuture::poll): submit() of one entry, written
    // straight into the SQ with its user data (no copy made first).
    void submit_one(const SQE& entry, void* user_data) {
        if (io_uring_sq_space_left(live()) == 0) {
            submit_and_wait(0);
            if (io_uring_sq_space_left(live()) == 0) {
                throw Panic("Can not push SQE");
            }
        }
        SQE* sqe = static_cast<SQE*>(io_uring_get_sqe(ring_.get()));
#if KIMOJIO_IO_URING_CMD
        std::memcpy(sqe, &entry, sizeof(SQE));  // all 128 bytes
#else
        *sqe = entry;
#endif
        io_uring_sqe_set_data(sqe, user_data);
    }
    // Not in Rust: waits up to `timeout` for a CQE (used by the teardown in runtime.cpp).
    void wait_cqe_timeout(std::chrono::milliseconds timeout);
    // Not in Rust (performance): false when submit_and_wait(0) would return 0 without a
    // syscall (nothing queued, no IOPOLL, no CQ overflow or task work to flush): liburing's
    // own test, made before calling it.
    bool needs_enter() const {
        return !ring_ || io_uring_sq_ready(ring_.get()) != 0 || cq_needs_enter();  // closed: let live() throw
    }

private:
    // liburing's cq_ring_needs_enter: reaping CQEs must enter the kernel (IOPOLL, or
    // overflowed CQEs / task work to flush).
    bool cq_needs_enter() const {
        return (ring_->flags & IORING_SETUP_IOPOLL) ||
               (IO_URING_READ_ONCE(*ring_->sq.kflags) & (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN));
    }
    io_uring* live() {
        if (!ring_) [[unlikely]] {
            throw_closed();
        }
        return ring_.get();
    }
    [[noreturn]] static void throw_closed();
    // task.rs:23 IoUring
    std::unique_ptr<io_uring> ring_;
};

// Rust compiles the timing EnterStats only under cfg(test) or feature "enter_stats";
// the port always counts, and reads the clock only when KIMOJIO_ENTER_STATS is set
// (see PORTING.md, "enter_stats").
// task.rs:404-410 EnterStats
// task.rs:413-421 EnterStats::new
// task.rs:449-453 EnterStats::default
struct EnterStats {
    std::uint64_t sum = 0;
    std::uint64_t count = 0;
    std::uint64_t min = UINT64_MAX;
    std::uint64_t max = 0;
    std::uint64_t start_ticks = 0;

    // Defined here (performance): untimed, as in every Rust release build, a start is a
    // test and a stop an increment and a test, with no call.
    // task.rs:422-424 EnterStats::start
    void start() {
        if (timed()) [[unlikely]] {
            start_ticks = now();
        }
    }
    // task.rs:425-431 EnterStats::stop
    void stop() {
        count += 1;
        if (timed()) [[unlikely]] {
            record(now() - start_ticks);
        }
    }
    // task.rs:432-446 EnterStats::report (part 1 of 2: declaration)
    void report(const char* msg) const;

    // Not in Rust: whether enters are timed (KIMOJIO_ENTER_STATS set; read once per process,
    // when the library's statics are initialized).
    static bool timed() { return TIMED; }

private:
    static const bool TIMED;
    static std::uint64_t now();             // Timer::ticks, out of line (timer.hpp stays private)
    void record(std::uint64_t elapsed);     // the timed half of stop
};

// Not in Rust: thrown by TaskState::get (so by every operation) in a child of fork() on
// the thread that had used kimojio before the fork: that thread's io_uring rings are
// memory the kernel shares with the parent, and using them would corrupt the parent's.
class ForkedThreadError : public std::runtime_error {
public:
    ForkedThreadError()
        : std::runtime_error(
              "kimojio: this thread used kimojio before fork(), so its io_uring rings are shared with the "
              "parent process; in the child, exec or _exit, or use kimojio on a new thread") {}
};

// All the information about tasks and task readiness
// task.rs:457-522 TaskState (part 1 of 3: TaskState)
class TaskState {
public:
    // task.rs:529-556 TaskState::new (part 1 of 2: declaration)
    // task.rs:879-883 TaskState::default (part 1 of 2: declaration)
    TaskState();
    // Not in Rust: a fresh TaskState around rings already set up and idle (no SQE queued,
    // nothing in flight, no CQE); reset_task_state (runtime.hpp) passes a thread's own.
    TaskState(Ring ring, Ring ring_poll, Probe probe);
    TaskState(TaskState&&) noexcept;
    TaskState& operator=(TaskState&&) noexcept;
    ~TaskState();

    // The current number of tasks that exist for this thread.
    // When it goes to zero, the thread can exit.
    std::size_t task_count = 0;

    // true if the last task to be polled was a cpu task. Used
    // to determine whether or not to submit I/O early.
    bool last_ready_cpu = false;

    // The thread id of the thread
    std::thread::id thread_id;

    // The I/O URing for this thread
    Ring ring;

    // The I/O URing for this thread (with IO Poll enabled)
    Ring ring_poll;

    TraceBuffer trace_buffer;

    // Statistics for this thread
    URingStats stats;

    // sum, count, min, max of duration of enter calls without wait
    EnterStats enter_stats;

    // sum, count, min, max of duration of enter calls with wait
    EnterStats enter_stats_wait;

    // The task that is in Running state
    std::optional<Rc<Task>> current_task;

    // A list of Ready tasks that would like to run with I/O priority.
    // Tasks that become ready are added here, and then moved to
    // ready_task_list_io as a cohort.
    VecDeque<Rc<Task>> fill_ready_task_list_io;

    // A list of Ready tasks to be polled together before the next
    // I/O uring submission.
    VecDeque<Rc<Task>> ready_task_list_io;

    // A list of Ready tasks that would like to run with CPU priority
    VecDeque<Rc<Task>> ready_task_list_cpu;

    VecDeque<Rc<Completion>> completion_pool;

    // All tasks
    HandleTable<Rc<Task>> tasks;

    VecDeque<Rc<Task>> completed_tasks;

    // An id for tracking begin and end trace events. It does not guarantee
    // uniqueness but relies on wrap around taking enough time.
    std::uint32_t next_tag = 0;

    // probe is used to check if the kernel supports certain I/O uring operations
    Probe probe;

    // Boolean indicating if the event loop should continue to process new
    // events or immediately terminate.
    bool keep_running = true;

#if KIMOJIO_FAULT_INJECTION
    // The RingFuture poll that fails next: after `first` more polls, `second` is returned.
    std::optional<std::pair<std::size_t, Errno>> fault;
#endif

    // Phase 2 (not in Rust): the pending set of the Runtime running block_on on this
    // thread (null outside block_on), and whether its eventfd read is in the ring.
    ForeignWakeQueue* foreign_wake_queue = nullptr;
    bool foreign_wake_read_armed = false;

#if KIMOJIO_FAULT_INJECTION
    // task.rs:558-561 TaskState::inject_fault
    void inject_fault(std::size_t operation, Errno fault_value) { fault = std::pair{operation, fault_value}; }
#endif

    // Borrows this thread's TaskState (created on first use; throws std::system_error
    // if io_uring is unavailable). Inline (task_state_cell.hpp): see get_slow().
    // task.rs:563-570 TaskState::get (part 1 of 2: declaration)
    static TaskStateCellRef get();
    // Performance (not in Rust): the first get() on a thread, which builds the TaskState;
    // throws ForkedThreadError on the forking thread of a child of fork().
    static TaskStateCellRef get_slow();

    // task.rs:573-575 TaskState::get_task_count
    std::size_t get_task_count() const { return task_count; }
    // task.rs:578-584 TaskState::get_completion_count
    std::size_t get_completion_count(bool iopoll) {
        if (iopoll) {
            return ring_poll.get_completion_count();
        } else {
            return ring.get_completion_count();
        }
    }
    // task.rs:587-593 TaskState::get_next_cqe
    std::optional<CQE> get_next_cqe(bool iopoll) {
        if (iopoll) {
            return ring_poll.get_next_cqe();
        } else {
            return ring.get_next_cqe();
        }
    }
    // task.rs:596-598 TaskState::get_current_task (part 1 of 2: declaration)
    Rc<Task> get_current_task() const;
    // Not in Rust (performance): get_current_task without the Rc copy, for callers that
    // hold the borrow for as long as they use the task.
    const Rc<Task>& current_task_ref() const {
        if (!current_task) [[unlikely]] {
            throw_no_current_task();
        }
        return *current_task;
    }
    [[noreturn]] static void throw_no_current_task();
    // task.rs:601-603 TaskState::get_current_thread_id
    std::thread::id get_current_thread_id() const { return thread_id; }
    // task.rs:606-610 TaskState::get_next_tag
    std::uint32_t get_next_tag() {
        std::uint32_t tag = next_tag;
        next_tag = next_tag + 1;  // wrapping
        return tag;
    }
    // task.rs:613-618 TaskState::get_current_activity_id (part 1 of 2: declaration)
    Uuid get_current_activity_id() const;
    // task.rs:621-626 TaskState::get_current_tenant_id (part 1 of 2: declaration)
    Uuid get_current_tenant_id() const;
    // task.rs:628-637 TaskState::set_current_activity_id_and_tenant_id (part 1 of 2: declaration)
    void set_current_activity_id_and_tenant_id(Uuid activity_id, Uuid tenant_id);
    // Defined here (performance: every loop turn asks, some twice).
    // task.rs:639-643 TaskState::any_ready
    bool any_ready() const {
        return !fill_ready_task_list_io.empty() || !ready_task_list_io.empty() || !ready_task_list_cpu.empty();
    }

    // Trigger a shutdown of the runtime actively running on this thread. The
    // processing loop will exit after finishing the current iteration.
    // task.rs:651-653 TaskState::shutdown
    void shutdown() { keep_running = false; }

    // task.rs:655-679 TaskState::schedule_new (part 1 of 3: schedule_new)
    template <Future F>
    Rc<Task> schedule_new(F future, Uuid activity_id, Uuid tenant_id) {
        // Deviation: Rust truncates the index to u16 silently past 65,535 live tasks.
        if (tasks.len() >= MAX_LIVE_TASKS) {
            throw_too_many_tasks();
        }
        const TaskState* task_state_ptr = this;
        Index task_index = tasks.insert_fn([&](Index task_index) {
            return Task::new_(std::move(future), static_cast<std::uint16_t>(task_index.get()), task_state_ptr,
                              activity_id, tenant_id);
        });
        Rc<Task> task = *tasks.get(task_index);  // just added
        task_count += 1;
        schedule_io_internal(task);

        return task;
    }

    // Phase 1: the live task with this index, if any (index 0 is never a task). Defined
    // in the class (performance: every local and drained foreign wake looks a task up).
    std::optional<Rc<Task>> get_task_by_index(std::uint16_t task_index) const {
        if (task_index == 0) {
            return std::nullopt;
        }
        if (const Rc<Task>* task = tasks.get(Index::from(task_index))) {
            return *task;
        }
        return std::nullopt;
    }
    // task.rs:712-732 TaskState::schedule_io (part 1 of 2: declaration)
    void schedule_io(Rc<Task> task);
    // task.rs:734-754 TaskState::schedule_cpu (part 1 of 2: declaration)
    void schedule_cpu(Rc<Task> task);
    void submit(std::span<const SQE> entries) { ring.submit(entries); }
    // task.rs:762-764 TaskState::submit_poll
    void submit_poll(std::span<const SQE> entries) { ring_poll.submit(entries); }
    // task.rs:766-780 TaskState::complete_task (part 1 of 2: declaration)
    static TaskStateCellRef complete_task(TaskStateCell& cell, Task& task);
    // task.rs:782-792 TaskState::prepare_cohort (part 1 of 2: declaration)
    void prepare_cohort();
    // task.rs:794-821 TaskState::get_ready (part 1 of 2: declaration)
    std::optional<Rc<Task>> get_ready();
    // task.rs:824-826 TaskState::write_event
    void write_event(std::uint16_t task_index, Events event) const {
        trace_buffer.write_event(task_index, std::move(event));
    }
    // task.rs:828-851 TaskState::abort_task (part 1 of 2: declaration)
    void abort_task(Rc<Task> task);
    // Performance: defined in the class (two calls per I/O operation).
    // task.rs:853-865 TaskState::return_completion
    void return_completion(Rc<Completion> completion) {
        if (completion_pool.size() < MAX_COMPLETION_POOL_ENTRIES
            // A strong count of 1 on our owned Rc indicates that we are the only owner.
            && Rc<Completion>::strong_count(completion) == 1) {
            completion_pool.push_back(std::move(completion));
        }
    }
    // Performance: takes the Completion's fields, not a built Completion, so that a pooled
    // one is refilled in place (Rust's `*ptr = completion` is a memcpy; C++ would build and
    // move-assign two variants). See PORTING.md "Performance deviations".
    // task.rs:867-876 TaskState::new_completion (part 1 of 2: declaration)
    Rc<Completion> new_completion(const SQE& entry, bool has_timespec, CompletionResources owned_resources,
                                  Timespec timespec, std::uint32_t tag, std::uint16_t task_index, bool iopoll);

private:
    // task.rs:681-710 TaskState::schedule_io_internal (part 1 of 2: declaration)
    void schedule_io_internal(Rc<Task> task);
    // task.rs:655-679 TaskState::schedule_new (part 2 of 3: throw_too_many_tasks)
    [[noreturn]] static void throw_too_many_tasks();
};

}  // namespace kimojio
