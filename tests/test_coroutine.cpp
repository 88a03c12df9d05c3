// Tests of the C++20 coroutine layer (kimojio/async.hpp, kimojio/spawn.hpp) over the poll model.
#include <chrono>
#include <string>

#include "test_support.hpp"

using namespace std::chrono_literals;
using kimojio::Async;
using kimojio::Rc;
using kimojio::Task;
using kimojio::TaskState;
using test_support::run_test;

namespace {

Async<int> leaf_value(int v) {
    (co_await kimojio::sleep(1ms)).value();
    co_return v;
}

Async<int> middle(int v) {
    int a = co_await leaf_value(v);
    int b = co_await leaf_value(v + 1);
    co_return a * 10 + b;
}

Async<void> nested_body() { CHECK(co_await middle(4) == 45); }

// Counts how often it is polled and forwards to the wrapped future.
template <class F>
struct PollCounter {
    F inner;
    int* polls;
    auto poll(kimojio::Context& cx) {
        ++*polls;
        return inner.poll(cx);
    }
};

Async<void> sleeper(Rc<Task>* me, int* polls, std::chrono::steady_clock::duration* slept) {
    *me = TaskState::get()->get_current_task();
    auto start = std::chrono::steady_clock::now();
    (co_await PollCounter<kimojio::SleepFuture>{kimojio::sleep(50ms), polls}).value();
    *slept = std::chrono::steady_clock::now() - start;
}

Async<void> spurious_wake_body() {
    Rc<Task> sleeper_task = Rc<Task>::make(nullptr, 0, nullptr, kimojio::Uuid::nil(), kimojio::Uuid::nil());
    int polls = 0;
    std::chrono::steady_clock::duration slept{};
    auto h = kimojio::spawn(sleeper(&sleeper_task, &polls, &slept));
    co_await kimojio::yield_io();
    CHECK(polls == 1);
    // wake the sleeping task although its timer has not fired
    kimojio::create_waker(sleeper_task->task_index).wake_by_ref();
    co_await kimojio::yield_io();
    CHECK(polls == 2);        // it was polled again: the coroutine re-polled its leaf
    CHECK(!h.is_complete());  // ... which answered Pending
    co_await h;
    CHECK(polls == 3);
    CHECK(slept >= 50ms);  // the spurious wake did not end the sleep early
}

// A leaf future that stores the waker it was given, as every Pending leaf must.
struct Gate {
    bool open = false;
    std::optional<kimojio::Waker> waker;
};
struct GateFuture {
    Gate* gate;
    kimojio::Poll<void> poll(kimojio::Context& cx) {
        if (gate->open) return kimojio::Ready;
        gate->waker = cx.waker();
        return kimojio::Pending;
    }
};

Async<int> behind_gate(Gate* gate) {
    co_await GateFuture{gate};
    co_return 9;
}

Async<void> stored_waker_body() {
    Gate gate;
    auto h = kimojio::spawn(behind_gate(&gate));
    co_await kimojio::yield_io();
    REQUIRE(gate.waker.has_value());
    CHECK(gate.waker->vtable() == &kimojio::index_waker_vtable());
    gate.open = true;
    std::move(*gate.waker).wake();
    CHECK(co_await h == 9);
}

Async<void> throwing_leaf_caught_inside_body() {
    Gate gate;
    auto victim = kimojio::spawn([](Gate* g) -> Async<std::string> {
        try {
            co_await GateFuture{g};
            co_return "not aborted";
        } catch (const kimojio::TaskAborted& e) {
            co_return std::string("caught: ") + e.what();
        }
    }(&gate));
    co_await kimojio::yield_io();
    // abort while suspended on a foreign leaf future that never checks for abort
    victim.abort();
    gate.open = true;
    std::move(*gate.waker).wake();
    // GateFuture does not check for abort; the next kimojio leaf would. So the task finishes normally.
    CHECK(co_await victim == "not aborted");

    auto aborted = kimojio::spawn([]() -> Async<std::string> {
        try {
            co_await kimojio::yield_io();
            co_await kimojio::yield_io();
            co_return "not aborted";
        } catch (const kimojio::TaskAborted& e) {
            co_return std::string("caught: ") + e.what();
        }
    }());
    co_await kimojio::yield_io();
    aborted.abort();
    CHECK(co_await aborted == "caught: Task aborted");
}

Async<int> thrower() {
    co_await kimojio::yield_io();
    throw std::out_of_range("child failed");
}

Async<void> join_rethrows_body() {
    auto h = kimojio::spawn(thrower());
    try {
        co_await h;
        FAIL("co_await on a failed task did not throw");
    } catch (const std::out_of_range& e) {
        CHECK(std::string(e.what()) == "child failed");
    }
}

}  // namespace

TEST_CASE("nested coroutines pass values through co_await") { run_test(nested_body()); }

TEST_CASE("a spurious wake re-polls the leaf future and does not resume the coroutine early") {
    run_test(spurious_wake_body());
}

TEST_CASE("a leaf future that returns Pending stores the task's waker - waking it resumes the task") {
    run_test(stored_waker_body());
}

TEST_CASE("an exception thrown by a leaf future is catchable inside the coroutine") {
    run_test(throwing_leaf_caught_inside_body());
}

TEST_CASE("co_await on a JoinHandle rethrows the task's exception") { run_test(join_rethrows_body()); }

TEST_CASE("an Async that is never polled is destroyed without running") {
    bool ran = false;
    {
        auto never_polled = [](bool* r) -> Async<void> {
            *r = true;
            co_return;
        }(&ran);
    }
    CHECK(!ran);
}

TEST_CASE("polling a finished Async is an error, not undefined behaviour") {
    auto body = []() -> Async<int> { co_return 3; }();
    kimojio::Context cx = kimojio::Context::from_waker(kimojio::Waker::noop());
    auto first = body.poll(cx);
    REQUIRE(first.is_ready());
    CHECK(first.take() == 3);
    CHECK_THROWS_AS((void)body.poll(cx), kimojio::Panic);
}
