// kimojio-cpp side of the benchmarks, and the no-runtime limits. One measurement per
// invocation; prints `RESULT <metric> <impl> <value> <unit>` lines that ci/bench
// aggregates (medians of several invocations). Not a test: nothing is judged here.
//
//   kimojio_bench round_trip [n]          plain thread wakes a task, task wakes it back
//   kimojio_bench raw_round_trip [n]      the same through a bare eventfd/io_uring loop
//   kimojio_bench throughput <threads> [n]  foreign wakes/s with a busy owner
//   kimojio_bench foreign_wake [n]        one plain thread wakes 64 parked tasks n times while
//                                         the loop waits (for callgrind: instructions per wake)
//   kimojio_bench churn [n]               spawn + complete + join of trivial tasks
//   kimojio_bench nop [n]                 nop I/O through the runtime
//   kimojio_bench raw_nop [n]             nop through a bare liburing loop
//   kimojio_bench self_wake index|rc [n]  a task wakes itself n times (for callgrind:
//                                         instructions per wake + schedule + poll)
#include <liburing.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "kimojio/kimojio.hpp"

namespace {

using Clock = std::chrono::steady_clock;

void result(const char* metric, const char* impl, double value, const char* unit) {
    std::printf("RESULT %s %s %.6g %s\n", metric, impl, value, unit);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void write_one(int fd) {
    std::uint64_t one = 1;
    if (::write(fd, &one, sizeof(one)) != sizeof(one)) std::abort();
}
void read_one(int fd) {
    std::uint64_t value;
    while (::read(fd, &value, sizeof(value)) != sizeof(value)) {
    }
}

// ---- round trip: the limit ----
void raw_round_trip(int n) {
    int to_loop = ::eventfd(0, EFD_CLOEXEC), back = ::eventfd(0, EFD_CLOEXEC);
    std::thread loop([&] {
        io_uring ring;
        io_uring_queue_init(8, &ring, 0);
        std::uint64_t buffer;
        for (int i = 0; i < n; ++i) {
            io_uring_prep_read(io_uring_get_sqe(&ring), to_loop, &buffer, sizeof(buffer), 0);
            io_uring_submit_and_wait(&ring, 1);
            io_uring_cqe* cqe;
            io_uring_wait_cqe(&ring, &cqe);
            io_uring_cqe_seen(&ring, cqe);
            write_one(back);
        }
        io_uring_queue_exit(&ring);
    });
    std::vector<double> samples;
    for (int i = 0; i < n; ++i) {
        auto start = Clock::now();
        write_one(to_loop);
        read_one(back);
        samples.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count());
    }
    loop.join();
    result("round_trip", "raw_eventfd_io_uring", median(samples), "ns");
}

// ---- round trip: kimojio ----
struct PingPong {
    std::atomic<std::uint64_t> sent{0};
    std::uint64_t seen = 0;  // owner thread only
    int back = -1;
    int total = 0;
    std::atomic<const void*> waker_data{nullptr};
};

struct PongFuture {
    PingPong* p;
    kimojio::Poll<void> poll(kimojio::Context& cx) {
        if (p->waker_data.load(std::memory_order_relaxed) == nullptr) {
            p->waker_data.store(cx.waker().data(), std::memory_order_release);
        }
        std::uint64_t sent = p->sent.load(std::memory_order_acquire);
        while (p->seen < sent) {
            ++p->seen;
            write_one(p->back);  // the task wakes the thread back
        }
        return p->seen == static_cast<std::uint64_t>(p->total) ? kimojio::Poll<void>(kimojio::Ready)
                                                               : kimojio::Poll<void>(kimojio::Pending);
    }
};

kimojio::Async<void> pong(PingPong* p) { co_await PongFuture{p}; }

void round_trip(int n) {
    PingPong p;
    p.back = ::eventfd(0, EFD_CLOEXEC);
    p.total = n;
    std::vector<double> samples;
    std::thread pinger([&] {
        while (p.waker_data.load(std::memory_order_acquire) == nullptr) std::this_thread::yield();
        kimojio::Waker waker = kimojio::Waker::from_raw(
            kimojio::RawWaker{p.waker_data.load(std::memory_order_acquire), &kimojio::index_waker_vtable()});
        for (int i = 0; i < n; ++i) {
            auto start = Clock::now();
            p.sent.fetch_add(1, std::memory_order_release);
            waker.wake_by_ref();
            read_one(p.back);
            samples.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count());
        }
    });
    kimojio::Runtime runtime(0, kimojio::Configuration());
    if (!runtime.block_on(pong(&p))) std::abort();
    pinger.join();
    auto stats = runtime.foreign_wake_stats();
    result("round_trip", "kimojio", median(samples), "ns");
    result("round_trip_eventfd_writes_per_sleep", "kimojio",
           stats.sleeps ? static_cast<double>(stats.eventfd_writes) / static_cast<double>(stats.sleeps) : 0, "ratio");
}

// ---- throughput, owner busy ----
struct Busy {
    std::atomic<bool> stop{false};
    std::atomic<int> ready{0};
    std::atomic<std::uint16_t> index[64];
};

struct Parked {
    Busy* b;
    kimojio::Poll<void> poll(kimojio::Context&) {
        return b->stop.load(std::memory_order_acquire) ? kimojio::Poll<void>(kimojio::Ready)
                                                       : kimojio::Poll<void>(kimojio::Pending);
    }
};

kimojio::Async<void> target(Busy* b, int i) {
    b->index[i].store(kimojio::TaskState::get()->get_current_task()->task_index);
    b->ready.fetch_add(1);
    co_await Parked{b};
}

kimojio::Async<void> busy_main(Busy* b) {
    std::vector<kimojio::JoinHandle<void>> targets;
    for (int i = 0; i < 64; ++i) targets.push_back(kimojio::spawn(target(b, i)));
    // the busy task keeps the loop turning (it never blocks) until the wakers are done
    while (!b->stop.load(std::memory_order_acquire)) co_await kimojio::yield_io();
    for (int i = 0; i < 64; ++i) kimojio::create_waker(b->index[i].load()).wake_by_ref();
    for (auto& t : targets) co_await t;
}

void throughput(int threads, int per_thread) {
    Busy b;
    kimojio::Runtime runtime(0, kimojio::Configuration());
    double seconds = 0;
    std::thread coordinator([&] {
        while (b.ready.load() < 64) std::this_thread::yield();
        std::vector<std::thread> wakers;
        auto start = Clock::now();
        for (int t = 0; t < threads; ++t) {
            wakers.emplace_back([&, t] {
                std::vector<kimojio::Waker> w;
                for (int i = 0; i < 64; ++i)
                    w.push_back(kimojio::Waker::from_raw(kimojio::RawWaker{kimojio::pack_waker_data(0, b.index[i].load()),
                                                                           &kimojio::index_waker_vtable()}));
                for (int k = 0; k < per_thread; ++k) w[(k + t * 7) % 64].wake_by_ref();
            });
        }
        for (auto& w : wakers) w.join();
        seconds = std::chrono::duration<double>(Clock::now() - start).count();
        b.stop.store(true, std::memory_order_release);
    });
    if (!runtime.block_on(busy_main(&b))) std::abort();
    coordinator.join();
    auto stats = runtime.foreign_wake_stats();
    std::string metric = "throughput_" + std::to_string(threads);
    result(metric.c_str(), "kimojio", static_cast<double>(threads) * per_thread / seconds, "wakes/s");
    result(("eventfd_writes_per_1000_" + std::to_string(threads)).c_str(), "kimojio",
           1000.0 * static_cast<double>(stats.eventfd_writes) / static_cast<double>(stats.foreign_wakes), "writes");
}

// ---- foreign wake, owner not polling ----
// The loop blocks in join() while one thread wakes, so no polling is interleaved with the
// wakes and callgrind's count per wake does not depend on scheduling. The first wake of each
// task sets its bit; every later one finds the task already pending.
kimojio::Async<void> foreign_wake_main(Busy* b, int n) {
    std::vector<kimojio::JoinHandle<void>> targets;
    for (int i = 0; i < 64; ++i) targets.push_back(kimojio::spawn(target(b, i)));
    while (b->ready.load() < 64) co_await kimojio::yield_io();
    auto start = Clock::now();
    std::thread waker([&] {
        std::vector<kimojio::Waker> w;
        for (int i = 0; i < 64; ++i)
            w.push_back(kimojio::Waker::from_raw(kimojio::RawWaker{kimojio::pack_waker_data(0, b->index[i].load()),
                                                                   &kimojio::index_waker_vtable()}));
        for (int k = 0; k < n; ++k) w[k % 64].wake_by_ref();
    });
    waker.join();
    result("foreign_wake", "kimojio", std::chrono::duration<double, std::nano>(Clock::now() - start).count() / n, "ns");
    b->stop.store(true, std::memory_order_release);
    for (auto& t : targets) co_await t;
}

void foreign_wake(int n) {
    Busy b;
    kimojio::Runtime runtime(0, kimojio::Configuration());
    if (!runtime.block_on(foreign_wake_main(&b, n))) std::abort();
}

// ---- churn ----
kimojio::Async<void> trivial() { co_return; }

kimojio::Async<void> churn_main(int n) {
    constexpr int BATCH = 1000;
    std::vector<kimojio::JoinHandle<void>> handles;
    handles.reserve(BATCH);
    for (int done = 0; done < n; done += BATCH) {
        for (int i = 0; i < BATCH; ++i) handles.push_back(kimojio::spawn(trivial()));
        for (auto& h : handles) co_await h;
        handles.clear();
    }
}

void churn(int n) {
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto start = Clock::now();
    if (!runtime.block_on(churn_main(n))) std::abort();
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    result("churn", "kimojio", n / seconds, "tasks/s");
}

// ---- nop ----
kimojio::Async<void> nops(int n) {
    for (int i = 0; i < n; ++i) (co_await kimojio::nop()).value();
}

void nop(int n) {
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto start = Clock::now();
    if (!runtime.block_on(nops(n))) std::abort();
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    result("nop", "kimojio", n / seconds, "nops/s");
}

void raw_nop(int n) {
    io_uring ring;
    io_uring_queue_init(128, &ring, 0);
    auto start = Clock::now();
    for (int i = 0; i < n; ++i) {
        io_uring_prep_nop(io_uring_get_sqe(&ring));
        io_uring_submit_and_wait(&ring, 1);
        io_uring_cqe* cqe;
        io_uring_wait_cqe(&ring, &cqe);
        io_uring_cqe_seen(&ring, cqe);
    }
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    io_uring_queue_exit(&ring);
    result("nop", "raw_liburing", n / seconds, "nops/s");
}

// ---- self wake, fixed count (the Google Benchmark version is bench/local_wake.cpp) ----
struct SelfWake {
    int left;
    bool rc;
    kimojio::Poll<void> poll(kimojio::Context& cx) {
        if (left-- == 0) return kimojio::Ready;
        if (rc) {
            kimojio::rc_waker::create_waker(kimojio::TaskState::get()->get_current_task()).wake_by_ref();
        } else {
            cx.waker().wake_by_ref();
        }
        return kimojio::Pending;
    }
};

void self_wake(bool rc, int n) {
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto start = Clock::now();
    if (!runtime.block_on(SelfWake{n, rc})) std::abort();
    double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count() / n;
    result("self_wake", rc ? "rc" : "index", ns, "ns");
}

int arg(int argc, char** argv, int i, int fallback) { return argc > i ? std::atoi(argv[i]) : fallback; }

}  // namespace

int main(int argc, char** argv) {
    std::string what = argc > 1 ? argv[1] : "";
    if (what == "round_trip") round_trip(arg(argc, argv, 2, 20000));
    else if (what == "raw_round_trip") raw_round_trip(arg(argc, argv, 2, 20000));
    else if (what == "throughput") throughput(arg(argc, argv, 2, 1), arg(argc, argv, 3, 200000));
    else if (what == "foreign_wake") foreign_wake(arg(argc, argv, 2, 200000));
    else if (what == "churn") churn(arg(argc, argv, 2, 200000));
    else if (what == "nop") nop(arg(argc, argv, 2, 200000));
    else if (what == "raw_nop") raw_nop(arg(argc, argv, 2, 200000));
    else if (what == "self_wake") self_wake(argc > 2 && std::string(argv[2]) == "rc", arg(argc, argv, 3, 1000000));
    else {
        std::fprintf(stderr,
                     "usage: %s round_trip|raw_round_trip [n] | throughput <threads> [n] | foreign_wake|churn|nop|raw_nop [n]"
                     " | self_wake index|rc [n]\n",
                     argv[0]);
        return 2;
    }
    return 0;
}
