// Tests of the cross-thread primitives beyond upstream: current_waker / throw_if_aborted
// (kimojio/current_waker.hpp), kimojio::sync::Notify (notify.hpp) and
// kimojio::sync::oneshot (sync_oneshot.hpp). Multi-threaded; also run under TSan.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <latch>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "kimojio/kimojio.hpp"
#include "test_support.hpp"

using namespace std::chrono_literals;
using kimojio::Async;
using kimojio::Waker;
using kimojio::sync::Notify;
using test_support::ended_by_abort;
using test_support::PollOnce;
using test_support::run_test;

namespace {

// A leaf future that is Ready once `flag` is set and never stores a waker itself: only
// a waker the task handed out (current_waker) can make it run again. With `check_abort`
// it calls throw_if_aborted first, as README tells leaf futures to.
struct FlagLeaf {
    const std::atomic<bool>* flag;
    bool check_abort = true;
    kimojio::Poll<void> poll(kimojio::Context&) {
        if (check_abort) {
            kimojio::throw_if_aborted();
        }
        return flag->load(std::memory_order_acquire) ? kimojio::Poll<void>(kimojio::Ready)
                                                     : kimojio::Poll<void>(kimojio::Pending);
    }
};

}  // namespace

// ---------------------------------------------------------------- current_waker

namespace {
Async<void> current_waker_body(std::atomic<bool>* flag, std::thread* thread) {
    Waker waker = co_await kimojio::current_waker();
    *thread = std::thread([flag, waker]() mutable {
        flag->store(true, std::memory_order_release);
        std::move(waker).wake();
    });
    co_await FlagLeaf{flag};
}
}  // namespace

TEST_CASE("current_waker: a copy sent to a std::thread wakes the task") {
    for (int round = 0; round < 200; ++round) {
        std::atomic<bool> flag{false};
        std::thread thread;
        kimojio::Runtime runtime(0, kimojio::Configuration());
        auto result = runtime.block_on(current_waker_body(&flag, &thread));
        thread.join();
        REQUIRE(result.has_value());
        CHECK(runtime.foreign_wake_stats().foreign_wakes == 1);
    }
}

TEST_CASE("current_waker: a wake after the runtime ended is a no-op that writes no descriptor") {
    std::optional<Waker> waker;
    {
        kimojio::Runtime runtime(3, kimojio::Configuration());
        auto result = runtime.block_on([](std::optional<Waker>* out) -> Async<void> {
            *out = co_await kimojio::current_waker();
        }(&waker));
        REQUIRE(result.has_value());
    }
    // The runtime's descriptors are closed; new eventfds likely reuse their numbers.
    std::vector<int> fds;
    for (int i = 0; i < 16; ++i) {
        fds.push_back(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
        REQUIRE(fds.back() >= 0);
    }
    std::thread([w = *waker]() mutable {
        w.wake_by_ref();
        std::move(w).wake();
    }).join();
    for (int fd : fds) {
        std::uint64_t value = 0;
        CHECK(read(fd, &value, sizeof value) == -1);  // EAGAIN: nobody wrote to it
        CHECK(errno == EAGAIN);
        close(fd);
    }
}

namespace {
Async<void> wake_after_task_ended_body() {
    auto task = kimojio::spawn_task([]() -> Async<Waker> { co_return co_await kimojio::current_waker(); }());
    Waker stale = (co_await task).value();
    // A task that reuses the index is polled once more than it asked for; its future
    // answers Pending again, so the spurious wake changes nothing.
    std::atomic<bool> flag{false};
    std::optional<Waker> reuser_waker;
    auto reuser = kimojio::spawn_task([](const std::atomic<bool>* flag, std::optional<Waker>* out) -> Async<void> {
        *out = co_await kimojio::current_waker();
        co_await FlagLeaf{flag};
    }(&flag, &reuser_waker));
    co_await kimojio::yield_io();
    REQUIRE(reuser_waker.has_value());
    CHECK(stale.will_wake(*reuser_waker));  // the freed index was reused
    std::thread([stale]() { stale.wake_by_ref(); }).join();
    stale.wake_by_ref();
    co_await kimojio::yield_io();
    co_await kimojio::yield_io();
    CHECK_FALSE(reuser.is_complete());
    flag.store(true);
    reuser_waker->wake_by_ref();
    CHECK((co_await reuser).is_ok());
}
}  // namespace

TEST_CASE("current_waker: a wake after the task ended changes nothing") { run_test(wake_after_task_ended_body()); }

// ---------------------------------------------------------------- throw_if_aborted

namespace {
Async<void> abort_parked_leaf_body(bool check_abort, bool* ended_by_abort_out) {
    std::atomic<bool> flag{false};
    std::optional<Waker> waker;
    auto task = kimojio::spawn_task([](const std::atomic<bool>* flag, bool check, std::optional<Waker>* out) -> Async<void> {
        *out = co_await kimojio::current_waker();
        co_await FlagLeaf{flag, check};
    }(&flag, check_abort, &waker));
    co_await kimojio::yield_io();
    REQUIRE(waker.has_value());
    task.abort();
    // Wake it from another thread as well: an aborted task ignores later wakes.
    std::thread([w = *waker]() { w.wake_by_ref(); }).join();
    if (check_abort) {
        *ended_by_abort_out = ended_by_abort(co_await task);
    } else {
        // Without the check the leaf answers Pending to the abort poll, later wakes are
        // ignored, and the task never ends: only a shutdown gets rid of it.
        for (int i = 0; i < 5; ++i) co_await kimojio::yield_io();
        CHECK_FALSE(task.is_complete());
        flag.store(true);
        waker->wake_by_ref();
        for (int i = 0; i < 5; ++i) co_await kimojio::yield_io();
        CHECK_FALSE(task.is_complete());
        *ended_by_abort_out = false;
        kimojio::shutdown_loop();
    }
}
}  // namespace

TEST_CASE("throw_if_aborted: an aborted task parked in a leaf future ends with TaskAborted") {
    bool aborted = false;
    run_test(abort_parked_leaf_body(true, &aborted));
    CHECK(aborted);
}

TEST_CASE("a leaf future that ignores abort keeps its task alive (what throw_if_aborted prevents)") {
    bool aborted = true;
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto result = runtime.block_on(abort_parked_leaf_body(false, &aborted));
    // main finished; without its shutdown_loop the stuck task would keep block_on waiting.
    CHECK(result.has_value());
    CHECK_FALSE(aborted);
}

TEST_CASE("throw_if_aborted outside a task throws NotInTask") {
    CHECK_THROWS_AS(kimojio::throw_if_aborted(), kimojio::NotInTask);
    Notify notify;
    kimojio::sync::Notified notified = notify.notified();
    kimojio::Context cx = kimojio::Context::from_waker(Waker::noop());
    CHECK_THROWS_WITH_AS((void)notified.poll(cx),
                         doctest::Contains("kimojio::sync::Notified was polled outside a kimojio task"),
                         kimojio::NotInTask);
}

// ---------------------------------------------------------------- Notify

namespace {
Async<void> notify_permit_body() {
    Notify notify;
    notify.notify_one();
    notify.notify_one();  // at most one permit is stored
    co_await notify.notified();
    kimojio::sync::Notified second = notify.notified();
    CHECK_FALSE(co_await PollOnce<kimojio::sync::Notified>{&second});
    notify.notify_one();
    co_await second;
}
}  // namespace

TEST_CASE("Notify: notify_one with nobody waiting stores one permit") { run_test(notify_permit_body()); }

namespace {
Async<void> notify_fifo_body() {
    Notify notify;
    std::vector<int> order;
    std::vector<kimojio::TaskHandle<void>> tasks;
    for (int i = 0; i < 3; ++i) {
        tasks.push_back(kimojio::spawn_task([](Notify* n, std::vector<int>* order, int i) -> Async<void> {
            co_await n->notified();
            order->push_back(i);
        }(&notify, &order, i)));
        co_await kimojio::yield_io();  // queued in spawn order
    }
    for (int i = 0; i < 3; ++i) {
        notify.notify_one();
        for (int turn = 0; turn < 3; ++turn) co_await kimojio::yield_io();
        CHECK(order.size() == static_cast<std::size_t>(i + 1));  // exactly one woken per call
    }
    CHECK(order == std::vector<int>{0, 1, 2});
    for (auto& task : tasks) CHECK((co_await task).is_ok());
}
}  // namespace

TEST_CASE("Notify: notify_one wakes one waiter, the one queued longest") { run_test(notify_fifo_body()); }

namespace {
Async<void> notify_waiters_body() {
    Notify notify;
    int woken = 0;
    std::vector<kimojio::TaskHandle<void>> tasks;
    for (int i = 0; i < 4; ++i) {
        tasks.push_back(kimojio::spawn_task([](Notify* n, int* woken) -> Async<void> {
            co_await n->notified();
            *woken += 1;
        }(&notify, &woken)));
    }
    co_await kimojio::yield_io();
    kimojio::sync::Notified created_not_polled = notify.notified();
    notify.notify_waiters();
    for (auto& task : tasks) CHECK((co_await task).is_ok());
    CHECK(woken == 4);
    // A waiter created before the call counts as notified even though it was not polled;
    // one created after is not, and no permit was stored.
    CHECK(co_await PollOnce<kimojio::sync::Notified>{&created_not_polled});
    kimojio::sync::Notified after = notify.notified();
    CHECK_FALSE(co_await PollOnce<kimojio::sync::Notified>{&after});
}
}  // namespace

TEST_CASE("Notify: notify_waiters wakes every waiter created before it and stores no permit") {
    run_test(notify_waiters_body());
}

namespace {
Async<void> notify_dropped_waiter_body(bool abort) {
    auto notify = std::make_shared<Notify>();
    int second_woken = 0;
    auto first = kimojio::spawn_task([](std::shared_ptr<Notify> n) -> Async<void> {
        co_await n->notified();
        // Reached only when not aborted; parks so the notification stays unconsumed.
        co_await n->notified();
    }(notify));
    co_await kimojio::yield_io();
    auto second = kimojio::spawn_task([](std::shared_ptr<Notify> n, int* woken) -> Async<void> {
        co_await n->notified();
        *woken += 1;
    }(notify, &second_woken));
    co_await kimojio::yield_io();
    // The first waiter gets the notification; it is aborted (or dropped) before it
    // consumed it, so the notification must go on to the second one.
    std::thread([notify] { notify->notify_one(); }).join();
    first.abort();
    if (abort) {
        CHECK(ended_by_abort(co_await first));
    }
    CHECK((co_await second).is_ok());
    CHECK(second_woken == 1);
}
}  // namespace

TEST_CASE("Notify: a notify_one that reached an aborted waiter goes on to the next waiter") {
    run_test(notify_dropped_waiter_body(true));
}

TEST_CASE("Notify: a Notified polled again after it completed throws") {
    run_test([]() -> Async<void> {
        Notify notify;
        notify.notify_one();
        kimojio::sync::Notified notified = notify.notified();
        CHECK(co_await PollOnce<kimojio::sync::Notified>{&notified});
        kimojio::Context cx = kimojio::Context::from_waker(Waker::noop());
        CHECK_THROWS_WITH_AS((void)notified.poll(cx), doctest::Contains("polled again after it completed"),
                             std::runtime_error);
    }());
}

TEST_CASE("Notify: a moved queued waiter stays queued") {
    run_test([]() -> Async<void> {
        Notify notify;
        kimojio::sync::Notified a = notify.notified();
        CHECK_FALSE(co_await PollOnce<kimojio::sync::Notified>{&a});
        kimojio::sync::Notified b = std::move(a);
        notify.notify_one();
        CHECK(co_await PollOnce<kimojio::sync::Notified>{&b});
    }());
}

namespace {
// Stress (TSan): 4 threads notify_one 2,000 times each while 8 tasks consume; each
// notification is consumed by exactly one waiter or left as the single permit.
Async<void> notify_threads_body() {
    auto notify = std::make_shared<Notify>();
    constexpr int threads = 4, per_thread = 2000, tasks = 8;
    auto consumed = std::make_shared<int>(0);
    auto stop = std::make_shared<bool>(false);
    std::vector<kimojio::TaskHandle<void>> handles;
    for (int t = 0; t < tasks; ++t) {
        handles.push_back(kimojio::spawn_task([](std::shared_ptr<Notify> n, std::shared_ptr<int> consumed,
                                                 std::shared_ptr<bool> stop) -> Async<void> {
            while (!*stop) {
                co_await n->notified();
                *consumed += 1;
            }
        }(notify, consumed, stop)));
    }
    std::atomic<int> sent{0};
    std::vector<std::thread> senders;
    for (int t = 0; t < threads; ++t) {
        senders.emplace_back([notify, &sent] {
            for (int i = 0; i < per_thread; ++i) {
                notify->notify_one();
                sent.fetch_add(1, std::memory_order_relaxed);
                if (i % 64 == 0) std::this_thread::yield();
            }
        });
    }
    // Notifications coalesce into the permit while nobody waits, so fewer are consumed
    // than sent; what matters is that the consumers never stall with a permit pending.
    while (sent.load() < threads * per_thread) co_await kimojio::yield_io();
    for (auto& s : senders) s.join();
    *stop = true;
    notify->notify_waiters();
    for (int t = 0; t < tasks; ++t) notify->notify_one();
    for (auto& h : handles) CHECK((co_await h).is_ok());
    CHECK(*consumed >= 1);
    CHECK(*consumed <= threads * per_thread + tasks);
}
}  // namespace

TEST_CASE("Notify: notify_one from 4 threads into 8 waiting tasks, no task stalls") { run_test(notify_threads_body()); }

// ---------------------------------------------------------------- oneshot

TEST_CASE("oneshot: a value sent from a std::thread reaches the awaiting task") {
    for (int round = 0; round < 200; ++round) {
        auto [sender, receiver] = kimojio::sync::oneshot<std::string>();
        std::thread thread([s = std::move(sender), round]() mutable {
            CHECK(s.send("value " + std::to_string(round)).is_ok());
        });
        std::string got = run_test([](kimojio::sync::OneshotReceiver<std::string> r) -> Async<std::string> {
            co_return co_await r;
        }(std::move(receiver)));
        thread.join();
        CHECK(got == "value " + std::to_string(round));
    }
}

TEST_CASE("oneshot: set_exception is rethrown by the receiver") {
    auto [sender, receiver] = kimojio::sync::oneshot<int>();
    std::thread([s = std::move(sender)]() mutable {
        CHECK(s.set_exception(std::make_exception_ptr(std::out_of_range("computed nothing"))));
    }).join();
    run_test([](kimojio::sync::OneshotReceiver<int> r) -> Async<void> {
        CHECK_THROWS_WITH_AS((void)co_await r, "computed nothing", std::out_of_range);
        kimojio::Context cx = kimojio::Context::from_waker(Waker::noop());
        CHECK_THROWS_AS((void)r.poll(cx), kimojio::sync::OneshotUsedError);  // receiving twice
    }(std::move(receiver)));
}

TEST_CASE("oneshot: a sender destroyed without sending makes the receiver throw RecvError") {
    auto [sender, receiver] = kimojio::sync::oneshot<int>();
    std::thread([s = std::move(sender)]() {}).join();
    run_test([](kimojio::sync::OneshotReceiver<int> r) -> Async<void> {
        CHECK_THROWS_WITH_AS((void)co_await r, doctest::Contains("destroyed without sending"),
                             kimojio::sync::RecvError);
        CHECK_THROWS_AS((void)r.try_recv(), kimojio::sync::RecvError);  // and says so again
    }(std::move(receiver)));
}

TEST_CASE("oneshot: send to a destroyed receiver hands the value back, a second send throws") {
    auto [sender, receiver] = kimojio::sync::oneshot<std::string>();
    CHECK_FALSE(sender.is_closed());
    { auto gone = std::move(receiver); }
    CHECK(sender.is_closed());
    auto result = sender.send("kept");
    REQUIRE(result.is_err());
    CHECK(result.error() == "kept");
    CHECK_THROWS_WITH_AS((void)sender.send("again"), doctest::Contains("already used"),
                         kimojio::sync::OneshotUsedError);
}

TEST_CASE("oneshot: try_recv before and after the value") {
    auto [sender, receiver] = kimojio::sync::oneshot<int>();
    CHECK_FALSE(receiver.try_recv().has_value());
    CHECK(sender.send(7).is_ok());
    CHECK(receiver.try_recv() == std::optional<int>(7));
    CHECK_THROWS_AS((void)receiver.try_recv(), kimojio::sync::OneshotUsedError);
}

namespace {
Async<void> oneshot_abort_body(kimojio::sync::OneshotSender<int>* sender_out, bool* aborted) {
    auto [sender, receiver] = kimojio::sync::oneshot<int>();
    *sender_out = std::move(sender);
    auto task = kimojio::spawn_task([](kimojio::sync::OneshotReceiver<int> r) -> Async<int> {
        co_return co_await r;
    }(std::move(receiver)));
    co_await kimojio::yield_io();
    task.abort();
    // The sending thread races the abort: either way the task ends with TaskAborted,
    // and the value comes back to the sender once the receiver is gone.
    std::thread([sender_out] { (void)sender_out->send(1); }).join();
    *aborted = ended_by_abort(co_await task);
}
}  // namespace

TEST_CASE("oneshot: a receiving task aborted while parked ends with TaskAborted, a send from a thread after it is harmless") {
    kimojio::sync::OneshotSender<int> sender = kimojio::sync::oneshot<int>().first;
    bool aborted = false;
    run_test(oneshot_abort_body(&sender, &aborted));
    CHECK(aborted);
}

namespace {
// Stress (TSan): 8 threads each complete 64 oneshots awaited by 64 tasks, a random
// quarter of which are aborted: every value is received exactly once or comes back
// to its sender.
Async<void> oneshot_stress_body(std::uint32_t seed) {
    constexpr int threads = 8, per_thread = 64;
    std::vector<kimojio::sync::OneshotSender<int>> senders;
    std::vector<kimojio::TaskHandle<int>> tasks;
    for (int i = 0; i < threads * per_thread; ++i) {
        auto [s, r] = kimojio::sync::oneshot<int>();
        senders.push_back(std::move(s));
        tasks.push_back(kimojio::spawn_task([](kimojio::sync::OneshotReceiver<int> r) -> Async<int> {
            co_return co_await r;
        }(std::move(r))));
    }
    co_await kimojio::yield_io();
    std::vector<bool> aborted(tasks.size());
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        seed = seed * 1103515245 + 12345;
        if ((seed >> 16) % 4 == 0) {
            tasks[i].abort();
            aborted[i] = true;
        }
    }
    std::atomic<int> returned{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&senders, &returned, t] {
            for (int i = 0; i < per_thread; ++i) {
                int index = t * per_thread + i;
                if (senders[index].send(index).is_err()) returned.fetch_add(1);
            }
        });
    }
    int received = 0;
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        auto result = co_await tasks[i];
        if (result.is_ok()) {
            CHECK(result.value() == static_cast<int>(i));
            CHECK_FALSE(aborted[i]);
            received += 1;
        } else {
            CHECK(aborted[i]);
            CHECK(ended_by_abort(result));
        }
    }
    for (auto& w : workers) w.join();
    CHECK(received + returned.load() <= threads * per_thread);
    // An aborted receiver either died before its send (value returned) or after the
    // value arrived (then dropped with the receiver): never received twice, never lost
    // by a task that was not aborted.
    int not_aborted = 0;
    for (bool a : aborted) not_aborted += a ? 0 : 1;
    CHECK(received == not_aborted);
}
}  // namespace

TEST_CASE("oneshot: 8 threads complete 512 oneshots into tasks, a quarter aborted") {
    for (std::uint32_t seed = 1; seed <= 5; ++seed) {
        run_test(oneshot_stress_body(seed));
    }
}

// ---------------------------------------------------------------- spawn_blocking

TEST_CASE("spawn_blocking: runs on another thread and returns its value to the task") {
    std::thread::id loop_thread = std::this_thread::get_id();
    auto result = run_test([](std::thread::id loop_thread) -> Async<int> {
        std::thread::id ran_on;
        int value = co_await kimojio::spawn_blocking([&ran_on] {
            ran_on = std::this_thread::get_id();
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            return 41;
        });
        CHECK(ran_on != loop_thread);
        co_await kimojio::spawn_blocking([] {});  // void
        co_return value + 1;
    }(loop_thread));
    CHECK(result == 42);
}

TEST_CASE("spawn_blocking: an exception thrown by the function is rethrown in the task") {
    run_test([]() -> Async<void> {
        CHECK_THROWS_WITH_AS(co_await kimojio::spawn_blocking([]() -> int { throw std::out_of_range("no such line"); }),
                             "no such line", std::out_of_range);
    }());
}

TEST_CASE("spawn_blocking: at most blocking_threads threads, the loop keeps running meanwhile") {
    run_test(
        []() -> Async<void> {
            std::atomic<int> running{0}, peak{0};
            std::atomic<bool> release{false};
            std::vector<kimojio::BlockingFuture<void>> jobs;
            for (int i = 0; i < 6; ++i) {
                jobs.push_back(kimojio::spawn_blocking([&] {
                    int now = running.fetch_add(1) + 1;
                    int seen = peak.load();
                    while (now > seen && !peak.compare_exchange_weak(seen, now)) {}
                    while (!release.load()) std::this_thread::yield();
                    running.fetch_sub(1);
                }));
            }
            // The loop is not blocked: I/O and yields still complete while all jobs wait.
            CHECK((co_await kimojio::nop()).is_ok());
            while (running.load() < 2) co_await kimojio::yield_io();
            release = true;
            for (auto& job : jobs) co_await job;
            CHECK(peak.load() == 2);
        }(),
        kimojio::Configuration().set_blocking_threads(2));
}

TEST_CASE("spawn_blocking: bad use throws a clear error") {
    CHECK_THROWS_WITH_AS((void)kimojio::spawn_blocking([] {}), doctest::Contains("without a kimojio::Runtime"),
                         std::runtime_error);
    CHECK_THROWS_AS(kimojio::Runtime(0, kimojio::Configuration().set_blocking_threads(0)), std::invalid_argument);
}

TEST_CASE("spawn_blocking: shutdown lets the running function finish and joins the pool") {
    // The queued job owns a guard whose destruction (shutdown dropping the job unstarted)
    // is what lets the running job finish: so it is running when shutdown stops the pool,
    // whatever the machine's load.
    struct SignalOnDrop {
        std::latch* dropped;
        explicit SignalOnDrop(std::latch* latch) : dropped(latch) {}
        SignalOnDrop(SignalOnDrop&& other) noexcept : dropped(std::exchange(other.dropped, nullptr)) {}
        ~SignalOnDrop() {
            if (dropped != nullptr) dropped->count_down();
        }
    };
    std::latch dropped(1);
    std::atomic<bool> finished{false};
    std::atomic<bool> waited_too_long{false};
    {
        kimojio::Runtime runtime(0, kimojio::Configuration().set_blocking_threads(1));
        auto result = runtime.block_on([](std::atomic<bool>* finished, std::atomic<bool>* waited_too_long,
                                          std::latch* dropped) -> Async<void> {
            std::atomic<bool> started{false};
            auto job = kimojio::spawn_blocking([finished, waited_too_long, dropped, &started] {
                started.store(true);
                // Bounded, so a pool that never drops the queued job fails here, not by hanging.
                auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
                while (!dropped->try_wait()) {
                    if (std::chrono::steady_clock::now() > deadline) {
                        waited_too_long->store(true);
                        break;
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                }
                finished->store(true);
            });
            (void)kimojio::spawn_blocking(
                [guard = SignalOnDrop(dropped)] { FAIL("a job not started by shutdown must not run"); });
            while (!started.load()) co_await kimojio::yield_io();
            kimojio::shutdown_loop();
            co_return;
        }(&finished, &waited_too_long, &dropped));
        REQUIRE(result.has_value());
    }
    CHECK(finished.load());  // ~Runtime waited for it
    CHECK_FALSE(waited_too_long.load());  // the queued job was dropped, not kept
}
