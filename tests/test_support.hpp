// Helpers shared by the unit tests.
#pragma once

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "kimojio/kimojio.hpp"

namespace test_support {

// What the process writes to stderr while `body` runs (through a temporary file).
template <class Body>
std::string stderr_of(Body body) {
    std::fflush(stderr);
    FILE* capture = std::tmpfile();
    REQUIRE(capture != nullptr);
    int saved = ::dup(STDERR_FILENO);
    REQUIRE(saved >= 0);
    REQUIRE(::dup2(::fileno(capture), STDERR_FILENO) == STDERR_FILENO);
    body();
    std::fflush(stderr);
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    std::rewind(capture);
    std::string out;
    for (int c; (c = std::fgetc(capture)) != EOF;) out.push_back(static_cast<char>(c));
    std::fclose(capture);
    return out;
}

// A future that is Pending until `*ready` is true; stores the waker it was given.
struct FlagFuture {
    const bool* ready;
    std::optional<kimojio::Waker>* waker_out = nullptr;
    kimojio::Poll<void> poll(kimojio::Context& cx) {
        if (*ready) {
            return kimojio::Ready;
        }
        if (waker_out != nullptr) {
            *waker_out = cx.waker();
        }
        return kimojio::Pending;
    }
};

// futures::future::join_all: polls every unfinished future until all are Ready and
// resolves to their outputs in order (kimojio::Unit for a void future).
template <class F>
struct JoinAll {
    using Output = kimojio::non_void_t<kimojio::future_output_t<F>>;
    std::vector<F> futures;
    std::vector<std::optional<Output>> outputs;
    kimojio::Poll<std::vector<Output>> poll(kimojio::Context& cx) {
        outputs.resize(futures.size());
        bool all = true;
        for (std::size_t i = 0; i < futures.size(); ++i) {
            if (!outputs[i]) {
                auto polled = futures[i].poll(cx);
                if (polled.is_ready()) {
                    if constexpr (std::is_void_v<kimojio::future_output_t<F>>) {
                        outputs[i].emplace();
                    } else {
                        outputs[i].emplace(polled.take());
                    }
                }
                all = all && outputs[i].has_value();
            }
        }
        if (!all) {
            return kimojio::Pending;
        }
        std::vector<Output> done;
        for (auto& output : outputs) {
            done.push_back(std::move(*output));
        }
        return done;
    }
};

// futures::select! { _ = future => .., default => {} }: polls the borrowed future once
// and resolves to whether it was Ready (dropping its output).
template <class F>
struct PollOnce {
    F* future;
    kimojio::Poll<bool> poll(kimojio::Context& cx) { return future->poll(cx).is_ready(); }
};

// in_flight_io without the runtime's own eventfd read (armed whenever the loop slept).
inline std::uint64_t user_in_flight_io() {
    auto task_state = kimojio::TaskState::get();
    return task_state->stats.in_flight_io - (task_state->foreign_wake_read_armed ? 1 : 0);
}

// getsockname: where a socket bound to port 0 ended up.
inline kimojio::SocketAddr local_addr(const kimojio::OwnedFd& fd) {
    sockaddr_storage storage{};
    socklen_t len = sizeof(storage);
    REQUIRE(getsockname(fd.as_raw_fd(), reinterpret_cast<sockaddr*>(&storage), &len) == 0);
    return kimojio::SocketAddr::from_raw(reinterpret_cast<sockaddr*>(&storage), len);
}

// Whether a TCP socket can bind to ::1 here (IPv6 tests skip when not).
inline bool ipv6_loopback_available() {
    int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in6 addr{};
    addr.sin6_family = AF_INET6;
    addr.sin6_addr = in6addr_loopback;
    bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    return ok;
}

// Runs `body` as the main task of a fresh Runtime on this thread and rethrows
// anything it threw. Fails the test if the runtime was shut down first.
template <class F>
auto run_test(F body, kimojio::Configuration configuration = kimojio::Configuration()) {
    kimojio::Runtime runtime(0, std::move(configuration));
    auto result = runtime.block_on(std::move(body));
    REQUIRE(result.has_value());
    return std::move(*result).value();
}

// A coverage build (-fprofile-instr-generate) writes its counts at exit, which _exit
// skips: a forked child writes them first (on top of the parent's counts up to the fork,
// which only adds to lines already covered). Elsewhere the symbol is absent.
extern "C" int __llvm_profile_write_file(void) __attribute__((weak));
[[noreturn]] inline void exit_child(int code) {
    if (__llvm_profile_write_file != nullptr) __llvm_profile_write_file();
    _exit(code);
}

// Forks; the child exits with body()'s int (after writing coverage counts). Returns the
// child's wait status.
template <class Body>
int status_of_child(Body body) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        exit_child(body());
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    return status;
}

// As status_of_child, for a child that must exit normally: its exit code.
template <class Body>
int exit_code_of_child(Body body) {
    int status = status_of_child(std::move(body));
    REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
}

// The child runs kimojio::run(0, make_main()) and exits with the int the main future
// returns (4 if it failed, 5 if it threw). It runs it on a new thread: the forking
// thread's TaskState (left by earlier test cases in this process) holds rings whose
// memory and kernel queues the child shares with the parent, and using them would
// corrupt the parent's rings.
template <class MakeMain>
int status_of_forked_run(MakeMain make_main) {
    return status_of_child([&] {
        int code = 6;
        std::thread([&] {
            try {
                auto result = kimojio::run(0, make_main());
                code = result && result->is_ok() ? std::move(*result).value() : 4;
            } catch (...) {
                code = 5;
            }
        }).join();
        return code;
    });
}

// In a forked child: closes every descriptor above stderr and lowers the soft
// RLIMIT_NOFILE to 3, so nothing more can be opened; lift() restores the soft limit
// (the hard one stays), e.g. to write coverage counts. `ok` is false if it failed.
struct DescriptorLimit {
    rlimit limit{};
    rlim_t soft = 0;
    bool ok = false;
    DescriptorLimit() {
        for (int fd = 3; fd < 1024; ++fd) ::close(fd);
        if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
            soft = limit.rlim_cur;
            limit.rlim_cur = 3;
            ok = setrlimit(RLIMIT_NOFILE, &limit) == 0;
        }
    }
    void lift() {
        limit.rlim_cur = soft;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
};

// Expected channel results, as Rust's Ok(v) / Err(e) literals in upstream's tests.
template <class T>
kimojio::Result<T, kimojio::ChannelError> ok_(T v) {
    return kimojio::Result<T, kimojio::ChannelError>(kimojio::Ok{std::move(v)});
}
template <class T>
kimojio::Result<T, kimojio::ChannelError> err_(kimojio::ChannelError e) {
    return kimojio::Result<T, kimojio::ChannelError>(kimojio::Err{e});
}

// True if the task ended because it was aborted (its handle reports TaskAborted).
template <class T>
bool ended_by_abort(const kimojio::Result<T, kimojio::TaskHandleError>& result) {
    if (result.is_ok() || result.error().kind() != kimojio::TaskHandleError::Kind::Panic) {
        return false;
    }
    try {
        std::rethrow_exception(result.error().payload());
    } catch (const kimojio::TaskAborted&) {
        return true;
    } catch (...) {
        return false;
    }
}

// What each RingEnterEnd trace event reported.
struct EnterRecord {
    std::uint64_t in_flight_io;
    bool want;
    std::uint32_t ring_tag;
};
// Records every ring enter of a runtime (its trace configuration).
class RecordingEnterTrace final : public kimojio::TraceConfiguration {
public:
    explicit RecordingEnterTrace(std::vector<EnterRecord>* out) : out_(out) {}
    void trace(kimojio::EventEnvelope event) override {
        if (auto* enter = std::get_if<kimojio::events::RingEnterEnd>(&event.event)) {
            out_->push_back({enter->in_flight_io, enter->want, enter->tag});
        }
    }

private:
    std::vector<EnterRecord>* out_;
};

}  // namespace test_support
