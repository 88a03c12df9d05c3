// Port of kimojio/src/ring_future.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
//
// RingFuture implements a Future that is completed via io_uring. It is generic on
// the return type via the MakeResult policy and takes the SQE that corresponds to
// the operation. Owner thread only; must be polled from a task.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <type_traits>

#include "kimojio/completion.hpp"
#include "kimojio/io_type.hpp"
#include "kimojio/owned_fd.hpp"
#include "kimojio/runtime.hpp"
#include "kimojio/task.hpp"
#include "kimojio/task_state_cell.hpp"

namespace kimojio {

// ring_future.rs:54-56 MakeResult
// MakeResult policies: turn a successful CQE result into the future's output.
// ring_future.rs:365 ResultToUnit
struct ResultToUnit {
    using Output = void;
    // ring_future.rs:368 ResultToUnit::make_success
    static void make_success(std::uint32_t) {}
};
// ring_future.rs:371 ResultToUsize
struct ResultToUsize {
    using Output = std::size_t;
    // ring_future.rs:374-376 ResultToUsize::make_success
    static std::size_t make_success(std::uint32_t value) { return value; }
};
// ring_future.rs:379 ResultToOwnedFd
struct ResultToOwnedFd {
    using Output = OwnedFd;
    // Only valid for operations whose result is a file descriptor.
    // ring_future.rs:382-387 ResultToOwnedFd::make_success
    static OwnedFd make_success(std::uint32_t value) { return OwnedFd(static_cast<int>(value)); }
};

#if KIMOJIO_IO_URING_CMD
// What a uring_cmd completes with: the 32-byte CQE's extra 16 bytes (NVMe passthrough's
// completion) and its result (a socket command's answer, which Rust drops).
struct UringCmdResult {
    std::uint32_t res;
    std::array<std::uint64_t, 2> big_cqe;
};
// ring_future.rs:391 ResultToCqe
struct ResultToCqe {
    using Output = UringCmdResult;
    // ring_future.rs:395-397 ResultToCqe::make_success
    static UringCmdResult make_success(std::uint32_t value, const std::array<std::uint64_t, 2>& cqe) {
        return UringCmdResult{value, cqe};
    }
};
#endif

// ring_future.rs:58-61 RingFuture
template <class C>
class RingFuture {
public:
    using T = typename C::Output;

    // ring_future.rs:64-78 RingFuture::new
    static RingFuture new_(SQE entry, int fd, std::optional<std::chrono::nanoseconds> timeout, IOType io_type) {
        return with_polled(entry, fd, timeout, io_type, false, completion_resources::None{});
    }

    // ring_future.rs:80-128 RingFuture::with_polled
    static RingFuture with_polled(SQE entry, int fd, std::optional<std::chrono::nanoseconds> timeout, IOType io_type,
                                  bool iopoll, CompletionResources owned_resources) {
        TaskStateCellRef task_state = TaskState::get();
        const Rc<Task>& task = task_state->current_task_ref();  // performance: no Rc copy
        std::uint32_t tag = task_state->get_next_tag();

        std::optional<Timespec> timespec;
        if (timeout) {
            auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*timeout);
            timespec = Timespec{seconds.count(), (*timeout - seconds).count()};
        }

        Rc<Completion> handle = task_state->new_completion(entry, timespec.has_value(), std::move(owned_resources),
                                                           timespec.value_or(Timespec{}), tag, task->task_index, iopoll);

        task->register_io(handle);

        if (task_state->trace_buffer.tracing()) {  // performance: no event built when nobody traces
            Uuid activity_id = task->activity_id;
            task_state->write_event(task->task_index, events::IoStart{activity_id, fd, tag, io_type});
        }

        return RingFuture(std::move(handle), fd, io_type);
    }

    RingFuture(RingFuture&& other) noexcept
        : handle(std::exchange(other.handle, std::nullopt)), fd(other.fd), io_type(other.io_type) {}
    RingFuture& operator=(RingFuture&&) = delete;

    // ring_future.rs:130-135 RingFuture::cancel
    void cancel() const {
        if (handle) {
            TaskStateCellRef task_state = TaskState::get();
            (*handle)->cancel(*task_state);
        }
    }

    // ring_future.rs:139-145 RingFuture::is_io_poll
    bool is_io_poll() const { return handle ? (*handle)->iopoll : false; }

    // ring_future.rs:151-284 RingFuture::poll
    Poll<Result<T, Errno>> poll(Context& cx) {
        TaskStateCellRef task_state = TaskState::get();

#if KIMOJIO_FAULT_INJECTION
        if (auto& fault = task_state->fault) {
            if (fault->first > 0) {
                fault->first -= 1;
            } else {
                Errno code = fault->second;
                task_state->fault = std::nullopt;
                return Result<T, Errno>(Err{code.with_context(to_string(io_type), fd)});  // names op and fd
            }
        }
#endif

        TaskState& task_state_ref = *task_state;
        if (!task_state_ref.current_task) {
            throw Panic("kimojio: an I/O future must be polled from a task");
        }
        const Rc<Task>& task = *task_state_ref.current_task;
        URingStats& stats = task_state_ref.stats;
        const TraceBuffer& trace_buffer = task_state_ref.trace_buffer;
        Ring& ring = task_state_ref.ring;
        Ring& ring_poll = task_state_ref.ring_poll;
        if (!handle) {
            throw Panic("It is illegal to poll a completed future");
        }
        const Rc<Completion>& completion = *handle;

        std::uint32_t tag = completion->tag;
        Poll<Result<T, Errno>> result = completion->state.use_mut([&](CompletionState& state) -> Poll<Result<T, Errno>> {
            if (auto* idle = std::get_if<completion_state::Idle>(&state)) {
                Uuid activity_id = task->activity_id;
                TaskReadyState current_task_state = task->get_state();
                if (current_task_state == TaskReadyState::Aborted) {
                    // If we were aborted while suspended waiting for I/O, then
                    // this is a good time to detect that and throw.
                    throw TaskAborted();
                }

                bool iopoll = completion->iopoll;
                auto [flags, entry_count] =
                    idle->timespec ? std::pair<unsigned, std::size_t>{IOSQE_IO_LINK, 2} : std::pair<unsigned, std::size_t>{0, 1};

                // this clone will be undone when the CQE is processed and Rc::from_raw is called
                const Completion* pool_handle_raw_ptr = Rc<Completion>::into_raw(Rc<Completion>(completion));

                Completion* user_data = const_cast<Completion*>(pool_handle_raw_ptr);
                Ring& target = iopoll ? ring_poll : ring;
                if (entry_count == 1) {
                    // Performance: written straight into the SQ, not copied to the stack
                    // first (without a timeout there is no flag to add).
                    target.submit_one(*idle->entry, user_data);
                } else {
                    SQE entries[2];
                    entries[0] = *idle->entry;
                    io_uring_sqe_set_data(&entries[0], user_data);
                    entries[0].flags |= flags;
                    // We provide a pointer to the timespec in the Completion,
                    // because this always lives longer than the pending I/O.
                    // (Performance: the timeout entry is prepared only when it is submitted.)
                    io_uring_prep_link_timeout(&entries[1], &completion->timespec, 0);
                    io_uring_sqe_set_data64(&entries[1], 0);
#if KIMOJIO_IO_URING_CMD
                    entries[1].big_sqe = {};  // Rust's Entry -> Entry128 zero-fills
#endif
                    target.submit(std::span<const SQE>(entries, entry_count));
                }
                if (!iopoll) {
                    stats.increment_in_flight_io(entry_count);
                } else {
                    stats.increment_in_flight_io_poll(entry_count);
                }

                state = completion_state::Submitted{cx.waker(), activity_id, tag, false};
                return Pending;
            }
            if (auto* submitted = std::get_if<completion_state::Submitted>(&state)) {
                TaskReadyState current_task_state = task->get_state();
                if (current_task_state == TaskReadyState::Aborted) {
                    throw TaskAborted();
                }

                // Update the waker in case we were polled from a different task.
                submitted->waker.clone_from(cx.waker());

                // still waiting for a completion
                return Pending;
            }
            if (auto* completed = std::get_if<completion_state::Completed>(&state)) {
                Result<std::uint32_t, Errno> cqe_result = completed->result;
                std::optional<Result<T, Errno>> out;
                if (cqe_result.is_ok()) {
                    if constexpr (std::is_void_v<T>) {
                        out.emplace(ok());
#if KIMOJIO_IO_URING_CMD
                    } else if constexpr (std::is_same_v<C, ResultToCqe>) {
                        out.emplace(Ok{C::make_success(cqe_result.value(), completed->big_cqe)});
#endif
                    } else {
                        out.emplace(Ok{C::make_success(cqe_result.value())});
                    }
                } else {
                    Errno code = cqe_result.error();
                    trace_buffer.write_event(task->task_index,
                                             events::IoError{task->activity_id, tag, code.raw_os_error()});
                    out.emplace(Err{code.with_context(to_string(io_type), fd)});  // names op and fd
                }
                state = completion_state::Terminated{};
                return std::move(*out);
            }
            throw Panic("RingFuture polled after already returning a result.");
        });

        if (result.is_ready()) {
            Rc<Completion> done = std::move(*handle);
            handle.reset();
            task_state->return_completion(std::move(done));
        }

        return result;
    }

    // ring_future.rs:288-350 RingFuture::drop
    ~RingFuture() {
        if (!handle) {
            return;
        }
        const Rc<Completion>& completion = *handle;
        // We are being dropped and the I/O has not completed yet. Since no-one
        // will see the result of the I/O, cancel it immediately.
        TaskStateCellRef task_state = TaskState::get();
        completion->cancel(*task_state);

        // If we had owned resources registered with the completion, then we can return
        // right away: they live as long as the Rc<Completion>, which is at least until
        // the I/O completes. Without owned resources the request may have borrowed
        // memory (a caller's buffer), so block until the I/O is complete.
        // ring_future.rs:308-329 pending_io_with_borrowed_resources
        auto pending_io_with_borrowed_resources = [](const Completion& completion) {
            return completion.state.use_mut([&](CompletionState& state) {
                return std::holds_alternative<completion_state::Submitted>(state) &&
                       std::holds_alternative<completion_resources::None>(completion.owned_resources);
            });
        };

        if (pending_io_with_borrowed_resources(*completion)) {
            // Rust unwraps current_task here; a drop outside a poll has none.
            if (task_state->current_task) {
                const Rc<Task>& current_task = *task_state->current_task;
                task_state->write_event(current_task->task_index, events::FutureCanceled{current_task->activity_id});
            }

            while (pending_io_with_borrowed_resources(*completion)) {
                bool iopoll = completion->iopoll;
                task_state = submit_and_complete_io(std::move(task_state), false, iopoll);
            }
        }
    }

    // ring_future.rs:354-362 RingFuture::is_terminated
    bool is_terminated() const {
        if (handle) {
            return (*handle)->state.use_mut(
                [](CompletionState& state) { return std::holds_alternative<completion_state::Terminated>(state); });
        }
        return true;
    }

private:
    RingFuture(Rc<Completion> handle, int fd, IOType io_type) : handle(std::move(handle)), fd(fd), io_type(io_type) {}
    std::optional<Rc<Completion>> handle;
    // Not in Rust: kept for the error's message (Errno::with_context).
    int fd;
    IOType io_type;
};

// Future representing operations which return either 0 or an error value.
// ring_future.rs:41 UnitFuture
using UnitFuture = RingFuture<ResultToUnit>;

// Future for operations which return zero or positive on success.
// ring_future.rs:45 UsizeFuture
using UsizeFuture = RingFuture<ResultToUsize>;

// Future for operations which return a file descriptor on success.
// ring_future.rs:49 OwnedFdFuture
using OwnedFdFuture = RingFuture<ResultToOwnedFd>;

#if KIMOJIO_IO_URING_CMD
// Future for uring_cmd: the CQE's result and extra 16 bytes.
// ring_future.rs:51-52 UringCmdFuture
using UringCmdFuture = RingFuture<ResultToCqe>;
#endif

}  // namespace kimojio
