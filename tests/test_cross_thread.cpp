// Tests of the cross-thread waker (kimojio/index_waker.hpp, kimojio/foreign_wake.hpp):
// the scenarios of upstream's plan plus ours. Multi-threaded; also run under TSan.
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <new>
#include <optional>
#include <thread>
#include <variant>
#include <memory>
#include <vector>

#include "test_support.hpp"

using namespace std::chrono_literals;
using kimojio::Async;
using kimojio::Waker;

// Counts heap allocations per thread, to show the foreign path allocates nothing.
#include "count_allocations.hpp"

namespace {

// A gate a foreign thread opens: the task stores its waker first, then checks `open`;
// the opener sets `open`, then wakes whatever waker is stored (so no wake is missed).
struct Gate {
    std::atomic<bool> open{false};
    std::mutex mutex;
    std::optional<Waker> waker;
    std::atomic<int> polls{0};

    void publish(const Waker& w) {
        std::lock_guard lock(mutex);
        waker = w;
    }
    bool has_waker() {
        std::lock_guard lock(mutex);
        return waker.has_value();
    }
    void open_and_wake() {
        open.store(true, std::memory_order_release);
        std::lock_guard lock(mutex);
        if (waker) waker->wake_by_ref();
    }
};

struct GateFuture {
    Gate* gate;
    kimojio::Poll<void> poll(kimojio::Context& cx) {
        gate->polls.fetch_add(1, std::memory_order_relaxed);
        gate->publish(cx.waker());
        if (gate->open.load(std::memory_order_acquire)) return kimojio::Ready;
        return kimojio::Pending;
    }
};

Async<void> wait_gate(Gate* gate) { co_await GateFuture{gate}; }

void wait_until(const std::function<bool()>& done) {
    while (!done()) std::this_thread::yield();
}

Waker waker_for(std::uint8_t thread_index, std::uint16_t task_index) {
    return Waker::from_raw(
        kimojio::RawWaker{kimojio::pack_waker_data(thread_index, task_index), &kimojio::index_waker_vtable()});
}

}  // namespace

TEST_CASE("a wake from a thread that never had a runtime resumes the task") {
    Gate gate;
    std::uint8_t index_seen_by_waker_thread = 0;
    kimojio::Runtime runtime(0, kimojio::Configuration());
    std::thread waker_thread([&] {
        index_seen_by_waker_thread = kimojio::kimojio_thread_index();
        wait_until([&] { return gate.has_waker(); });
        // Only once the loop sleeps: a wake that lands while the task is still in the poll
        // that published its waker lets that poll see the open gate and finish, leaving
        // the wake pending, never drained (this test failed 1 run in ~100 that way).
        wait_until([&] { return runtime.foreign_wake_stats().sleeps >= 1; });
        gate.open_and_wake();
    });
    auto result = runtime.block_on(wait_gate(&gate));
    waker_thread.join();
    REQUIRE(result.has_value());
    CHECK(index_seen_by_waker_thread == kimojio::NO_THREAD_INDEX);
    CHECK(runtime.foreign_wake_stats().foreign_wakes == 1);
    CHECK(runtime.foreign_wake_stats().drained == 1);
}

TEST_CASE("a default ForeignWakeStats counts nothing, as a runtime's before any foreign wake") {
    kimojio::ForeignWakeStats stats;
    CHECK(stats.foreign_wakes == 0);
    CHECK(stats.eventfd_writes == 0);
    CHECK(stats.drained == 0);
    CHECK(stats.sleeps == 0);
    kimojio::Runtime runtime(0, kimojio::Configuration());
    kimojio::ForeignWakeStats fresh = runtime.foreign_wake_stats();
    CHECK(fresh.foreign_wakes == stats.foreign_wakes);
    CHECK(fresh.eventfd_writes == stats.eventfd_writes);
    CHECK(fresh.drained == stats.drained);
}

namespace {
struct CountingEventfd {
    int* writes;
    void write_one() { ++*writes; }
};
}  // namespace

TEST_CASE("ForeignWakeQueue::drain returns how many indexes it took (0 when none), ascending, duplicates once, and its stats count them from 0") {
    int writes = 0;
    auto queue = std::make_unique<kimojio::BasicForeignWakeQueue<CountingEventfd>>(CountingEventfd{&writes});
    std::vector<std::uint16_t> seen;
    auto note = [&](std::uint16_t index) { seen.push_back(index); };
    CHECK(queue->stats().drained == 0);  // a new queue has counted nothing
    CHECK(queue->stats().sleeps == 0);
    CHECK(queue->drain(note) == 0);
    queue->push(70);
    queue->push(5);
    queue->push(70);
    queue->push(65535);
    CHECK(queue->drain(note) == 3);
    CHECK(seen == std::vector<std::uint16_t>{5, 70, 65535});
    CHECK(queue->drain(note) == 0);
    CHECK(seen.size() == 3);
    CHECK(queue->stats().drained == 3);
    CHECK(writes == 0);  // nobody announced a sleep
}

TEST_CASE("a foreign wake unblocks a loop sleeping in submit_and_wait, with exactly one eventfd write") {
    Gate gate;
    kimojio::Runtime runtime(0, kimojio::Configuration());
    std::thread waker_thread([&] {
        wait_until([&] { return gate.has_waker(); });
        // `sleeps` is counted after the owner set `sleeping`: it is blocked (or about to be).
        wait_until([&] { return runtime.foreign_wake_stats().sleeps >= 1; });
        gate.open_and_wake();
    });
    auto result = runtime.block_on(wait_gate(&gate));
    waker_thread.join();
    REQUIRE(result.has_value());
    auto stats = runtime.foreign_wake_stats();
    CHECK(stats.eventfd_writes == 1);
    CHECK(stats.foreign_wakes == 1);
    CHECK(stats.sleeps >= 1);
}

// Arming the eventfd read before sleeping submits one more operation than the count
// read before it; the traced in-flight count must not wrap below zero (it did: found by
// ci/oss-fuzz-check's unsigned-integer-overflow build).
TEST_CASE("the ring-enter trace counts the armed foreign-wake read: in_flight_io never wraps") {
    Gate gate;
    std::vector<test_support::EnterRecord> in_flight;
    kimojio::Runtime runtime(0, kimojio::Configuration().set_trace_buffer_manager(std::make_unique<test_support::RecordingEnterTrace>(&in_flight)));
    std::thread waker_thread([&] {
        wait_until([&] { return gate.has_waker(); });
        wait_until([&] { return runtime.foreign_wake_stats().sleeps >= 1; });
        gate.open_and_wake();
    });
    auto result = runtime.block_on(wait_gate(&gate));
    waker_thread.join();
    REQUIRE(result.has_value());
    REQUIRE(!in_flight.empty());
    for (const test_support::EnterRecord& n : in_flight) CHECK(n.in_flight_io < 1000);
}

TEST_CASE("a waker cloned on the foreign thread wakes the task - the original is dropped there") {
    Gate gate;
    std::thread waker_thread([&] {
        wait_until([&] { return gate.has_waker(); });
        std::optional<Waker> original;
        {
            std::lock_guard lock(gate.mutex);
            original = gate.waker;
        }
        Waker clone = *original;  // clone on this thread
        CHECK(clone.will_wake(*original));
        original.reset();  // drop on this thread
        gate.open.store(true, std::memory_order_release);
        std::move(clone).wake();
    });
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto result = runtime.block_on(wait_gate(&gate));
    waker_thread.join();
    REQUIRE(result.has_value());
}

namespace {
Async<void> wake_after_complete_body(std::optional<Waker>* saved) {
    auto child = kimojio::spawn([](std::optional<Waker>* out) -> Async<void> {
        static const bool ready = true;
        co_await test_support::FlagFuture{&ready};
        *out = kimojio::create_waker(kimojio::TaskState::get()->get_current_task()->task_index);
    }(saved));
    co_await child;
    std::thread([&] { (*saved)->wake_by_ref(); }).join();
    for (int i = 0; i < 3; ++i) co_await kimojio::yield_io();
}
}  // namespace

TEST_CASE("a foreign wake of a task that completed is a no-op") {
    std::optional<Waker> saved;
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto result = runtime.block_on(wake_after_complete_body(&saved));
    REQUIRE(result.has_value());
    CHECK(runtime.foreign_wake_stats().foreign_wakes == 1);
    CHECK(runtime.foreign_wake_stats().drained == 1);  // drained, found no task, nothing scheduled
}

TEST_CASE("a waker outliving its runtime is a no-op, also after a new runtime takes the index") {
    std::optional<Waker> saved;
    {
        kimojio::Runtime runtime(4, kimojio::Configuration());
        auto result = runtime.block_on([](std::optional<Waker>* out) -> Async<void> {
            *out = kimojio::create_waker(kimojio::TaskState::get()->get_current_task()->task_index);
            co_await kimojio::yield_io();
        }(&saved));
        REQUIRE(result.has_value());
    }
    saved->wake_by_ref();                                 // this thread has no runtime now
    std::thread([&] { saved->wake_by_ref(); }).join();  // nor does this one
    kimojio::Runtime again(4, kimojio::Configuration());
    std::thread([&] { saved->wake_by_ref(); }).join();  // a spurious wake at most
    CHECK(again.foreign_wake_stats().foreign_wakes == 1);
    auto result = again.block_on([]() -> Async<int> {
        co_await kimojio::yield_io();
        co_return 3;
    }());
    REQUIRE(result.has_value());
    CHECK(std::move(*result).value() == 3);
}

namespace {
struct CountingFuture {
    std::atomic<bool>* stop;
    std::atomic<int>* polls;
    std::mutex* mutex;
    std::optional<Waker>* slot;
    kimojio::Poll<void> poll(kimojio::Context& cx) {
        polls->fetch_add(1, std::memory_order_relaxed);
        {
            std::lock_guard lock(*mutex);
            *slot = cx.waker();
        }
        return stop->load(std::memory_order_acquire) ? kimojio::Poll<void>(kimojio::Ready)
                                                      : kimojio::Poll<void>(kimojio::Pending);
    }
};
Async<void> counting(CountingFuture f) { co_await f; }
}  // namespace

TEST_CASE("many threads waking one task at once: it runs, at most once per drain, and after the last wake") {
    std::atomic<bool> stop{false};
    std::atomic<int> polls{0};
    std::mutex mutex;
    std::optional<Waker> slot;  // a std::mutex<std::optional<Waker>> shared by every thread
    kimojio::Runtime runtime(0, kimojio::Configuration());
    std::thread coordinator([&] {
        wait_until([&] {
            std::lock_guard lock(mutex);
            return slot.has_value();
        });
        std::vector<std::thread> wakers;
        for (int t = 0; t < 8; ++t) {
            wakers.emplace_back([&, t] {
                for (int i = 0; i < 5000; ++i) {
                    std::lock_guard lock(mutex);
                    if (i % 3 == t % 3) {
                        Waker clone = *slot;  // replace the stored waker with a clone now and then
                        *slot = clone;
                    }
                    slot->wake_by_ref();
                }
            });
        }
        for (auto& w : wakers) w.join();
        stop.store(true, std::memory_order_release);
        std::lock_guard lock(mutex);
        slot->wake_by_ref();
    });
    auto result = runtime.block_on(counting(CountingFuture{&stop, &polls, &mutex, &slot}));
    coordinator.join();
    REQUIRE(result.has_value());
    auto stats = runtime.foreign_wake_stats();
    CHECK(stats.foreign_wakes == 8 * 5000 + 1);
    // the first poll, then one per drain that found the task; the last wake was seen
    CHECK(polls.load() >= 2);
    CHECK(static_cast<std::uint64_t>(polls.load()) <= 1 + stats.drained);
    CHECK(stats.drained <= stats.foreign_wakes);
}

namespace {
Async<int> second_run_waits(Gate* gate) {
    co_await GateFuture{gate};
    co_return 2;
}
}  // namespace

TEST_CASE("a second block_on on one Runtime still receives foreign wakes") {
    kimojio::Runtime runtime(6, kimojio::Configuration());
    auto first = runtime.block_on([]() -> Async<int> { co_return 1; }());
    REQUIRE(first.has_value());
    CHECK(kimojio::kimojio_thread_index() == 6);
    Gate gate;
    std::thread waker_thread([&] {
        wait_until([&] { return gate.has_waker(); });
        gate.open_and_wake();
    });
    auto second = runtime.block_on(second_run_waits(&gate));
    waker_thread.join();
    REQUIRE(second.has_value());
    CHECK(std::move(*second).value() == 2);
}

namespace {
struct Pair {
    Gate gates[2];
};
Async<void> ping(Pair* pair, int me) {
    Gate& mine = pair->gates[me];
    Gate& theirs = pair->gates[1 - me];
    // publish our waker, wait (polling with short sleeps) until the other side published
    mine.publish(kimojio::create_waker(kimojio::TaskState::get()->get_current_task()->task_index));
    while (!theirs.has_waker()) (co_await kimojio::sleep(100us)).value();
    theirs.open_and_wake();  // a task of one runtime wakes a task of the other
    co_await GateFuture{&mine};
}
}  // namespace

TEST_CASE("two runtimes on two threads wake each other's tasks") {
    Pair pair;
    std::optional<kimojio::ForeignWakeStats> stats[2];
    auto run = [&](int me) {
        kimojio::Runtime runtime(static_cast<std::uint8_t>(10 + me), kimojio::Configuration());
        auto result = runtime.block_on(ping(&pair, me));
        CHECK(result.has_value());
        stats[me] = runtime.foreign_wake_stats();
    };
    std::thread a(run, 0);
    std::thread b(run, 1);
    a.join();
    b.join();
    for (auto& s : stats) {
        REQUIRE(s.has_value());
        CHECK(s->foreign_wakes >= 1);
    }
}

TEST_CASE("a foreign wake from a thread_local destructor that runs after the thread's wake counters retired is counted") {
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto result = runtime.block_on([]() -> Async<void> {
        kimojio::Waker waker = co_await kimojio::current_waker();
        std::thread([waker] {
            struct WakeAtExit {
                std::optional<kimojio::Waker> waker;
                ~WakeAtExit() {
                    if (waker) waker->wake_by_ref();
                }
            };
            // Constructed before the first wake makes the counters' exit hook, so it is
            // destroyed after that hook retired this thread's counters.
            thread_local WakeAtExit at_exit;
            at_exit.waker = waker;
            waker.wake_by_ref();
        }).join();
    }());
    REQUIRE(result.has_value());
    CHECK(runtime.foreign_wake_stats().foreign_wakes == 2);
}

TEST_CASE("ForeignWakeRegistry: index 255 (no runtime) counts no wakes and a wake of it goes nowhere") {
    kimojio::ForeignWakeRegistry::wake(kimojio::NO_THREAD_INDEX, 1);
    CHECK(kimojio::ForeignWakeRegistry::wakes(kimojio::NO_THREAD_INDEX) == 0);
}

TEST_CASE("thread index 255, a taken index, or a second Runtime on one thread is a clear error") {
    CHECK_THROWS_AS(kimojio::Runtime(255, kimojio::Configuration()), std::invalid_argument);
    kimojio::Runtime runtime(20, kimojio::Configuration());
    std::thread([] {
        CHECK_THROWS_WITH_AS(kimojio::Runtime(20, kimojio::Configuration()),
                             doctest::Contains("thread index 20 is already used"), std::runtime_error);
        kimojio::Runtime other(21, kimojio::Configuration());  // a free index works
        CHECK(kimojio::kimojio_thread_index() == 21);
    }).join();
    CHECK_THROWS_WITH_AS(kimojio::Runtime(22, kimojio::Configuration()),
                         doctest::Contains("already lives on this thread"), std::runtime_error);
    CHECK(kimojio::kimojio_thread_index() == 20);
    std::thread([] { kimojio::Runtime reuse(21, kimojio::Configuration()); }).join();  // 21 was released
}

namespace {
constexpr int STORM_TASKS = 64;
constexpr int STORM_THREADS = 8;
constexpr int STORM_WAKES = 100000;

struct Storm {
    std::atomic<std::uint64_t> wake_seq[STORM_TASKS] = {};
    std::atomic<std::uint64_t> seen_seq[STORM_TASKS] = {};
    std::atomic<std::uint16_t> task_index[STORM_TASKS] = {};
    std::atomic<int> started{0};
    std::atomic<bool> threads_done{false};
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> foreign_allocations{0};
};

struct StormFuture {
    Storm* storm;
    int i;
    kimojio::Poll<void> poll(kimojio::Context&) {
        // acquire: pairs with the waker's release increment made before its wake
        storm->seen_seq[i].store(storm->wake_seq[i].load(std::memory_order_acquire), std::memory_order_relaxed);
        return storm->stop.load(std::memory_order_acquire) ? kimojio::Poll<void>(kimojio::Ready)
                                                           : kimojio::Poll<void>(kimojio::Pending);
    }
};

Async<void> storm_task(Storm* storm, int i) {
    storm->task_index[i].store(kimojio::TaskState::get()->get_current_task()->task_index);
    storm->started.fetch_add(1);
    co_await StormFuture{storm, i};
}

bool all_woken_tasks_polled(Storm* storm) {
    for (int i = 0; i < STORM_TASKS; ++i) {
        if (storm->seen_seq[i].load() != storm->wake_seq[i].load()) return false;
    }
    return true;
}

Async<void> storm_main(Storm* storm) {
    std::vector<kimojio::JoinHandle<void>> tasks;
    for (int i = 0; i < STORM_TASKS; ++i) tasks.push_back(kimojio::spawn(storm_task(storm, i)));
    while (!storm->threads_done.load()) (co_await kimojio::sleep(200us)).value();
    // Every task woken was polled after its last wake, within a few loop iterations.
    int iterations = 0;
    while (!all_woken_tasks_polled(storm) && iterations < 100) {
        co_await kimojio::yield_io();
        ++iterations;
    }
    CHECK(all_woken_tasks_polled(storm));
    CHECK(iterations <= 2);
    storm->stop.store(true);
    for (int i = 0; i < STORM_TASKS; ++i) kimojio::create_waker(storm->task_index[i].load()).wake_by_ref();
    for (auto& t : tasks) co_await t;
}
}  // namespace

TEST_CASE("storm: 8 threads x 100,000 wakes at 64 tasks - every woken task is polled after, no allocation") {
    auto storm = std::make_unique<Storm>();
    kimojio::Runtime runtime(30, kimojio::Configuration());
    std::thread coordinator([&] {
        wait_until([&] { return storm->started.load() == STORM_TASKS; });
        std::vector<std::thread> threads;
        for (int t = 0; t < STORM_THREADS; ++t) {
            threads.emplace_back([&, t] {
                std::vector<Waker> wakers;
                for (int i = 0; i < STORM_TASKS; ++i) wakers.push_back(waker_for(30, storm->task_index[i].load()));
                std::size_t before = allocations_on_this_thread;
                for (int k = 0; k < STORM_WAKES; ++k) {
                    int i = (k * 7 + t * 13) % STORM_TASKS;
                    storm->wake_seq[i].fetch_add(1, std::memory_order_release);
                    wakers[i].wake_by_ref();
                }
                storm->foreign_allocations.fetch_add(allocations_on_this_thread - before);
            });
        }
        for (auto& th : threads) th.join();
        storm->threads_done.store(true);
    });
    auto result = runtime.block_on(storm_main(storm.get()));
    coordinator.join();
    REQUIRE(result.has_value());
    CHECK(storm->foreign_allocations.load() == 0);
    auto stats = runtime.foreign_wake_stats();
    CHECK(stats.foreign_wakes == std::uint64_t{STORM_THREADS} * STORM_WAKES);
    CHECK(stats.eventfd_writes <= stats.sleeps);  // at most one write per owner sleep
}

TEST_CASE("runtime torn down while foreign threads keep waking: the eventfd is kept, no byte reaches another descriptor (x1000)") {
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> progress{0};
    std::vector<std::thread> wakers;
    for (int t = 0; t < 2; ++t) {
        wakers.emplace_back([&, t] {
            std::uint16_t task = static_cast<std::uint16_t>(1 + t);
            while (!stop.load(std::memory_order_relaxed)) {
                waker_for(40, task).wake_by_ref();
                waker_for(40, 3).wake_by_ref();
                progress.fetch_add(1, std::memory_order_relaxed);
            }
        });
    }
    int first_fd = -1;
    int same_fd = 0;
    for (int iteration = 0; iteration < 1000; ++iteration) {
        int fd = -1;
        {
            kimojio::Runtime runtime(40, kimojio::Configuration());
            auto result = runtime.block_on([]() -> Async<void> {
                // short sleeps: the loop blocks (sleeping = true) while the wakers hammer it
                for (int i = 0; i < 3; ++i) (co_await kimojio::sleep(20us)).value();
            }());
            REQUIRE(result.has_value());
            fd = runtime.foreign_wake_eventfd();
        }
        if (first_fd < 0) first_fd = fd;
        same_fd += fd == first_fd ? 1 : 0;
        // The lowest free number: what a recycled descriptor would get.
        int canary = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        REQUIRE(canary >= 0);
        std::uint64_t mark = progress.load();
        wait_until([&] { return progress.load() >= mark + 50; });  // wakers kept running after the teardown
        std::uint64_t value = 0;
        CHECK(::read(canary, &value, sizeof(value)) == -1);  // EAGAIN: nobody wrote to it
        ::close(canary);
    }
    stop.store(true);
    for (auto& w : wakers) w.join();
    // Every runtime at index 40 used the index's one eventfd: none was closed or reopened.
    CHECK(same_fd == 1000);
}

namespace {
double thread_cpu_us() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}
}  // namespace

TEST_CASE("16 threads waking throughout: every ~Runtime returns, 1,000 teardowns (the worst is printed)") {
    // With a pinned slot this starved: ~Runtime waited for a pin count that the wakers
    // kept above 0 (16 threads on 2 cores: no return within 120 s). ctest's timeout fails it.
    constexpr int WAKING_THREADS = 16;
    std::atomic<bool> stop{false};
    std::atomic<int> started{0};
    std::vector<std::thread> wakers;
    for (int t = 0; t < WAKING_THREADS; ++t) {
        wakers.emplace_back([&, t] {
            started.fetch_add(1);
            Waker waker = waker_for(41, static_cast<std::uint16_t>(1 + t % 4));
            while (!stop.load(std::memory_order_relaxed)) waker.wake_by_ref();
        });
    }
    wait_until([&] { return started.load() == WAKING_THREADS; });
    std::chrono::nanoseconds worst{0};
    double worst_cpu_us = 0;
    std::uint64_t reached = 0;
    for (int iteration = 0; iteration < 1000; ++iteration) {
        std::optional<kimojio::Runtime> runtime;
        runtime.emplace(41, kimojio::Configuration());
        auto result = runtime->block_on([]() -> Async<int> {
            co_await kimojio::yield_io();
            co_return 1;
        }());
        REQUIRE(result.has_value());
        reached += runtime->foreign_wake_stats().foreign_wakes;
        auto before = std::chrono::steady_clock::now();
        double cpu_before = thread_cpu_us();
        runtime.reset();  // ~Runtime, with 16 threads waking its tasks' indexes
        worst = std::max(worst, std::chrono::steady_clock::now() - before);
        worst_cpu_us = std::max(worst_cpu_us, thread_cpu_us() - cpu_before);
    }
    stop.store(true);
    for (auto& w : wakers) w.join();
    CHECK(reached > 0);  // the wakers did reach live runtimes
    // Wall time includes preemption by the 16 spinning threads; CPU time is ~Runtime's own.
    std::printf("16 waking threads: worst ~Runtime of 1,000: %.1f us wall, %.1f us CPU\n",
                std::chrono::duration<double, std::micro>(worst).count(), worst_cpu_us);
}

// The queue of a thread index (and its eventfd) is made by its first Runtime and kept
// for the process; 201 and 202 are used by no other test here.
TEST_CASE("a thread index's eventfd starts at zero: nothing wakes a loop before a foreign wake") {
    kimojio::Runtime runtime(201, kimojio::Configuration());
    std::uint64_t count = 0;
    // Non-blocking: EAGAIN while the count is zero.
    CHECK(::read(runtime.foreign_wake_eventfd(), &count, sizeof(count)) == -1);
    CHECK(errno == EAGAIN);
}

TEST_CASE("a Runtime starts when its eventfd gets descriptor 0") {
    int saved_stdin = ::dup(0);
    REQUIRE(saved_stdin >= 0);
    ::close(0);
    int eventfd = -1;
    {
        kimojio::Runtime runtime(202, kimojio::Configuration());
        eventfd = runtime.foreign_wake_eventfd();
    }
    ::dup2(saved_stdin, 0);
    ::close(saved_stdin);
    CHECK(eventfd == 0);
}

// A thread without a runtime has KIMOJIO_THREAD_INDEX == NO_THREAD_INDEX (255): an index
// waker whose thread byte is also 255 is no local waker there, so wake_task must not take
// the direct lookup into that thread's TaskState.
TEST_CASE("index_waker wake_task on a thread without a runtime does not wake a task of its TaskState") {
    bool scheduled = true;
    std::thread plain([&] {
        static const bool never = false;
        kimojio::TaskState ts;
        kimojio::Rc<kimojio::Task> task =
            ts.schedule_new(test_support::FlagFuture{&never}, kimojio::Uuid::nil(), kimojio::Uuid::nil());
        ts.fill_ready_task_list_io.clear();
        task->set_state(kimojio::TaskReadyState::Suspend);
        kimojio::wake_task(ts, waker_for(kimojio::NO_THREAD_INDEX, task->task_index));
        scheduled = task->get_state() != kimojio::TaskReadyState::Suspend || !ts.fill_ready_task_list_io.empty();
    });
    plain.join();
    CHECK_FALSE(scheduled);
}
