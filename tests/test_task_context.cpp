// Tests of the current-task functions of kimojio/operations.hpp (operations.rs): the
// activity and tenant ids, task_identity, log, write_event and set_high_priority, inside
// a task and outside one; and a yield future polled after it completed.
#include <doctest/doctest.h>

#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "kimojio/kimojio.hpp"
#include "test_support.hpp"

using kimojio::Async;
using kimojio::TaskState;
using kimojio::Uuid;
using test_support::run_test;

namespace {

std::uint16_t current_task_index() { return TaskState::get()->get_current_task()->task_index; }

// Records the FutureCanceled events a runtime traces.
class RecordingTrace final : public kimojio::TraceConfiguration {
public:
    explicit RecordingTrace(std::vector<kimojio::EventEnvelope>* out) : out_(out) {}
    void trace(kimojio::EventEnvelope event) override {
        if (std::holds_alternative<kimojio::events::FutureCanceled>(event.event)) out_->push_back(event);
    }

private:
    std::vector<kimojio::EventEnvelope>* out_;
};

// Polls a yield future to completion, then once more.
struct PollPastReady {
    kimojio::SetYieldCpuFuture future;
    bool terminated_when_ready = false;
    kimojio::Poll<bool> poll(kimojio::Context& cx) {
        if (future.poll(cx).is_pending()) return kimojio::Pending;
        terminated_when_ready = future.is_terminated();
        try {
            (void)future.poll(cx);
        } catch (const kimojio::Panic&) {
            return true;
        }
        return false;
    }
};

}  // namespace

namespace {
Async<void> record_ids(Uuid* activity, Uuid* tenant) {
    *activity = kimojio::get_activity_id();
    *tenant = kimojio::get_tenant_id();
    co_return;
}
}  // namespace

TEST_CASE("set_activity_id_and_tenant_id sets the ids the current task reads back and its children get") {
    Uuid activity = Uuid::new_v4();
    Uuid tenant = Uuid::new_v4();
    REQUIRE_FALSE(activity.is_nil());
    REQUIRE_FALSE(activity == tenant);
    run_test([](Uuid activity, Uuid tenant) -> Async<void> {
        kimojio::set_activity_id_and_tenant_id(activity, tenant);
        CHECK(kimojio::get_activity_id() == activity);
        CHECK(kimojio::get_tenant_id() == tenant);
        Uuid child_activity, child_tenant;
        auto child = kimojio::spawn_task(record_ids(&child_activity, &child_tenant));
        (void)(co_await child).value();
        CHECK(child_activity == activity);
        CHECK(child_tenant == tenant);
    }(activity, tenant));
}

TEST_CASE("set_activity_id_and_tenant_id outside a task is ignored: the ids stay nil") {
    kimojio::set_activity_id_and_tenant_id(Uuid::new_v4(), Uuid::new_v4());
    CHECK(kimojio::get_activity_id().is_nil());
    CHECK(kimojio::get_tenant_id().is_nil());
}

TEST_CASE("task_identity names this thread, the runtime's thread index and the current task") {
    kimojio::Runtime runtime(7, kimojio::Configuration());
    auto result = runtime.block_on([]() -> Async<void> {
        kimojio::TaskIdentity identity = kimojio::task_identity();
        CHECK(identity.thread_id == std::this_thread::get_id());
        CHECK(identity.thread_index == 7);
        CHECK(identity.task_index == current_task_index());
        auto other = co_await kimojio::spawn([]() -> Async<std::uint16_t> {
            co_return kimojio::task_identity().task_index;
        }());
        CHECK(other != identity.task_index);
    }());
    REQUIRE(result.has_value());
}

TEST_CASE("task_identity outside a task is this thread with thread index 0 and task 0") {
    kimojio::TaskIdentity identity = kimojio::task_identity();
    CHECK(identity == kimojio::TaskIdentity{std::this_thread::get_id(), 0, 0});
}

TEST_CASE("log prints the thread id and the task index before the message") {
    std::ostringstream captured;
    std::streambuf* previous = std::cout.rdbuf(captured.rdbuf());
    std::ostringstream expected;
    run_test([](std::ostringstream* expected) -> Async<void> {
        *expected << std::this_thread::get_id() << ":" << current_task_index() << " hello\n";
        kimojio::log("hello\n");
        co_return;
    }(&expected));
    std::cout.rdbuf(previous);
    CHECK(captured.str() == expected.str());
}

TEST_CASE("write_event hands the event to the trace sink with the current task's index") {
    std::vector<kimojio::EventEnvelope> traced;
    Uuid activity = Uuid::new_v4();
    std::uint16_t task_index = 0;
    kimojio::Runtime runtime(
        5, kimojio::Configuration().set_trace_buffer_manager(std::make_unique<RecordingTrace>(&traced)));
    auto result = runtime.block_on([](Uuid activity, std::uint16_t* task_index) -> Async<void> {
        *task_index = current_task_index();
        kimojio::write_event(kimojio::events::FutureCanceled{activity});
        co_return;
    }(activity, &task_index));
    REQUIRE(result.has_value());
    REQUIRE(traced.size() == 1);
    CHECK(traced[0].thread_index == 5);
    CHECK(traced[0].task_index == task_index);
    CHECK(std::get<kimojio::events::FutureCanceled>(traced[0].event).activity_id == activity);
}

TEST_CASE("set_high_priority makes the tasks the current task wakes join the running cohort") {
    run_test([]() -> Async<void> {
        kimojio::AsyncEvent normal_event;
        kimojio::AsyncEvent priority_event;
        auto normal = kimojio::spawn([](kimojio::AsyncEvent* event) -> Async<void> {
            (void)co_await event->wait();
        }(&normal_event));
        auto priority = kimojio::spawn([](kimojio::AsyncEvent* event) -> Async<void> {
            (void)co_await event->wait();
        }(&priority_event));
        co_await kimojio::yield_io();  // both wait now

        normal_event.set();  // woken by a normal task: the next cohort
        CHECK(TaskState::get()->fill_ready_task_list_io.size() == 1);
        CHECK(TaskState::get()->ready_task_list_io.empty());
        kimojio::set_high_priority(true);
        CHECK(TaskState::get()->get_current_task()->high_priority);
        priority_event.set();  // woken by a high-priority task: this cohort
        CHECK(TaskState::get()->fill_ready_task_list_io.size() == 1);
        CHECK(TaskState::get()->ready_task_list_io.size() == 1);
        co_await normal;
        co_await priority;
    }());
}

TEST_CASE("set_high_priority outside a task throws kimojio::Panic") {
    CHECK_THROWS_AS(kimojio::set_high_priority(true), kimojio::Panic);
}

TEST_CASE("polling a yield future after it completed throws kimojio::Panic") {
    run_test([]() -> Async<void> {
        PollPastReady io{kimojio::yield_io()};
        CHECK(co_await io);
        CHECK(io.terminated_when_ready);
        PollPastReady cpu{kimojio::yield_cpu()};
        CHECK(co_await cpu);
    }());
}

TEST_CASE("io_scope_cancel outside an io_scope throws kimojio::Panic") {
    run_test([]() -> Async<void> {
        CHECK_THROWS_WITH_AS(kimojio::io_scope_cancel(), "must be called from an io_scope callback", kimojio::Panic);
        co_return;
    }());
}

TEST_CASE("a Uuid prints as 8-4-4-4-12 lowercase hex digits and leaves the stream's format alone") {
    Uuid id;
    for (std::uint8_t i = 0; i < 16; ++i) id.bytes[i] = static_cast<std::uint8_t>(i * 17);
    std::ostringstream os;
    os << id << " " << 255;
    CHECK(os.str() == "00112233-4455-6677-8899-aabbccddeeff 255");
    CHECK_FALSE(id.is_nil());
    CHECK(Uuid::nil().is_nil());
}
