// Port of the test in kimojio/src/async_semaphore.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f,
// plus C++-only tests (an aborted waiter passes its token on, a canceled acquire).
#include <doctest/doctest.h>

#include <memory>
#include <utility>
#include <vector>

#include "kimojio/async_semaphore.hpp"
#include "kimojio/kimojio.hpp"
#include "test_support.hpp"

using kimojio::Async;
using kimojio::AsyncEvent;
using kimojio::AsyncSemaphore;
using kimojio::Rc;
using test_support::run_test;

namespace {

Async<void> semaphore_task(Rc<AsyncSemaphore> semaphore, std::shared_ptr<int> counter,
                           std::shared_ptr<AsyncEvent> started_copy) {
    started_copy->set();
    (co_await semaphore->acquire()).value();
    *counter += 1;
}

// async_semaphore.rs:80-109 semaphore_test (part 1 of 2: the test body)
Async<void> semaphore_test() {
    auto semaphore = Rc<AsyncSemaphore>::make(3);
    auto counter = std::make_shared<int>(0);

    std::vector<kimojio::TaskHandle<void>> tasks;
    for (int i = 0; i < 4; ++i) {
        auto started = std::make_shared<AsyncEvent>();
        tasks.push_back(kimojio::spawn_task(semaphore_task(semaphore, counter, started)));

        (co_await started->wait()).value();
    }

    CHECK(*counter == 3);
    semaphore->release();

    for (auto& task : tasks) {
        (co_await task).value();
    }

    CHECK(*counter == 4);
}
// async_semaphore.rs:80-109 semaphore_test (part 2 of 2: the TEST_CASE)
TEST_CASE("semaphore_test") { run_test(semaphore_test()); }

Async<void> acquire_and_count(Rc<AsyncSemaphore> semaphore, std::shared_ptr<int> counter) {
    (co_await semaphore->acquire()).value();
    *counter += 1;
}

// C++ only: the waiter a release wakes is aborted before it runs; the token goes
// to the next waiter instead of being lost.
Async<void> semaphore_aborted_waiter() {
    auto semaphore = Rc<AsyncSemaphore>::make(0);
    auto counter = std::make_shared<int>(0);
    auto aborted = kimojio::spawn_task(acquire_and_count(semaphore, counter));
    auto waiter = kimojio::spawn_task(acquire_and_count(semaphore, counter));
    co_await kimojio::yield_io();
    CHECK(*counter == 0);
    semaphore->release();  // wakes `aborted` only
    aborted.abort();
    auto result = co_await aborted;
    REQUIRE(result.is_err());
    CHECK_THROWS_AS(std::rethrow_exception(result.error().payload()), kimojio::TaskAborted);
    (co_await waiter).value();
    CHECK(*counter == 1);
}
TEST_CASE("semaphore_aborted_waiter") { run_test(semaphore_aborted_waiter()); }

Async<void> acquire_canceled(Rc<AsyncSemaphore> semaphore, std::shared_ptr<bool> canceled) {
    auto acquired = co_await semaphore->acquire();
    *canceled = acquired.is_err() && acquired.error() == kimojio::CanceledError{};
}
Async<void> cancel_after_yield() {
    co_await kimojio::yield_io();
    kimojio::io_scope_cancel();
}

// C++ only: an acquire canceled by io_scope_cancel returns CanceledError and takes no token.
Async<void> semaphore_canceled_acquire() {
    auto semaphore = Rc<AsyncSemaphore>::make(0);
    auto canceled = std::make_shared<bool>(false);
    std::vector<Async<void>> both;
    both.push_back(acquire_canceled(semaphore, canceled));
    both.push_back(cancel_after_yield());
    test_support::JoinAll<Async<void>> join{std::move(both), {}};
    auto scope = kimojio::io_scope(std::move(join));
    co_await scope;
    CHECK(*canceled);
    semaphore->release();
    (co_await semaphore->acquire()).value();  // the released token is still there
}
TEST_CASE("semaphore_canceled_acquire") { run_test(semaphore_canceled_acquire()); }

}  // namespace
