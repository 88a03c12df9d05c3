// Port of parts of kimojio/src/operations.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f
// (the non-template bodies, in Rust order; the file operations of lines 86-394 are in
// operations_fs.cpp).
#include "kimojio/operations.hpp"

#include <sys/utsname.h>

#include <charconv>
#include <cstddef>
#include <cstring>
#include <iostream>
#include <sstream>

#include "kimojio/runtime.hpp"
#include "kimojio/index_waker.hpp"

namespace kimojio {

// operations.rs:546-552 writev (part 2 of 2: definition)
ErrnoOrFuture<UsizeFuture> writev(BorrowedFd fd, std::span<const iovec> iovec, std::optional<std::uint64_t> offset) {
    return writev_with_deadline(fd, iovec, offset, std::nullopt);
}

// operations.rs:560-581 writev_with_deadline (part 2 of 2: definition)
ErrnoOrFuture<UsizeFuture> writev_with_deadline(BorrowedFd fd, std::span<const iovec> iovec,
                                                std::optional<std::uint64_t> offset, std::optional<Instant> deadline) {
    std::optional<std::chrono::nanoseconds> timeout;
    if (deadline) {
        Instant now = std::chrono::steady_clock::now();
        if (*deadline >= now) {
            timeout = *deadline - now;
        } else {
            return ErrnoOrFuture<UsizeFuture>::Error(Errno::TIMEDOUT.with_context(to_string(IOType::Write), fd.fd));
        }
    }

    return ErrnoOrFuture<UsizeFuture>::Future(writev_with_timeout(fd, iovec, offset, timeout));
}

// operations.rs:589-606 writev_with_timeout (part 2 of 2: definition)
UsizeFuture writev_with_timeout(BorrowedFd fd, std::span<const iovec> buffers, std::optional<std::uint64_t> offset,
                                std::optional<std::chrono::nanoseconds> timeout) {
    SQE entry{};
    io_uring_prep_writev(&entry, fd.fd, buffers.data(), static_cast<unsigned>(buffers.size()),
                         offset.value_or(UINT64_MAX));
    return UsizeFuture::new_(entry, fd.fd, timeout, IOType::Write);
}

// operations.rs:614-616 write (part 2 of 2: definition)
UsizeFuture write(BorrowedFd fd, std::span<const char> buf) { return write_with_timeout(fd, buf, std::nullopt); }

// operations.rs:624-644 write_with_deadline (part 2 of 2: definition)
ErrnoOrFuture<UsizeFuture> write_with_deadline(BorrowedFd fd, std::span<const char> buf,
                                               std::optional<Instant> deadline) {
    std::optional<std::chrono::nanoseconds> timeout;
    if (deadline) {
        Instant now = std::chrono::steady_clock::now();
        if (*deadline >= now) {
            timeout = *deadline - now;
        } else {
            return ErrnoOrFuture<UsizeFuture>::Error(Errno::TIMEDOUT.with_context(to_string(IOType::Write), fd.fd));
        }
    }

    return ErrnoOrFuture<UsizeFuture>::Future(write_with_timeout(fd, buf, timeout));
}

// operations.rs:652-666 write_with_timeout (part 2 of 2: definition)
UsizeFuture write_with_timeout(BorrowedFd fd, std::span<const char> buf,
                               std::optional<std::chrono::nanoseconds> timeout) {
    SQE entry{};
    io_uring_prep_write(&entry, fd.fd, buf.data(), static_cast<unsigned>(buf.size()), UINT64_MAX);
    return UsizeFuture::new_(entry, fd.fd, timeout, IOType::Write);
}

// operations.rs:772-789 pwrite_polled (part 2 of 2: definition)
UsizeFuture pwrite_polled(BorrowedFd fd, std::span<const char> buf, std::uint64_t offset, bool polled) {
    SQE entry{};
    io_uring_prep_write(&entry, fd.fd, buf.data(), static_cast<unsigned>(buf.size()), offset);
    return UsizeFuture::with_polled(entry, fd.fd, std::nullopt, IOType::Write, polled, completion_resources::None{});
}

// operations.rs:800-802 pwrite (part 2 of 2: definition)
UsizeFuture pwrite(BorrowedFd fd, std::span<const char> buf, std::uint64_t offset) {
    return pwrite_polled(fd, buf, offset, false);
}

// operations.rs:811-821 readv (part 2 of 2: definition)
UsizeFuture readv(BorrowedFd fd, std::span<const iovec> iovec, std::optional<std::uint64_t> offset) {
    SQE entry{};
    io_uring_prep_readv(&entry, fd.fd, iovec.data(), static_cast<unsigned>(iovec.size()), offset.value_or(UINT64_MAX));
    return UsizeFuture::new_(entry, fd.fd, std::nullopt, IOType::Read);
}

// operations.rs:829-831 read (part 2 of 2: definition)
UsizeFuture read(BorrowedFd fd, std::span<char> buf) { return read_with_timeout(fd, buf, std::nullopt); }

// operations.rs:839-859 read_with_deadline (part 2 of 2: definition)
ErrnoOrFuture<UsizeFuture> read_with_deadline(BorrowedFd fd, std::span<char> buf, std::optional<Instant> deadline) {
    std::optional<std::chrono::nanoseconds> timeout;
    if (deadline) {
        Instant now = std::chrono::steady_clock::now();
        if (*deadline >= now) {
            timeout = *deadline - now;
        } else {
            return ErrnoOrFuture<UsizeFuture>::Error(Errno::TIMEDOUT.with_context(to_string(IOType::Read), fd.fd));
        }
    }

    return ErrnoOrFuture<UsizeFuture>::Future(read_with_timeout(fd, buf, timeout));
}

// operations.rs:867-881 read_with_timeout (part 2 of 2: definition)
UsizeFuture read_with_timeout(BorrowedFd fd, std::span<char> buf, std::optional<std::chrono::nanoseconds> timeout) {
    SQE entry{};
    io_uring_prep_read(&entry, fd.fd, buf.data(), static_cast<unsigned>(buf.size()), UINT64_MAX);
    return UsizeFuture::new_(entry, fd.fd, timeout, IOType::Read);
}

// operations.rs:894-911 pread_polled (part 2 of 2: definition)
UsizeFuture pread_polled(BorrowedFd fd, std::span<char> buf, std::uint64_t offset, bool polled) {
    SQE entry{};
    io_uring_prep_read(&entry, fd.fd, buf.data(), static_cast<unsigned>(buf.size()), offset);
    return UsizeFuture::with_polled(entry, fd.fd, std::nullopt, IOType::Read, polled, completion_resources::None{});
}

// operations.rs:920-922 pread (part 2 of 2: definition)
UsizeFuture pread(BorrowedFd fd, std::span<char> buf, std::uint64_t offset) { return pread_polled(fd, buf, offset, false); }

// operations.rs:930-935 close (part 2 of 2: definition)
UnitFuture close(OwnedFd fd) {
    // we are consuming the fd ourselves, so suppress the destructor's close
    int raw = fd.into_raw_fd();
    SQE entry{};
    io_uring_prep_close(&entry, raw);
    return UnitFuture::new_(entry, raw, std::nullopt, IOType::Close);
}

// operations.rs:943-945 nop (part 2 of 2: definition)
UnitFuture nop() {
    SQE entry{};
    io_uring_prep_nop(&entry);
    return UnitFuture::new_(entry, -1, std::nullopt, IOType::Nop);
}

#if KIMOJIO_IO_URING_CMD
// rustix_uring's opcode::UringCmd80::new(fd, op).cmd(cmd).build(): liburing 2.3 has no
// prep helper for it.
static SQE uring_cmd80(int fd, std::uint32_t op, const std::array<std::uint8_t, 80>& cmd) {
    SQE entry{};
    entry.opcode = IORING_OP_URING_CMD;
    entry.fd = fd;
    entry.cmd_op = op;
    std::memcpy(reinterpret_cast<std::uint8_t*>(&entry) + offsetof(io_uring_sqe, cmd), cmd.data(), cmd.size());
    return entry;
}

// operations.rs:955-964 uring_cmd (part 2 of 2: definition)
UringCmdFuture uring_cmd(BorrowedFd fd, std::uint32_t op, const std::array<std::uint8_t, 80>& cmd) {
    return UringCmdFuture::new_(uring_cmd80(fd.fd, op, cmd), fd.fd, std::nullopt, IOType::NvmeCmd);
}

// operations.rs:972-983 uring_cmd_polled (part 2 of 2: definition)
UringCmdFuture uring_cmd_polled(BorrowedFd fd, std::uint32_t op, const std::array<std::uint8_t, 80>& cmd) {
    return UringCmdFuture::with_polled(uring_cmd80(fd.fd, op, cmd), fd.fd, std::nullopt, IOType::NvmeCmd, true,
                                       completion_resources::None{});
}
#endif

// operations.rs:991-995 yield_io (part 2 of 2: definition)
SetYieldCpuFuture yield_io() { return SetYieldCpuFuture(YieldFutureState::CreatedIo); }

// operations.rs:1004-1008 yield_cpu (part 2 of 2: definition)
SetYieldCpuFuture yield_cpu() { return SetYieldCpuFuture(YieldFutureState::CreatedCpu); }

// operations.rs:1025-1052 SetYieldCpuFuture::poll (part 2 of 2: definition)
Poll<void> SetYieldCpuFuture::poll(Context&) {
    TaskStateCellRef task_state = TaskState::get();
    Rc<Task> current_task = task_state->get_current_task();
    TaskReadyState current_task_state = current_task->get_state();
    if (current_task_state == TaskReadyState::Aborted) {
        // If we were aborted between the time we yielded and now, then
        // detect that and throw.
        throw TaskAborted();
    }

    switch (state) {
        case YieldFutureState::CreatedIo:
            task_state->schedule_io(std::move(current_task));
            state = YieldFutureState::Polled;
            return Pending;
        case YieldFutureState::CreatedCpu:
            task_state->schedule_cpu(std::move(current_task));
            state = YieldFutureState::Polled;
            return Pending;
        case YieldFutureState::Polled:
            state = YieldFutureState::Complete;
            return Ready;
        case YieldFutureState::Complete:
            break;
    }
    throw Panic("Do not poll completed futures");
}

// operations.rs:1066-1080 sleep (part 2 of 2: definition)
SleepFuture sleep(std::chrono::nanoseconds duration) {
    // The boxed Timespec is dropped when the Completion drops, making this cancel safe.
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(duration);
    auto timespec = std::make_unique<BoxAnyOf<Timespec>>(Timespec{seconds.count(), (duration - seconds).count()});
    SQE entry{};
    io_uring_prep_timeout(&entry, &timespec->value, 0, 0);
    UnitFuture fut = UnitFuture::with_polled(entry, -1, std::nullopt, IOType::Timeout, false,
                                             completion_resources::Box{std::move(timespec)});
    return SleepFuture(std::move(fut));
}

// operations.rs:1098-1107 SleepFuture::poll (part 2 of 2: definition)
Poll<Result<void, Errno>> SleepFuture::poll(Context& cx) {
    // Timeout returns ETIME in the expected case. Any other
    // error is returned (e.g. Canceled).
    auto polled = fut.poll(cx);
    if (polled.is_pending()) {
        return Pending;
    }
    auto& result = polled.value();
    if (result.is_err() && result.error() == Errno::TIME) {
        return Result<void, Errno>(ok());
    }
    if (result.is_err()) {
        return Result<void, Errno>(Err{result.error()});
    }
    throw Panic("Timeout should never return Ok");
}

// operations.rs:1148-1152 write_event (part 2 of 2: definition)
void write_event(Events event) {
    TaskStateCellRef task_state = TaskState::get();
    std::uint16_t task_id = task_state->get_current_task()->task_index;
    task_state->write_event(task_id, std::move(event));
}

// operations.rs:1158-1165 log (part 2 of 2: definition)
void log(std::string_view message) {
    TaskIdentity identity = task_identity();
    std::ostringstream line;
    line << identity.thread_id << ":" << identity.task_index << " " << message;
    std::cout << line.str();
}

// operations.rs:1182-1202 task_identity (part 2 of 2: definition)
TaskIdentity task_identity() {
    TaskStateCellRef task_state = TaskState::get();
    std::thread::id thread_id = task_state->get_current_thread_id();
    if (task_state->current_task) {
        std::uint16_t task_index = (*task_state->current_task)->task_index;
        std::uint8_t thread_index = task_state->trace_buffer.thread_idx;
        return TaskIdentity{thread_id, thread_index, task_index};
    } else {
        // There is no task - could happen if task is dropped after loop exits
        // because of shutdown_loop().
        return TaskIdentity{thread_id, 0, 0};
    }
}

// operations.rs:1209-1212 get_activity_id (part 2 of 2: definition)
Uuid get_activity_id() {
    TaskStateCellRef task_state = TaskState::get();
    return task_state->get_current_activity_id();
}

// operations.rs:1219-1222 get_tenant_id (part 2 of 2: definition)
Uuid get_tenant_id() {
    TaskStateCellRef task_state = TaskState::get();
    return task_state->get_current_tenant_id();
}

// operations.rs:1228-1231 set_activity_id_and_tenant_id (part 2 of 2: definition)
void set_activity_id_and_tenant_id(Uuid activity_id, Uuid tenant_id) {
    TaskStateCellRef task_state = TaskState::get();
    task_state->set_current_activity_id_and_tenant_id(activity_id, tenant_id);
}

// operations.rs:1236-1244 set_high_priority (part 2 of 2: definition)
void set_high_priority(bool high_priority) {
    TaskStateCellRef task_state = TaskState::get();
    task_state->get_current_task()->high_priority = high_priority;
}

// operations.rs:1357-1360 shutdown_loop (part 2 of 2: definition)
void shutdown_loop() {
    TaskStateCellRef task_state = TaskState::get();
    task_state->shutdown();
}

namespace {
// returns the prefix of version consisting of only digits and periods
// operations.rs:1363-1370 version_prefix
std::string_view version_prefix(std::string_view version) {
    for (std::size_t index = 0; index < version.size(); ++index) {
        char c = version[index];
        if (!(c >= '0' && c <= '9') && c != '.') {
            return version.substr(0, index);
        }
    }
    return version;
}

// str::parse::<u32>: all of `text` is digits and fits.
std::optional<std::uint32_t> parse_u32(std::string_view text) {
    std::uint32_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}
}  // namespace

// operations.rs:1375-1381 parse_version (part 2 of 2: definition)
std::optional<std::pair<std::uint32_t, std::uint32_t>> parse_version(std::string_view version) {
    version = version_prefix(version);
    std::size_t dot = version.find('.');
    std::string_view major_text = version.substr(0, dot);
    std::string_view minor_text = dot == std::string_view::npos ? std::string_view() : version.substr(dot + 1);
    minor_text = minor_text.substr(0, minor_text.find('.'));
    std::optional<std::uint32_t> major = parse_u32(major_text);
    std::optional<std::uint32_t> minor = parse_u32(minor_text);
    if (!major || !minor) return std::nullopt;
    return std::pair{*major, *minor};
}

// operations.rs:1385-1392 kernel_version (part 2 of 2: definition)
std::pair<std::uint32_t, std::uint32_t> kernel_version() {
    struct utsname uname {};
    ::uname(&uname);
    std::optional<std::pair<std::uint32_t, std::uint32_t>> version = parse_version(uname.release);
    // if uname does not return a valid version, then report 5.15
    // as that is the minimum we support.
    return version.value_or(std::pair<std::uint32_t, std::uint32_t>{5, 15});
}

// operations.rs:1448-1456 io_scope_cancel (part 2 of 2: definition)
void io_scope_cancel() {
    TaskStateCellRef task_state = TaskState::get();
    Rc<Task> task = task_state->get_current_task();

    // 1. ensure all I/O is submitted
    task_state = submit_and_complete_io_all(std::move(task_state), true);

    task->cancel_io_scope_completions(std::move(task_state));
}

namespace {
// operations.rs:1551-1568 retain_incomplete
void retain_incomplete(std::vector<Rc<Completion>>& vec, TaskState& task_state) {
    std::size_t index = 0;
    while (index < vec.size()) {
        bool retain = vec[index]->state.use_mut([](CompletionState& state) {
            return std::holds_alternative<completion_state::Idle>(state) ||
                   std::holds_alternative<completion_state::Submitted>(state);
        });
        if (retain) {
            index += 1;
        } else {
            Rc<Completion> done = std::move(vec[index]);
            vec[index] = std::move(vec.back());
            vec.pop_back();
            task_state.return_completion(std::move(done));
        }
    }
}
}  // namespace

// operations.rs:1471-1506 io_scope_cancel_and_wait_internal (part 2 of 2: definition)
void io_scope_cancel_and_wait_internal(std::optional<IoScopeCompletions> new_io_scope_completions) {
    TaskStateCellRef task_state = TaskState::get();
    Rc<Task> task = task_state->get_current_task();

    // restore remembered completions and get the I/O gathered for this task while f was running
    std::optional<IoScopeCompletions> gathered_completions =
        task->replace_io_scope_completions(std::move(new_io_scope_completions));

    // now we have to wait until all gathered completions are done.
    if (gathered_completions) {
        // 1. ensure all I/O is submitted
        task_state = submit_and_complete_io_all(std::move(task_state), true);

        // 2. cancel the gathered completions
        retain_incomplete(gathered_completions->completions, *task_state);

        for (const Rc<Completion>& completion : gathered_completions->completions) {
            completion->cancel(*task_state);
        }

        for (Rc<WaitData>& wait : gathered_completions->waits) {
            wait->canceled = true;
            wait->waker.use_mut([&](std::optional<Waker>& waker) {
                if (waker) {
                    wake_task(*task_state, *waker);
                }
            });
        }
        gathered_completions->waits.clear();

        // 3. wait for them to finish.
        while (!gathered_completions->completions.empty()) {
            task_state = submit_and_complete_io_all(std::move(task_state), true);

            retain_incomplete(gathered_completions->completions, *task_state);
        }
    }
}

}  // namespace kimojio
