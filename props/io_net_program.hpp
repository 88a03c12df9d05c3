// A sockets-and-files program run through the port and through the oracle's io_net model
// (oracle/src/io_net.rs), for the property props_io_net and the fuzz harness
// fuzz/io_net_fuzz.cpp. Tasks in four slots each run one operation of the port with real
// data: send / recv / shutdown / close on a socketpair (AF_UNIX, SOCK_STREAM; a recv with
// a timeout of zero or never), connect / accept / send / recv / shutdown(SHUT_WR) on one
// TCP connection to a listener on 127.0.0.1 (port 0, getsockname), a connect to a bound
// port nobody listens on (ECONNREFUSED), a bind to the listener's address (EADDRINUSE),
// and open (O_CREAT, O_EXCL) / write / pwrite / pread / fsync / unlink / close of two files
// in a temporary directory (mkdtemp once per process, removed at exit). Between steps the
// driver cancels a task's I/O or aborts a task (a waiting recv or accept).
//
// Every socket and file sits at a fixed descriptor number (FD_BASE + Fd): the kernel hands
// out the lowest free number, so a closed one stays closed and an operation on it fails
// with EBADF instead of reaching a descriptor opened later.
//
// Each step runs to quiescence as in io_program.hpp, and for TCP until the bytes the model
// has queued at each connected end are in its receive queue (FIONREAD): loopback delivers
// after the send returns, so without this a recv could see part of the data. Compared: each
// step's outcomes (slot, result, bytes read) as a SET, sorted: a send and the recv it
// completes, or a connect and the accept it completes, finish in an order the kernel picks.
// At the end: the bytes left at each open socket end, which ends and file handles are open,
// which files exist and their contents, and each open handle's file and position.
#pragma once

#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstdlib>

#include "io_program.hpp"

namespace io_net_program {

using io_program::MAX_STEPS;
using io_program::Outcome;
using io_program::SLOTS;
using io_program::THREW;

struct Program {
    std::vector<OracleIoOp> steps;
};

inline constexpr int FD_BASE = 900;
enum Fd { PAIR0, PAIR1, CLIENT, SERVER, FILE0, FILE1, LISTENER, UNLISTENED, FD_COUNT };
inline int fixed_fd(int k) { return FD_BASE + k; }

// The recv's timeout is zero only on the socketpair: on TCP, a FIN still on its way would
// make the outcome depend on timing (0 or ETIME).
inline bool zero_timeout(const OracleIoOp& s) { return s.op == ORACLE_NET_RECV && s.zero && s.target % 4 < 2; }

inline std::string explain_op(const OracleIoOp& s) {
    static const char* const ends[] = {"pair end 0", "pair end 1", "tcp client", "tcp server"};
    std::string slot = "slot " + std::to_string(s.slot % SLOTS) + ": ";
    std::string end = ends[s.target % 4];
    std::string file = "file " + std::to_string(s.target % 2);
    std::string data = "\"" + std::string(reinterpret_cast<const char*>(s.data), std::min<std::size_t>(s.len, 8)) + "\"";
    switch (s.op) {
        case ORACLE_NET_SEND: return slot + "send on " + end + " " + data;
        case ORACLE_NET_RECV:
            return slot + "recv on " + end + " len " + std::to_string(s.len) + (zero_timeout(s) ? " timeout 0" : "");
        case ORACLE_NET_SHUTDOWN: return slot + "shutdown " + end + (s.zero ? " SHUT_RD" : " SHUT_WR");
        case ORACLE_NET_CLOSE: return slot + "close " + end;
        case ORACLE_NET_CONNECT: return slot + (s.zero ? "connect to the port nobody listens on" : "connect to the listener");
        case ORACLE_NET_ACCEPT: return slot + "accept";
        case ORACLE_NET_BIND_IN_USE: return slot + "bind a new socket to the listener's address";
        case ORACLE_NET_OPEN:
            return slot + "open " + file + " O_RDWR" + (s.zero ? "|O_CREAT" : "") + (s.offset % 2 ? "|O_EXCL" : "");
        case ORACLE_NET_WRITE: return slot + "write " + file + " " + data;
        case ORACLE_NET_PWRITE: return slot + "pwrite " + file + " at " + std::to_string(s.offset) + " " + data;
        case ORACLE_NET_PREAD:
            return slot + "pread " + file + " at " + std::to_string(s.offset) + " len " + std::to_string(s.len);
        case ORACLE_NET_FSYNC: return slot + "fsync " + file;
        case ORACLE_NET_UNLINK: return slot + "unlink " + file;
        case ORACLE_NET_CLOSE_FILE: return slot + "close " + file;
        case ORACLE_NET_CANCEL: return "cancel the I/O of slot " + std::to_string(s.slot % SLOTS);
        default: return "abort the task of slot " + std::to_string(s.slot % SLOTS);
    }
}

inline std::string explain(const Program& p) {
    std::string out = "program (each step runs to quiescence; skipped: steps the model does not run):\n";
    for (const OracleIoOp& s : p.steps) out += "  " + explain_op(s) + "\n";
    return out;
}

[[noreturn]] inline void fail(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), "io_net_program: " + what);
}

// Moves `fd` to FD_BASE + k (closing `fd`). Throws if that number is taken.
inline int place(int fd, int k) {
    int fixed = ::fcntl(fd, F_DUPFD_CLOEXEC, fixed_fd(k));
    ::close(fd);
    if (fixed != fixed_fd(k)) {
        if (fixed >= 0) ::close(fixed);
        errno = EBUSY;
        fail("descriptor " + std::to_string(fixed_fd(k)) + " is taken; the harness keeps its sockets and files at " +
             std::to_string(FD_BASE) + ".." + std::to_string(FD_BASE + FD_COUNT - 1));
    }
    return fixed;
}

// The temporary directory of this process (mkdtemp under $TMPDIR or /tmp), removed at exit.
struct TempDir {
    std::string path;
    TempDir() {
        const char* tmp = std::getenv("TMPDIR");
        std::string t = std::string(tmp && *tmp ? tmp : "/tmp") + "/kimojio-io-net-XXXXXX";
        if (::mkdtemp(t.data()) == nullptr) fail("mkdtemp " + t);
        path = t;
    }
    ~TempDir() {
        clear();
        ::rmdir(path.c_str());
    }
    std::string file(int f) const { return path + "/f" + std::to_string(f % 2); }
    void clear() const {
        for (int f = 0; f < 2; ++f) ::unlink(file(f).c_str());
    }
};
inline const TempDir& temp_dir() {
    static TempDir dir;
    return dir;
}

// The program's sockets: the socketpair, the listener and the bound port nobody listens
// on, at their fixed numbers; the files of the previous program are removed.
struct Fds {
    std::uint16_t port = 0;
    std::uint16_t unlistened_port = 0;
    Fds() {
        temp_dir().clear();
        try {
            int sv[2];
            if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) fail("socketpair");
            place(sv[0], PAIR0);
            place(sv[1], PAIR1);
            port = bound(LISTENER, true);
            unlistened_port = bound(UNLISTENED, false);
        } catch (...) {
            close_all();
            throw;
        }
    }
    Fds(const Fds&) = delete;
    ~Fds() {
        // An abortive close (RST, no TIME_WAIT) of the TCP ends: a fuzzing campaign makes
        // thousands of connections, which would otherwise use up the ephemeral ports.
        linger abortive{1, 0};
        for (int k : {CLIENT, SERVER}) ::setsockopt(fixed_fd(k), SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
        close_all();
    }
    static void close_all() {
        for (int k = 0; k < FD_COUNT; ++k) ::close(fixed_fd(k));
    }
    // A TCP socket bound to 127.0.0.1 port 0 (the kernel picks one), listening or not.
    static std::uint16_t bound(int k, bool listening) {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) fail("socket");
        fd = place(fd, k);
        auto check = [](kimojio::Result<void, kimojio::Errno> r, const char* what) {
            if (r.is_err()) {
                errno = r.error().raw_os_error();
                fail(what);
            }
        };
        check(kimojio::bind(fd, kimojio::SocketAddrV4::localhost(0)), "bind 127.0.0.1:0");
        if (listening) check(kimojio::listen(fd, 4), "listen");
        sockaddr_in a{};
        socklen_t n = sizeof a;
        if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n) != 0) fail("getsockname");
        return ntohs(a.sin_port);
    }
};

struct Slot {
    std::optional<kimojio::UsizeFuture> io;           // send, recv, write, pwrite, pread
    std::optional<kimojio::UnitFuture> unit;          // shutdown, close, fsync, unlink
    std::optional<kimojio::OwnedFdFuture> fd_io;      // accept, open
    std::optional<kimojio::Async<std::int32_t>> job;  // connect, bind: socket, then the call
    std::array<char, 16> buf{};
    std::optional<kimojio::Rc<kimojio::Task>> task;  // the live task, for abort
};

struct World {
    Fds fds;
    std::array<Slot, SLOTS> slots;
    std::vector<Outcome> outcomes;  // this step's
};

inline std::int32_t result_of(const kimojio::Result<void, kimojio::Errno>& r) {
    return r.is_err() ? -r.error().raw_os_error() : 0;
}

// socket(2) through the port, then connect to the listener (the socket becomes the client
// end) or to the port nobody listens on (the socket is closed at the end).
inline kimojio::Async<std::int32_t> connect_job(World* w, bool refused) {
    auto s = co_await kimojio::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, std::nullopt);
    if (s.is_err()) co_return -s.error().raw_os_error();
    int raw = s.value().into_raw_fd();
    kimojio::OwnedFd fd(refused ? raw : place(raw, CLIENT));
    auto r = co_await kimojio::connect(fd, kimojio::SocketAddrV4::localhost(refused ? w->fds.unlistened_port : w->fds.port));
    if (!refused && r.is_ok()) (void)fd.into_raw_fd();  // stays at CLIENT; Fds closes it
    co_return result_of(r);
}

// socket(2) through the port, then bind to the listener's address.
inline kimojio::Async<std::int32_t> bind_job(World* w) {
    auto s = co_await kimojio::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, std::nullopt);
    if (s.is_err()) co_return -s.error().raw_os_error();
    kimojio::OwnedFd fd = std::move(s).value();
    co_return result_of(kimojio::bind(fd, kimojio::SocketAddrV4::localhost(w->fds.port)));
}

// One slot's task: starts its operation when first polled, polls it until it returns and
// records the outcome (an abort records "aborted" and drops the operation, which cancels
// it and waits).
struct NetTask {
    World* w;
    OracleIoOp op;
    bool started = false;

    Slot& slot() const { return w->slots[op.slot % SLOTS]; }
    int end() const { return fixed_fd(op.target % 4); }
    int file() const { return fixed_fd(FILE0 + op.target % 2); }
    void record(std::int32_t result, std::string data = {}) {
        w->outcomes.push_back({static_cast<std::uint8_t>(op.slot % SLOTS), result, std::move(data)});
        Slot& s = slot();
        s.io.reset();
        s.unit.reset();
        s.fd_io.reset();
        s.job.reset();
        s.task.reset();
    }

    void start() {
        Slot& s = slot();
        std::memcpy(s.buf.data(), op.data, sizeof op.data);
        std::span<const char> out(s.buf.data(), std::min<std::size_t>(op.len, 8));
        std::span<char> in(s.buf.data(), std::min<std::size_t>(op.len, 16));
        std::optional<std::chrono::nanoseconds> timeout;
        if (zero_timeout(op)) timeout = std::chrono::nanoseconds(0);
        int flags = O_RDWR | O_CLOEXEC | (op.zero ? O_CREAT : 0) | (op.offset % 2 ? O_EXCL : 0);
        switch (op.op) {
            case ORACLE_NET_SEND: s.io.emplace(kimojio::send(end(), out, 0, std::nullopt)); break;
            case ORACLE_NET_RECV: s.io.emplace(kimojio::recv(end(), in, 0, timeout)); break;
            case ORACLE_NET_SHUTDOWN: s.unit.emplace(kimojio::shutdown(end(), op.zero ? SHUT_RD : SHUT_WR)); break;
            case ORACLE_NET_CLOSE: s.unit.emplace(kimojio::close(kimojio::OwnedFd(end()))); break;
            case ORACLE_NET_CONNECT: s.job.emplace(connect_job(w, op.zero)); break;
            case ORACLE_NET_ACCEPT: s.fd_io.emplace(kimojio::accept(fixed_fd(LISTENER))); break;
            case ORACLE_NET_BIND_IN_USE: s.job.emplace(bind_job(w)); break;
            case ORACLE_NET_OPEN: s.fd_io.emplace(kimojio::open(temp_dir().file(op.target), flags, 0600)); break;
            case ORACLE_NET_WRITE: s.io.emplace(kimojio::write(file(), out)); break;
            case ORACLE_NET_PWRITE: s.io.emplace(kimojio::pwrite(file(), out, op.offset)); break;
            case ORACLE_NET_PREAD: s.io.emplace(kimojio::pread(file(), in, op.offset)); break;
            case ORACLE_NET_FSYNC: s.unit.emplace(kimojio::fsync(file())); break;
            case ORACLE_NET_UNLINK: s.unit.emplace(kimojio::unlink(temp_dir().file(op.target))); break;
            case ORACLE_NET_CLOSE_FILE: s.unit.emplace(kimojio::close(kimojio::OwnedFd(file()))); break;
        }
    }

    kimojio::Poll<void> poll(kimojio::Context& cx) {
        try {
            if (!started) {
                started = true;
                start();
            }
            Slot& s = slot();
            if (s.io) {
                auto r = s.io->poll(cx);
                if (r.is_pending()) return kimojio::Pending;
                if (r.value().is_err()) {
                    record(-r.value().error().raw_os_error());
                } else {
                    auto n = static_cast<std::int32_t>(r.value().value());
                    bool reads = op.op == ORACLE_NET_RECV || op.op == ORACLE_NET_PREAD;
                    record(n, reads ? std::string(s.buf.data(), std::min<std::size_t>(n, 16)) : std::string());
                }
            } else if (s.unit) {
                auto r = s.unit->poll(cx);
                if (r.is_pending()) return kimojio::Pending;
                record(result_of(r.value()));
            } else if (s.fd_io) {
                auto r = s.fd_io->poll(cx);
                if (r.is_pending()) return kimojio::Pending;
                if (r.value().is_err()) return record(-r.value().error().raw_os_error()), kimojio::Ready;
                int raw = r.value().value().into_raw_fd();
                place(raw, op.op == ORACLE_NET_ACCEPT ? SERVER : FILE0 + op.target % 2);
                record(0);
            } else if (s.job) {
                auto r = s.job->poll(cx);
                if (r.is_pending()) return kimojio::Pending;
                record(r.value());
            }
            return kimojio::Ready;
        } catch (const kimojio::TaskAborted&) {
            record(ORACLE_IO_ABORTED);
            throw;
        } catch (const std::exception& e) {
            record(THREW, e.what());  // no model outcome is THREW: a difference at once
            throw;
        }
    }
};

// The model's bytes of `what` (oracle_net_contents), or nullopt.
inline std::optional<std::string> model_contents(const OracleNet* oracle, std::uint8_t what) {
    std::size_t n = oracle_net_contents(oracle, what, nullptr, 0);
    if (n == SIZE_MAX) return std::nullopt;
    std::string out(n, '\0');
    oracle_net_contents(oracle, what, reinterpret_cast<std::uint8_t*>(out.data()), out.size());
    return out;
}

// TCP's part of quiescence: each connected end's receive queue holds what the model queued.
inline bool tcp_arrived(const OracleNet* oracle) {
    for (int k : {CLIENT, SERVER}) {
        std::size_t n = oracle_net_contents(oracle, static_cast<std::uint8_t>(k), nullptr, 0);
        if (n == SIZE_MAX) continue;
        int queued = 0;
        if (::ioctl(fixed_fd(k), FIONREAD, &queued) != 0 || static_cast<std::size_t>(queued) != n) return false;
    }
    return true;
}

inline bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

// The state the program leaves, port against model.
inline std::optional<std::string> compare_state(const OracleNet* oracle) {
    static const char* const names[] = {"socket end 0", "socket end 1", "the tcp client", "the tcp server",
                                        "file handle 0", "file handle 1"};
    auto open_differs = [&](int k, bool model_open) -> std::optional<std::string> {
        if (is_open(fixed_fd(k)) == model_open) return std::nullopt;
        return std::string(names[k]) + (model_open ? " is closed in the port, open in the model" : " is open in the port, closed in the model");
    };
    for (int end = PAIR0; end <= SERVER; ++end) {
        auto model = model_contents(oracle, static_cast<std::uint8_t>(end));
        if (auto d = open_differs(end, model.has_value())) return d;
        if (!model) continue;
        char buf[4096];
        ssize_t n = ::recv(fixed_fd(end), buf, sizeof buf, MSG_DONTWAIT);  // TCP's bytes have arrived (tcp_arrived)
        std::string port(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
        if (port != *model) {
            return std::string(names[end]) + " holds " + std::to_string(port.size()) + " bytes in the port, " +
                   std::to_string(model->size()) + " in the model (or other bytes)";
        }
    }
    auto read_all = [](int fd) {
        std::string out(4096, '\0');
        ssize_t n = ::pread(fd, out.data(), out.size(), 0);
        out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
        return out;
    };
    for (int f = 0; f < 2; ++f) {
        auto model = model_contents(oracle, static_cast<std::uint8_t>(4 + f));
        int fd = ::open(temp_dir().file(f).c_str(), O_RDONLY | O_CLOEXEC);
        std::optional<std::string> port;
        if (fd >= 0) port = read_all(fd);
        if (fd >= 0) ::close(fd);
        if (port != model) {
            return "file " + std::to_string(f) + (port ? " holds " + std::to_string(port->size()) + " bytes" : " is missing") +
                   " in the port; in the model it " + (model ? "holds " + std::to_string(model->size()) : std::string("is missing"));
        }
        auto handle = model_contents(oracle, static_cast<std::uint8_t>(6 + f));
        if (auto d = open_differs(FILE0 + f, handle.has_value())) return d;
        if (!handle) continue;
        std::string contents = read_all(fixed_fd(FILE0 + f));
        off_t pos = ::lseek(fixed_fd(FILE0 + f), 0, SEEK_CUR);
        if (contents != *handle || pos != oracle_net_position(oracle, static_cast<std::uint8_t>(f))) {
            return "file handle " + std::to_string(f) + ": " + std::to_string(contents.size()) + " bytes at position " +
                   std::to_string(pos) + " in the port, " + std::to_string(handle->size()) + " at " +
                   std::to_string(oracle_net_position(oracle, static_cast<std::uint8_t>(f))) + " in the model (or other bytes)";
        }
    }
    return std::nullopt;
}

// How long an io_net step may take to settle. An fsync waits for the disk and loopback
// TCP for softirq delivery: on a shared machine (ci/fuzz 1800 ran seven fuzzers and a
// build on 2 cores) an fsync took over 2 s. A port that loses a completion still fails,
// 20 s later.
inline constexpr std::chrono::seconds NET_SETTLE_LIMIT{20};

// Runs `p` through both; returns a description of the first difference, if any.
inline std::optional<std::string> run(const Program& p) {
    using kimojio::TaskState;
    kimojio::reset_task_state(TaskState::get());  // a fresh TaskState (same rings), even after a failed run
    std::unique_ptr<OracleNet, void (*)(OracleNet*)> owner(oracle_net_new(), oracle_net_free);
    OracleNet* oracle = owner.get();
    std::optional<std::string> difference;
    {
        kimojio::Runtime runtime(0, kimojio::Configuration());  // ignores SIGPIPE: a send to a closed peer is EPIPE
        auto w = std::make_unique<World>();
        for (std::size_t i = 0; i < p.steps.size() && !difference; ++i) {
            const OracleIoOp& op = p.steps[i];
            if (!oracle_net_apply(oracle, &op)) continue;  // the model does not run it: neither does the port
            w->outcomes.clear();
            Slot& slot = w->slots[op.slot % SLOTS];
            if (op.op == ORACLE_NET_CANCEL) {
                if (slot.io) slot.io->cancel();
                if (slot.fd_io) slot.fd_io->cancel();
            } else if (op.op == ORACLE_NET_ABORT) {
                if (slot.task) TaskState::get()->abort_task(*slot.task);
            } else {
                slot.task = TaskState::get()->schedule_new(NetTask{w.get(), op}, kimojio::Uuid::nil(), kimojio::Uuid::nil());
            }
            std::vector<Outcome> model = io_program::outcomes_of(oracle, oracle_net_outcomes);
            bool settled = io_program::settle_until(
                oracle_net_in_flight(oracle),
                [&] { return w->outcomes.size() >= model.size() && tcp_arrived(oracle); }, NET_SETTLE_LIMIT);
            difference = io_program::step_difference(i, [&] { return explain_op(op); }, w->outcomes, model, settled,
                                                     oracle_net_in_flight(oracle), NET_SETTLE_LIMIT);
        }
        if (!difference) difference = compare_state(oracle);
        for (Slot& s : w->slots) {  // a recv's or accept's drop cancels it and waits
            s.io.reset();
            s.unit.reset();
            s.fd_io.reset();
            s.job.reset();
            s.task.reset();
        }
        kimojio::reset_task_state(TaskState::get());  // drops the tasks, cancels and reaps their I/O
    }
    return difference;
}

}  // namespace io_net_program
