// reset_task_state (kimojio/runtime.hpp, not in Rust): the reset the fuzz harnesses do
// between inputs. After a run that leaves every part of the thread's TaskState in use
// (tasks in the table and in every queue, a read in flight on an empty pipe, the armed
// eventfd read, stats, enter stats, tags, the completion pool, a trace sink, shutdown),
// the reset state equals a fresh TaskState in everything observable, keeps the thread's
// two io_uring instances, and they work: no completion of the old run comes back.
#include <dirent.h>
#include <liburing.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <set>
#include <sstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

using kimojio::Async;
using kimojio::TaskState;
using kimojio::Uuid;
using test_support::run_test;

namespace {

class CountingTrace final : public kimojio::TraceConfiguration {
public:
    explicit CountingTrace(int* count) : count_(count) {}
    void trace(kimojio::EventEnvelope) override { ++*count_; }

private:
    int* count_;
};

std::string enter_stats(const kimojio::EnterStats& s) {
    std::ostringstream os;
    os << s.sum << "/" << s.count << "/" << s.min << "/" << s.max << "/" << s.start_ticks;
    return os.str();
}

// Every field of a TaskState, as far as it can be seen from outside.
std::string observe(TaskState& ts) {
    std::ostringstream os;
    const kimojio::URingStats& st = ts.stats;
    os << "task_count " << ts.task_count << "\nlast_ready_cpu " << ts.last_ready_cpu << "\nthis thread "
       << (ts.thread_id == std::this_thread::get_id()) << "\ntrace sink " << ts.trace_buffer.tracing()
       << "\ntrace thread_idx " << int(ts.trace_buffer.thread_idx) << "\nstats " << st.in_flight_io_poll << " "
       << st.max_in_flight_io_poll << " " << st.in_flight_io << " " << st.max_in_flight_io << " "
       << st.tasks_polled_io << " " << st.tasks_polled_cpu << "\nenter_stats " << enter_stats(ts.enter_stats)
       << "\nenter_stats_wait " << enter_stats(ts.enter_stats_wait) << "\ncurrent_task " << ts.current_task.has_value()
       << "\nlists " << ts.fill_ready_task_list_io.size() << " " << ts.ready_task_list_io.size() << " "
       << ts.ready_task_list_cpu.size() << " " << ts.completed_tasks.size() << "\ncompletion_pool "
       << ts.completion_pool.size() << "\ntasks len " << ts.tasks.len() << " slots ";
    for (kimojio::Index index : ts.tasks.indexes()) os << index.get() << ",";
    os << "\nnext_tag " << ts.next_tag << "\nkeep_running " << ts.keep_running << "\nforeign_wake_queue "
       << (ts.foreign_wake_queue != nullptr) << " armed " << ts.foreign_wake_read_armed << "\nany_ready "
       << ts.any_ready() << "\nCQEs " << ts.get_completion_count(false) << " " << ts.get_completion_count(true)
       << "\nprobe " << (ts.probe != nullptr);
    if (ts.probe) {
        os << " ops";
        for (int op = 0; op <= ts.probe->last_op; ++op) os << io_uring_opcode_supported(ts.probe.get(), op);
    }
    return os.str();
}

// The io_uring instances this process has open, by descriptor.
std::set<int> io_uring_fds() {
    std::set<int> fds;
    DIR* dir = opendir("/proc/self/fd");
    REQUIRE(dir != nullptr);
    while (dirent* entry = readdir(dir)) {
        std::array<char, 64> target{};
        std::string path = std::string("/proc/self/fd/") + entry->d_name;
        ssize_t n = readlink(path.c_str(), target.data(), target.size() - 1);
        if (n > 0 && std::string(target.data(), n) == "anon_inode:[io_uring]") fds.insert(std::atoi(entry->d_name));
    }
    closedir(dir);
    return fds;
}

const bool never = false;

Async<void> read_forever(int fd) {
    std::array<char, 8> buffer{};
    (void)co_await kimojio::read(fd, buffer);  // the pipe stays empty: cancelled by the reset
}

Async<void> nops(int n) {
    for (int i = 0; i < n; ++i) (co_await kimojio::nop()).value();
}

Async<std::string> write_then_read(int writer, int reader) {
    co_await kimojio::yield_io();
    std::uint64_t baseline = test_support::user_in_flight_io();  // the runtime server's read
    std::array<char, 8> buffer{};
    CHECK((co_await kimojio::write(writer, std::span<const char>("abc", 3))).value() == 3);
    std::size_t n = (co_await kimojio::read(reader, buffer)).value();
    CHECK(test_support::user_in_flight_io() == baseline);
    co_return std::string(buffer.data(), n);
}

// One turn of block_on's loop, as the harnesses write it; `reap` false leaves the
// completed tasks in completed_tasks.
void turn(bool reap = true) {
    auto ts = TaskState::get();
    ts = kimojio::drain_foreign_wakes(std::move(ts));
    ts->prepare_cohort();
    while (auto ready = ts->get_ready()) ts = kimojio::poll_task(std::move(*ready), std::move(ts));
    if (reap) ts = kimojio::submit_and_complete_io_all(std::move(ts), true);
}

}  // namespace

TEST_CASE("reset_task_state: every task dropped, I/O cancelled and reaped, a fresh TaskState on the same rings") {
    kimojio::drop_all_tasks(TaskState::get());  // start from a fresh TaskState
    std::string fresh = [] {
        TaskState state;
        return observe(state);
    }();
    REQUIRE(observe(*TaskState::get()) == fresh);
    std::set<int> rings = io_uring_fds();

    auto pipe = kimojio::bipipe();
    int reader = pipe.first.as_raw_fd(), writer = pipe.second.as_raw_fd();
    int traced = 0;
    {
        kimojio::Runtime runtime(0, kimojio::Configuration().set_trace_buffer_manager(
                                        std::make_unique<CountingTrace>(&traced)));
        runtime.prepare_task_state(*TaskState::get());
        {
            auto ts = TaskState::get();
            ts->schedule_new(read_forever(reader), Uuid::nil(), Uuid::nil());
            ts->schedule_new(nops(3), Uuid::nil(), Uuid::nil());
            ts->schedule_new(test_support::FlagFuture{&never}, Uuid::nil(), Uuid::nil());
        }
        for (int i = 0; i < 4; ++i) turn();
        TaskState::get()->schedule_new(nops(0), Uuid::nil(), Uuid::nil())->high_priority = true;
        turn(false);  // nops(0) completes and stays in completed_tasks
        {
            auto ts = TaskState::get();
            kimojio::arm_foreign_wake_read(*ts);
            ts->schedule_cpu(*ts->get_task_by_index(3));
            ts->schedule_new(test_support::FlagFuture{&never}, Uuid::nil(), Uuid::nil());
            ts->last_ready_cpu = true;
            ts->shutdown();
            ts->enter_stats.start();
            ts->enter_stats.stop();
            ts->enter_stats_wait.start();
            ts->enter_stats_wait.stop();
            std::string dirty = observe(*ts);
            INFO("before the reset:\n", dirty);
            CHECK(ts->stats.in_flight_io == 2);  // the read and the eventfd read
            CHECK(ts->tasks.len() >= 3);
            CHECK(!ts->completed_tasks.empty());
            CHECK(!ts->completion_pool.empty());
            CHECK(!ts->ready_task_list_cpu.empty());
            CHECK(!ts->fill_ready_task_list_io.empty());
            CHECK(dirty != fresh);
        }
        kimojio::reset_task_state(TaskState::get());
        CHECK(observe(*TaskState::get()) == fresh);
        CHECK(io_uring_fds() == rings);  // the same two instances, none set up or closed
    }
    CHECK(traced > 0);

    // The kept rings work, and the cancelled read left nothing behind: the next read
    // gets the bytes written now, and no stale completion reaches the new run.
    CHECK(run_test(write_then_read(writer, reader)) == "abc");
}

TEST_CASE("prepare_task_state drops the foreign wakes queued before it: a stepped loop wakes no new task for them") {
    kimojio::drop_all_tasks(TaskState::get());
    {
        kimojio::Runtime runtime(8, kimojio::Configuration());
        kimojio::Waker stale = kimojio::create_waker(1);  // a task index of thread index 8
        std::thread([&] { stale.wake_by_ref(); }).join();  // queued: no loop runs now
        runtime.prepare_task_state(*TaskState::get());
        auto ts = TaskState::get();
        auto task = ts->schedule_new(test_support::FlagFuture{&never}, Uuid::nil(), Uuid::nil());
        REQUIRE(task->task_index == 1);
        ts->prepare_cohort();
        while (auto ready = ts->get_ready()) ts = kimojio::poll_task(std::move(*ready), std::move(ts));
        REQUIRE(task->get_state() == kimojio::TaskReadyState::Suspend);
        ts = kimojio::drain_foreign_wakes(std::move(ts));
        CHECK(task->get_state() == kimojio::TaskReadyState::Suspend);  // not woken by the stale index
        CHECK_FALSE(ts->any_ready());
    }
    kimojio::reset_task_state(TaskState::get());
}

TEST_CASE("reset_task_state on a fresh TaskState keeps it fresh and its rings") {
    kimojio::drop_all_tasks(TaskState::get());
    std::string before = observe(*TaskState::get());
    std::set<int> rings = io_uring_fds();
    kimojio::reset_task_state(TaskState::get());
    CHECK(observe(*TaskState::get()) == before);
    CHECK(io_uring_fds() == rings);
    kimojio::drop_all_tasks(TaskState::get());  // for contrast: new rings
    std::set<int> now = io_uring_fds();
    CHECK(now != rings);
    CHECK(now.size() == rings.size());  // and the old ones closed (~Ring), not leaked
}

TEST_CASE("a teardown that cancels and reaps every operation in flight prints nothing") {
    std::string printed = test_support::stderr_of([] {
        kimojio::Runtime runtime(0, kimojio::Configuration());
        auto result = runtime.block_on([]() -> Async<void> {
            co_await kimojio::yield_io();
            // The runtime server task's pipe read: in flight when block_on ends, so the
            // teardown cancels and reaps it.
            CHECK(test_support::user_in_flight_io() >= 1);
        }());
        REQUIRE(result.has_value());
    });
    CHECK(printed.empty());
}

TEST_CASE("the teardown's reaping is traced as ring enter events with tag 0, after every real enter") {
    std::vector<test_support::EnterRecord> enters;
    {
        kimojio::Runtime runtime(0, kimojio::Configuration().set_trace_buffer_manager(
                                        std::make_unique<test_support::RecordingEnterTrace>(&enters)));
        REQUIRE(runtime.block_on(nops(2)).has_value());
    }
    // Ring tags start at 1 (0 is reserved); the reaping of the runtime server's read at
    // teardown is not a ring enter of the loop, so it carries 0.
    std::size_t first_zero = enters.size();
    for (std::size_t i = 0; i < enters.size(); ++i) {
        if (enters[i].ring_tag == 0 && first_zero == enters.size()) first_zero = i;
        if (i > first_zero) CHECK(enters[i].ring_tag == 0);
    }
    CHECK(first_zero > 0);
    CHECK(first_zero < enters.size());
}
