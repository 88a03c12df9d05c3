// An I/O program run through the port and through the oracle's io model (oracle/src/io.rs),
// for the property props_io and the fuzz harness fuzz/io_fuzz.cpp. The port side is the
// real runtime on this thread: tasks made with TaskState::schedule_new in four slots, each
// running one operation (read / write, readv / writev on two pipes, an eventfd and a
// memfd with real data, a read with a timeout of zero or "never", sleep(0) or sleep(1 h),
// an AsyncEvent wait or wait_reset, or io_scope around a read or wait it leaves
// unfinished); between steps the driver cancels a task's I/O (RingFuture::cancel), aborts
// a task (abort_task) or sets (set, set_wake_one, set_wake_n(2)) or resets the AsyncEvent. Completions of aborted tasks' I/O arrive after the task ended and their
// Completions go back to the pool, which later operations reuse.
//
// Each step runs block_on's inner loop (prepare_cohort, get_ready, poll_task,
// submit_and_complete_io_all) to quiescence: until no task is ready, the I/O in flight is
// what the model says still waits, and the model's outcomes have all arrived (bounded by
// a 2 s deadline, reported as a difference: a correct port settles in microseconds; the
// io_net program's files and sockets get longer, see NET_SETTLE_LIMIT).
// Compared: each step's outcomes (task slot, result, bytes read) as a SET, sorted: within a
// step the kernel may complete a write and the read it unblocks, or a read and its linked
// timeout, in either order. Across steps the order is the model's (one step at a time).
// At the end: the bytes left in each pipe, the eventfd counter and the memfd's contents,
// read with plain syscalls.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "kimojio/kimojio.hpp"
#include "oracle.h"

namespace io_program {

inline constexpr int SLOTS = 4;
inline constexpr std::size_t MAX_STEPS = 64;
// Port-only outcomes, never in the model: an exception out of a task (its message is the
// data), and a read or wait that io_scope left unfinished.
inline constexpr std::int32_t THREW = -3000;
inline constexpr std::int32_t UNFINISHED = -2000;

struct Program {
    std::vector<OracleIoOp> steps;
};

// A pipe read (timeout never) or write through readv / writev, the buffer in two iovecs.
inline bool vectored(const OracleIoOp& s) {
    return (s.op == ORACLE_IO_WRITE_PIPE || (s.op == ORACLE_IO_READ_PIPE && !s.zero)) && s.offset % 2 == 1;
}

inline std::string explain_op(const OracleIoOp& s) {
    std::ostringstream os;
    auto bytes = [&] {
        std::string b(reinterpret_cast<const char*>(s.data), std::min<std::size_t>(s.len, 8));
        std::ostringstream h;
        for (unsigned char c : b) h << (c >= 32 && c < 127 ? std::string(1, static_cast<char>(c)) : "\\x" + std::to_string(c));
        return "\"" + h.str() + "\"";
    };
    std::string slot = "slot " + std::to_string(s.slot % SLOTS) + ": ";
    std::string timeout = s.zero ? " timeout 0" : " timeout never";
    switch (s.op) {
        case ORACLE_IO_READ_PIPE:
            os << slot << (vectored(s) ? "readv" : "read") << " pipe " << s.target % 2 << " len " << int(s.len) << timeout;
            break;
        case ORACLE_IO_WRITE_PIPE: os << slot << (vectored(s) ? "writev" : "write") << " pipe " << s.target % 2 << " " << bytes(); break;
        case ORACLE_IO_READ_EVENTFD: os << slot << "read eventfd" << timeout; break;
        case ORACLE_IO_WRITE_EVENTFD: os << slot << "write eventfd " << int(s.len); break;
        case ORACLE_IO_PWRITE_MEMFD: os << slot << "pwrite memfd at " << int(s.offset) << " " << bytes(); break;
        case ORACLE_IO_PREAD_MEMFD: os << slot << "pread memfd at " << int(s.offset) << " len " << int(s.len); break;
        case ORACLE_IO_SLEEP: os << slot << (s.zero ? "sleep(0)" : "sleep(never)"); break;
        case ORACLE_IO_WAIT_EVENT: os << slot << "AsyncEvent " << (s.target % 2 ? "wait_reset" : "wait"); break;
        case ORACLE_IO_SCOPE:
            os << slot << "io_scope(start "
               << (s.target % 3 == 2 ? std::string("an AsyncEvent wait")
                                     : "a read of pipe " + std::to_string(s.target % 3) + " len " + std::to_string(s.len))
               << " and return)";
            break;
        case ORACLE_IO_CANCEL: os << "cancel the I/O of slot " << s.slot % SLOTS; break;
        case ORACLE_IO_ABORT: os << "abort the task of slot " << s.slot % SLOTS; break;
        case ORACLE_IO_SET: os << "AsyncEvent set"; break;
        case ORACLE_IO_SET_WAKE_ONE: os << "AsyncEvent " << (s.target % 2 ? "set_wake_n(2)" : "set_wake_one"); break;
        default: os << "AsyncEvent reset"; break;
    }
    return os.str();
}

inline std::string explain(const Program& p) {
    std::string out = "program (each step runs to quiescence; skipped: steps the model does not run):\n";
    for (const OracleIoOp& s : p.steps) out += "  " + explain_op(s) + "\n";
    return out;
}

struct Outcome {
    std::uint8_t slot;
    std::int32_t result;
    std::string data;
    auto operator<=>(const Outcome&) const = default;
};

inline std::string to_string(const std::vector<Outcome>& outcomes) {
    std::ostringstream os;
    for (const Outcome& o : outcomes) {
        os << " slot " << int(o.slot) << ": ";
        if (o.result == ORACLE_IO_ABORTED) os << "aborted";
        else if (o.result == THREW) os << "threw " << o.data;
        else if (o.result == UNFINISHED) os << "left unfinished by io_scope";
        else os << o.result;
        if (!o.data.empty() && o.result != THREW) {
            os << " [";
            for (unsigned char c : o.data) os << ' ' << int(c);
            os << " ]";
        }
        os << ";";
    }
    return os.str();
}

// The resources one program works on: two pipes, an eventfd and a memfd (blocking:
// io_uring would fail a read of an O_NONBLOCK descriptor with EAGAIN instead of waiting).
struct Fds {
    int pipes[2][2] = {{-1, -1}, {-1, -1}};
    int eventfd = -1;
    int memfd = -1;
    Fds() {
        for (auto& p : pipes) {
            if (::pipe2(p, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "io_program: pipe2");
        }
        eventfd = ::eventfd(0, EFD_CLOEXEC);
        memfd = ::memfd_create("io_program", MFD_CLOEXEC);
        if (eventfd < 0 || memfd < 0) throw std::system_error(errno, std::generic_category(), "io_program: eventfd/memfd");
    }
    Fds(const Fds&) = delete;
    ~Fds() {
        for (auto& p : pipes) {
            ::close(p[0]);
            ::close(p[1]);
        }
        ::close(eventfd);
        ::close(memfd);
    }
};

// What a slot's task and the driver share: the operation's future (so the driver can
// cancel it) and the buffers the kernel reads from or writes to.
struct Slot {
    std::optional<kimojio::UsizeFuture> io;
    std::optional<kimojio::SleepFuture> sleep;
    std::optional<kimojio::WaitAsyncEventFuture> wait;
    std::array<char, 16> buf{};
    std::array<iovec, 2> iov{};  // readv / writev: buf in two parts
    std::optional<kimojio::Rc<kimojio::Task>> task;  // the live task, for abort
};

struct World {
    Fds fds;
    kimojio::AsyncEvent event;
    std::array<Slot, SLOTS> slots;
    std::vector<Outcome> outcomes;  // this step's
};

inline std::span<char> span_of(Slot& s, std::size_t len) { return {s.buf.data(), std::min<std::size_t>(len, 16)}; }

// The first `len` bytes of the slot's buffer as two iovecs (the first may be empty).
inline std::span<const iovec> iovecs_of(Slot& s, std::size_t len) {
    len = std::min<std::size_t>(len, 16);
    s.iov[0] = {s.buf.data(), len / 2};
    s.iov[1] = {s.buf.data() + len / 2, len - len / 2};
    return {s.iov.data(), 2};
}

// One slot's task: starts its operation when first polled (I/O futures belong to the task
// that creates them), then polls it until it returns, and records the outcome. An abort
// records "aborted" and drops the operation (a read into this slot's buffer waits for its
// cancel; a sleep, whose timespec the Completion owns, does not: its completion arrives
// after the task ended).
struct SlotTask {
    World* w;
    OracleIoOp op;
    bool started = false;

    Slot& slot() const { return w->slots[op.slot % SLOTS]; }
    void record(std::int32_t result, std::string data = {}) {
        w->outcomes.push_back({static_cast<std::uint8_t>(op.slot % SLOTS), result, std::move(data)});
        slot().io.reset();
        slot().sleep.reset();
        slot().wait.reset();
        slot().task.reset();
    }
    template <class R>
    void record_result(R r, bool with_data) {
        if (r.is_err()) return record(-r.error().raw_os_error());
        auto n = static_cast<std::int32_t>(r.value());
        record(n, with_data ? std::string(slot().buf.data(), std::min<std::size_t>(n, 16)) : std::string());
    }

    void start() {
        Slot& s = slot();
        const Fds& f = w->fds;
        std::optional<std::chrono::nanoseconds> timeout;
        if (op.zero) timeout = std::chrono::nanoseconds(0);
        std::memcpy(s.buf.data(), op.data, sizeof op.data);
        switch (op.op) {
            case ORACLE_IO_READ_PIPE:
                if (vectored(op)) s.io.emplace(kimojio::readv(f.pipes[op.target % 2][0], iovecs_of(s, op.len), std::nullopt));
                else s.io.emplace(kimojio::read_with_timeout(f.pipes[op.target % 2][0], span_of(s, op.len), timeout));
                break;
            case ORACLE_IO_WRITE_PIPE:
                if (vectored(op)) {
                    s.io.emplace(kimojio::writev_with_timeout(f.pipes[op.target % 2][1], iovecs_of(s, std::min<int>(op.len, 8)),
                                                              std::nullopt, std::nullopt));
                } else {
                    s.io.emplace(kimojio::write(f.pipes[op.target % 2][1], span_of(s, std::min<int>(op.len, 8))));
                }
                break;
            case ORACLE_IO_READ_EVENTFD: s.io.emplace(kimojio::read_with_timeout(f.eventfd, span_of(s, 8), timeout)); break;
            case ORACLE_IO_WRITE_EVENTFD: {
                std::uint64_t value = op.len;
                std::memcpy(s.buf.data(), &value, 8);
                s.io.emplace(kimojio::write(f.eventfd, span_of(s, 8)));
                break;
            }
            case ORACLE_IO_PWRITE_MEMFD: s.io.emplace(kimojio::pwrite(f.memfd, span_of(s, std::min<int>(op.len, 8)), op.offset)); break;
            case ORACLE_IO_PREAD_MEMFD: s.io.emplace(kimojio::pread(f.memfd, span_of(s, op.len), op.offset)); break;
            case ORACLE_IO_SLEEP: s.sleep.emplace(kimojio::sleep(op.zero ? std::chrono::nanoseconds(0) : std::chrono::hours(1))); break;
            case ORACLE_IO_WAIT_EVENT: s.wait.emplace(op.target % 2 ? w->event.wait_reset() : w->event.wait()); break;
        }
    }

    kimojio::Poll<void> poll(kimojio::Context& cx) {
        try {
            if (!started) {
                started = true;
                start();
            }
            Slot& s = slot();
            bool with_data = op.op == ORACLE_IO_READ_PIPE || op.op == ORACLE_IO_READ_EVENTFD || op.op == ORACLE_IO_PREAD_MEMFD;
            if (s.io) {
                auto r = s.io->poll(cx);
                if (r.is_pending()) return kimojio::Pending;
                record_result(r.value(), with_data);
            } else if (s.sleep) {
                auto r = s.sleep->poll(cx);
                if (r.is_pending()) return kimojio::Pending;
                record(r.value().is_ok() ? 0 : -r.value().error().raw_os_error());
            } else if (s.wait) {
                auto r = s.wait->poll(cx);
                if (r.is_pending()) return kimojio::Pending;
                record(r.value().is_ok() ? 0 : -ECANCELED);
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

// io_scope(f) where f starts a read of a pipe (or an AsyncEvent wait), polls it once and
// returns without finishing it: the scope's end submits, cancels and waits for it. Then the
// task polls what f started and records it (it must be finished).
struct ScopeTask {
    World* w;
    OracleIoOp op;
    struct Inner {
        World* w;
        OracleIoOp op;
        kimojio::Poll<void> poll(kimojio::Context& cx) {
            Slot& s = w->slots[op.slot % SLOTS];
            if (op.target % 3 < 2) {
                s.io.emplace(kimojio::read(w->fds.pipes[op.target % 3][0], span_of(s, op.len)));
                if (s.io->poll(cx).is_ready()) throw std::logic_error("a read completed before it was submitted");
            } else {
                s.wait.emplace(w->event.wait());
                (void)s.wait->poll(cx);  // Ready at once if set: polled again below, that throws
            }
            return kimojio::Ready;
        }
    };
    std::optional<kimojio::IoScopeFuture<Inner>> scope;

    kimojio::Poll<void> poll(kimojio::Context& cx) {
        try {
            return poll_scope(cx);
        } catch (const std::exception& e) {
            SlotTask{w, op, true}.record(THREW, e.what());
            throw;
        }
    }
    kimojio::Poll<void> poll_scope(kimojio::Context& cx) {
        SlotTask recorder{w, op, true};
        Slot& s = recorder.slot();
        if (!scope) scope.emplace(kimojio::io_scope(Inner{w, op}));
        if (scope->poll(cx).is_pending()) throw std::logic_error("io_scope returned Pending around a future that was Ready");
        if (s.io) {
            auto r = s.io->poll(cx);
            if (r.is_pending()) {
                s.io.reset();  // waits for it, so the buffer outlives the read
                recorder.record(UNFINISHED);
            } else {
                recorder.record_result(r.value(), true);
            }
        } else {
            if (s.wait->is_terminated()) {
                recorder.record(0);  // it was Ready at once: the event was set
            } else {
                auto r = s.wait->poll(cx);
                recorder.record(r.is_pending() ? UNFINISHED : r.value().is_ok() ? 0 : -ECANCELED);
            }
        }
        return kimojio::Ready;
    }
};

// The last step's outcomes of a model (`get`: oracle_io_outcomes, oracle_net_outcomes).
template <class Oracle>
std::vector<Outcome> outcomes_of(const Oracle* oracle, std::size_t (*get)(const Oracle*, OracleIoOutcome*, std::size_t)) {
    std::vector<OracleIoOutcome> raw(get(oracle, nullptr, 0));
    get(oracle, raw.data(), raw.size());
    std::vector<Outcome> out;
    for (const auto& o : raw) out.push_back({o.slot, o.result, std::string(reinterpret_cast<const char*>(o.data), o.len)});
    return out;
}

inline std::vector<Outcome> oracle_outcomes(const OracleIo* oracle) { return outcomes_of(oracle, oracle_io_outcomes); }

// How long a step may take to settle. Pipes, the eventfd, the memfd and timers of zero
// settle in microseconds; 2 s leaves room for a loaded machine.
inline constexpr std::chrono::seconds SETTLE_LIMIT{2};

// Runs the loop until quiescence: nothing ready, `in_flight` I/O left and `done()` (the
// expected outcomes recorded, ...). False after `limit` without it.
template <class Done>
bool settle_until(std::uint64_t in_flight, Done&& done, std::chrono::seconds limit = SETTLE_LIMIT) {
    using kimojio::TaskState;
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        auto ts = TaskState::get();
        ts->prepare_cohort();  // block_on's inner loop, as written there
        while (auto ready = ts->get_ready()) ts = kimojio::poll_task(std::move(*ready), std::move(ts));
        ts = kimojio::submit_and_complete_io_all(std::move(ts), true);
        if (!ts->any_ready() && ts->stats.in_flight_io == in_flight && done()) return true;
        if (ts->any_ready()) continue;
        if (std::chrono::steady_clock::now() > deadline) return false;
        ts->ring.wait_cqe_timeout(std::chrono::milliseconds(1));  // a timer or the kernel's task work
    }
}

inline bool settle(World& w, std::uint64_t in_flight, std::size_t expected) {
    return settle_until(in_flight, [&] { return w.outcomes.size() >= expected; });
}

inline std::string read_available(int fd) {
    std::string out;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 0) == 1 && (p.revents & POLLIN)) {
        char buf[4096];
        ssize_t n = ::read(fd, buf, sizeof buf);  // the pipe holds < 4096 bytes: one read takes all
        if (n > 0) out.assign(buf, static_cast<std::size_t>(n));
    }
    return out;
}

// The state the program leaves, port against model: pipes, eventfd counter, memfd.
inline std::optional<std::string> compare_files(const World& w, const OracleIo* oracle) {
    auto model = [&](std::uint8_t target) {
        std::string out(oracle_io_contents(oracle, target, nullptr, 0), '\0');
        oracle_io_contents(oracle, target, reinterpret_cast<std::uint8_t*>(out.data()), out.size());
        return out;
    };
    for (std::uint8_t p = 0; p < 2; ++p) {
        std::string port = read_available(w.fds.pipes[p][0]);
        if (port != model(p)) {
            return "pipe " + std::to_string(p) + " holds " + std::to_string(port.size()) + " bytes in the port, " +
                   std::to_string(model(p).size()) + " in the model (or other bytes)";
        }
    }
    std::uint64_t counter = 0;
    std::string raw = read_available(w.fds.eventfd);
    if (raw.size() == 8) std::memcpy(&counter, raw.data(), 8);
    if (counter != oracle_io_eventfd(oracle)) {
        return "eventfd counter " + std::to_string(counter) + " in the port, " + std::to_string(oracle_io_eventfd(oracle)) +
               " in the model";
    }
    std::string memfd(512, '\0');
    ssize_t n = ::pread(w.fds.memfd, memfd.data(), memfd.size(), 0);
    memfd.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    if (memfd != model(2)) return "memfd contents differ: " + std::to_string(memfd.size()) + " bytes in the port";
    return std::nullopt;
}

// Step i's outcomes compared as a set (sorted), and whether the port settled.
// `what()` describes the step; called only for a difference (a harness's speed: building
// the description for every step took half of the io harness's time).
template <class What>
std::optional<std::string> step_difference(std::size_t i, What&& what, std::vector<Outcome> port,
                                           std::vector<Outcome> model, bool settled, std::size_t model_in_flight,
                                           std::chrono::seconds limit = SETTLE_LIMIT) {
    std::sort(port.begin(), port.end());
    std::sort(model.begin(), model.end());
    if (port == model && settled) return std::nullopt;
    return "step " + std::to_string(i) + " (" + what() + "): outcomes differ" +
           (settled ? "" : " (the port did not settle within " + std::to_string(limit.count()) + " s: " +
                               std::to_string(kimojio::TaskState::get()->stats.in_flight_io) + " I/O in flight, model " +
                               std::to_string(model_in_flight) + ")") +
           "\n  port: " + to_string(port) + "\n  model:" + to_string(model);
}

// Runs `p` through both; returns a description of the first difference, if any.
inline std::optional<std::string> run(const Program& p) {
    using kimojio::TaskState;
    kimojio::reset_task_state(TaskState::get());  // a fresh TaskState (same rings), even after a failed run
    std::unique_ptr<OracleIo, void (*)(OracleIo*)> owner(oracle_io_new(), oracle_io_free);
    OracleIo* oracle = owner.get();
    std::optional<std::string> difference;
    {
        kimojio::Runtime runtime(0, kimojio::Configuration());
        auto w = std::make_unique<World>();
        for (std::size_t i = 0; i < p.steps.size() && !difference; ++i) {
            const OracleIoOp& op = p.steps[i];
            if (!oracle_io_apply(oracle, &op)) continue;  // the model does not run it: neither does the port
            w->outcomes.clear();
            Slot& slot = w->slots[op.slot % SLOTS];
            switch (op.op) {
                case ORACLE_IO_CANCEL:
                    if (slot.io) slot.io->cancel();
                    if (slot.sleep) slot.sleep->cancel();
                    break;
                case ORACLE_IO_ABORT:
                    if (slot.task) TaskState::get()->abort_task(*slot.task);
                    break;
                case ORACLE_IO_SET: w->event.set(); break;
                case ORACLE_IO_SET_WAKE_ONE:
                    if (op.target % 2) w->event.set_wake_n(2);
                    else w->event.set_wake_one();
                    break;
                case ORACLE_IO_RESET: w->event.reset(); break;
                case ORACLE_IO_SCOPE:
                    slot.task = TaskState::get()->schedule_new(ScopeTask{w.get(), op, std::nullopt}, kimojio::Uuid::nil(),
                                                               kimojio::Uuid::nil());
                    break;
                default:
                    slot.task = TaskState::get()->schedule_new(SlotTask{w.get(), op}, kimojio::Uuid::nil(), kimojio::Uuid::nil());
                    break;
            }
            std::vector<Outcome> model = oracle_outcomes(oracle);
            bool settled = settle(*w, oracle_io_in_flight(oracle), model.size());
            difference = step_difference(i, [&] { return explain_op(op); }, w->outcomes, model, settled,
                                         oracle_io_in_flight(oracle));
        }
        if (!difference) difference = compare_files(*w, oracle);
        for (Slot& s : w->slots) {  // a read's drop cancels it and waits; a sleep's and a wait's do not
            s.io.reset();
            s.sleep.reset();
            s.wait.reset();
            s.task.reset();
        }
        kimojio::reset_task_state(TaskState::get());  // drops the tasks, cancels and reaps their I/O
    }
    return difference;
}

}  // namespace io_program
