// block_on's teardown (runtime.cpp `teardown`) on the paths the kernel rarely takes: an
// operation that never completes (the reaping of in-flight I/O is beyond upstream), an
// exception out of poll_task, and io_uring_setup refused for the fresh rings.
// No kernel operation here refuses cancellation, so the tests stand one in: they count
// an operation in flight that was never submitted (URingStats, as a submit would). This
// binary replaces three liburing calls (the executable's definitions win over
// liburing.so's): io_uring_wait_cqe_timeout counts the teardown's idle waits and returns
// at once as timed out, io_uring_submit_and_wait can hold back every submission (a
// cancel the kernel never answers), and io_uring_queue_init can refuse. Each passes
// through to liburing unless a test says otherwise.
#include <dlfcn.h>
#include <doctest/doctest.h>
#include <liburing.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "kimojio/kimojio.hpp"
#include "test_support.hpp"

namespace {
bool fake_waits = false;                // io_uring_wait_cqe_timeout: count, time out at once
bool hold_submissions = false;          // io_uring_submit_and_wait: submit nothing
bool refuse_ring_setup = false;         // io_uring_queue_init: fail with ENOMEM
std::vector<long long> wait_timeouts;   // nanoseconds, one per counted wait
std::vector<bool> waited_on_iopoll_ring;  // per counted wait

template <class F>
F real(const char* name) {
    void* symbol = dlsym(RTLD_NEXT, name);
    REQUIRE(symbol != nullptr);
    return reinterpret_cast<F>(symbol);
}
}  // namespace

extern "C" {
int io_uring_wait_cqe_timeout(io_uring* ring, io_uring_cqe** cqe_ptr, __kernel_timespec* ts) {
    if (!fake_waits) {
        static auto next = real<int (*)(io_uring*, io_uring_cqe**, __kernel_timespec*)>("io_uring_wait_cqe_timeout");
        return next(ring, cqe_ptr, ts);
    }
    wait_timeouts.push_back(ts->tv_sec * 1'000'000'000LL + ts->tv_nsec);
    waited_on_iopoll_ring.push_back((ring->flags & IORING_SETUP_IOPOLL) != 0);
    return -ETIME;
}

int io_uring_queue_init(unsigned entries, io_uring* ring, unsigned flags) {
    if (refuse_ring_setup) {
        return -ENOMEM;
    }
    static auto next = real<int (*)(unsigned, io_uring*, unsigned)>("io_uring_queue_init");
    return next(entries, ring, flags);
}

int io_uring_submit_and_wait(io_uring* ring, unsigned wait_nr) {
    if (hold_submissions) {
        return 0;
    }
    static auto next = real<int (*)(io_uring*, unsigned)>("io_uring_submit_and_wait");
    return next(ring, wait_nr);
}
}

namespace {
// Runs reset_task_state (the teardown shared with block_on) with `in_flight` operations
// counted on the ring (or the IOPOLL ring) that never complete; returns what it wrote
// to stderr.
std::string tear_down_with_lost_operations(std::uint64_t in_flight, bool iopoll, bool hold) {
    {
        auto task_state = kimojio::TaskState::get();
        if (iopoll) {
            task_state->stats.increment_in_flight_io_poll(in_flight);
        } else {
            task_state->stats.increment_in_flight_io(in_flight);
        }
    }
    wait_timeouts.clear();
    waited_on_iopoll_ring.clear();
    return test_support::stderr_of([&] {
        fake_waits = true;
        hold_submissions = hold;
        kimojio::reset_task_state(kimojio::TaskState::get());
        hold_submissions = false;
        fake_waits = false;
    });
}

bool waited_100_ms_each() {
    for (long long ns : wait_timeouts) {
        if (ns != 100'000'000LL) return false;
    }
    return true;
}
}  // namespace

TEST_CASE("an operation that never completes is given 20 idle waits of 100 ms at teardown, then left with a warning that counts it") {
    std::string warning = tear_down_with_lost_operations(1, false, false);
    CHECK(wait_timeouts.size() == 20);  // the cancel's own completion came first: a round with progress
    CHECK(waited_100_ms_each());
    for (bool iopoll : waited_on_iopoll_ring) CHECK(!iopoll);
    CHECK(warning == "kimojio: 1 io_uring operations did not finish after cancellation at runtime teardown\n");
    auto task_state = kimojio::TaskState::get();
    CHECK(task_state->stats.in_flight_io == 0);  // the TaskState left behind is a fresh one
}

TEST_CASE("a cancel the kernel never answers either: the 20 idle waits start at the first round") {
    std::string warning = tear_down_with_lost_operations(1, false, true);
    CHECK(wait_timeouts.size() == 20);
    CHECK(waited_100_ms_each());
    // The lost operation and the cancel submitted for it.
    CHECK(warning == "kimojio: 2 io_uring operations did not finish after cancellation at runtime teardown\n");
}

TEST_CASE("an operation lost on the IOPOLL ring is cancelled and waited for on that ring") {
    std::string warning = tear_down_with_lost_operations(1, true, false);
    CHECK(wait_timeouts.size() == 20);
    CHECK(waited_100_ms_each());
    for (bool iopoll : waited_on_iopoll_ring) CHECK(iopoll);
    // The cancel was submitted and answered: only the lost operation is left.
    CHECK(warning == "kimojio: 1 io_uring operations did not finish after cancellation at runtime teardown\n");
    auto task_state = kimojio::TaskState::get();
    CHECK(task_state->stats.in_flight_io_poll == 0);
}

TEST_CASE("a teardown with nothing in flight waits for nothing and warns of nothing") {
    std::string warning = tear_down_with_lost_operations(0, false, false);
    CHECK(wait_timeouts.empty());
    CHECK(warning.empty());
}

namespace {
kimojio::Async<int> one() { co_return 1; }

kimojio::Async<int> refuse_fresh_rings_at_teardown() {
    refuse_ring_setup = true;  // the next io_uring_setup is the teardown's, for the fresh rings
    co_return 1;
}
}  // namespace

TEST_CASE("io_uring_setup refused for the teardown's fresh rings: block_on throws a system_error, and the thread's next runtime works") {
    std::thread([] {
        try {
            (void)kimojio::run(0, refuse_fresh_rings_at_teardown());
            FAIL("block_on returned without its fresh rings");
        } catch (const std::system_error& e) {
            CHECK(e.code() == std::errc::not_enough_memory);
            CHECK(std::string(e.what()).find("io_uring_setup failed") != std::string::npos);
        }
        refuse_ring_setup = false;
        // The TaskState left behind is not borrowed (the Debug build checks) and still works.
        auto result = kimojio::run(0, one());
        REQUIRE(result.has_value());
        CHECK(std::move(*result).value() == 1);
    }).join();
}

namespace {
// A waker whose wake throws, as a user's waker may.
const kimojio::RawWakerVTable THROWING_VTABLE = {
    [](const void* data) { return kimojio::RawWaker{data, &THROWING_VTABLE}; },
    [](const void*) { throw std::runtime_error("the waker threw"); },
    [](const void*) { throw std::runtime_error("the waker threw"); },
    [](const void*) {},
};

int results_dropped = 0;

// A task output whose destructor uses the runtime (borrows the TaskState).
struct UsesRuntimeWhenDropped {
    bool owner = true;
    UsesRuntimeWhenDropped() = default;
    UsesRuntimeWhenDropped(UsesRuntimeWhenDropped&& other) noexcept : owner(std::exchange(other.owner, false)) {}
    ~UsesRuntimeWhenDropped() {
        if (owner) {
            (void)kimojio::TaskState::get()->get_task_count();
            ++results_dropped;
        }
    }
};

struct CompletesAtOnce {
    kimojio::Poll<UsesRuntimeWhenDropped> poll(kimojio::Context&) { return UsesRuntimeWhenDropped{}; }
};

// Spawns a task and joins it with the throwing waker, then waits forever: the task's
// completion wakes its joiner, and that wake throws out of poll_task.
struct JoinsWithThrowingWaker {
    std::optional<kimojio::TaskHandle<UsesRuntimeWhenDropped>> task = std::nullopt;
    kimojio::Poll<int> poll(kimojio::Context&) {
        if (!task) {
            task.emplace(kimojio::spawn_task(CompletesAtOnce{}));
            kimojio::Waker throwing = kimojio::Waker::from_raw(kimojio::RawWaker{nullptr, &THROWING_VTABLE});
            kimojio::Context joiner = kimojio::Context::from_waker(throwing);
            REQUIRE(task->poll(joiner).is_pending());
        }
        return kimojio::Pending;
    }
};

// Spawns the joiner and lets go of it, so the joiner's handle is all that keeps the
// joined task alive besides the TaskState.
struct SpawnsJoinerAndWaits {
    bool spawned = false;
    kimojio::Poll<int> poll(kimojio::Context&) {
        if (!std::exchange(spawned, true)) (void)kimojio::spawn_task(JoinsWithThrowingWaker{});
        return kimojio::Pending;
    }
};
}  // namespace

TEST_CASE("an exception out of poll_task (a joiner's waker threw) leaves block_on, and the teardown drops the running task with no TaskState borrow held") {
    std::thread([] {
        results_dropped = 0;
        try {
            (void)kimojio::run(0, SpawnsJoinerAndWaits{});
            FAIL("block_on returned though a waker threw");
        } catch (const std::runtime_error& e) {
            CHECK(std::string(e.what()) == "the waker threw");
        }
        // The task that was running (its output's destructor borrows the TaskState, which
        // the Debug build checks) was dropped by the teardown.
        CHECK(results_dropped == 1);
        auto result = kimojio::run(0, one());
        REQUIRE(result.has_value());
        CHECK(std::move(*result).value() == 1);
    }).join();
}
