// Port of the 2 tests in kimojio/src/task_pool.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f,
// plus C++-only tests (an aborted pooled task frees its slot; the pool may go before its futures).
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "kimojio/kimojio.hpp"
#include "kimojio/task_pool.hpp"
#include "test_support.hpp"

using kimojio::Async;
using kimojio::AsyncEvent;
using kimojio::TaskPool;
using test_support::run_test;

namespace {

Async<void> count_then_wait(std::shared_ptr<int> count, std::shared_ptr<AsyncEvent> started) {
    *count += 1;
    (co_await started->wait()).value();
}

Async<void> panicking_task() {
    throw std::runtime_error("Make sure a panicing task does not stall the poll");
    co_return;
}

Async<void> count_only(std::shared_ptr<int> count) {
    *count += 1;
    co_return;
}

Async<void> sequential_background(std::shared_ptr<int> count, std::shared_ptr<AsyncEvent> started1,
                                  std::shared_ptr<AsyncEvent> started2) {
    TaskPool task_pool(1);
    auto task1 = (co_await task_pool.spawn_task(count_then_wait(count, started1))).value();
    auto task2 = (co_await task_pool.spawn_task(count_then_wait(count, started2))).value();
    auto task_panic = (co_await task_pool.spawn_task(panicking_task())).value();
    auto task3 = (co_await task_pool.spawn_task(count_only(count))).value();
    (co_await task1).value();
    (co_await task2).value();
    CHECK((co_await task_panic).is_err());
    (co_await task3).value();
}

Async<void> spin() {
    for (int i = 1; i <= 10; ++i) {
        // spin a few times
        co_await kimojio::yield_io();
    }
}

// task_pool.rs:54-121 task_pool_test_sequential (part 1 of 2: the test body)
Async<void> task_pool_test_sequential() {
    auto started1 = std::make_shared<AsyncEvent>();
    auto started2 = std::make_shared<AsyncEvent>();
    auto count = std::make_shared<int>(0);
    auto background = kimojio::spawn_task(sequential_background(count, started1, started2));

    co_await spin();
    CHECK(*count == 1);
    started1->set();
    co_await spin();
    CHECK(*count == 2);
    started2->set();
    co_await spin();
    CHECK(*count == 3);

    (co_await background).value();
}
// task_pool.rs:54-121 task_pool_test_sequential (part 2 of 2: the TEST_CASE)
TEST_CASE("task_pool_test_sequential") { run_test(task_pool_test_sequential()); }

Async<void> parallel_outer(TaskPool task_pool, std::shared_ptr<int> count, std::shared_ptr<AsyncEvent> event) {
    auto handle = (co_await task_pool.spawn_task(count_then_wait(count, event))).value();
    (co_await handle).value();
}

// task_pool.rs:124-167 task_pool_test_parallel (part 1 of 2: the test body)
Async<void> task_pool_test_parallel() {
    TaskPool task_pool(2);
    auto count = std::make_shared<int>(0);
    std::vector<std::shared_ptr<AsyncEvent>> events;
    for (int i = 0; i < 10; ++i) {
        events.push_back(std::make_shared<AsyncEvent>());
    }
    std::vector<kimojio::TaskHandle<void>> handles;
    for (auto& event : events) {
        handles.push_back(kimojio::spawn_task(parallel_outer(task_pool, count, event)));
    }

    std::size_t expected_count = 2;
    for (auto& event : events) {
        event->set();
        co_await spin();
        expected_count = std::min(expected_count + 1, events.size());
        CHECK(expected_count == static_cast<std::size_t>(*count));
    }

    for (auto& handle : handles) {
        (co_await handle).value();
    }
}
// task_pool.rs:124-167 task_pool_test_parallel (part 2 of 2: the TEST_CASE)
TEST_CASE("task_pool_test_parallel") { run_test(task_pool_test_parallel()); }

Async<void> spawn_into(TaskPool task_pool, std::shared_ptr<int> count) {
    auto handle = (co_await task_pool.spawn_task(count_only(count))).value();
    (co_await handle).value();
}

// C++ only: aborting the task that holds the only slot gives the slot back.
Async<void> task_pool_aborted_task_frees_slot() {
    TaskPool task_pool(1);
    auto count = std::make_shared<int>(0);
    auto never = std::make_shared<AsyncEvent>();
    auto holder = (co_await task_pool.spawn_task(count_then_wait(count, never))).value();
    auto second = kimojio::spawn_task(spawn_into(task_pool, count));
    co_await spin();
    CHECK(*count == 1);  // `second` waits for the slot
    holder.abort();
    auto result = co_await holder;
    REQUIRE(result.is_err());
    CHECK_THROWS_AS(std::rethrow_exception(result.error().payload()), kimojio::TaskAborted);
    (co_await second).value();
    CHECK(*count == 2);
}
TEST_CASE("task_pool_aborted_task_frees_slot") { run_test(task_pool_aborted_task_frees_slot()); }

// C++ only: the future spawn_task returns keeps the pool's semaphore alive.
Async<void> task_pool_outlived_by_its_future() {
    auto count = std::make_shared<int>(0);
    std::optional<Async<kimojio::Result<kimojio::TaskHandle<void>, kimojio::CanceledError>>> pending;
    {
        TaskPool task_pool(1);
        pending.emplace(task_pool.spawn_task(count_only(count)));
    }
    auto handle = (co_await *pending).value();
    (co_await handle).value();
    CHECK(*count == 1);
}
TEST_CASE("task_pool_outlived_by_its_future") { run_test(task_pool_outlived_by_its_future()); }

}  // namespace
