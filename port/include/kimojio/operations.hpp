// Port of parts of kimojio/src/operations.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f:
// the file operations (open .. fallocate, fsync, sync_file_range), writev/readv,
// write/read (+ _with_deadline, _with_timeout), pwrite/pread (+ _polled), close, nop,
// uring_cmd (+ _polled, with KIMOJIO_IO_URING_CMD),
// yield_io, yield_cpu, sleep, write_event, task_identity, activity ids, set_high_priority,
// spawn_task, TaskHandle, shutdown_loop, io_scope, ErrnoOrFuture. Everything here must be
// called from a task running on a Runtime. Paths are copied (and owned by the I/O until
// it completes); a path with an embedded NUL byte throws std::invalid_argument.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <concepts>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <variant>

#include "kimojio/async.hpp"
#include "kimojio/async_event.hpp"
#include "kimojio/errors.hpp"
#include "kimojio/ring_future.hpp"
#include "kimojio/socket_addr.hpp"
#include "kimojio/stream.hpp"
#include "kimojio/task.hpp"
#include "kimojio/task_state_cell.hpp"

namespace kimojio {

// &impl AsFd: a descriptor that is only borrowed for the call.
struct BorrowedFd {
    int fd;
    BorrowedFd(int fd) : fd(fd) {}
    BorrowedFd(const OwnedFd& fd) : fd(fd.as_raw_fd()) {}
};

// std::time::Instant: a point on the monotonic clock (the *_with_deadline forms).
using Instant = std::chrono::steady_clock::time_point;

// A future that either returns an error, or delegates to a future. Declared before its
// users (Rust: after retain_incomplete).
// operations.rs:1574-1577 ErrnoOrFuture
template <class Fut>
class ErrnoOrFuture {
public:
    using Output = future_output_t<Fut>;
    static ErrnoOrFuture Error(Errno errno_value) { return ErrnoOrFuture(std::variant<Errno, Fut>(errno_value)); }
    static ErrnoOrFuture Future(Fut fut) {
        return ErrnoOrFuture(std::variant<Errno, Fut>(std::in_place_index<1>, std::move(fut)));
    }

    // operations.rs:1583-1588 ErrnoOrFuture::poll
    Poll<Output> poll(Context& cx) {
        if (Errno* errno_value = std::get_if<Errno>(&state)) {
            return Output(Err{*errno_value});
        }
        return std::get<Fut>(state).poll(cx);
    }

    // operations.rs:1592-1597 ErrnoOrFuture::is_io_poll
    bool is_io_poll() const {
        if (std::holds_alternative<Errno>(state)) return false;
        return std::get<Fut>(state).is_io_poll();
    }

    // operations.rs:1601-1606 ErrnoOrFuture::is_terminated
    bool is_terminated() const {
        if (std::holds_alternative<Errno>(state)) return true;
        return std::get<Fut>(state).is_terminated();
    }

private:
    explicit ErrnoOrFuture(std::variant<Errno, Fut> state) : state(std::move(state)) {}
    std::variant<Errno, Fut> state;
};

// Opens (or creates, with O_CREAT in `flags`) the file at `filename`: openat(2) with
// AT_FDCWD. Resolves to the new descriptor. `flags` and `mode` are the libc constants.
// operations.rs:86-97 open (part 1 of 2: declaration)
OwnedFdFuture open(std::string_view filename, int flags, mode_t mode);

// Creates a hard link `newpath` to the file `oldpath` (linkat(2)).
// operations.rs:105-113 link (part 1 of 2: declaration)
UnitFuture link(std::string_view oldpath, std::string_view newpath);

// Creates a symbolic link at `linkpath` that points to `target` (symlinkat(2)).
// operations.rs:121-129 symlink (part 1 of 2: declaration)
UnitFuture symlink(std::string_view target, std::string_view linkpath);

// Creates a directory with permissions `mode` (mkdirat(2)).
// operations.rs:137-147 mkdir (part 1 of 2: declaration)
UnitFuture mkdir(std::string_view pathname, mode_t mode);

// Removes an empty directory (unlinkat(2) with AT_REMOVEDIR).
// operations.rs:155-165 rmdir (part 1 of 2: declaration)
UnitFuture rmdir(std::string_view pathname);

// The file's metadata (statx(2)): size, permissions, timestamps, ...
// operations.rs:173-177 stat (part 1 of 2: declaration)
Async<Result<struct statx, Errno>> stat(std::string_view filename);

// The metadata of the open file `fd` (statx(2) with AT_EMPTY_PATH).
// operations.rs:196-200 fstat (part 1 of 2: declaration)
Async<Result<struct statx, Errno>> fstat(BorrowedFd fd);

// Removes a file (unlinkat(2)); its data stays until the last link and descriptor go.
// operations.rs:219-227 unlink (part 1 of 2: declaration)
UnitFuture unlink(std::string_view filename);

// Moves `oldpath` to `newpath`, atomically replacing an existing `newpath` (renameat(2)).
// operations.rs:235-243 rename (part 1 of 2: declaration)
UnitFuture rename(std::string_view oldpath, std::string_view newpath);

// Announces an access pattern for file data (posix_fadvise(2); POSIX_FADV_*).
// operations.rs:251-261 fadvise (part 1 of 2: declaration)
UnitFuture fadvise(BorrowedFd fd, std::uint64_t offset, std::uint64_t len, int advice);

// Announces an access pattern for memory (madvise(2); MADV_*).
// operations.rs:269-276 madvise (part 1 of 2: declaration)
UnitFuture madvise(const void* addr, std::uint64_t len, int advice);

// Allocates (or, with FALLOC_FL_PUNCH_HOLE in `mode`, deallocates) file space (fallocate(2)).
// operations.rs:285-296 fallocate (part 1 of 2: declaration)
UnitFuture fallocate(BorrowedFd fd, int mode, std::uint64_t offset, std::uint64_t len);

// Creates a socket (socket(2): AF_*, SOCK_* (may include SOCK_CLOEXEC / SOCK_NONBLOCK),
// protocol or nullopt for 0) through io_uring when the kernel has the opcode, else directly.
// operations.rs:304-331 socket (part 1 of 2: declaration)
Async<Result<OwnedFd, Errno>> socket(int domain, int socket_type, std::optional<int> protocol);

// Waits for and accepts a connection on the listening socket `fd` (accept(2)).
// operations.rs:340-348 accept (part 1 of 2: declaration)
OwnedFdFuture accept(BorrowedFd fd);

// Shuts down part or all of a connection (shutdown(2); SHUT_RD, SHUT_WR, SHUT_RDWR).
// operations.rs:356-364 shutdown (part 1 of 2: declaration)
UnitFuture shutdown(BorrowedFd fd, int how);

// Transfers the file's modified data and metadata to storage (fsync(2)).
// operations.rs:372-375 fsync (part 1 of 2: declaration)
UnitFuture fsync(BorrowedFd fd);

// Synchronizes a range of the file's data with storage (sync_file_range(2)).
// operations.rs:384-394 sync_file_range (part 1 of 2: declaration)
UnitFuture sync_file_range(BorrowedFd fd, std::uint64_t offset, std::uint32_t len);

// Binds the socket to a local address (bind(2), synchronous).
// operations.rs:402-404 bind (part 1 of 2: declaration)
Result<void, Errno> bind(BorrowedFd fd, const SocketAddr& address);

// Marks the socket as accepting connections (listen(2), synchronous).
// operations.rs:412-414 listen (part 1 of 2: declaration)
Result<void, Errno> listen(BorrowedFd fd, int backlog);

// Connects a Unix domain socket to a path or abstract name.
// operations.rs:490-501 connect_unix (part 1 of 2: declaration)
Async<Result<void, Errno>> connect_unix(BorrowedFd fd, SocketAddrUnix addr);

// Connects a socket to a peer address (v4, v6, or unix as connect_unix).
// operations.rs:509-537 connect (part 1 of 2: declaration)
Async<Result<void, Errno>> connect(BorrowedFd fd, SocketAddr addr);

// Writes the buffers of `iovec` in one operation (writev(2), or pwritev(2) at `offset`).
// The iovec array and the buffers must outlive the future. Resolves to the byte count.
// operations.rs:546-552 writev (part 1 of 2: declaration)
ErrnoOrFuture<UsizeFuture> writev(BorrowedFd fd, std::span<const iovec> iovec, std::optional<std::uint64_t> offset);

// Like writev; fails with Errno::TIMEDOUT if `deadline` passed before it completes.
// operations.rs:560-581 writev_with_deadline (part 1 of 2: declaration)
ErrnoOrFuture<UsizeFuture> writev_with_deadline(BorrowedFd fd, std::span<const iovec> iovec,
                                                std::optional<std::uint64_t> offset, std::optional<Instant> deadline);

// Like writev; fails with Errno::TIME if it does not complete within `timeout`.
// operations.rs:589-606 writev_with_timeout (part 1 of 2: declaration)
UsizeFuture writev_with_timeout(BorrowedFd fd, std::span<const iovec> buffers, std::optional<std::uint64_t> offset,
                                std::optional<std::chrono::nanoseconds> timeout);

// Writes `buf` to the descriptor at its current position. Resolves to the byte count.
// operations.rs:614-616 write (part 1 of 2: declaration)
UsizeFuture write(BorrowedFd fd, std::span<const char> buf);

// Like write; fails with Errno::TIMEDOUT if `deadline` passed before it completes.
// operations.rs:624-644 write_with_deadline (part 1 of 2: declaration)
ErrnoOrFuture<UsizeFuture> write_with_deadline(BorrowedFd fd, std::span<const char> buf,
                                               std::optional<Instant> deadline);

// Like write, failing with Errno::TIME if it does not complete within `timeout`.
// operations.rs:652-666 write_with_timeout (part 1 of 2: declaration)
UsizeFuture write_with_timeout(BorrowedFd fd, std::span<const char> buf,
                               std::optional<std::chrono::nanoseconds> timeout);

// Sends `buf` on a connected socket (send(2); MSG_* flags, e.g. MSG_NOSIGNAL). With a
// timeout, fails with Errno::TIME if not done within it.
// operations.rs:674-689 send (part 1 of 2: declaration)
UsizeFuture send(BorrowedFd fd, std::span<const char> buf, int flags, std::optional<std::chrono::nanoseconds> timeout);

// Receives into `buf` from a connected socket (recv(2)); 0 when the peer shut down.
// operations.rs:697-712 recv (part 1 of 2: declaration)
UsizeFuture recv(BorrowedFd fd, std::span<char> buf, int flags, std::optional<std::chrono::nanoseconds> timeout);

// Receives a message (recvmsg(2)); `msghdr` and what it points at must outlive the future.
// operations.rs:720-736 recvmsg (part 1 of 2: declaration)
UsizeFuture recvmsg(BorrowedFd fd, msghdr* msghdr, int flags, std::optional<std::chrono::nanoseconds> timeout);

// Sends a message (sendmsg(2)); `msghdr` and what it points at must outlive the future.
// operations.rs:744-759 sendmsg (part 1 of 2: declaration)
UsizeFuture sendmsg(BorrowedFd fd, const msghdr* msghdr, int flags, std::optional<std::chrono::nanoseconds> timeout);

// Writes `buf` at `offset` without moving the file position (pwrite(2)); `polled` uses
// the IOPOLL ring (devices opened O_DIRECT that support polling).
// operations.rs:772-789 pwrite_polled (part 1 of 2: declaration)
UsizeFuture pwrite_polled(BorrowedFd fd, std::span<const char> buf, std::uint64_t offset, bool polled);

// pwrite_polled without polling.
// operations.rs:800-802 pwrite (part 1 of 2: declaration)
UsizeFuture pwrite(BorrowedFd fd, std::span<const char> buf, std::uint64_t offset);

// Reads into the buffers of `iovec` in one operation (readv(2), or preadv(2) at `offset`).
// operations.rs:811-821 readv (part 1 of 2: declaration)
UsizeFuture readv(BorrowedFd fd, std::span<const iovec> iovec, std::optional<std::uint64_t> offset);

// Reads into `buf` from the descriptor's current position. Resolves to the byte count.
// operations.rs:829-831 read (part 1 of 2: declaration)
UsizeFuture read(BorrowedFd fd, std::span<char> buf);

// Like read; fails with Errno::TIMEDOUT if `deadline` passed before it completes.
// operations.rs:839-859 read_with_deadline (part 1 of 2: declaration)
ErrnoOrFuture<UsizeFuture> read_with_deadline(BorrowedFd fd, std::span<char> buf, std::optional<Instant> deadline);

// Like read, failing with Errno::TIME if it does not complete within `timeout`.
// operations.rs:867-881 read_with_timeout (part 1 of 2: declaration)
UsizeFuture read_with_timeout(BorrowedFd fd, std::span<char> buf, std::optional<std::chrono::nanoseconds> timeout);

// Reads into `buf` from `offset` without moving the file position (pread(2)); `polled`
// uses the IOPOLL ring.
// operations.rs:894-911 pread_polled (part 1 of 2: declaration)
UsizeFuture pread_polled(BorrowedFd fd, std::span<char> buf, std::uint64_t offset, bool polled);

// pread_polled without polling.
// operations.rs:920-922 pread (part 1 of 2: declaration)
UsizeFuture pread(BorrowedFd fd, std::span<char> buf, std::uint64_t offset);

// Closes the descriptor through io_uring; the OwnedFd is consumed.
// operations.rs:930-935 close (part 1 of 2: declaration)
UnitFuture close(OwnedFd fd);

// Submits a no-op entry to io_uring.
// operations.rs:943-945 nop (part 1 of 2: declaration)
UnitFuture nop();

#if KIMOJIO_IO_URING_CMD
// Passes command `op` and its 80 bytes of `cmd` to the driver behind `fd`
// (IORING_OP_URING_CMD): NVMe passthrough on a /dev/ngXnY generic device, or a socket
// command (SOCKET_URING_OP_SIOCINQ ...). Completes with the CQE's result and its extra
// 16 bytes (UringCmdResult). Built only with the CMake option KIMOJIO_IO_URING_CMD
// (upstream's io_uring_cmd feature: every SQE 128 bytes, every CQE 32).
// operations.rs:955-964 uring_cmd (part 1 of 2: declaration)
UringCmdFuture uring_cmd(BorrowedFd fd, std::uint32_t op, const std::array<std::uint8_t, 80>& cmd);

// uring_cmd on the IOPOLL ring, for devices that complete by polling (NVMe with poll
// queues); the kernel fails it with EOPNOTSUPP where the driver cannot poll (sockets).
// operations.rs:972-983 uring_cmd_polled (part 1 of 2: declaration)
UringCmdFuture uring_cmd_polled(BorrowedFd fd, std::uint32_t op, const std::array<std::uint8_t, 80>& cmd);
#endif

// operations.rs:1011-1016 YieldFutureState
enum class YieldFutureState { CreatedIo, CreatedCpu, Polled, Complete };

// operations.rs:1018-1020 SetYieldCpuFuture
class SetYieldCpuFuture {
public:
    explicit SetYieldCpuFuture(YieldFutureState state) : state(state) {}
    // operations.rs:1025-1052 SetYieldCpuFuture::poll (part 1 of 2: declaration)
    Poll<void> poll(Context& cx);
    // operations.rs:1056-1058 SetYieldCpuFuture::is_terminated
    bool is_terminated() const { return state == YieldFutureState::Complete; }

private:
    YieldFutureState state;
};

// Return to the main loop; the task runs again with this iteration's I/O-priority cohort.
// operations.rs:991-995 yield_io (part 1 of 2: declaration)
SetYieldCpuFuture yield_io();

// Pause until the I/O-priority tasks have run (CPU priority is not durable).
// operations.rs:1004-1008 yield_cpu (part 1 of 2: declaration)
SetYieldCpuFuture yield_cpu();

// operations.rs:1083-1086 SleepFuture
class SleepFuture {
public:
    explicit SleepFuture(UnitFuture fut) : fut(std::move(fut)) {}
    // operations.rs:1090-1092 SleepFuture::cancel
    void cancel() const { fut.cancel(); }
    // operations.rs:1098-1107 SleepFuture::poll (part 1 of 2: declaration)
    Poll<Result<void, Errno>> poll(Context& cx);
    // operations.rs:1111-1113 SleepFuture::is_terminated
    bool is_terminated() const { return fut.is_terminated(); }

private:
    UnitFuture fut;
};

// Suspends the task for the specified duration (or longer). Cancel safe.
// operations.rs:1066-1080 sleep (part 1 of 2: declaration)
SleepFuture sleep(std::chrono::nanoseconds duration);

// with_timeout_warning wraps `future` without changing its behavior or return value at
// all. However, if `duration` passes before the future completes, then `warning` is
// called and `future` continues to be polled until it is completed.
// operations.rs:1119-1142 with_timeout_warning (part 2 of 2: TimeoutWarningFuture)
template <Future F, class W>
class TimeoutWarningFuture {
public:
    TimeoutWarningFuture(F future, std::chrono::nanoseconds duration, W warning)
        : future(std::move(future)), duration(duration), warning(std::move(warning)) {}

    Poll<future_output_t<F>> poll(Context& cx) {
        if (!warned) {
            // Create the timeout future when first polled (the Rust async fn body starts then).
            if (!timer) timer.emplace(sleep(duration));
            // wait for the future to complete, or a timeout to expire.
            auto polled = future.poll(cx);
            if (polled.is_ready()) {
                timer.reset();
                return polled;
            }
            if (timer->poll(cx).is_pending()) return Pending;
            timer.reset();
            warned = true;
            warning();
        }
        return future.poll(cx);
    }

private:
    F future;
    std::chrono::nanoseconds duration;
    W warning;
    std::optional<SleepFuture> timer;
    bool warned = false;
};

// operations.rs:1119-1142 with_timeout_warning (part 1 of 2: with_timeout_warning)
template <Future F, class W>
TimeoutWarningFuture<F, W> with_timeout_warning(F future, std::chrono::nanoseconds duration, W warning) {
    return TimeoutWarningFuture<F, W>(std::move(future), duration, std::move(warning));
}

// Writes a tracing event for the current task.
// operations.rs:1148-1152 write_event (part 1 of 2: declaration)
void write_event(Events event);

// Prints `message` to stdout prefixed with the current thread id and task index.
// operations.rs:1158-1165 log (part 1 of 2: declaration)
void log(std::string_view message);

// Information identifying the current task.
// operations.rs:1169-1176 TaskIdentity
struct TaskIdentity {
    // The thread ID of the thread executing the task.
    std::thread::id thread_id;
    // The index of the thread within the runtime.
    std::uint8_t thread_index;
    // The index of the task within the runtime.
    std::uint16_t task_index;
    friend bool operator==(const TaskIdentity&, const TaskIdentity&) = default;
};

// operations.rs:1182-1202 task_identity (part 1 of 2: declaration)
TaskIdentity task_identity();
// operations.rs:1209-1212 get_activity_id (part 1 of 2: declaration)
Uuid get_activity_id();
// operations.rs:1219-1222 get_tenant_id (part 1 of 2: declaration)
Uuid get_tenant_id();
// operations.rs:1228-1231 set_activity_id_and_tenant_id (part 1 of 2: declaration)
void set_activity_id_and_tenant_id(Uuid activity_id, Uuid tenant_id);
// High priority tasks pass their priority to the tasks they wake.
// operations.rs:1236-1244 set_high_priority (part 1 of 2: declaration)
void set_high_priority(bool high_priority);

// Waits for a task to complete, ignoring the result (Rust: operations::WaitFuture).
// operations.rs:1322-1325 operations::WaitFuture
class TaskWaitFuture {
public:
    // operations.rs:1329-1332 operations::WaitFuture::new
    explicit TaskWaitFuture(Rc<Task> task) : wait(TaskSource(std::move(task))) {}
    // operations.rs:1344-1350 operations::WaitFuture::poll
    Poll<Result<void, CanceledError>> poll(Context& cx) {
        auto polled = wait.poll(cx);
        if (polled.is_pending()) return Pending;
        if (polled.value().is_ok()) return Result<void, CanceledError>(ok());
        return Result<void, CanceledError>(Err{polled.value().error()});
    }
    // operations.rs:1336-1338 operations::WaitFuture::is_terminated
    bool is_terminated() const { return wait.is_terminated(); }

private:
    WaitFuture<TaskSource> wait;
};

// The handle of a spawned task. Awaiting it gives the task's output, or
// TaskHandleError::Panic with the exception the task threw. Not copyable.
// operations.rs:1262-1266 TaskHandle
template <class T>
class TaskHandle {
public:
    // operations.rs:1270-1275 TaskHandle::new
    explicit TaskHandle(Rc<Task> task) : wait_(TaskSource(std::move(task))) {}
    TaskHandle(TaskHandle&&) noexcept = default;

    // Wait for a task to complete, ignoring the result.
    // operations.rs:1278-1280 TaskHandle::wait
    TaskWaitFuture wait() const { return TaskWaitFuture(task()); }

    // Schedule the task to run and then throw TaskAborted inside it when it next
    // polls I/O, a wait or a yield. Aborting yourself throws TaskAborted here.
    // operations.rs:1285-1288 TaskHandle::abort
    void abort() const {
        TaskStateCellRef task_state = TaskState::get();
        task_state->abort_task(task());
    }

    // Not in Rust's TaskHandle: true once the task has completed.
    bool is_complete() const { return !wait_.source() || wait_.source()->is_complete(); }

    // operations.rs:1295-1297 TaskHandle::is_terminated
    bool is_terminated() const { return wait_.is_terminated(); }

    // operations.rs:1303-1315 TaskHandle::poll
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

// ---- Beyond upstream (no Rust counterpart): spawn_task's error outside a runtime.
// Thrown by spawn_task (and spawn) when no Runtime is running block_on on this thread.
class NotInRuntime : public std::runtime_error {
public:
    NotInRuntime()
        : std::runtime_error(
              "kimojio::spawn_task called while no kimojio::Runtime is running block_on on this thread: "
              "spawn from a task (the future given to block_on, or one it spawned)") {}
};
// ---- End of spawn_task's error.

// spawn_task creates a new task that will poll the provided future to completion.
// Throws NotInRuntime outside Runtime::block_on (Rust would queue the task for the next
// Runtime on the thread), std::runtime_error when 65,535 tasks are already live.
// operations.rs:1248-1259 spawn_task
template <Future Fut>
TaskHandle<future_output_t<Fut>> spawn_task(Fut future) {
    TaskStateCellRef task_state = TaskState::get();
    if (task_state->foreign_wake_queue == nullptr) {
        throw NotInRuntime();  // not in Rust: see PORTING.md "spawn outside a runtime"
    }
    // propagate current activity id to next task by default
    Uuid activity_id = task_state->get_current_activity_id();
    Uuid tenant_id = task_state->get_current_tenant_id();

    Rc<Task> task = task_state->schedule_new(std::move(future), activity_id, tenant_id);
    return TaskHandle<future_output_t<Fut>>(std::move(task));
}

// Inform the event loop it should make an immediate shutdown: it stops once the current
// iteration ends and the tasks left are dropped. Runtime::block_on() returns nullopt
// if the main task had not returned by then, else the main task's result.
// operations.rs:1357-1360 shutdown_loop (part 1 of 2: declaration)
void shutdown_loop();

// Parses "5.15.0-rc1" into (5, 15); trailing characters after the version are ignored.
// nullopt if the string does not start with a valid version (Rust: ParseIntError).
// Declared here for its test (private in Rust).
// operations.rs:1375-1381 parse_version (part 1 of 2: declaration)
std::optional<std::pair<std::uint32_t, std::uint32_t>> parse_version(std::string_view version);

// The kernel version as (major, minor); (5, 15) if uname's release cannot be parsed.
// operations.rs:1385-1392 kernel_version (part 1 of 2: declaration)
std::pair<std::uint32_t, std::uint32_t> kernel_version();

// Restores the outer scope's completions and waits out (after canceling) the I/O
// gathered while the scope's future ran. Blocks this runtime thread until done.
// Declared here for io_scope_drain_futures; documented at its place below.
void io_scope_cancel();

// Drains the futures in the stream (every `Result<(), E>`; see io_scope_drain_futures).
// The stream is typically a FuturesUnordered of I/O futures started in this io_scope.
// operations.rs:1400-1405 io_scope_drain_futures_void
template <Stream S, class E>
Async<Result<void, E>> io_scope_drain_futures_void(Result<void, E> result, S stream) {
    return io_scope_drain_futures(std::move(result), std::move(stream), [](Unit, Unit) { return Unit{}; });
}

// Drains the futures in the stream, accumulating the results with `acc(acc, value)`.
// If any result is an error, pending I/O is canceled (io_scope_cancel: call it inside an
// io_scope). The rest of the stream is drained and the first error is returned, so none
// of the futures is dropped when one returns an error.
// operations.rs:1413-1440 io_scope_drain_futures
template <Stream S, class Acc, class E, class F>
Async<Result<Acc, E>> io_scope_drain_futures(Result<Acc, E> result, S stream, F acc) {
    if (result.is_err()) {
        io_scope_cancel();
    }

    while (std::optional<stream_item_t<S>> next_result = co_await next(stream)) {
        if (next_result->is_ok()) {
            if (result.is_ok()) {
                // Rust's `()` accumulator (io_scope_drain_futures_void) has nothing to fold.
                if constexpr (!std::is_void_v<Acc>) {
                    result = Ok{acc(std::move(result).value(), std::move(*next_result).value())};
                }
            }
        } else {
            if (result.is_ok()) {
                io_scope_cancel();
                result = Err{std::move(*next_result).error()};
            }
        }
    }

    co_return result;
}

// operations.rs:1471-1506 io_scope_cancel_and_wait_internal (part 1 of 2: declaration)
void io_scope_cancel_and_wait_internal(std::optional<IoScopeCompletions> new_io_scope_completions);

// Calls `f`, ensuring that any I/O initiated by the current task while `f` runs
// has completed when the returned future completes: I/O still in progress when
// `f` completes is canceled and waited for. Pass a coroutine (or any future that
// starts its I/O when first polled): I/O futures created before io_scope() is
// called belong to the enclosing scope.
// operations.rs:1512-1528 io_scope (part 2 of 2: IoScopeFuture)
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

    // operations.rs:1532-1535 CatchUnwindFuture
    // operations.rs:1541-1548 CatchUnwindFuture::poll
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

// operations.rs:1512-1528 io_scope (part 1 of 2: io_scope)
template <Future F>
IoScopeFuture<F> io_scope(F f) {
    return IoScopeFuture<F>(std::move(f));
}

// Within an io_scope: cancel all the pending I/O accumulated since the start of
// the scope, without waiting for it. The scope stays open.
// operations.rs:1448-1456 io_scope_cancel (part 1 of 2: declaration)
void io_scope_cancel();

// A future that can tell whether its I/O goes to the IOPOLL ring.
// operations.rs:1610-1612 IsIoPoll
template <class F>
concept IsIoPoll = Future<F> && requires(const F& f) {
    { f.is_io_poll() } -> std::convertible_to<bool>;
};

// SubmitFuture wraps a future, and if it returns Pending when first polled, immediately
// submits any pending SQE to the kernel without waiting for other tasks to be polled first.
// operations.rs:1643-1646 SubmitFuture
template <IsIoPoll F>
class SubmitFuture {
public:
    explicit SubmitFuture(F future) : future(std::move(future)) {}

    // operations.rs:1652-1669 SubmitFuture::poll
    Poll<future_output_t<F>> poll(Context& cx) {
        auto result = future.poll(cx);
        if (result.is_ready()) {
            return result;
        }
        if (!polled) {
            polled = true;
            // if it was not polled, then it is now polled and we can submit the
            // staged SQE to the kernel
            bool iopoll = future.is_io_poll();
            TaskStateCellRef task_state = TaskState::get();
            (void)submit_and_complete_io(std::move(task_state), false, iopoll);
        }
        return Pending;
    }

private:
    F future;
    bool polled = false;
};

// `submit` wraps a future and ensures that it is submitted to the kernel immediately
// when it is polled, without waiting for other tasks to be polled: minimum latency at
// the expense of batching. `co_await kimojio::submit(kimojio::nop())`.
// operations.rs:1632-1637 submit
template <IsIoPoll F>
SubmitFuture<F> submit(F fut) {
    return SubmitFuture<F>(std::move(fut));
}

#if KIMOJIO_FAULT_INJECTION
// After the next `operation_count` calls to RingFuture::poll on this thread, the next
// call returns `fault` (0: the next poll fails). The underlying I/O is not affected.
// Built only with the CMake option KIMOJIO_FAULT_INJECTION (upstream's fault_injection
// feature). Any thread: it arms this thread's TaskState, as upstream.
// operations.rs:1676-1680 inject_fault
inline void inject_fault(std::size_t operation_count, Errno fault) {
    TaskStateCellRef task_state = TaskState::get();
    task_state->inject_fault(operation_count, fault);
}
#endif

}  // namespace kimojio
