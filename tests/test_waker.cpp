// Tests of the Waker model (std::task semantics) and of the Rc-based kimojio waker
// (kimojio/src/task_ref.rs), plus the debug-only recursive-borrow check of
// TaskStateCell (kimojio/src/task_state_cell.rs).
#include <stdexcept>
#include <string>
#include <type_traits>

#include "test_support.hpp"

using kimojio::RawWaker;
using kimojio::RawWakerVTable;
using kimojio::Rc;
using kimojio::Task;
using kimojio::TaskReadyState;
using kimojio::TaskState;
using kimojio::Uuid;
using kimojio::Waker;

namespace {

struct Counts {
    int clones = 0;
    int wakes = 0;
    int wakes_by_ref = 0;
    int drops = 0;
    int live() const { return 1 + clones - wakes - drops; }
};

extern const RawWakerVTable COUNTING_VTABLE;
const RawWakerVTable COUNTING_VTABLE = {
    [](const void* data) {
        static_cast<Counts*>(const_cast<void*>(data))->clones++;
        return RawWaker{data, &COUNTING_VTABLE};
    },
    [](const void* data) { static_cast<Counts*>(const_cast<void*>(data))->wakes++; },
    [](const void* data) { static_cast<Counts*>(const_cast<void*>(data))->wakes_by_ref++; },
    [](const void* data) { static_cast<Counts*>(const_cast<void*>(data))->drops++; },
};

Waker counting_waker(Counts& counts) { return Waker::from_raw(RawWaker{&counts, &COUNTING_VTABLE}); }

const bool never = false;

}  // namespace

TEST_CASE("Waker: copy is clone, destruction is drop, wake consumes, wake_by_ref does not") {
    Counts counts;
    {
        Waker w = counting_waker(counts);
        CHECK(w.data() == &counts);
        CHECK(w.vtable() == &COUNTING_VTABLE);
        {
            Waker copy = w;
            CHECK(counts.clones == 1);
            CHECK(copy.will_wake(w));
            copy.wake_by_ref();
            copy.wake_by_ref();
            CHECK(counts.wakes_by_ref == 2);
            CHECK(counts.drops == 0);
        }
        CHECK(counts.drops == 1);
        Waker second = w;
        std::move(second).wake();
        CHECK(counts.wakes == 1);
        CHECK(counts.drops == 1);  // a woken-by-value waker is not dropped again
        CHECK_THROWS_AS(second.wake_by_ref(), std::logic_error);
        Waker moved = std::move(w);
        CHECK(counts.clones == 2);  // a move is neither clone nor drop
        CHECK(counts.drops == 1);
    }
    CHECK(counts.live() == 0);
}

TEST_CASE("Waker: assigning a waker that would wake the same task skips the clone (clone_from)") {
    Counts a_counts;
    Counts b_counts;
    Waker a = counting_waker(a_counts);
    Waker a2 = a;
    CHECK(a_counts.clones == 1);
    a2 = a;
    CHECK(a_counts.clones == 1);
    Waker b = counting_waker(b_counts);
    a2 = b;
    CHECK(b_counts.clones == 1);
    CHECK(a_counts.drops == 1);
    CHECK(!a.will_wake(b));
    CHECK(a2.will_wake(b));
}

TEST_CASE("create_waker holds one Rc per waker - wake consumes it, drop releases it") {
    TaskState ts;
    Rc<Task> task = ts.schedule_new(test_support::FlagFuture{&never}, Uuid::nil(), Uuid::nil());
    std::size_t base = Rc<Task>::strong_count(task);
    {
        Waker w = kimojio::rc_waker::create_waker(task);
        CHECK(Rc<Task>::strong_count(task) == base + 1);
        CHECK(w.vtable() == &kimojio::rc_waker::task_ref_vtable());
        CHECK(w.data() == Rc<Task>::as_ptr(task));
        Waker clone = w;
        CHECK(Rc<Task>::strong_count(task) == base + 2);
        CHECK(clone.will_wake(w));
    }
    CHECK(Rc<Task>::strong_count(task) == base);
}

TEST_CASE("wake_task uses the given TaskState for kimojio wakers and wake_by_ref for others") {
    TaskState ts;
    Rc<Task> task = ts.schedule_new(test_support::FlagFuture{&never}, Uuid::nil(), Uuid::nil());
    ts.fill_ready_task_list_io.clear();
    task->set_state(TaskReadyState::Suspend);
    Waker w = kimojio::rc_waker::create_waker(task);
    kimojio::rc_waker::wake_task(ts, w);
    CHECK(task->get_state() == TaskReadyState::Ready);
    CHECK(ts.fill_ready_task_list_io.size() == 1);

    Counts counts;
    Waker foreign = counting_waker(counts);
    kimojio::rc_waker::wake_task(ts, foreign);
    CHECK(counts.wakes_by_ref == 1);
}

namespace {
kimojio::Async<void> waker_outlives_task_body(std::optional<Waker>* saved, Rc<Task>* child_task) {
    auto child = kimojio::spawn([](std::optional<Waker>* out, Rc<Task>* me) -> kimojio::Async<int> {
        *me = TaskState::get()->get_current_task();
        (void)out;
        co_await kimojio::yield_io();
        co_return 5;
    }(saved, child_task));
    CHECK(co_await child == 5);
    // the child completed and was removed from the task table; a waker made now outlives it
    REQUIRE(child_task->operator->() != nullptr);
    CHECK((*child_task)->get_state() == TaskReadyState::Complete);
    Waker stale = kimojio::rc_waker::create_waker(*child_task);
    stale.wake_by_ref();  // schedule_io of a Complete task: no-op
    std::move(stale).wake();
    CHECK(!TaskState::get()->any_ready());
    co_await kimojio::yield_io();
}
}  // namespace

TEST_CASE("a waker that outlives its task: waking it is a no-op") {
    std::optional<Waker> saved;
    Rc<Task> child_task = Rc<Task>::make(nullptr, 0, nullptr, Uuid::nil(), Uuid::nil());
    test_support::run_test(waker_outlives_task_body(&saved, &child_task));
    CHECK(child_task->get_state() == TaskReadyState::Complete);
    CHECK(Rc<Task>::strong_count(child_task) == 1);  // nothing else holds the finished task
}

TEST_CASE("TaskStateCell catches a recursive borrow in debug builds and costs nothing in release") {
#if KIMOJIO_DEBUG_ASSERTIONS
    auto first = TaskState::get();
    try {
        auto second = TaskState::get();
        FAIL("a recursive borrow was not caught");
    } catch (const kimojio::Panic& e) {
        CHECK(std::string(e.what()) == "TaskStateCell borrowed recursively");
    }
    kimojio::TaskStateCell& cell = std::move(first).into_inner();
    auto again = cell.borrow_mut();  // into_inner ended the borrow
    CHECK(again->get_task_count() == 0);
#else
    CHECK(sizeof(kimojio::TaskStateCell) == sizeof(TaskState));
    auto first = TaskState::get();
    auto second = TaskState::get();  // not checked in release, as in Rust
    CHECK(&*first == &*second);
#endif
}

TEST_CASE("copying a moved-from Waker throws instead of crashing") {
    Counts counts;
    Waker w = counting_waker(counts);
    Waker taken = std::move(w);
    CHECK_THROWS_AS(Waker{w}, std::logic_error);
    CHECK(counts.clones == 0);
}

TEST_CASE("a const TaskStateCellRef hands out a const TaskState (Rust: Deref, not DerefMut)") {
    using Ref = kimojio::TaskStateCellRef;
    CHECK(std::is_const_v<std::remove_reference_t<decltype(*std::declval<const Ref&>())>>);
    CHECK(std::is_const_v<std::remove_pointer_t<decltype(std::declval<const Ref&>().operator->())>>);
    CHECK_FALSE(std::is_const_v<std::remove_reference_t<decltype(*std::declval<Ref&>())>>);
}

TEST_CASE("an Rc waker's consuming wake schedules its task on the thread's TaskState") {
    kimojio::drop_all_tasks(TaskState::get());
    Rc<Task> task = TaskState::get()->schedule_new(test_support::FlagFuture{&never}, Uuid::nil(), Uuid::nil());
    TaskState::get()->fill_ready_task_list_io.clear();
    task->set_state(TaskReadyState::Suspend);
    std::size_t base = Rc<Task>::strong_count(task);
    Waker w = kimojio::rc_waker::create_waker(task);
    std::move(w).wake();
    CHECK(task->get_state() == TaskReadyState::Ready);
    CHECK(TaskState::get()->fill_ready_task_list_io.size() == 1);
    CHECK(Rc<Task>::strong_count(task) == base + 1);  // the waker's Rc went into the ready list
    kimojio::drop_all_tasks(TaskState::get());
}

TEST_CASE("create_waker on a thread without a Runtime throws kimojio::Panic") {
    CHECK_THROWS_WITH_AS(kimojio::create_waker(0), doctest::Contains("without a kimojio Runtime"), kimojio::Panic);
}

TEST_CASE("waker_data of the current task's waker is its packed (thread index, task index), of another waker it throws") {
    kimojio::Runtime runtime(4, kimojio::Configuration());
    auto result = runtime.block_on([]() -> kimojio::Async<void> {
        Waker waker = co_await kimojio::current_waker();
        std::uint16_t task_index = TaskState::get()->get_current_task()->task_index;
        CHECK(kimojio::waker_data(waker) == kimojio::pack_waker_data(4, task_index));
        CHECK_THROWS_AS(kimojio::waker_data(Waker::noop()), std::invalid_argument);
    }());
    REQUIRE(result.has_value());
}
