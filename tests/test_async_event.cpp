// Port of the tests event_test_set_reset, event_test_wait and event_test_set_wake_n in kimojio/src/async_event.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f, plus C++-only AsyncEvent tests.
#include <doctest/doctest.h>

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "kimojio/kimojio.hpp"
#include "test_support.hpp"

using kimojio::Async;
using test_support::run_test;
using kimojio::AsyncEvent;

namespace {

using Counter = std::shared_ptr<std::size_t>;

Counter new_counter() { return std::make_shared<std::size_t>(0); }

// Polls the borrowed future once and resolves to whether it was Ready: lets a test
// leave a WaitAsyncEventFuture registered (polled, Pending) and then drop it.
struct PollOnce {
    kimojio::WaitAsyncEventFuture* future;
    kimojio::Poll<bool> poll(kimojio::Context& cx) {
        auto polled = future->poll(cx);
        if (polled.is_ready()) {
            polled.value().value();
            return true;
        }
        return false;
    }
};

// Sets (or resets) the event when the test body exits, also by an exception: a
// failed assertion then releases the spawned waiters instead of hanging the runtime.
struct ReleaseOnExit {
    explicit ReleaseOnExit(std::shared_ptr<AsyncEvent> e, bool reset = false) : e(std::move(e)), reset(reset) {}
    ReleaseOnExit(const ReleaseOnExit&) = delete;
    ReleaseOnExit& operator=(const ReleaseOnExit&) = delete;
    ~ReleaseOnExit() {
        if (reset) {
            e->reset();
        } else {
            e->set();
        }
    }
    std::shared_ptr<AsyncEvent> e;
    bool reset;
};

// Yields until `*x == n`; fails after 100 loop iterations (Rust: panic!()).
// async_event.rs:589-597 wait_for_n
Async<void> wait_for_n(Counter x, std::size_t n) {
    for (int i = 0; i < 100; ++i) {
        if (n == *x) {
            co_return;
        }
        co_await kimojio::yield_io();
    }
    FAIL("wait_for_n: counter is " << *x << ", expected " << n);
}

// Waits for `e` to be set, then counts itself in `proceeded`.
Async<void> waiter(std::shared_ptr<AsyncEvent> e, Counter proceeded) {
    (co_await e->wait()).value();
    *proceeded += 1;
}

// Yields until `e` has a waiter; fails after 100 loop iterations.
Async<void> wait_until_waiting(std::shared_ptr<AsyncEvent> e) {
    for (int i = 0; i < 100; ++i) {
        if (e->any_waiting()) {
            co_return;
        }
        co_await kimojio::yield_io();
    }
    FAIL("no task is waiting on the event");
}

}  // namespace

// ---- event_test_set_reset -------------------------------------------------

namespace {
// async_event.rs:517-525 event_test_set_reset (part 1 of 2: the test body)
Async<void> event_test_set_reset_body() {
    AsyncEvent e;
    e.set();
    CHECK(e.is_set());
    (co_await e.wait()).value();
    e.reset();
    CHECK_FALSE(e.is_set());
    (co_await e.wait_reset()).value();
    CHECK_FALSE(e.any_waiting());
}
}  // namespace

// async_event.rs:517-525 event_test_set_reset (part 2 of 2: the TEST_CASE)
TEST_CASE("event_test_set_reset") { run_test(event_test_set_reset_body()); }

// ---- event_test_wait ------------------------------------------------------

namespace {
Async<void> event_test_wait_task(std::shared_ptr<AsyncEvent> e1, std::shared_ptr<AsyncEvent> e2, Counter x) {
    *x = 1;
    e1->set();
    (co_await e2->wait()).value();
    *x = 2;
}

// async_event.rs:528-551 event_test_wait (part 1 of 2: the test body)
Async<void> event_test_wait_body() {
    auto e1 = std::make_shared<AsyncEvent>();
    auto e2 = std::make_shared<AsyncEvent>();
    Counter x = new_counter();
    ReleaseOnExit release{e2};
    auto task = kimojio::spawn_task(event_test_wait_task(e1, e2, x));
    CHECK(*x == 0);
    (co_await e1->wait()).value();
    CHECK(*x == 1);
    e2->set();
    (co_await task).value();
    CHECK(*x == 2);
}
}  // namespace

// async_event.rs:528-551 event_test_wait (part 2 of 2: the TEST_CASE)
TEST_CASE("event_test_wait") { run_test(event_test_wait_body()); }

// ---- event_test_set_wake_n ------------------------------------------------

namespace {
Async<void> event_test_set_wake_n_task(std::shared_ptr<AsyncEvent> e1, Counter x, Counter y,
                                       std::shared_ptr<AsyncEvent> ready) {
    *y += 1;
    if (*y == 10) {
        ready->set();
    }
    (co_await e1->wait()).value();
    *x += 1;
}

// async_event.rs:554-587 event_test_set_wake_n (part 1 of 2: the test body)
Async<void> event_test_set_wake_n_body() {
    auto e1 = std::make_shared<AsyncEvent>();
    Counter x = new_counter();
    Counter y = new_counter();
    auto ready = std::make_shared<AsyncEvent>();
    ReleaseOnExit release{e1};
    std::vector<kimojio::TaskHandle<void>> tasks;
    for (int i = 0; i < 10; ++i) {
        tasks.push_back(kimojio::spawn_task(event_test_set_wake_n_task(e1, x, y, ready)));
    }

    (co_await ready->wait()).value();
    CHECK(*x == 0);
    e1->set_wake_one();
    co_await wait_for_n(x, 1);
    e1->set();
    for (auto& task : tasks) {
        (co_await task).value();
    }
    co_await wait_for_n(x, 10);
}
}  // namespace

// async_event.rs:554-587 event_test_set_wake_n (part 2 of 2: the TEST_CASE)
TEST_CASE("event_test_set_wake_n") { run_test(event_test_set_wake_n_body()); }

// ---- C++-only tests -------------------------------------------------------

namespace {
Async<void> set_wakes_all_waiters_body() {
    auto e = std::make_shared<AsyncEvent>();
    Counter proceeded = new_counter();
    ReleaseOnExit release{e};
    auto a = kimojio::spawn(waiter(e, proceeded));
    auto b = kimojio::spawn(waiter(e, proceeded));
    // Let both tasks run up to their wait.
    for (int i = 0; i < 3; ++i) {
        co_await kimojio::yield_io();
    }
    CHECK(e->any_waiting());
    CHECK(*proceeded == 0);
    e->set();
    CHECK_FALSE(e->any_waiting());
    co_await a;
    co_await b;
    CHECK(*proceeded == 2);
}
}  // namespace

TEST_CASE("set_wakes_all_waiters") { run_test(set_wakes_all_waiters_body()); }

namespace {
Async<void> set_wake_one_wakes_exactly_one_body() {
    auto e = std::make_shared<AsyncEvent>();
    Counter proceeded = new_counter();
    ReleaseOnExit release{e};
    std::vector<kimojio::JoinHandle<void>> handles;
    for (int i = 0; i < 3; ++i) {
        handles.push_back(kimojio::spawn(waiter(e, proceeded)));
    }
    for (int i = 0; i < 3; ++i) {
        co_await kimojio::yield_io();
    }
    CHECK(*proceeded == 0);
    CHECK(e->any_waiting());

    e->set_wake_one();
    CHECK(e->is_set());
    // The woken task runs within one loop iteration; the others stay waiting
    // although the event remains set, however many iterations pass.
    co_await kimojio::yield_io();
    CHECK(*proceeded == 1);
    for (int i = 0; i < 5; ++i) {
        co_await kimojio::yield_io();
    }
    CHECK(*proceeded == 1);
    CHECK(e->any_waiting());

    e->set();
    for (auto& handle : handles) {
        co_await handle;
    }
    CHECK(*proceeded == 3);
}
}  // namespace

TEST_CASE("set_wake_one_wakes_exactly_one") { run_test(set_wake_one_wakes_exactly_one_body()); }

namespace {
Async<void> reset_waiter(std::shared_ptr<AsyncEvent> e, Counter proceeded) {
    (co_await e->wait_reset()).value();
    *proceeded += 1;
}

Async<void> wait_reset_completes_after_reset_body() {
    auto e = std::make_shared<AsyncEvent>(true);
    Counter proceeded = new_counter();
    ReleaseOnExit release{e, true};
    auto handle = kimojio::spawn(reset_waiter(e, proceeded));
    co_await wait_until_waiting(e);
    for (int i = 0; i < 3; ++i) {
        co_await kimojio::yield_io();
    }
    // Still set: the wait_reset is pending.
    CHECK(*proceeded == 0);
    CHECK(e->any_waiting());
    e->reset();
    co_await handle;
    CHECK(*proceeded == 1);
    CHECK_FALSE(e->is_set());
    CHECK_FALSE(e->any_waiting());
}
}  // namespace

TEST_CASE("wait_reset_completes_after_reset") { run_test(wait_reset_completes_after_reset_body()); }

namespace {
Async<void> drop_polled_wait_unregisters_body() {
    AsyncEvent e;
    CHECK_FALSE(e.any_waiting());
    {
        kimojio::WaitAsyncEventFuture fut = e.wait();
        bool ready = co_await PollOnce{&fut};
        CHECK_FALSE(ready);
        CHECK(e.any_waiting());
        CHECK_FALSE(fut.is_terminated());
    }
    // Dropping the polled future removed it from the wait list.
    CHECK_FALSE(e.any_waiting());

    // As Rust's async_event_await_drop: a second waiter still works afterwards.
    kimojio::WaitAsyncEventFuture fut2 = e.wait();
    bool ready2 = co_await PollOnce{&fut2};
    CHECK_FALSE(ready2);
    CHECK(e.any_waiting());
    e.set();
    CHECK_FALSE(e.any_waiting());
    ready2 = co_await PollOnce{&fut2};
    CHECK(ready2);
    CHECK(fut2.is_terminated());
}
}  // namespace

TEST_CASE("drop_polled_wait_unregisters") { run_test(drop_polled_wait_unregisters_body()); }
