// Tests of TaskState scheduling (kimojio/src/task.rs): task states, cohort order,
// the io/cpu alternation of get_ready, high-priority inheritance, abort, and the
// ownership assertion of schedule_io_internal. These drive a TaskState directly,
// without the event loop, so every step is observable.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "test_support.hpp"

using kimojio::Rc;
using kimojio::Task;
using kimojio::TaskReadyState;
using kimojio::TaskState;
using kimojio::Uuid;

namespace {

const bool never = false;

Rc<Task> spawn_pending(TaskState& ts) { return ts.schedule_new(test_support::FlagFuture{&never}, Uuid::nil(), Uuid::nil()); }

std::vector<std::uint16_t> indexes(const kimojio::VecDeque<Rc<Task>>& list) {
    std::vector<std::uint16_t> out;
    for (const auto& task : list) out.push_back(task->task_index);
    return out;
}

std::uint16_t next_index(TaskState& ts) {
    auto task = ts.get_ready();
    REQUIRE(task.has_value());
    return (*task)->task_index;
}

}  // namespace

TEST_CASE("schedule_new puts tasks Ready in the fill list in spawn order and counts them") {
    TaskState ts;
    auto a = spawn_pending(ts);
    auto b = spawn_pending(ts);
    auto c = spawn_pending(ts);
    CHECK(ts.get_task_count() == 3);
    CHECK(a->get_state() == TaskReadyState::Ready);
    CHECK(indexes(ts.fill_ready_task_list_io) == std::vector<std::uint16_t>{1, 2, 3});
    CHECK(ts.ready_task_list_io.empty());
    CHECK(ts.any_ready());
    CHECK(Rc<Task>::ptr_eq(*ts.tasks.get(kimojio::Index::from(2)), b));
    (void)c;
}

TEST_CASE("prepare_cohort moves the fill list into the cohort - wakes during the cohort wait for the next one") {
    TaskState ts;
    auto a = spawn_pending(ts);
    auto b = spawn_pending(ts);
    ts.prepare_cohort();
    CHECK(indexes(ts.ready_task_list_io) == std::vector<std::uint16_t>{1, 2});
    CHECK(ts.fill_ready_task_list_io.empty());

    CHECK(next_index(ts) == 1);
    CHECK(a->get_state() == TaskReadyState::Running);
    // a task suspended and then woken goes to the fill list, not the running cohort
    a->set_state(TaskReadyState::Suspend);
    ts.schedule_io(a);
    CHECK(indexes(ts.fill_ready_task_list_io) == std::vector<std::uint16_t>{1});
    CHECK(next_index(ts) == 2);
    CHECK(!ts.get_ready().has_value());

    // a leftover cohort is kept: prepare_cohort does not swap when the cohort is not empty
    b->set_state(TaskReadyState::Suspend);
    ts.schedule_io(b);
    ts.prepare_cohort();
    CHECK(indexes(ts.ready_task_list_io) == std::vector<std::uint16_t>{1, 2});
    auto c = spawn_pending(ts);
    ts.prepare_cohort();
    CHECK(indexes(ts.ready_task_list_io) == std::vector<std::uint16_t>{1, 2});
    CHECK(indexes(ts.fill_ready_task_list_io) == std::vector<std::uint16_t>{3});
    (void)c;
}

TEST_CASE("get_ready alternates: io cohort first, then one cpu task, then None so I/O can be submitted") {
    TaskState ts;
    auto io1 = spawn_pending(ts);
    auto cpu1 = spawn_pending(ts);
    auto cpu2 = spawn_pending(ts);
    ts.fill_ready_task_list_io.clear();
    for (auto* t : {&io1, &cpu1, &cpu2}) (*t)->set_state(TaskReadyState::Running);
    ts.schedule_cpu(cpu1);
    ts.schedule_cpu(cpu2);
    ts.schedule_io(io1);
    ts.prepare_cohort();

    CHECK(next_index(ts) == io1->task_index);
    CHECK(next_index(ts) == cpu1->task_index);
    CHECK(cpu1->get_state() == TaskReadyState::Running);
    CHECK(ts.last_ready_cpu);
    CHECK(!ts.get_ready().has_value());  // after a cpu task: back to the loop
    CHECK(!ts.last_ready_cpu);
    CHECK(next_index(ts) == cpu2->task_index);
    CHECK(!ts.get_ready().has_value());
    CHECK(!ts.get_ready().has_value());  // nothing left
    CHECK(ts.stats.tasks_polled_io == 1);
    CHECK(ts.stats.tasks_polled_cpu == 2);
}

TEST_CASE("a task woken by a high-priority task joins the current cohort") {
    TaskState ts;
    auto high = spawn_pending(ts);
    auto normal = spawn_pending(ts);
    auto woken = spawn_pending(ts);
    ts.prepare_cohort();
    CHECK(next_index(ts) == high->task_index);
    woken->set_state(TaskReadyState::Suspend);
    ts.ready_task_list_io.erase(ts.ready_task_list_io.begin() + 1);  // woken was already queued; take it out

    high->high_priority = true;
    ts.current_task = high;
    ts.schedule_io(woken);
    CHECK(indexes(ts.ready_task_list_io) == std::vector<std::uint16_t>{normal->task_index, woken->task_index});
    CHECK(ts.fill_ready_task_list_io.empty());

    // without high priority the same wake waits for the next cohort
    high->high_priority = false;
    CHECK(next_index(ts) == normal->task_index);
    CHECK(next_index(ts) == woken->task_index);
    woken->set_state(TaskReadyState::Suspend);
    ts.schedule_io(woken);
    CHECK(indexes(ts.fill_ready_task_list_io) == std::vector<std::uint16_t>{woken->task_index});
    ts.current_task = std::nullopt;
}

TEST_CASE("schedule_io ignores Ready, Aborted and Complete tasks: a task is never queued twice") {
    TaskState ts;
    auto t = spawn_pending(ts);
    ts.schedule_io(t);  // Ready: ignored
    CHECK(ts.fill_ready_task_list_io.size() == 1);
    t->set_state(TaskReadyState::Complete);
    ts.schedule_io(t);
    ts.schedule_cpu(t);
    CHECK(ts.fill_ready_task_list_io.size() == 1);
    CHECK(ts.ready_task_list_cpu.empty());
    t->set_state(TaskReadyState::Aborted);
    ts.schedule_io(t);
    CHECK(ts.fill_ready_task_list_io.size() == 1);
    t->set_state(TaskReadyState::Unknown);
    CHECK_THROWS_AS(ts.schedule_io(t), kimojio::Panic);
    t->set_state(TaskReadyState::Suspend);
}

TEST_CASE("abort_task: Suspend -> Aborted and scheduled - Ready -> Aborted - Running throws - Complete ignored") {
    TaskState ts;
    auto suspended = spawn_pending(ts);
    auto ready = spawn_pending(ts);
    auto running = spawn_pending(ts);
    auto complete = spawn_pending(ts);
    ts.fill_ready_task_list_io.clear();
    suspended->set_state(TaskReadyState::Suspend);
    running->set_state(TaskReadyState::Running);
    complete->set_state(TaskReadyState::Complete);

    ts.abort_task(suspended);
    CHECK(suspended->get_state() == TaskReadyState::Aborted);
    CHECK(indexes(ts.fill_ready_task_list_io) == std::vector<std::uint16_t>{suspended->task_index});
    ts.abort_task(suspended);  // already aborted: not queued again
    CHECK(ts.fill_ready_task_list_io.size() == 1);

    ts.abort_task(ready);
    CHECK(ready->get_state() == TaskReadyState::Aborted);
    CHECK(ts.fill_ready_task_list_io.size() == 1);

    CHECK_THROWS_AS(ts.abort_task(running), kimojio::TaskAborted);
    ts.abort_task(complete);
    CHECK(complete->get_state() == TaskReadyState::Complete);

    // an aborted task is handed out by get_ready without becoming Running
    ts.prepare_cohort();
    CHECK(next_index(ts) == suspended->task_index);
    CHECK(suspended->get_state() == TaskReadyState::Aborted);
}

TEST_CASE("schedule_io_internal refuses a task of another TaskState (active in release builds)") {
    TaskState owner;
    TaskState other;
    auto t = spawn_pending(owner);
    t->set_state(TaskReadyState::Suspend);
    try {
        other.schedule_io(t);
        FAIL("scheduling on the wrong TaskState did not throw");
    } catch (const kimojio::Panic& e) {
        CHECK(std::string(e.what()) == "It is incorrect to wake a uringruntime task from another thread");
    }
    CHECK(other.fill_ready_task_list_io.empty());
    // As in Rust, schedule_io marks the task Ready before schedule_io_internal checks the
    // owner, so a refused wake leaves it Ready but in no list (see PORTING.md).
    CHECK(t->get_state() == TaskReadyState::Ready);
    CHECK(owner.fill_ready_task_list_io.size() == 1);
}

TEST_CASE("complete_task marks Complete, removes the task from the table and frees its index for reuse") {
    kimojio::TaskStateCell cell{TaskState()};
    Rc<Task> t = [&] {
        auto ts = cell.borrow_mut();
        return spawn_pending(*ts);
    }();
    {
        auto ts = kimojio::TaskState::complete_task(cell, *t);
        CHECK(t->get_state() == TaskReadyState::Complete);
        CHECK(ts->get_task_count() == 0);
        CHECK(ts->tasks.get(kimojio::Index::from(t->task_index)) == nullptr);
        CHECK(ts->completed_tasks.size() == 1);
        auto again = spawn_pending(*ts);
        CHECK(again->task_index == t->task_index);  // LIFO reuse of the freed index
    }
}

TEST_CASE("get_next_tag wraps around") {
    TaskState ts;
    ts.next_tag = UINT32_MAX;
    CHECK(ts.get_next_tag() == UINT32_MAX);
    CHECK(ts.get_next_tag() == 0);
}

namespace {
// Like futures::select! of yield_cpu() and a ready future: polls the yield once (which
// schedules the task on the cpu list and answers Pending) and completes anyway.
struct SelectYieldCpuOrReady {
    std::optional<kimojio::SetYieldCpuFuture> yield = kimojio::yield_cpu();
    kimojio::Poll<void> poll(kimojio::Context& cx) {
        (void)yield->poll(cx);
        return kimojio::Ready;
    }
};
kimojio::Async<int> completes_while_on_cpu_list() {
    co_await SelectYieldCpuOrReady{};
    co_return 7;
}
kimojio::Async<int> spawn_and_join() {
    auto h = kimojio::spawn(completes_while_on_cpu_list());
    co_return co_await h;
}
}  // namespace

TEST_CASE("a task that completes while queued on the cpu list is not polled again") {
    // Upstream sets it Running when get_ready takes it from the cpu list (the io branch
    // checks for Complete, the cpu branch does not), so poll_task polls a finished task.
    CHECK(test_support::run_test(spawn_and_join()) == 7);
}

// ---- issue 15: ~TaskState drops its fields in Rust's declaration order ----
#include <thread>

namespace {
class FlagOnDestroyTrace final : public kimojio::TraceConfiguration {
public:
    explicit FlagOnDestroyTrace(bool* destroyed) : destroyed_(destroyed) {}
    ~FlagOnDestroyTrace() override { *destroyed_ = true; }
    void trace(kimojio::EventEnvelope) override {}

private:
    bool* destroyed_;
};

// Pending forever; when dropped, records whether the trace configuration was already gone.
struct RecordsOnDrop {
    const bool* config_destroyed;
    std::optional<bool>* seen;
    bool armed = true;
    RecordsOnDrop(const bool* config_destroyed, std::optional<bool>* seen) : config_destroyed(config_destroyed), seen(seen) {}
    RecordsOnDrop(RecordsOnDrop&& other) noexcept
        : config_destroyed(other.config_destroyed), seen(other.seen), armed(std::exchange(other.armed, false)) {}
    ~RecordsOnDrop() {
        if (armed) *seen = *config_destroyed;
    }
    kimojio::Poll<void> poll(kimojio::Context&) { return kimojio::Pending; }
};
}  // namespace

TEST_CASE("at thread exit with a task left, ~TaskState drops the trace buffer before the tasks (Rust's order)") {
    bool config_destroyed = false;
    std::optional<bool> seen;
    std::thread([&] {
        kimojio::TaskStateCellRef ts = TaskState::get();
        ts->trace_buffer.trace_configuration = std::make_unique<FlagOnDestroyTrace>(&config_destroyed);
        (void)ts->schedule_new(RecordsOnDrop{&config_destroyed, &seen}, Uuid::nil(), Uuid::nil());
    }).join();
    REQUIRE(seen.has_value());  // the task was dropped at thread exit
    CHECK(*seen);               // after the trace buffer, as Rust drops fields in declaration order
}

TEST_CASE("schedule_cpu panics on a task in the Unknown state") {
    TaskState ts;
    auto t = spawn_pending(ts);
    t->set_state(TaskReadyState::Unknown);
    CHECK_THROWS_AS(ts.schedule_cpu(t), kimojio::Panic);
    CHECK(ts.ready_task_list_cpu.empty());
    t->set_state(TaskReadyState::Suspend);
}

TEST_CASE("abort_task panics on a task in the Unknown state") {
    TaskState ts;
    auto t = spawn_pending(ts);
    ts.fill_ready_task_list_io.clear();
    t->set_state(TaskReadyState::Unknown);
    CHECK_THROWS_AS(ts.abort_task(t), kimojio::Panic);
    CHECK(ts.fill_ready_task_list_io.empty());
    t->set_state(TaskReadyState::Suspend);
}

#if KIMOJIO_DEBUG_ASSERTIONS  // as in Rust, a debug_assert!: Debug builds only
TEST_CASE("complete_task panics on a task that is already Complete") {
    kimojio::TaskStateCell cell{TaskState()};
    Rc<Task> t = [&] {
        auto ts = cell.borrow_mut();
        return spawn_pending(*ts);
    }();
    { auto ts = kimojio::TaskState::complete_task(cell, *t); }
    CHECK_THROWS_AS(kimojio::TaskState::complete_task(cell, *t), kimojio::Panic);
    CHECK(cell.borrow_mut()->get_task_count() == 0);  // not counted down twice
}
#endif

namespace {
struct Seven {
    kimojio::Poll<int> poll(kimojio::Context&) { return kimojio::Poll<int>(7); }
};
}  // namespace

TEST_CASE("a completed task's result is taken once: a second result() is empty, as Rust's Option::take") {
    TaskState ts;
    Rc<Task> task = ts.schedule_new(Seven{}, Uuid::nil(), Uuid::nil());
    kimojio::Waker waker = kimojio::Waker::noop();
    kimojio::Context cx = kimojio::Context::from_waker(waker);
    CHECK(task->result<int>() == std::nullopt);  // not polled yet
    REQUIRE(task->poll(cx).is_ready());
    auto first = task->result<int>();
    REQUIRE(first.has_value());
    CHECK(std::move(*first).value() == 7);
    CHECK(task->result<int>() == std::nullopt);
}

TEST_CASE("a fresh TaskState hands out tags 0, 1, 2, ... and wraps at 2^32 (task.rs: next_tag 0, wrapping_add)") {
    TaskState ts;
    CHECK(ts.get_next_tag() == 0);
    CHECK(ts.get_next_tag() == 1);
    CHECK(ts.get_next_tag() == 2);
    ts.next_tag = UINT32_MAX;
    CHECK(ts.get_next_tag() == UINT32_MAX);
    CHECK(ts.get_next_tag() == 0);
}
