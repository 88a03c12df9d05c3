// Port of the tests in kimojio/src/runtime.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f,
// in the Rust order, then task lifecycle tests through the real event loop.
#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <system_error>
#include <variant>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "test_support.hpp"

using namespace std::chrono_literals;
using kimojio::Async;
using kimojio::Errno;
using kimojio::Err;
using kimojio::Ok;
using kimojio::Rc;
using kimojio::Result;
using kimojio::Task;
using kimojio::TaskHandleError;
using kimojio::TaskReadyState;
using kimojio::TaskState;
using test_support::run_test;

namespace {

std::string what_of(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        return ex.what();
    }
}

Async<void> throws_abort() {
    throw std::runtime_error("abort!");
    co_return;
}
Async<Result<int, Errno>> returns_inval() { co_return Err{Errno::INVAL}; }
Async<Result<int, Errno>> returns_one() { co_return Ok{1}; }

// runtime.rs:421-441 task_spawn_panic_test (part 1 of 2: the test body)
Async<void> task_spawn_panic_test() {
    auto task1 = kimojio::spawn_task(throws_abort());
    auto task2 = kimojio::spawn_task(returns_inval());
    auto task3 = kimojio::spawn_task(returns_one());

    auto result1 = co_await task1;
    auto result2 = co_await task2;
    auto result3 = co_await task3;

    REQUIRE(result1.is_err());
    REQUIRE(result1.error().kind() == TaskHandleError::Kind::Panic);
    CHECK(what_of(result1.error().payload()) == "abort!");

    CHECK(result2.value().error() == Errno::INVAL);
    CHECK(result3.value().value() == 1);
}

}  // namespace

// runtime.rs:421-441 task_spawn_panic_test (part 2 of 2: the TEST_CASE)
TEST_CASE("task_spawn_panic_test") { run_test(task_spawn_panic_test()); }

// runtime.rs:444-463 test_thread_spawn_panic
TEST_CASE("test_thread_spawn_panic") {
    // runtime.rs:445-453 test_thread_spawn_panic::test_spawn
    auto test_spawn = [](bool panic) {
        return std::async(std::launch::async, [panic]() -> Result<void, Errno> {
            if (panic) {
                throw std::runtime_error("abort!");
            }
            return Err{Errno::INVAL};
        });
    };
    auto handle1 = test_spawn(true);
    auto handle2 = test_spawn(false);
    CHECK_THROWS_WITH_AS((void)handle1.get(), "abort!", std::runtime_error);
    CHECK(handle2.get().error() == Errno::INVAL);
}

namespace {

struct Guard {
    bool* ran;
    ~Guard() {
        // when the task is dropped while the guard is active, this guard will
        // be invoked which will borrow the TaskState again.
        kimojio::Uuid id = kimojio::get_activity_id();
        (void)id;
        *ran = true;
    }
};

Async<void> dangerous_child(const kimojio::AsyncEvent* ready, bool* guard_ran) {
    Guard guard{guard_ran};
    ready->set();
    for (;;) {
        co_await kimojio::yield_io();
    }
}

// runtime.rs:466-488 test_dangerous_task_drop (part 1 of 2: the test body)
Async<void> test_dangerous_task_drop(bool* guard_ran) {
    kimojio::AsyncEvent ready;
    auto task = kimojio::spawn_task(dangerous_child(&ready, guard_ran));

    // wait for the task to get past the point where guard is active
    (co_await ready.wait()).value();

    // shut down and let loop clean up tasks
    kimojio::shutdown_loop();
}

}  // namespace

// runtime.rs:466-488 test_dangerous_task_drop (part 2 of 2: the TEST_CASE)
TEST_CASE("test_dangerous_task_drop") {
    bool guard_ran = false;
    run_test(test_dangerous_task_drop(&guard_ran));
    CHECK(guard_ran);
    // the thread's TaskState was left empty for the next runtime
    CHECK(TaskState::get()->get_task_count() == 0);
    CHECK(TaskState::get()->tasks.is_empty());
}

namespace {
Async<std::uint64_t> sleep_then_count_waits(std::chrono::milliseconds duration) {
    (co_await kimojio::sleep(duration)).value();
    co_return TaskState::get()->enter_stats_wait.count;
}

Async<void> busy_poll_until_body() {
    (co_await kimojio::sleep(1ms)).value();
    // should not have waited during above sleep
    CHECK(TaskState::get()->enter_stats_wait.count == 0);
    (co_await kimojio::sleep(100ms)).value();
    // should have waited during this sleep
    CHECK(TaskState::get()->enter_stats_wait.count != 0);
}
}  // namespace

// runtime.rs:491-504 test_busy_poll_always
TEST_CASE("test_busy_poll_always") {
    auto waits = run_test(sleep_then_count_waits(100ms),
                          kimojio::Configuration().set_busy_poll(kimojio::BusyPoll::Always()));
    CHECK(waits == 0);
}

// runtime.rs:507-520 test_busy_poll_never
TEST_CASE("test_busy_poll_never") {
    auto waits = run_test(sleep_then_count_waits(100ms),
                          kimojio::Configuration().set_busy_poll(kimojio::BusyPoll::Never()));
    CHECK(waits != 0);
}

namespace {

// Each read_with_timeout submits a linked pair of SQEs (read + link_timeout: 2 SQEs,
// 2 CQEs) and increments in_flight_io by 2; draining the CQEs must decrement it by
// the number of CQEs consumed.
// runtime.rs:529-568 test_in_flight_io_accounting_with_linked_timeouts (part 1 of 2: the test body)
Async<void> test_in_flight_io_accounting_with_linked_timeouts() {
    // Yield once so the runtime-server task starts its read, establishing the
    // steady-state baseline for in_flight_io.
    (co_await kimojio::sleep(1ms)).value();
    std::uint64_t baseline = test_support::user_in_flight_io();

    for (int round = 0; round < 200; ++round) {
        std::vector<kimojio::OwnedFd> writers;
        std::vector<kimojio::OwnedFd> readers;
        std::vector<std::array<char, 1>> buffers(50);
        test_support::JoinAll<kimojio::UsizeFuture> join;
        for (int i = 0; i < 50; ++i) {
            auto [reader, writer] = kimojio::bipipe();
            join.futures.push_back(kimojio::read_with_timeout(reader, buffers[i], 1ms));
            readers.push_back(std::move(reader));
            writers.push_back(std::move(writer));
        }
        co_await join;
    }

    // One more event-loop iteration to drain any trailing CQEs.
    (co_await kimojio::sleep(1ms)).value();

    std::uint64_t after = test_support::user_in_flight_io();
    CHECK_MESSAGE(after == baseline, "in_flight_io drifted after linked-timeout operations");
}

}  // namespace

// runtime.rs:529-568 test_in_flight_io_accounting_with_linked_timeouts (part 2 of 2: the TEST_CASE)
TEST_CASE("test_in_flight_io_accounting_with_linked_timeouts") {
    run_test(test_in_flight_io_accounting_with_linked_timeouts());
}

// runtime.rs:571-594 test_busy_poll_until
TEST_CASE("test_busy_poll_until") {
    run_test(busy_poll_until_body(), kimojio::Configuration().set_busy_poll(kimojio::BusyPoll::Until(10ms)));
}

// ---- task lifecycle through the event loop (not in the Rust file) ----

namespace {

struct Observed {
    std::optional<Rc<Task>> task;
    kimojio::AsyncEvent go;
    int resumed = 0;
};

Async<int> waits_for_go(Observed* observed) {
    observed->task = TaskState::get()->get_current_task();
    (co_await observed->go.wait()).value();
    observed->resumed++;
    co_return 42;
}

Async<void> lifecycle_body() {
    Observed observed;
    auto handle = kimojio::spawn_task(waits_for_go(&observed));
    CHECK(!observed.task.has_value());  // spawned, not yet polled
    co_await kimojio::yield_io();
    REQUIRE(observed.task.has_value());
    const Rc<Task>& child = *observed.task;
    CHECK(child->get_state() == TaskReadyState::Suspend);
    CHECK(!handle.is_complete());

    observed.go.set();
    CHECK(child->get_state() == TaskReadyState::Ready);
    auto result = co_await handle;
    CHECK(result.value() == 42);
    CHECK(child->get_state() == TaskReadyState::Complete);
    CHECK(observed.resumed == 1);
    CHECK(handle.is_complete());
}

Async<void> abort_body() {
    Observed observed;
    auto handle = kimojio::spawn_task(waits_for_go(&observed));
    co_await kimojio::yield_io();
    REQUIRE(observed.task.has_value());
    CHECK((*observed.task)->get_state() == TaskReadyState::Suspend);
    handle.abort();
    CHECK((*observed.task)->get_state() == TaskReadyState::Aborted);
    auto result = co_await handle;
    REQUIRE(result.is_err());
    CHECK(result.error().kind() == TaskHandleError::Kind::Panic);
    CHECK(what_of(result.error().payload()) == "Task aborted");
    CHECK(observed.resumed == 0);
    CHECK((*observed.task)->get_state() == TaskReadyState::Complete);
}

Async<int> main_throws() {
    co_await kimojio::yield_io();
    throw std::runtime_error("main failed");
}

}  // namespace

TEST_CASE("a task goes Ready -> Suspend -> Ready -> Complete through spawn, wait, wake and finish") {
    run_test(lifecycle_body());
}

TEST_CASE("aborting a suspended task throws TaskAborted inside it at its next wait") { run_test(abort_body()); }

TEST_CASE("a main task that throws: block_on returns the exception") {
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto result = runtime.block_on(main_throws());
    REQUIRE(result.has_value());
    REQUIRE(result->is_err());
    CHECK(what_of(result->error()) == "main failed");
}

TEST_CASE("block_on twice on one Runtime: both runs complete") {
    kimojio::Runtime runtime(7, kimojio::Configuration());
    auto first = runtime.block_on(returns_one());
    REQUIRE(first.has_value());
    CHECK(std::move(*first).value().value() == 1);
    auto second = runtime.block_on(returns_one());
    REQUIRE(second.has_value());
    CHECK(std::move(*second).value().value() == 1);
}

TEST_CASE("shutdown_loop: block_on returns nullopt when main has not finished") {
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto result = runtime.block_on([]() -> Async<int> {
        kimojio::shutdown_loop();
        co_await kimojio::yield_io();
        co_return 1;
    }());
    CHECK(!result.has_value());
}

// ---- tracing, and exceptions escaping the loop ----

namespace {

struct Recorded {
    std::uint8_t thread_index;
    std::uint16_t task_index;
    std::size_t kind;  // Events::index()
};

class RecordingTrace final : public kimojio::TraceConfiguration {
public:
    explicit RecordingTrace(std::vector<Recorded>* out) : out_(out) {}
    void trace(kimojio::EventEnvelope event) override {
        out_->push_back({event.thread_index, event.task_index, event.event.index()});
    }

private:
    std::vector<Recorded>* out_;
};

constexpr std::size_t TASK_SCHEDULED = 0;
constexpr std::size_t TASK_RUN_END = 1;

class ThrowingTrace final : public kimojio::TraceConfiguration {
public:
    void trace(kimojio::EventEnvelope event) override {
        if (event.event.index() == TASK_RUN_END) {
            throw std::runtime_error("trace sink failed");
        }
    }
};

class BorrowingOnDestroyTrace final : public kimojio::TraceConfiguration {
public:
    explicit BorrowingOnDestroyTrace(bool* destroyed) : destroyed_(destroyed) {}
    ~BorrowingOnDestroyTrace() override {
        (void)kimojio::get_activity_id();  // borrows the thread's TaskState
        *destroyed_ = true;
    }
    void trace(kimojio::EventEnvelope) override {}

private:
    bool* destroyed_;
};

}  // namespace

TEST_CASE("trace events: each task is scheduled before it runs, tagged with the runtime's thread index") {
    std::vector<Recorded> events;
    kimojio::Runtime runtime(3, kimojio::Configuration().set_trace_buffer_manager(std::make_unique<RecordingTrace>(&events)));
    auto result = runtime.block_on(returns_one());
    REQUIRE(result.has_value());
    REQUIRE(!events.empty());
    for (std::uint16_t task : {std::uint16_t{1}, std::uint16_t{2}}) {  // main, runtime server
        CAPTURE(task);
        std::ptrdiff_t scheduled = -1;
        std::ptrdiff_t ran = -1;
        for (std::size_t i = 0; i < events.size(); ++i) {
            CHECK(events[i].thread_index == 3);
            if (events[i].task_index == task && events[i].kind == TASK_SCHEDULED && scheduled < 0) scheduled = i;
            if (events[i].task_index == task && events[i].kind == TASK_RUN_END && ran < 0) ran = i;
        }
        CHECK(scheduled >= 0);
        CHECK(ran > scheduled);
    }
}

TEST_CASE("an exception escaping the loop propagates from block_on and leaves the thread clean") {
    {
        kimojio::Runtime runtime(0, kimojio::Configuration().set_trace_buffer_manager(std::make_unique<ThrowingTrace>()));
        CHECK_THROWS_WITH_AS((void)runtime.block_on(returns_one()), "trace sink failed", std::runtime_error);
    }
    CHECK(TaskState::get()->tasks.is_empty());
    CHECK(TaskState::get()->get_task_count() == 0);
    kimojio::Runtime again(0, kimojio::Configuration());
    auto result = again.block_on(returns_one());
    REQUIRE(result.has_value());
    CHECK(std::move(*result).value().value() == 1);
}

TEST_CASE("the trace configuration is destroyed with no TaskState borrow held") {
    bool destroyed = false;
    kimojio::Runtime runtime(
        0, kimojio::Configuration().set_trace_buffer_manager(std::make_unique<BorrowingOnDestroyTrace>(&destroyed)));
    auto result = runtime.block_on(returns_one());
    REQUIRE(result.has_value());
    CHECK(destroyed);  // dropped with the old TaskState when block_on ended, as in Rust
}

namespace {
Async<void> handle_after_result_body() {
    auto handle = kimojio::spawn_task(returns_one());
    CHECK((co_await handle).value().value() == 1);
    CHECK(handle.is_complete());
    CHECK_THROWS_AS(handle.abort(), kimojio::Panic);
    CHECK_THROWS_AS((void)handle.wait(), kimojio::Panic);
}
}  // namespace

TEST_CASE("a TaskHandle used after it returned the result throws instead of crashing") {
    run_test(handle_after_result_body());
}

// ---- issue 15: review fixes ----
namespace {
#ifndef KIMOJIO_TEST_UNDER_UBSAN
// Lowers RLIMIT_NOFILE to 0, so the next descriptor the process creates (the fresh
// TaskState's io_uring at teardown) fails with EMFILE.
Async<Result<int, Errno>> exhausts_fds_then_returns(rlimit* saved) {
    REQUIRE(getrlimit(RLIMIT_NOFILE, saved) == 0);
    rlimit low = *saved;
    low.rlim_cur = 0;
    REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
    co_return Ok{1};
}
#endif

}  // namespace

// Not under UBSan: see tests/CMakeLists.txt (KIMOJIO_TEST_UNDER_UBSAN).
#ifndef KIMOJIO_TEST_UNDER_UBSAN
TEST_CASE("a teardown error propagates from block_on and leaves the thread's TaskState usable") {
    rlimit saved{};
    {
        kimojio::Runtime runtime(0, kimojio::Configuration());
        CHECK_THROWS_AS((void)runtime.block_on(exhausts_fds_then_returns(&saved)), std::system_error);
        REQUIRE(setrlimit(RLIMIT_NOFILE, &saved) == 0);
    }
    CHECK(TaskState::get()->tasks.is_empty());
    CHECK(TaskState::get()->get_task_count() == 0);
    kimojio::Runtime again(0, kimojio::Configuration());
    auto result = again.block_on(returns_one());
    REQUIRE(result.has_value());
    CHECK(std::move(*result).value().value() == 1);
}
#endif

TEST_CASE("RingEnterEnd counts the armed eventfd read in in_flight_io (no wrap-around)") {
    std::vector<test_support::EnterRecord> enters;
    {
        kimojio::Runtime runtime(
            0, kimojio::Configuration().set_trace_buffer_manager(std::make_unique<test_support::RecordingEnterTrace>(&enters)));
        auto result = runtime.block_on(returns_one());
        REQUIRE(result.has_value());
    }
    bool waited = false;
    for (const test_support::EnterRecord& enter : enters) {
        CAPTURE(enter.in_flight_io);
        CHECK(enter.in_flight_io < 16);  // a handful of operations at most; 2^64-1 if it wrapped
        waited = waited || enter.want;  // an enter that armed the eventfd read
    }
    CHECK(waited);
}

namespace {
class IoEndTrace final : public kimojio::TraceConfiguration {
public:
    explicit IoEndTrace(std::vector<std::int32_t>* results) : results_(results) {}
    void trace(kimojio::EventEnvelope event) override {
        if (auto* end = std::get_if<kimojio::events::IoEnd>(&event.event)) results_->push_back(end->result);
    }

private:
    std::vector<std::int32_t>* results_;
};

Async<void> nop_then_read_a_bad_fd() {
    (co_await kimojio::nop()).value();
    std::array<char, 4> buffer{};
    CHECK((co_await kimojio::read(-1, buffer)).error() == Errno::BADF);
}
}  // namespace

TEST_CASE("trace events: IoEnd carries 0 for an operation that succeeded and the errno of one that failed") {
    std::vector<std::int32_t> results;
    {
        kimojio::Runtime runtime(
            0, kimojio::Configuration().set_trace_buffer_manager(std::make_unique<IoEndTrace>(&results)));
        REQUIRE(runtime.block_on(nop_then_read_a_bad_fd()).has_value());
    }
    // The nop, then the read, in that order (each awaited before the next starts); the
    // runtime server's pipe read ends later, cancelled by the teardown.
    REQUIRE(results.size() >= 2);
    CHECK(results[0] == 0);
    CHECK(results[1] == EBADF);
}

namespace {
// Sets *dropped when destroyed (a moved-from one does not).
struct DropFlag {
    bool* dropped;
    explicit DropFlag(bool* d) : dropped(d) {}
    DropFlag(DropFlag&& other) noexcept : dropped(std::exchange(other.dropped, nullptr)) {}
    ~DropFlag() {
        if (dropped) *dropped = true;
    }
};

Async<DropFlag> returns_drop_flag(bool* dropped) { co_return DropFlag(dropped); }

Async<void> detached_task_result_dropped() {
    bool dropped = false;
    { auto handle = kimojio::spawn_task(returns_drop_flag(&dropped)); }  // detached
    for (int turn = 0; turn < 3 && !dropped; ++turn) co_await kimojio::yield_io();
    CHECK(dropped);  // freed by the loop turn after it completed, not at block_on's end
}
}  // namespace

TEST_CASE("a detached task's result is dropped the loop turn after it completes") {
    test_support::run_test(detached_task_result_dropped());
}

namespace {
class ScheduledTags final : public kimojio::TraceConfiguration {
public:
    explicit ScheduledTags(std::vector<std::uint32_t>* tags) : tags_(tags) {}
    void trace(kimojio::EventEnvelope event) override {
        if (auto* s = std::get_if<kimojio::events::TaskScheduled>(&event.event); s && event.task_index == 1) {
            tags_->push_back(s->tag);
        }
    }

private:
    std::vector<std::uint32_t>* tags_;
};

Async<void> yields(int n) {
    for (int i = 0; i < n; ++i) co_await kimojio::yield_io();
}

Async<void> nops(int n) {
    for (int i = 0; i < n; ++i) (co_await kimojio::nop()).value();
}

// Runs `main` on a traced runtime; checks that the main task (index 1) was scheduled 6
// times (spawned, then once per turn it waited) and that from its third schedule on (the
// first turn also starts the runtime server task) `per_turn` tags lie between schedules.
void check_tags_per_turn(Async<void> main, std::uint32_t per_turn) {
    std::vector<std::uint32_t> tags;  // the main task's TaskScheduled tags
    {
        kimojio::Runtime runtime(
            0, kimojio::Configuration().set_trace_buffer_manager(std::make_unique<ScheduledTags>(&tags)));
        REQUIRE(runtime.block_on(std::move(main)).has_value());
    }
    REQUIRE(tags.size() == 6);
    for (std::size_t i = 3; i < tags.size(); ++i) {
        CAPTURE(i);
        CHECK(tags[i] - tags[i - 1] == per_turn);
    }
}
}  // namespace

// Rust's submit_and_complete_io_all always calls submit_and_complete_io twice, each taking
// a ring tag; the port's fast path (nothing to submit or reap) skips both calls but takes
// the two tags, so tags stay the same as upstream's.
TEST_CASE("each loop turn of a yielding task takes its schedule tag and two ring tags, as upstream") {
    check_tags_per_turn(yields(5), 3);
}

// A turn that waits for I/O takes the slow path; with no IOPOLL I/O in flight the port
// takes the IOPOLL call's ring tag without the call (see PORTING.md), so each nop still
// costs its I/O tag (with_polled), two ring tags and the wake's schedule tag, as upstream.
TEST_CASE("each loop turn of a task awaiting a nop takes its I/O tag, two ring tags and its schedule tag, as upstream") {
    check_tags_per_turn(nops(5), 4);
}

TEST_CASE("kimojio::run runs the main future on a new runtime of the given index and returns its result") {
    auto result = kimojio::run(9, []() -> kimojio::Async<int> {
        CHECK(kimojio::task_identity().thread_index == 9);
        co_return 42;
    }());
    REQUIRE(result.has_value());
    CHECK(std::move(*result).value() == 42);
}

TEST_CASE("a copy of Runtime::get_handle's handle stops the runtime server task with close_sync") {
    kimojio::Runtime runtime(0, kimojio::Configuration());
    kimojio::RuntimeHandle handle = runtime.get_handle();
    auto result = runtime.block_on([](kimojio::RuntimeHandle handle) -> Async<void> {
        co_await kimojio::yield_io();  // the server task waits for a request now
        std::size_t before = TaskState::get()->get_task_count();  // main and the server
        kimojio::RuntimeHandle copy = handle;
        copy.close_sync();
        while (TaskState::get()->get_task_count() == before) {
            co_await kimojio::yield_io();  // a server that ignored it: the test times out
        }
        CHECK(TaskState::get()->get_task_count() == before - 1);
    }(std::move(handle)));
    REQUIRE(result.has_value());
}

namespace {
Async<void> sleep_for(std::chrono::milliseconds duration) { (co_await kimojio::sleep(duration)).value(); }

Async<void> waits_with_nothing_to_submit() {
    co_await sleep_for(1ms);  // a first wait arms the foreign-wake eventfd read; it stays armed
    auto sleeper = kimojio::spawn_task(sleep_for(50ms));
    co_await kimojio::yield_io();  // the sleeper runs in the next turn and queues its SQE,
    co_await kimojio::yield_io();  // while main is ready again: the SQE is submitted without waiting
    std::uint64_t waits = TaskState::get()->enter_stats_wait.count;
    (void)(co_await sleeper).value();
    // Nothing was ready and nothing left to submit: the loop blocked in io_uring_enter
    // for the sleep instead of polling the ring in a loop.
    CHECK(TaskState::get()->enter_stats_wait.count > waits);
}
}  // namespace

TEST_CASE("a loop with nothing ready and nothing to submit blocks in the kernel") {
    test_support::run_test(waits_with_nothing_to_submit());
}
