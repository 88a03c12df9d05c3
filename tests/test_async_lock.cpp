// Port of the 3 tests in kimojio/src/async_lock.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f,
// plus C++-only tests (try_lock, moved-from guards, an aborted waiter, a canceled wait).
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <utility>
#include <vector>

#include "kimojio/async_lock.hpp"
#include "kimojio/combinators.hpp"
#include "kimojio/kimojio.hpp"
#include "test_support.hpp"

using kimojio::Async;
using kimojio::AsyncEvent;
using kimojio::AsyncLock;
using test_support::run_test;
using namespace std::chrono_literals;

namespace {

Async<void> async_lock_test_task(std::shared_ptr<AsyncLock<std::size_t>> l) {
    auto l_ref = (co_await l->lock()).value();
    *l_ref += 1;
}

// async_lock.rs:158-178 async_lock_test (part 1 of 2: the test body)
Async<void> async_lock_test() {
    auto l = std::make_shared<AsyncLock<std::size_t>>();
    auto l_ref = (co_await l->lock()).value();
    auto task = kimojio::spawn_task(async_lock_test_task(l));

    for (int i = 0; i < 100; ++i) {
        co_await kimojio::yield_io();
    }

    *l_ref = 100;
    { auto drop = std::move(l_ref); }
    (co_await task).value();

    CHECK(*(co_await l->lock()).value() == 101);
}
// async_lock.rs:158-178 async_lock_test (part 2 of 2: the TEST_CASE)
TEST_CASE("async_lock_test") { run_test(async_lock_test()); }

Async<void> async_timeout_other(std::shared_ptr<AsyncLock<int>> l2, std::shared_ptr<AsyncEvent> ready2,
                                std::shared_ptr<AsyncEvent> done2) {
    auto guard = (co_await l2->lock()).value();
    ready2->set();
    (co_await done2->wait()).value();
    { auto drop = std::move(guard); }
}

// async_lock.rs:181-204 async_timeout_test (part 1 of 2: the test body)
Async<void> async_timeout_test() {
    auto l = std::make_shared<AsyncLock<int>>(0);
    auto ready = std::make_shared<AsyncEvent>();
    auto done = std::make_shared<AsyncEvent>();
    auto other = kimojio::spawn_task(async_timeout_other(l, ready, done));
    (co_await ready->wait()).value();
    auto wait = co_await l->lock_with_timeout(1ms);
    CHECK(wait.is_err());
    CHECK(wait.error() == kimojio::TimeoutError::Timeout);  // C++: also which error
    done->set();
    (co_await other).value();
    auto wait2 = (co_await l->lock_with_timeout(1ms)).value();
    CHECK(*wait2 == 0);
}
// async_lock.rs:181-204 async_timeout_test (part 2 of 2: the TEST_CASE)
TEST_CASE("async_timeout_test") { run_test(async_timeout_test()); }

Async<void> parallel_fut1(std::shared_ptr<AsyncLock<int>> l1) {
    auto guard = (co_await l1->lock()).value();
    (co_await kimojio::sleep(100ms)).value();
    *guard += 2;
    { auto drop = std::move(guard); }
}

Async<void> parallel_fut2(std::shared_ptr<AsyncLock<int>> l2) {
    auto guard = (co_await l2->lock()).value();
    *guard += 1;
    { auto drop = std::move(guard); }
}

// Parallelism is at the future level, not task level, so checking
// current task to detect recursive lock does not work in this case.
// This test exists to verify that any future recursive lock check
// implementation does not regress future parallelism.
// async_lock.rs:211-230 lock_from_parallel_futures (part 1 of 2: the test body)
Async<void> lock_from_parallel_futures() {
    auto l1 = std::make_shared<AsyncLock<int>>(0);
    auto l2 = l1;
    auto l3 = l2;
    std::vector<Async<void>> futures;
    futures.push_back(parallel_fut1(std::move(l1)));
    futures.push_back(parallel_fut2(std::move(l2)));
    // A named future: GCC 12 mis-destroys a braced temporary inside co_await.
    test_support::JoinAll<Async<void>> join{std::move(futures), {}};
    co_await join;
    CHECK(*(co_await l3->lock()).value() == 3);
}
// async_lock.rs:211-230 lock_from_parallel_futures (part 2 of 2: the TEST_CASE)
TEST_CASE("lock_from_parallel_futures") { run_test(lock_from_parallel_futures()); }

// C++ only: try_lock fails while a guard is live; a moved-from guard neither unlocks nor gives access.
Async<void> async_lock_try_lock_and_moved_guard() {
    AsyncLock<int> lock(7);
    auto guard = lock.try_lock();
    REQUIRE(guard.has_value());
    CHECK_FALSE(lock.try_lock().has_value());
    auto moved = std::move(*guard);
    guard.reset();  // destroys the moved-from guard: must not unlock
    CHECK_FALSE(lock.try_lock().has_value());
    CHECK(*moved == 7);
    CHECK(moved.borrow() == 7);
    moved.borrow_mut() = 8;
    auto again = std::move(moved);
    CHECK_THROWS_AS((void)*moved, kimojio::Panic);
    { auto drop = std::move(again); }
    auto last = lock.try_lock();
    REQUIRE(last.has_value());
    CHECK(**last == 8);
    co_return;
}
TEST_CASE("async_lock_try_lock_and_moved_guard") { run_test(async_lock_try_lock_and_moved_guard()); }

Async<void> lock_and_add(std::shared_ptr<AsyncLock<int>> l, int n) {
    auto guard = (co_await l->lock()).value();
    *guard += n;
}

// C++ only: a task aborted while waiting for the lock ends with TaskAborted; it
// passes its wake on, so the next waiter still gets the lock.
Async<void> async_lock_aborted_waiter() {
    auto l = std::make_shared<AsyncLock<int>>(0);
    auto guard = (co_await l->lock()).value();
    auto aborted = kimojio::spawn_task(lock_and_add(l, 1));
    auto waiter = kimojio::spawn_task(lock_and_add(l, 10));
    co_await kimojio::yield_io();
    CHECK_FALSE(aborted.is_complete());
    { auto drop = std::move(guard); }  // wakes the first waiter (the one aborted next)
    aborted.abort();
    auto result = co_await aborted;
    REQUIRE(result.is_err());
    CHECK_THROWS_AS(std::rethrow_exception(result.error().payload()), kimojio::TaskAborted);
    (co_await waiter).value();
    CHECK(*(co_await l->lock()).value() == 10);
}
TEST_CASE("async_lock_aborted_waiter") { run_test(async_lock_aborted_waiter()); }

// A lock() that loses a when_any to an event set in the same turn as the unlock.
Async<int> lock_or_event(std::shared_ptr<AsyncLock<int>> l, std::shared_ptr<AsyncEvent> go) {
    auto winner = co_await kimojio::when_any(go->wait(), l->lock());
    co_return static_cast<int>(winner.index());
}

// C++ only (fix; upstream loses the wake): a waiter woken by the unlock and then dropped
// before its next poll passes the wake on, so the next waiter gets the free lock.
Async<void> async_lock_woken_waiter_dropped() {
    auto l = std::make_shared<AsyncLock<int>>(0);
    auto go = std::make_shared<AsyncEvent>();
    auto guard = (co_await l->lock()).value();
    auto dropping = kimojio::spawn_task(lock_or_event(l, go));
    co_await kimojio::yield_io();  // first in the lock's wait list
    auto waiter = kimojio::spawn_task(lock_and_add(l, 10));
    co_await kimojio::yield_io();
    { auto drop = std::move(guard); }  // set_wake_one: wakes `dropping`
    go->set();                          // ... whose when_any then drops its lock wait
    CHECK((co_await dropping).value() == 0);
    for (int i = 0; i < 10 && !waiter.is_complete(); ++i) co_await kimojio::yield_io();
    CHECK(waiter.is_complete());
    if (!waiter.is_complete()) {
        auto unstick = l->try_lock();  // its drop wakes the stranded waiter, so the test ends
    }
    (co_await waiter).value();
    CHECK(*(co_await l->lock()).value() == 10);
}
TEST_CASE("async_lock_woken_waiter_dropped") { run_test(async_lock_woken_waiter_dropped()); }

Async<kimojio::Result<void, kimojio::CanceledError>> lock_in_scope(std::shared_ptr<AsyncLock<int>> l) {
    auto locked = co_await l->lock();
    if (locked.is_err()) {
        co_return kimojio::Result<void, kimojio::CanceledError>(kimojio::Err{locked.error()});
    }
    co_return kimojio::ok();
}
Async<void> cancel_after_yield() {
    co_await kimojio::yield_io();
    kimojio::io_scope_cancel();
}

// C++ only: a lock() wait canceled by io_scope_cancel returns CanceledError.
Async<void> async_lock_canceled_wait() {
    auto l = std::make_shared<AsyncLock<int>>(0);
    auto guard = (co_await l->lock()).value();
    std::vector<Async<void>> both;
    kimojio::Result<void, kimojio::CanceledError> got = kimojio::ok();
    auto lock_wait = [&]() -> Async<void> { got = co_await lock_in_scope(l); };
    both.push_back(lock_wait());
    both.push_back(cancel_after_yield());
    test_support::JoinAll<Async<void>> join{std::move(both), {}};
    auto scope = kimojio::io_scope(std::move(join));
    co_await scope;
    CHECK(got.is_err());
    CHECK(l->try_lock() == std::nullopt);  // still held by `guard`
}
TEST_CASE("async_lock_canceled_wait") { run_test(async_lock_canceled_wait()); }

}  // namespace

TEST_CASE("lock_with_deadline gets the lock its holder releases before the deadline") {
    run_test([]() -> Async<void> {
        auto l = std::make_shared<AsyncLock<int>>(0);
        auto guard = l->try_lock();
        REQUIRE(guard.has_value());
        auto waiter = kimojio::spawn([](std::shared_ptr<AsyncLock<int>> l) -> Async<bool> {
            auto got = co_await l->lock_with_deadline(std::chrono::steady_clock::now() + 60s);
            co_return got.is_ok();
        }(l));
        co_await kimojio::yield_io();  // the waiter now waits for the lock or the deadline
        guard.reset();
        CHECK(co_await waiter);
    }());
}
