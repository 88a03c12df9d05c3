// Tests of when_all, when_any and timeout (kimojio/combinators.hpp).
#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <string>
#include <variant>

#include "kimojio/kimojio.hpp"
#include "test_support.hpp"

using namespace std::chrono_literals;
using kimojio::Async;
using kimojio::TimeoutError;
using test_support::run_test;
using test_support::user_in_flight_io;

namespace {
Async<int> after_yields(int n, int value) {
    for (int i = 0; i < n; ++i) co_await kimojio::yield_io();
    co_return value;
}
}  // namespace

TEST_CASE("when_all: every output, in argument order, void as monostate") {
    run_test([]() -> Async<void> {
        auto [a, b, c, d] = co_await kimojio::when_all(after_yields(3, 1), after_yields(0, 2), kimojio::nop(),
                                                      kimojio::yield_io());
        CHECK(a == 1);
        CHECK(b == 2);
        CHECK(c.is_ok());
        CHECK(d == std::monostate{});
    }());
}

TEST_CASE("when_any: the first to finish wins and the loser's read is cancelled before it returns") {
    run_test([]() -> Async<void> {
        co_await kimojio::yield_io();
        std::uint64_t baseline = user_in_flight_io();
        auto [reader, writer] = kimojio::bipipe();
        std::array<char, 8> buffer{};
        auto winner = co_await kimojio::when_any(kimojio::read(reader, buffer), after_yields(2, 7));
        REQUIRE(winner.index() == 1);
        CHECK(std::get<1>(winner) == 7);
        CHECK(user_in_flight_io() == baseline);  // the read on the empty pipe is gone
        // the pipe still works: the cancelled read consumed nothing
        CHECK((co_await kimojio::write(writer, std::span<const char>("x", 1))).value() == 1);
        CHECK((co_await kimojio::read(reader, buffer)).value() == 1);
    }());
}

TEST_CASE("when_any: a ready I/O beats a later one") {
    run_test([]() -> Async<void> {
        auto winner = co_await kimojio::when_any(kimojio::sleep(1h), kimojio::nop());
        CHECK(winner.index() == 1);
    }());
}

TEST_CASE("timeout: a read on an empty pipe times out and is cancelled") {
    run_test([]() -> Async<void> {
        co_await kimojio::yield_io();
        std::uint64_t baseline = user_in_flight_io();
        auto [reader, writer] = kimojio::bipipe();
        std::array<char, 8> buffer{};
        auto result = co_await kimojio::timeout(kimojio::read(reader, buffer), 5ms);
        REQUIRE(result.is_err());
        CHECK(result.error() == TimeoutError::Timeout);
        CHECK(user_in_flight_io() == baseline);
    }());
}

TEST_CASE("timeout: an operation that finishes in time returns its output, and the timer is cancelled") {
    run_test([]() -> Async<void> {
        co_await kimojio::yield_io();
        std::uint64_t baseline = user_in_flight_io();
        auto result = co_await kimojio::timeout(after_yields(2, 5), 1h);
        REQUIRE(result.is_ok());
        CHECK(result.value() == 5);
        // The timer's drop submits its cancel without waiting (no borrowed buffer, as
        // upstream): the hour-long timeout is gone after a few loop turns.
        for (int i = 0; i < 100 && user_in_flight_io() != baseline; ++i) co_await kimojio::yield_io();
        CHECK(user_in_flight_io() == baseline);
    }());
}

TEST_CASE("timeout of zero: the operation loses unless it is ready at its first poll") {
    run_test([]() -> Async<void> {
        auto slow = co_await kimojio::timeout(after_yields(3, 1), 0ns);
        CHECK(slow.is_err());
        auto ready = co_await kimojio::timeout(after_yields(0, 2), 0ns);
        REQUIRE(ready.is_ok());
        CHECK(ready.value() == 2);
    }());
}

TEST_CASE("when_any: an aborted task waiting in it ends with TaskAborted") {
    run_test([]() -> Async<void> {
        auto [reader, writer] = kimojio::bipipe();
        auto task = kimojio::spawn_task([](kimojio::BorrowedFd fd) -> Async<void> {
            std::array<char, 8> buffer{};
            (void)co_await kimojio::when_any(kimojio::read(fd, buffer), kimojio::sleep(1h));
        }(reader));
        co_await kimojio::yield_io();
        task.abort();
        auto result = co_await task;
        REQUIRE(result.is_err());
        CHECK_THROWS_AS(std::rethrow_exception(result.error().payload()), kimojio::TaskAborted);
    }());
}
