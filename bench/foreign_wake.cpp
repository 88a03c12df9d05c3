// Foreign-wake benchmarks (a program, not a test):
//  1. round trip, owner asleep: a plain thread wakes a kimojio task, the task wakes the
//     thread back (eventfd), against the same ping-pong with no runtime: a thread writes
//     an eventfd that a bare io_uring loop reads, which writes another eventfd back.
//  2. throughput, owner busy: N plain threads wake 64 tasks while the owner keeps
//     polling a busy task; wakes per second and eventfd writes per 1,000 wakes.
// Every figure is the median of --runs runs (min and max shown), measured in one process.
//
// Usage: foreign_wake [--round-trips N] [--runs R] [--wakes N] [--threads 1,2,4,8]
#include <liburing.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "kimojio/kimojio.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    int round_trips = 20000;
    int runs = 5;
    int wakes = 200000;
    std::vector<int> threads = {1, 2, 4, 8};
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        std::string value = argv[i + 1];
        if (flag == "--round-trips") o.round_trips = std::stoi(value);
        else if (flag == "--runs") o.runs = std::stoi(value);
        else if (flag == "--wakes") o.wakes = std::stoi(value);
        else if (flag == "--threads") {
            o.threads.clear();
            for (std::size_t pos = 0; pos < value.size();) {
                std::size_t comma = value.find(',', pos);
                o.threads.push_back(std::stoi(value.substr(pos, comma - pos)));
                pos = comma == std::string::npos ? value.size() : comma + 1;
            }
        } else {
            std::fprintf(stderr, "unknown option %s\nusage: %s [--round-trips N] [--runs R] [--wakes N] [--threads 1,2,4,8]\n",
                         flag.c_str(), argv[0]);
            std::exit(2);
        }
    }
    return o;
}

struct Summary {
    double median, min, max;
};

Summary summarize(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return {v[v.size() / 2], v.front(), v.back()};
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

// ---- 1a. the limit: eventfd -> bare io_uring loop -> eventfd ----
double raw_round_trip_ns(int round_trips) {
    int to_loop = ::eventfd(0, EFD_CLOEXEC);
    int back = ::eventfd(0, EFD_CLOEXEC);
    std::thread loop([&] {
        io_uring ring;
        io_uring_queue_init(8, &ring, 0);
        std::uint64_t buffer;
        for (int i = 0; i < round_trips; ++i) {
            io_uring_sqe* sqe = io_uring_get_sqe(&ring);
            io_uring_prep_read(sqe, to_loop, &buffer, sizeof(buffer), 0);
            io_uring_submit_and_wait(&ring, 1);
            io_uring_cqe* cqe;
            io_uring_wait_cqe(&ring, &cqe);
            io_uring_cqe_seen(&ring, cqe);
            write_one(back);
        }
        io_uring_queue_exit(&ring);
    });
    std::vector<double> samples;
    samples.reserve(round_trips);
    for (int i = 0; i < round_trips; ++i) {
        auto start = Clock::now();
        write_one(to_loop);
        read_one(back);
        samples.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count());
    }
    loop.join();
    ::close(to_loop);
    ::close(back);
    return summarize(samples).median;
}

// ---- 1b. kimojio: plain thread wakes a task; the task writes an eventfd back ----
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
            write_one(p->back);  // wake the thread back
        }
        if (p->seen == static_cast<std::uint64_t>(p->total)) return kimojio::Ready;
        return kimojio::Pending;
    }
};

kimojio::Async<void> pong(PingPong* p) { co_await PongFuture{p}; }

double kimojio_round_trip_ns(int round_trips, kimojio::ForeignWakeStats* stats_out) {
    PingPong p;
    p.back = ::eventfd(0, EFD_CLOEXEC);
    p.total = round_trips;
    std::vector<double> samples;
    samples.reserve(round_trips);
    std::thread pinger([&] {
        while (p.waker_data.load(std::memory_order_acquire) == nullptr) std::this_thread::yield();
        kimojio::Waker waker = kimojio::Waker::from_raw(
            kimojio::RawWaker{p.waker_data.load(std::memory_order_acquire), &kimojio::index_waker_vtable()});
        for (int i = 0; i < round_trips; ++i) {
            auto start = Clock::now();
            p.sent.fetch_add(1, std::memory_order_release);
            waker.wake_by_ref();
            read_one(p.back);
            samples.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count());
        }
    });
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto result = runtime.block_on(pong(&p));
    pinger.join();
    if (!result) std::abort();
    *stats_out = runtime.foreign_wake_stats();
    ::close(p.back);
    return summarize(samples).median;
}

// ---- 2. throughput with a busy owner ----
struct Busy {
    std::atomic<bool> stop{false};
    std::atomic<int> ready{0};
    std::atomic<std::uint16_t> index[64];
    std::atomic<std::uint64_t> polls{0};
};

struct TargetFuture {
    Busy* b;
    kimojio::Poll<void> poll(kimojio::Context&) {
        b->polls.fetch_add(1, std::memory_order_relaxed);
        return b->stop.load(std::memory_order_acquire) ? kimojio::Poll<void>(kimojio::Ready)
                                                       : kimojio::Poll<void>(kimojio::Pending);
    }
};

kimojio::Async<void> target(Busy* b, int i) {
    b->index[i].store(kimojio::TaskState::get()->get_current_task()->task_index);
    b->ready.fetch_add(1);
    co_await TargetFuture{b};
}

kimojio::Async<void> busy_main(Busy* b) {
    std::vector<kimojio::JoinHandle<void>> targets;
    for (int i = 0; i < 64; ++i) targets.push_back(kimojio::spawn(target(b, i)));
    // the busy task: keeps the loop turning (never blocks) until the wakers are done
    while (!b->stop.load(std::memory_order_acquire)) co_await kimojio::yield_io();
    for (int i = 0; i < 64; ++i) kimojio::create_waker(b->index[i].load()).wake_by_ref();
    for (auto& t : targets) co_await t;
}

struct Throughput {
    double wakes_per_second;
    double eventfd_writes_per_1000;
};

Throughput busy_owner(int threads, int wakes_per_thread) {
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
                    w.push_back(kimojio::Waker::from_raw(kimojio::RawWaker{
                        kimojio::pack_waker_data(0, b.index[i].load()), &kimojio::index_waker_vtable()}));
                for (int k = 0; k < wakes_per_thread; ++k) w[(k + t * 7) % 64].wake_by_ref();
            });
        }
        for (auto& w : wakers) w.join();
        seconds = std::chrono::duration<double>(Clock::now() - start).count();
        b.stop.store(true, std::memory_order_release);
    });
    auto result = runtime.block_on(busy_main(&b));
    coordinator.join();
    if (!result) std::abort();
    auto stats = runtime.foreign_wake_stats();
    double total = static_cast<double>(threads) * wakes_per_thread;
    return {total / seconds, 1000.0 * static_cast<double>(stats.eventfd_writes) / static_cast<double>(stats.foreign_wakes)};
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse(argc, argv);
    std::printf("machine: %u cores; runs: %d (median [min, max])\n", std::thread::hardware_concurrency(), o.runs);

    std::vector<double> raw, kim, writes_per_sleep;
    for (int r = 0; r < o.runs; ++r) {
        raw.push_back(raw_round_trip_ns(o.round_trips));
        kimojio::ForeignWakeStats stats;
        kim.push_back(kimojio_round_trip_ns(o.round_trips, &stats));
        writes_per_sleep.push_back(stats.sleeps ? static_cast<double>(stats.eventfd_writes) / stats.sleeps : 0);
        std::fprintf(stderr, "  round trip run %d/%d: raw %.0f ns, kimojio %.0f ns\n", r + 1, o.runs, raw.back(), kim.back());
    }
    Summary rs = summarize(raw), ks = summarize(kim), ws = summarize(writes_per_sleep);
    std::vector<double> ratios;
    for (int r = 0; r < o.runs; ++r) ratios.push_back(kim[r] / raw[r]);
    Summary ratio = summarize(ratios);
    std::printf("\n| round trip, owner asleep (%d per run) | median ns | min | max |\n|---|---|---|---|\n", o.round_trips);
    std::printf("| raw eventfd -> io_uring loop (limit) | %.0f | %.0f | %.0f |\n", rs.median, rs.min, rs.max);
    std::printf("| kimojio foreign wake | %.0f | %.0f | %.0f |\n", ks.median, ks.min, ks.max);
    std::printf("| ratio kimojio / limit | %.2fx | %.2fx | %.2fx |\n", ratio.median, ratio.min, ratio.max);
    std::printf("| eventfd writes per owner sleep | %.3f | %.3f | %.3f |\n", ws.median, ws.min, ws.max);

    std::printf("\n| busy owner, %d wakes/thread | wakes/s median | min | max | eventfd writes per 1,000 wakes (median) |\n|---|---|---|---|---|\n",
                o.wakes);
    for (int threads : o.threads) {
        std::vector<double> rate, writes;
        for (int r = 0; r < o.runs; ++r) {
            Throughput t = busy_owner(threads, o.wakes);
            rate.push_back(t.wakes_per_second);
            writes.push_back(t.eventfd_writes_per_1000);
        }
        Summary s = summarize(rate), w = summarize(writes);
        std::printf("| %d thread%s | %.3g | %.3g | %.3g | %.3f |\n", threads, threads == 1 ? "" : "s", s.median, s.min, s.max,
                    w.median);
        std::fflush(stdout);
    }
    return 0;
}
