// Worker threads and the loop side by side: four std::threads count primes and hand their
// results back through a kimojio::sync::channel, a spawn_blocking job sums a large range,
// and meanwhile the loop keeps doing io_uring I/O (a ticker writes a pipe every 2 ms, a
// reader task reads it). Run by ./ci/demo after pipe_demo; ctest example_workers_demo.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "kimojio/kimojio.hpp"

using namespace std::chrono_literals;
using kimojio::Async;

namespace {

struct Count {
    int worker;
    std::uint64_t from, to, primes;
};

std::uint64_t count_primes(std::uint64_t from, std::uint64_t to) {
    std::uint64_t count = 0;
    for (std::uint64_t n = from < 2 ? 2 : from; n < to; ++n) {
        bool prime = true;
        for (std::uint64_t d = 2; d * d <= n && prime; ++d) prime = n % d != 0;
        count += prime;
    }
    return count;
}

// Writes a tick every 2 ms until `stop`; returns how many it wrote.
Async<int> ticker(kimojio::BorrowedFd fd, const std::atomic<bool>* stop) {
    int ticks = 0;
    while (!stop->load()) {
        co_await kimojio::sleep(2ms);
        (co_await kimojio::write(fd, std::span<const char>("t", 1))).value();
        ticks += 1;
    }
    co_return ticks;
}

// Reads ticks until the writer closes; returns how many bytes it read.
Async<int> reader(kimojio::OwnedFd fd) {
    int bytes = 0;
    char buffer[64];
    for (;;) {
        std::size_t n = (co_await kimojio::read(fd, buffer)).value();
        if (n == 0) co_return bytes;
        bytes += static_cast<int>(n);
    }
}

Async<int> demo() {
    auto [read_end, write_end] = kimojio::bipipe();
    std::atomic<bool> stop{false};
    auto ticks = kimojio::spawn_task(ticker(write_end, &stop));
    auto read = kimojio::spawn_task(reader(std::move(read_end)));

    // Four workers, each a range of numbers: results come back through a channel.
    auto [tx, rx] = kimojio::sync::channel<Count>(4);
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w) {
        workers.emplace_back([tx = tx, w] {
            std::uint64_t from = w * 50000, to = from + 50000;
            (void)tx.send_blocking(Count{w, from, to, count_primes(from, to)});
        });
    }
    { auto ours = std::move(tx); }  // the channel ends when the workers' copies go

    // One more job on the runtime's blocking pool, awaited alongside the channel.
    auto sum = kimojio::spawn_blocking([] {
        std::uint64_t s = 0;
        for (std::uint64_t i = 0; i < 50'000'000; ++i) s += i % 7;
        return s;
    });

    std::uint64_t total = 0;
    while (std::optional<Count> c = co_await rx.recv()) {
        std::printf("worker %d: %llu primes in [%llu, %llu)\n", c->worker, static_cast<unsigned long long>(c->primes),
                    static_cast<unsigned long long>(c->from), static_cast<unsigned long long>(c->to));
        total += c->primes;
    }
    std::uint64_t s = co_await sum;
    std::printf("spawn_blocking: sum of i %% 7 below 50,000,000 = %llu\n", static_cast<unsigned long long>(s));
    for (auto& w : workers) w.join();

    stop = true;
    int ticked = (co_await ticks).value();
    (co_await kimojio::close(std::move(write_end))).value();  // EOF for the reader
    int bytes = (co_await read).value();
    std::printf("meanwhile the loop wrote %d ticks and read %d bytes through a pipe\n", ticked, bytes);
    std::printf("primes below 200000: %llu\n", static_cast<unsigned long long>(total));
    co_return ticked == bytes && total == 17984 ? 0 : 1;
}

}  // namespace

int main() {
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto rc = runtime.block_on(demo());
    auto stats = runtime.foreign_wake_stats();
    std::printf("foreign wakes: %llu, eventfd writes: %llu, loop sleeps: %llu\n",
                static_cast<unsigned long long>(stats.foreign_wakes),
                static_cast<unsigned long long>(stats.eventfd_writes), static_cast<unsigned long long>(stats.sleeps));
    return rc ? rc->value() : 1;
}
