// Bad input and limits: io_uring refused by the kernel, a full submission queue,
// more than 65,535 live tasks, and waking a task that completed.
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <string>
#include <thread>

#include "test_support.hpp"

using kimojio::Async;
using test_support::run_test;

namespace {

// Makes io_uring_setup fail with `error` for this process (seccomp filter; needs no privileges).
bool refuse_io_uring_setup(int error) {
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (static_cast<unsigned>(error) & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {static_cast<unsigned short>(sizeof(filter) / sizeof(filter[0])), filter};
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
}

// In a forked child: refuse io_uring_setup with `error`, construct a Runtime on a new
// thread (fresh thread-local TaskState), and report how it failed through the exit code.
int runtime_construction_exit_code(int error) {
    return test_support::exit_code_of_child([error] {
        if (!refuse_io_uring_setup(error)) {
            return 10;
        }
        int code = 11;
        std::thread([&] {
            try {
                kimojio::Runtime runtime(0, kimojio::Configuration());
                code = 12;  // constructed although io_uring_setup was refused
            } catch (const std::system_error& e) {
                bool names_io_uring = std::string(e.what()).find("io_uring") != std::string::npos;
                code = (e.code().value() == error && names_io_uring) ? 0 : 13;
            } catch (...) {
                code = 14;
            }
        }).join();
        return code;
    });
}

}  // namespace

TEST_CASE("io_uring_setup refused with ENOSYS, EPERM or ENOMEM: Runtime throws std::system_error naming io_uring") {
    for (int error : {ENOSYS, EPERM, ENOMEM}) {
        CAPTURE(error);
        // 0: system_error with that errno and "io_uring" in the message
        CHECK(runtime_construction_exit_code(error) == 0);
    }
}

namespace {
Async<void> submission_queue_full_body() {
    co_await kimojio::yield_io();  // let the runtime server start its read first
    std::uint64_t baseline = test_support::user_in_flight_io();
    test_support::JoinAll<kimojio::UnitFuture> join;
    // more entries than the ring's 128 submission slots, all pushed in one poll
    for (int i = 0; i < 3 * static_cast<int>(kimojio::IO_URING_SUBMISSION_ENTRIES); ++i) {
        join.futures.push_back(kimojio::nop());
    }
    co_await join;
    for (auto& nop : join.futures) {
        CHECK(nop.is_terminated());
    }
    CHECK(test_support::user_in_flight_io() == baseline);
}
}  // namespace

TEST_CASE("a full submission queue is flushed and the push retried, as in Rust") {
    run_test(submission_queue_full_body());
}

namespace {
Async<void> park_forever() {
    static const bool never = false;
    co_await test_support::FlagFuture{&never};
}

Async<std::size_t> spawn_until_refused(std::string* message) {
    std::size_t spawned = 0;
    try {
        for (;;) {
            auto handle = kimojio::spawn_task(park_forever());
            ++spawned;
        }
    } catch (const std::runtime_error& e) {
        *message = e.what();
    }
    CHECK(kimojio::TaskState::get()->get_task_count() == kimojio::MAX_LIVE_TASKS);
    kimojio::shutdown_loop();
    co_return spawned;
}
}  // namespace

TEST_CASE("spawning beyond 65,535 live tasks throws a clear error instead of truncating the index") {
    std::string message;
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto result = runtime.block_on(spawn_until_refused(&message));
    REQUIRE(result.has_value());
    // main and the runtime server are live tasks too
    CHECK(std::move(*result).value() == kimojio::MAX_LIVE_TASKS - 2);
    CHECK(message.find("65,535 tasks") != std::string::npos);
    CHECK(kimojio::TaskState::get()->tasks.is_empty());
}

#ifndef KIMOJIO_TEST_UNDER_UBSAN  // UBSan's vptr check of the exception needs a free descriptor
namespace {
// In a forked child at a descriptor limit of 3 with only 0, 1, 2 open: a Runtime of an
// index no runtime used yet must make its eventfd, and cannot. 0 when it throws
// std::system_error (EMFILE, naming the eventfd) and, the limit lifted, a Runtime of that
// index (on a new thread: this one's TaskState lost its rings) can be made: the failed
// claim left the index free.
int eventfd_refused_exit_code() {
    return test_support::exit_code_of_child([] {
        test_support::DescriptorLimit limit;
        if (!limit.ok) return 10;
        int code = 11;  // constructed although no descriptor was free
        try {
            kimojio::Runtime runtime(201, kimojio::Configuration());
        } catch (const std::system_error& e) {
            bool names_it = std::string(e.what()).find("eventfd") != std::string::npos;
            code = e.code().value() == EMFILE && names_it ? 0 : 12;
        } catch (...) {
            code = 13;
        }
        limit.lift();
        if (code == 0) {
            std::thread([&] {
                try {
                    kimojio::Runtime runtime(201, kimojio::Configuration());
                } catch (...) {
                    code = 14;
                }
            }).join();
        }
        return code;
    });
}
}  // namespace

TEST_CASE("a Runtime whose foreign-wake eventfd cannot be made throws std::system_error and frees its index") {
    CHECK(eventfd_refused_exit_code() == 0);
}
#endif
