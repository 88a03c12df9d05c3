// Port of tests in kimojio/src/operations.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f
// (parse_version_test, test_cancel_sleep_with_io_scope, test_cancel_wait_with_io_scope,
// test_nested_io_scope_wait, test_nested_io_scope, test_cancel_too_many_pending_io,
// test_overflow_via_submit), plus C++-only io_scope, with_timeout_warning and kernel_version tests.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "kimojio/kimojio.hpp"
#include "test_support.hpp"

using kimojio::Async;
using kimojio::AsyncEvent;
using kimojio::CanceledError;
using kimojio::Errno;
using kimojio::IO_URING_SUBMISSION_ENTRIES;
using kimojio::io_scope;
using test_support::JoinAll;
using test_support::PollOnce;
using test_support::run_test;

namespace {
constexpr auto an_hour = std::chrono::seconds(3600);
}  // namespace

// operations.rs:1914-1936 parse_version_test
TEST_CASE("parse_version_test") {
    using kimojio::parse_version;
    using V = std::pair<std::uint32_t, std::uint32_t>;
    CHECK(parse_version("6.2").value() == V{6, 2});
    CHECK(parse_version("5.17").value() == V{5, 17});
    CHECK(parse_version("5.17GARBAGE").value() == V{5, 17});
    CHECK(parse_version("5.17.8").value() == V{5, 17});
    CHECK(parse_version("5.17.8GARBAGE").value() == V{5, 17});
    CHECK(parse_version("5.17 More").value() == V{5, 17});
    CHECK(parse_version("5.17.8 More").value() == V{5, 17});
    CHECK(parse_version("5.17.").value() == V{5, 17});
    CHECK(parse_version("5.17. ").value() == V{5, 17});
    CHECK(parse_version("5.17. more").value() == V{5, 17});

    auto failed = [](std::optional<V> x) { return !x.has_value(); };

    CHECK(failed(parse_version("5")));
    CHECK(failed(parse_version("5.")));
    CHECK(failed(parse_version("5.x")));
    CHECK(failed(parse_version("y")));
    CHECK(failed(parse_version("")));
    CHECK(failed(parse_version("y.5")));
}

TEST_CASE("kernel_version is this kernel's (io_uring needs 5.x or later)") {
    auto [major, minor] = kimojio::kernel_version();
    CHECK(major >= 5);
    (void)minor;
}

namespace {
// operations.rs:2070-2091 test_cancel_sleep_with_io_scope (part 1 of 2: the test body)
Async<void> test_cancel_sleep_with_io_scope() {
    auto sleep_a_long_time = co_await io_scope([]() -> Async<kimojio::SleepFuture> {
        kimojio::SleepFuture sleep_a_long_time = kimojio::sleep(an_hour);

        bool ready = co_await PollOnce<kimojio::SleepFuture>{&sleep_a_long_time};
        CHECK_FALSE(ready);  // Rust: panic!("sleep should not return")
        co_return sleep_a_long_time;
    }());

    auto result = co_await sleep_a_long_time;

    // Rust maps the error to "it was canceled"; the error itself says the same.
    REQUIRE(result.is_err());
    CHECK(result.error() == Errno::CANCELED);
}
}  // namespace

// operations.rs:2070-2091 test_cancel_sleep_with_io_scope (part 2 of 2: the TEST_CASE)
TEST_CASE("test_cancel_sleep_with_io_scope") { run_test(test_cancel_sleep_with_io_scope()); }

namespace {
// operations.rs:2093-2110 test_cancel_wait_with_io_scope (part 1 of 2: the test body)
Async<void> test_cancel_wait_with_io_scope() {
    auto event = std::make_shared<AsyncEvent>();
    co_await io_scope([](std::shared_ptr<AsyncEvent> event) -> Async<void> {
        kimojio::WaitAsyncEventFuture wait = event->wait();
        bool ready = co_await PollOnce<kimojio::WaitAsyncEventFuture>{&wait};
        CHECK_FALSE(ready);
        kimojio::io_scope_cancel();

        CHECK((co_await wait).error() == CanceledError{});

        event->set();
        CHECK((co_await event->wait()).is_ok());
    }(event));
}
}  // namespace

// operations.rs:2093-2110 test_cancel_wait_with_io_scope (part 2 of 2: the TEST_CASE)
TEST_CASE("test_cancel_wait_with_io_scope") { run_test(test_cancel_wait_with_io_scope()); }

namespace {
// operations.rs:2112-2153 test_nested_io_scope_wait (part 1 of 2: the test body)
Async<void> test_nested_io_scope_wait() {
    auto event1 = std::make_shared<AsyncEvent>();
    auto event2 = std::make_shared<AsyncEvent>();
    co_await io_scope([](std::shared_ptr<AsyncEvent> event1, std::shared_ptr<AsyncEvent> event2) -> Async<void> {
        kimojio::WaitAsyncEventFuture wait = event1->wait();
        CHECK_FALSE(co_await PollOnce<kimojio::WaitAsyncEventFuture>{&wait});

        co_await io_scope([](std::shared_ptr<AsyncEvent> event2) -> Async<void> {
            kimojio::WaitAsyncEventFuture wait2 = event2->wait();
            CHECK_FALSE(co_await PollOnce<kimojio::WaitAsyncEventFuture>{&wait2});

            kimojio::io_scope_cancel();

            CHECK((co_await wait2).error() == CanceledError{});

            event2->set();
            CHECK((co_await event2->wait()).is_ok());
        }(event2));

        // still not complete
        CHECK_FALSE(co_await PollOnce<kimojio::WaitAsyncEventFuture>{&wait});

        kimojio::io_scope_cancel();

        CHECK((co_await wait).error() == CanceledError{});

        event1->set();
        CHECK((co_await event1->wait()).is_ok());
    }(event1, event2));
}
}  // namespace

// operations.rs:2112-2153 test_nested_io_scope_wait (part 2 of 2: the TEST_CASE)
TEST_CASE("test_nested_io_scope_wait") { run_test(test_nested_io_scope_wait()); }

namespace {
// operations.rs:2155-2188 test_nested_io_scope (part 1 of 2: the test body)
Async<void> test_nested_io_scope() {
    co_await io_scope([]() -> Async<void> {
        kimojio::SleepFuture wait1 = kimojio::sleep(an_hour);
        CHECK_FALSE(co_await PollOnce<kimojio::SleepFuture>{&wait1});

        co_await io_scope([]() -> Async<void> {
            kimojio::SleepFuture wait2 = kimojio::sleep(an_hour);
            CHECK_FALSE(co_await PollOnce<kimojio::SleepFuture>{&wait2});

            kimojio::io_scope_cancel();

            CHECK((co_await wait2).error() == Errno::CANCELED);
        }());

        // still not complete
        CHECK_FALSE(co_await PollOnce<kimojio::SleepFuture>{&wait1});

        kimojio::io_scope_cancel();

        CHECK((co_await wait1).error() == Errno::CANCELED);
    }());
}
}  // namespace

// operations.rs:2155-2188 test_nested_io_scope (part 2 of 2: the TEST_CASE)
TEST_CASE("test_nested_io_scope") { run_test(test_nested_io_scope()); }

namespace {
// operations.rs:2190-2215 test_cancel_too_many_pending_io (part 1 of 2: the test body)
Async<void> test_cancel_too_many_pending_io() {
    // Rust returns a lazy `map` iterator: the nops are created by join_all, after the scope.
    auto make_nops = []() {
        JoinAll<kimojio::UnitFuture> nops;
        for (std::size_t i = 0; i < IO_URING_SUBMISSION_ENTRIES; ++i) {
            nops.futures.push_back(kimojio::nop());
        }
        return nops;
    };
    auto nops = co_await io_scope([](auto make_nops) -> Async<decltype(make_nops)> {
        JoinAll<kimojio::SleepFuture> requests;
        for (std::size_t i = 0; i < IO_URING_SUBMISSION_ENTRIES * 4; ++i) {
            requests.futures.push_back(kimojio::sleep(an_hour));
        }

        kimojio::io_scope_cancel();

        // after cancelling we should be able to issue more I/O
        auto nops = make_nops;

        std::vector<kimojio::Result<void, Errno>> results = co_await requests;
        CHECK(results.size() == IO_URING_SUBMISSION_ENTRIES * 4);
        for (auto& result : results) {
            CHECK(result.error() == Errno::CANCELED);
        }

        co_return nops;
    }(make_nops));

    std::vector<kimojio::Result<void, Errno>> results = co_await nops();
    CHECK(results.size() == IO_URING_SUBMISSION_ENTRIES);
    for (auto& result : results) {
        CHECK(result.is_ok());
    }
}
}  // namespace

// operations.rs:2190-2215 test_cancel_too_many_pending_io (part 2 of 2: the TEST_CASE)
TEST_CASE("test_cancel_too_many_pending_io") { run_test(test_cancel_too_many_pending_io()); }

namespace {
// operations.rs:2218-2227 test_overflow_via_submit (part 1 of 2: the test body)
Async<void> test_overflow_via_submit() {
    std::vector<kimojio::SubmitFuture<kimojio::UnitFuture>> ops;
    for (std::size_t x = 0; x < IO_URING_SUBMISSION_ENTRIES * 100; ++x) {
        ops.push_back(kimojio::submit(kimojio::nop()));
    }
    for (auto& op : ops) {
        auto result = co_await op;
        CHECK(result.is_ok());
    }
}

Async<void> timeout_warning() {
    int warnings = 0;
    // The future outlives the warning's duration: warned once, the result unchanged.
    auto slow = co_await kimojio::with_timeout_warning(kimojio::sleep(std::chrono::milliseconds(200)),
                                                       std::chrono::milliseconds(1), [&warnings] { warnings += 1; });
    CHECK(slow.is_ok());
    CHECK(warnings == 1);
    // Done first: no warning, and its timer is cancelled.
    auto fast = co_await kimojio::with_timeout_warning(kimojio::nop(), an_hour, [&warnings] { warnings += 1; });
    CHECK(fast.is_ok());
    CHECK(warnings == 1);
}
}  // namespace

// operations.rs:2218-2227 test_overflow_via_submit (part 2 of 2: the TEST_CASE)
TEST_CASE("test_overflow_via_submit") { run_test(test_overflow_via_submit()); }

TEST_CASE("with_timeout_warning warns once when the future outlives the duration, never otherwise") {
    run_test(timeout_warning());
}

// ---------------------------------------------------------------- C++-only tests

namespace {
// A trace sink is user code the runtime calls inside submit_and_complete_io_all: when
// armed, it throws at the first ring enter that submitted something. In
// cancel_io_scope_completions that is the flush of the cancel SQEs, after the drain.
class ThrowOnSubmittingEnter final : public kimojio::TraceConfiguration {
public:
    explicit ThrowOnSubmittingEnter(std::shared_ptr<bool> armed) : armed_(std::move(armed)) {}
    void trace(kimojio::EventEnvelope event) override {
        auto* enter = std::get_if<kimojio::events::RingEnterEnd>(&event.event);
        if (*armed_ && enter != nullptr && enter->submissions > 0) {
            *armed_ = false;
            throw std::runtime_error("trace sink failed (planted by the test)");
        }
    }

private:
    std::shared_ptr<bool> armed_;
};

Async<void> exception_in_cancel_body(std::shared_ptr<bool> armed) {
    co_await io_scope([](std::shared_ptr<bool> armed) -> Async<void> {
        kimojio::SleepFuture sleep1 = kimojio::sleep(an_hour);
        kimojio::SleepFuture sleep2 = kimojio::sleep(an_hour);
        CHECK_FALSE(co_await PollOnce<kimojio::SleepFuture>{&sleep1});
        CHECK_FALSE(co_await PollOnce<kimojio::SleepFuture>{&sleep2});
        // Let the loop submit both sleeps, so the next submitting enter is the flush.
        co_await kimojio::yield_io();

        *armed = true;
        CHECK_THROWS_WITH_AS(kimojio::io_scope_cancel(), "trace sink failed (planted by the test)",
                             std::runtime_error);
        CHECK_FALSE(*armed);

        // Rust's drain(..) emptied the list before the flush failed: nothing is left
        // behind (before the fix: two moved-from, null entries the scope's end dereferenced).
        kimojio::Rc<kimojio::Task> task = kimojio::TaskState::get()->get_current_task();
        auto scope = task->replace_io_scope_completions(kimojio::IoScopeCompletions{});
        REQUIRE(scope.has_value());
        CHECK(scope->completions.empty());
        task->replace_io_scope_completions(std::move(scope));

        // The cancel SQEs were submitted before the sink threw.
        CHECK((co_await sleep1).error() == Errno::CANCELED);
        CHECK((co_await sleep2).error() == Errno::CANCELED);
    }(std::move(armed)));
}
}  // namespace

TEST_CASE("an exception inside cancel_io_scope_completions leaves no drained completion behind") {
    auto armed = std::make_shared<bool>(false);
    run_test(exception_in_cancel_body(armed),
             kimojio::Configuration().set_trace_buffer_manager(std::make_unique<ThrowOnSubmittingEnter>(armed)));
}

namespace {
std::size_t completion_pool_size() { return kimojio::TaskState::get()->completion_pool.size(); }
}  // namespace

TEST_CASE("io_scope_cancel returns the completion of a finished operation to the pool") {
    run_test([]() -> Async<void> {
        co_await io_scope([]() -> Async<void> {
            (void)(co_await kimojio::nop()).value();  // finished; only the scope's list still holds its completion
            std::size_t before = completion_pool_size();
            kimojio::io_scope_cancel();
            CHECK(completion_pool_size() == before + 1);
        }());
    }());
}

TEST_CASE("an io_scope whose body throws cancels and waits for the body's I/O, then rethrows") {
    run_test([]() -> Async<void> {
        std::uint64_t baseline = test_support::user_in_flight_io();
        std::string what;
        try {
            co_await io_scope([]() -> Async<void> {
                kimojio::SleepFuture sleep = kimojio::sleep(an_hour);
                CHECK_FALSE(co_await PollOnce<kimojio::SleepFuture>{&sleep});
                throw std::runtime_error("body failed");
            }());
        } catch (const std::runtime_error& e) {
            what = e.what();
        }
        CHECK(what == "body failed");
        CHECK(test_support::user_in_flight_io() == baseline);  // the hour-long sleep was reaped
    }());
}
