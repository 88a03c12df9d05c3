// Port of the 2 tests in kimojio/src/cancellation_token.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f,
// plus a C++-only test (every waiter is woken).
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kimojio/cancellation_token.hpp"
#include "kimojio/kimojio.hpp"
#include "test_support.hpp"

using kimojio::Async;
using kimojio::CancellationToken;
using test_support::run_test;

namespace {

// futures::select! { _ = f => a, default => b }: polls `f` once; true if it was Ready.
template <class F>
struct SelectOrDefault {
    F future;
    kimojio::Poll<bool> poll(kimojio::Context& cx) { return future.poll(cx).is_ready(); }
};

Async<void> cancel_task(std::shared_ptr<CancellationToken> token) {
    token->cancel();
    co_return;
}

// cancellation_token.rs:83-101 test_cancellation_token (part 1 of 2: the test body)
Async<void> test_cancellation_token() {
    // Test simple
    {
        CancellationToken token;
        CHECK_FALSE(token.is_cancelled());
        token.cancel();
        CHECK(token.is_cancelled());
    }

    // Test cancel from another task
    auto token = std::make_shared<CancellationToken>();
    auto task = kimojio::spawn_task(cancel_task(token));

    CHECK_FALSE(token->is_cancelled());
    (co_await token->cancelled()).value();
    CHECK(token->is_cancelled());
    (co_await task).value();
}
// cancellation_token.rs:83-101 test_cancellation_token (part 2 of 2: the TEST_CASE)
TEST_CASE("test_cancellation_token") { run_test(test_cancellation_token()); }

// cancellation_token.rs:104-120 test_cancel_select (part 1 of 2: the test body)
Async<void> test_cancel_select() {
    CancellationToken token;

    SelectOrDefault<kimojio::WaitAsyncEventFuture> first{token.cancelled()};
    std::string result = (co_await first) ? "cancelled" : "not cancelled";
    CHECK(result == "not cancelled");

    token.cancel();

    SelectOrDefault<kimojio::WaitAsyncEventFuture> second{token.cancelled()};
    result = (co_await second) ? "cancelled" : "not cancelled";
    CHECK(result == "cancelled");
}
// cancellation_token.rs:104-120 test_cancel_select (part 2 of 2: the TEST_CASE)
TEST_CASE("test_cancel_select") { run_test(test_cancel_select()); }

Async<void> wait_cancelled(std::shared_ptr<CancellationToken> token, std::shared_ptr<int> woken) {
    (co_await token->cancelled()).value();
    *woken += 1;
}

// C++ only: cancel() wakes every waiting task, not just one.
Async<void> cancellation_token_wakes_all_waiters() {
    auto token = std::make_shared<CancellationToken>();
    auto woken = std::make_shared<int>(0);
    std::vector<kimojio::TaskHandle<void>> tasks;
    for (int i = 0; i < 5; ++i) {
        tasks.push_back(kimojio::spawn_task(wait_cancelled(token, woken)));
    }
    co_await kimojio::yield_io();
    CHECK(*woken == 0);
    token->cancel();
    for (auto& task : tasks) {
        (co_await task).value();
    }
    CHECK(*woken == 5);
}
TEST_CASE("cancellation_token_wakes_all_waiters") { run_test(cancellation_token_wakes_all_waiters()); }

}  // namespace
