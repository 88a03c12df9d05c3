// Port of kimojio/src/runtime.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f
// (the non-template bodies; Runtime::block_on is in kimojio/runtime.hpp).
#include "kimojio/runtime.hpp"

#include <sched.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>

#include "kimojio/foreign_wake.hpp"
#include "kimojio/index_waker.hpp"

namespace kimojio {

// runtime.rs:19-76 poll_task (part 2 of 2: definition)
TaskStateCellRef poll_task(Rc<Task> task, TaskStateCellRef task_state) {
    if (task->get_state() == TaskReadyState::Complete) {
        // A running task could get "woken" while running, and then complete without
        // suspending. In that case we should not repoll the task as it has nothing
        // to do.
        return task_state;
    }

    Uuid activity_id = task->activity_id;
    std::uint32_t tag = task->tag;
    // Performance: the clock (and below sched_getcpu) only feed TaskRunEnd, so they are
    // read only when a trace sink is configured.
    std::uint64_t start_time = task_state->trace_buffer.tracing() ? Timer::ticks() : 0;

    task_state->current_task = task;

    // We release task_state here so that there is no mutable reference to it during
    // the poll call. This will allow the poll implementation to call back into
    // operations that may need to borrow task_state. We will reborrow immediately
    // after the poll call.
    TaskStateCell& task_state_ref = std::move(task_state).into_inner();

    bool complete;
    {
        Waker waker = create_waker(task->task_index);
        Context context = Context::from_waker(waker);
        if (task->poll(context).is_pending()) {
            // tasks that return Pending lose their high_priority bit
            task->high_priority = false;

            if (task->get_state() == TaskReadyState::Running) {
                task->set_state(TaskReadyState::Suspend);
            }

            complete = false;
        } else {
            complete = true;
        }
    }

    TaskStateCellRef reborrowed =
        complete ? TaskState::complete_task(task_state_ref, *task) : task_state_ref.borrow_mut();

    reborrowed->current_task = std::nullopt;

    if (reborrowed->trace_buffer.tracing()) {
        // rustix's sched_getcpu cannot fail; glibc's returns -1, traced as cpu 0, not 65535.
        int cpu = std::max(sched_getcpu(), 0);
        reborrowed->write_event(task->task_index,
                                events::TaskRunEnd{activity_id, start_time, tag, static_cast<std::uint16_t>(cpu),
                                                   static_cast<std::uint8_t>(task->get_state()), complete});
    }

    return reborrowed;
}

// runtime.rs:87-195 process_completions (part 2 of 2: definition)
TaskStateCellRef process_completions(TaskStateCellRef task_state, RingEventTraceInfo trace_info) {
    auto [start_time, ring_tag, submissions, in_flight_io, want, iopoll] = trace_info;
    // Performance: the hint only decides whether to trace, so it is read only when tracing.
    auto completions_hint = task_state->trace_buffer.tracing()
                                ? static_cast<std::uint64_t>(task_state->get_completion_count(iopoll))
                                : 0;

    if (task_state->trace_buffer.tracing() && (want || submissions > 0 || completions_hint > 0)) {
        // Only trace ring events if they will wait for I/O
        task_state->write_event(0, events::RingEnterEnd{submissions, in_flight_io, start_time, completions_hint,
                                                        ring_tag, static_cast<std::uint32_t>(task_state->task_count),
                                                        want, iopoll});
    }

    std::uint64_t completions = 0;
    while (std::optional<CQE> cqe = task_state->get_next_cqe(iopoll)) {
        completions += 1;
        // There was one Rc::into_raw when the SQE was successfully submitted and
        // there will be one resulting CQE where we reconstitute the Rc. Linked
        // timeouts and cancels carry no user data.
        void* user_data_ptr = reinterpret_cast<void*>(static_cast<std::uintptr_t>(cqe->user_data));
        // if user_data is null, then this is a timeout completion, we need to skip it
        if (user_data_ptr == nullptr) {
            continue;
        }
        // Phase 2: the eventfd read that woke a sleeping loop; the next sleep re-arms it.
        if (cqe->user_data == FOREIGN_WAKE_USER_DATA) {
            task_state->foreign_wake_read_armed = false;
            continue;
        }
        Rc<Completion> pool_handle = Rc<Completion>::from_raw(static_cast<const Completion*>(user_data_ptr));

        Result<std::uint32_t, Errno> result = cqe->res >= 0
                                                  ? Result<std::uint32_t, Errno>(Ok{static_cast<std::uint32_t>(cqe->res)})
                                                  : Result<std::uint32_t, Errno>(Err{Errno{-cqe->res}});

        TraceBuffer& trace = task_state->trace_buffer;

        Waker waker = pool_handle->state.use_mut([&](CompletionState& state) -> Waker {
            if (std::holds_alternative<completion_state::Idle>(state)) {
                throw Panic("You can't get a completion for an entry that is not submitted");
            }
            if (auto* submitted = std::get_if<completion_state::Submitted>(&state)) {
                // Performance: Rust clones the waker and drops the original with the state
                // below; moving it out is the same without the clone and drop.
                Waker waker = std::move(submitted->waker);
                if (result == Result<std::uint32_t, Errno>(Err{Errno::CANCELED}) && !submitted->canceled) {
                    result = Err{Errno::TIME};
                }

                if (trace.tracing()) {
                    trace.write_event(pool_handle->task_index,
                                      events::IoEnd{submitted->activity_id,
                                                    result.is_ok() ? 0 : result.error().raw_os_error(), submitted->tag});
                }

#if KIMOJIO_IO_URING_CMD
                state = completion_state::Completed{result, cqe->big_cqe};
#else
                state = completion_state::Completed{result};
#endif

                return waker;
            }
            throw Panic("You can't get a completion twice");
        });

        task_state->return_completion(std::move(pool_handle));

        // Release and re-borrow task_state so that wake has the option
        // to access it via thread local storage.
        TaskStateCell& task_state_ref = std::move(task_state).into_inner();
        std::move(waker).wake();
        task_state = task_state_ref.borrow_mut();
    }

    if (iopoll) {
        task_state->stats.decrement_in_flight_io_poll(completions);
    } else {
        task_state->stats.decrement_in_flight_io(completions);
    }
    return task_state;
}

// runtime.rs:197-224 submit_and_complete_io_all (part 2 of 2: definition)
TaskStateCellRef submit_and_complete_io_all(TaskStateCellRef task_state, bool busy_poll) {
    // Performance: with nothing in flight on the IOPOLL ring, a reason not to wait, nothing
    // queued or to flush and no CQE or completed task, the two calls below would only
    // take their ring tags (see PORTING.md "Performance deviations").
    if (!task_state->ring.needs_enter() && task_state->stats.in_flight_io_poll == 0 &&
        task_state->completed_tasks.empty() && task_state->ring.get_completion_count() == 0 &&
        (busy_poll || task_state->any_ready())) {
        task_state->get_next_tag();
        task_state->get_next_tag();
        return task_state;
    }
    // Performance: with no IOPOLL I/O in flight the first call would only take its tag.
    if (task_state->stats.in_flight_io_poll == 0) {
        task_state->get_next_tag();
    } else {
        task_state = submit_and_complete_io(std::move(task_state), busy_poll, true);
    }
    task_state = submit_and_complete_io(std::move(task_state), busy_poll, false);

    // If there are any completed tasks, we drop them with task_state released
    // in case their destructors try to call TaskState::get(). At this point, no
    // tasks are referenced from this call stack so any references to the task
    // that remain would be from a TaskHandle if any.
    if (!task_state->completed_tasks.empty()) {
        // temporarily replace completed_tasks with an empty deque
        VecDeque<Rc<Task>> completed_tasks = std::move(task_state->completed_tasks);
        task_state->completed_tasks.clear();
        // drop our reference to task_state
        TaskStateCell& task_state_cell = std::move(task_state).into_inner();
        // drop the tasks
        completed_tasks.clear();
        // reborrow task state
        task_state = task_state_cell.borrow_mut();
        // put back the (now empty) deque so we can re-use the allocated capacity
        task_state->completed_tasks = std::move(completed_tasks);
    }

    return task_state;
}

// runtime.rs:233-295 submit_and_complete_io (part 2 of 2: definition)
TaskStateCellRef submit_and_complete_io(TaskStateCellRef task_state, bool busy_poll, bool iopoll) {
    std::optional<RingEventTraceInfo> tracing_info = [&]() -> std::optional<RingEventTraceInfo> {
        std::uint32_t ring_tag = task_state->get_next_tag();
        TaskState& state = *task_state;
        const URingStats& stats = state.stats;
        std::uint64_t in_flight_io_poll = stats.in_flight_io_poll;
        // in_flight_io is read after submit: arming the foreign-wake read below adds one
        Ring& ring = iopoll ? state.ring_poll : state.ring;

        if (iopoll && in_flight_io_poll == 0) {
            // nothing to add, nothing in flight, just return
            return std::nullopt;
        }
        // Performance: read after the early return above (it has no side effect).
        bool any_ready = state.any_ready();
        std::uint64_t start_time = state.trace_buffer.tracing() ? Timer::ticks() : 0;  // for RingEnterEnd only

        // If there are pending tasks to be executed, we do not want to block
        // in the kernel waiting IO completions. Instead, we want to pull new
        // completions out of the kernel and then process the ready tasks along
        // with the new completions and tasks woken up by those completions
        bool no_wait = busy_poll || iopoll || any_ready || in_flight_io_poll > 0;
        // Phase 2: before blocking, tell foreign wakers to write the eventfd (see
        // kimojio/foreign_wake.hpp); if a foreign wake is already pending, do not block.
        ForeignWakeQueue* queue = iopoll ? nullptr : state.foreign_wake_queue;
        bool announced_sleep = false;
        if (!no_wait && queue != nullptr) {
            if (!state.foreign_wake_read_armed) {
                // Outside the enter-stats timing, as any other submit: if the SQ is
                // full, this enters the ring once to make room (not timed).
                arm_foreign_wake_read(state);
            }
            announced_sleep = queue->prepare_to_sleep();
            no_wait = !announced_sleep;
        }
        std::size_t want = no_wait ? 0 : 1;
        EnterStats& enter_stats = no_wait ? state.enter_stats : state.enter_stats_wait;

        std::size_t submitted = 0;
        // Performance: with nothing to submit, wait for or flush, liburing would return 0
        // without a syscall; skip the call (and its enter stats) altogether. If no CQE is
        // ready either, process_completions would find nothing to reap or trace.
        if (want == 0 && !ring.needs_enter()) {
            if (ring.get_completion_count() == 0) {
                return std::nullopt;
            }
        } else {
            enter_stats.start();
            try {
                submitted = ring.submit_and_wait(want);
            } catch (...) {
                if (announced_sleep) queue->woke_up();
                throw;
            }
            if (announced_sleep) {
                queue->woke_up();
            }
            enter_stats.stop();
        }

        // do not double count the submissions
        auto submissions = static_cast<std::uint64_t>(submitted);
        std::uint64_t in_flight = (iopoll ? stats.in_flight_io_poll : stats.in_flight_io) - submissions;

        return RingEventTraceInfo{start_time, ring_tag, submissions, in_flight, want > 0, iopoll};
    }();

    if (tracing_info) {
        task_state = process_completions(std::move(task_state), *tracing_info);
    }

    return task_state;
}

// Beyond upstream (defined in the marked section at the end).
namespace {
void ignore_sigpipe();
}  // namespace

// runtime.rs:304-318 Runtime::new (part 2 of 2: definition)
Runtime::Runtime(std::uint8_t thread_index, Configuration configuration)
    : thread_index(thread_index),
      foreign_wake_queue(nullptr),
      foreign_wakes_at_start(0),
      blocking_pool(configuration.blocking_threads) {
    ignore_sigpipe();  // not in Rust, whose std does it before main
    // Registry first: it refuses 255 and an index a live runtime already uses.
    foreign_wake_queue = ForeignWakeRegistry::register_(thread_index);
    foreign_wakes_at_start = ForeignWakeRegistry::wakes(thread_index);
    try {
        set_kimojio_thread_index(thread_index);
        try {
            auto [server, client] = bipipe();
            TaskStateCellRef task_state = TaskState::get();
            task_state->trace_buffer.thread_idx = thread_index;
            task_state->trace_buffer.trace_configuration = std::move(configuration.trace_buffer_manager);
            busy_poll = configuration.busy_poll;
            server_pipe = std::move(server);
            client_pipe = std::move(client);
        } catch (...) {
            reset_kimojio_thread_index();
            throw;
        }
    } catch (...) {
        ForeignWakeRegistry::unregister(thread_index);
        throw;
    }
}

// runtime.rs:320-322 Runtime::get_handle (part 2 of 2: definition)
RuntimeHandle Runtime::get_handle() const { return RuntimeHandle(client_pipe.try_clone()); }


// Beyond upstream (defined in the marked section at the end).
namespace {
TaskStateCellRef cancel_and_reap_in_flight_io(TaskStateCellRef task_state, bool iopoll);
TaskState fresh_task_state(TaskState& old, bool keep_rings);
}  // namespace

// drop_all_tasks (keep_rings false) and reset_task_state (true).
// runtime.rs:328-411 Runtime::block_on (part 5 of 6: teardown)
static void teardown(TaskStateCellRef task_state, bool keep_rings) {
    try {
        // Drop tasks until no task is left referenced by the TaskState: dropping one
        // may wake others, and reaping canceled I/O wakes the tasks that waited on it.
        for (;;) {
            std::optional<Rc<Task>> current_task = std::move(task_state->current_task);
            task_state->current_task = std::nullopt;
            HandleTable<Rc<Task>> tasks = std::move(task_state->tasks);
            task_state->tasks.clear();
            VecDeque<Rc<Task>> lists[4] = {
                std::move(task_state->fill_ready_task_list_io), std::move(task_state->ready_task_list_io),
                std::move(task_state->ready_task_list_cpu), std::move(task_state->completed_tasks)};
            task_state->fill_ready_task_list_io.clear();
            task_state->ready_task_list_io.clear();
            task_state->ready_task_list_cpu.clear();
            task_state->completed_tasks.clear();
            bool any = current_task.has_value() || !tasks.is_empty();
            for (auto& list : lists) {
                any = any || !list.empty();
            }
            TaskStateCell& cell = std::move(task_state).into_inner();
            current_task.reset();
            tasks.clear();
            for (auto& list : lists) {
                list.clear();
            }
            task_state = cell.borrow_mut();
            task_state = cancel_and_reap_in_flight_io(std::move(task_state), true);
            task_state = cancel_and_reap_in_flight_io(std::move(task_state), false);
            if (!any && !task_state->any_ready() && task_state->completed_tasks.empty()) {
                break;
            }
        }
        // Like Rust's mem::take: the next block_on on this thread starts from a fresh
        // TaskState, and the old one (trace configuration included) is destroyed with no
        // borrow held, as Rust drops task_state before old_state.
        TaskState old_state = fresh_task_state(*task_state, keep_rings);
        std::swap(*task_state, old_state);
        std::move(task_state).into_inner();
    } catch (...) {
        // As Rust (runtime.rs 406-408) the error propagates. Release the borrow first;
        // the TaskState left behind holds no task (the failures possible here, reaping
        // I/O or creating the fresh TaskState, come after the tasks were dropped).
        if (task_state.is_borrowed()) {
            std::move(task_state).into_inner();
        }
        throw;
    }
}

// runtime.rs:328-411 Runtime::block_on (part 6 of 6: drop_all_tasks, the teardown)
void drop_all_tasks(TaskStateCellRef task_state) { teardown(std::move(task_state), false); }

// ==== Beyond upstream: no Rust counterpart below this line ====
// The foreign-wake path (Phase 2, see foreign_wake.hpp), Runtime's destructor and
// its foreign-wake accessors, and the teardown's I/O reaping (see PORTING.md,
// "Teardown of block_on").

namespace {
// Rust programs start with SIGPIPE ignored, so upstream's writes to a pipe or socket
// whose reader is gone fail with EPIPE. Do the same when a Runtime starts (process-wide;
// a handler the program installed, or SIG_IGN already, is left alone).
void ignore_sigpipe() {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL &&
        (current.sa_flags & SA_SIGINFO) == 0) {
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        sigemptyset(&ignore.sa_mask);
        sigaction(SIGPIPE, &ignore, nullptr);
    }
}
}  // namespace

Runtime::~Runtime() {
    // Frees the slot at once: wakers still in flight may reach the queue, which (with
    // its eventfd) stays for the process, so no write reaches a closed descriptor.
    ForeignWakeRegistry::unregister(thread_index);
    reset_kimojio_thread_index();
}

ForeignWakeStats Runtime::foreign_wake_stats() const {
    ForeignWakeStats stats = foreign_wake_queue->stats();
    stats.foreign_wakes = ForeignWakeRegistry::wakes(thread_index) - foreign_wakes_at_start;
    return stats;
}

int Runtime::foreign_wake_eventfd() const { return foreign_wake_queue->eventfd(); }

void arm_foreign_wake_read(TaskState& task_state) {
    ForeignWakeQueue& queue = *task_state.foreign_wake_queue;
    SQE entry{};
    io_uring_prep_read(&entry, queue.eventfd(), queue.eventfd_buffer(), sizeof(std::uint64_t), 0);
    io_uring_sqe_set_data64(&entry, FOREIGN_WAKE_USER_DATA);
    task_state.submit(std::span<const SQE>(&entry, 1));
    task_state.stats.increment_in_flight_io(1);
    task_state.foreign_wake_read_armed = true;
}

// The out-of-line part of drain_foreign_wakes (runtime.hpp): the queue has pending wakes.
TaskStateCellRef drain_pending_foreign_wakes(TaskStateCellRef task_state) {
    task_state->foreign_wake_queue->drain([&](std::uint16_t task_index) {
        // As a local wake: a stale index is a no-op, a reused one a spurious wake.
        if (std::optional<Rc<Task>> task = task_state->get_task_by_index(task_index)) {
            task_state->schedule_io(std::move(*task));
        }
    });
    return task_state;
}

void reset_task_state(TaskStateCellRef task_state) { teardown(std::move(task_state), true); }

namespace {
// Cancels every operation still in flight on one ring and reaps the completions, so
// no Completion (and no task its waker holds) is left owned by the kernel.
TaskStateCellRef cancel_and_reap_in_flight_io(TaskStateCellRef task_state, bool iopoll) {
    auto in_flight = [&] { return iopoll ? task_state->stats.in_flight_io_poll : task_state->stats.in_flight_io; };
    if (in_flight() == 0) {
        return task_state;
    }
    SQE cancel_any{};
    io_uring_prep_cancel64(&cancel_any, 0, IORING_ASYNC_CANCEL_ANY);
    io_uring_sqe_set_data64(&cancel_any, 0);
    if (iopoll) {
        task_state->submit_poll(std::span<const SQE>(&cancel_any, 1));
        task_state->stats.increment_in_flight_io_poll(1);
    } else {
        task_state->submit(std::span<const SQE>(&cancel_any, 1));
        task_state->stats.increment_in_flight_io(1);
    }
    // Bounded: an operation the kernel cannot cancel (or a kernel older than 5.19, which
    // lacks IORING_ASYNC_CANCEL_ANY) is given ~2 s, then left and leaked, as Rust would.
    for (int idle_rounds = 0; in_flight() > 0 && idle_rounds < 20;) {
        std::uint64_t before = in_flight();
        Ring& ring = iopoll ? task_state->ring_poll : task_state->ring;
        ring.submit_and_wait(0);
        if (ring.get_completion_count() == 0) {
            ring.wait_cqe_timeout(std::chrono::milliseconds(100));
        }
        task_state = process_completions(std::move(task_state), RingEventTraceInfo{0, 0, 0, 0, false, iopoll});
        idle_rounds = in_flight() < before ? 0 : idle_rounds + 1;
    }
    if (in_flight() > 0) {
        std::fprintf(stderr, "kimojio: %llu io_uring operations did not finish after cancellation at runtime teardown\n",
                     static_cast<unsigned long long>(in_flight()));
    }
    return task_state;
}

// The TaskState the teardown leaves behind: a new one, or (reset_task_state) a new one
// around the old rings when nothing is in flight on them. Reaping emptied their queues
// and the loop dropped every task, so the result is a fresh TaskState in all but the
// rings' identity.
TaskState fresh_task_state(TaskState& old, bool keep_rings) {
    // (needs_enter is always true on the IOPOLL ring: its CQEs are only found by entering.)
    if (!keep_rings || old.stats.in_flight_io != 0 || old.stats.in_flight_io_poll != 0 || old.ring.needs_enter() ||
        old.ring.get_completion_count() != 0 || old.ring_poll.get_completion_count() != 0) {
        return TaskState();
    }
    return TaskState(std::move(old.ring), std::move(old.ring_poll), std::move(old.probe));
}
}  // namespace

}  // namespace kimojio
