// asio peer: round trip (a plain thread asio::post()s to an io_context whose handler
// writes an eventfd back) and churn (co_spawn of trivial coroutines, 1,000 at a time,
// each batch run to completion). Prints RESULT lines for ci/bench.
//   asio_bench round_trip [n] | churn [n]
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <coroutine>

#include <asio.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {
using Clock = std::chrono::steady_clock;

void write_one(int fd) {
    std::uint64_t one = 1;
    if (::write(fd, &one, sizeof(one)) != sizeof(one)) std::abort();
}
void read_one(int fd) {
    std::uint64_t v;
    while (::read(fd, &v, sizeof(v)) != sizeof(v)) {
    }
}

void round_trip(int n) {
    asio::io_context ctx;
    auto guard = asio::make_work_guard(ctx);
    int back = ::eventfd(0, EFD_CLOEXEC);
    std::vector<double> samples;
    std::thread pinger([&] {
        for (int i = 0; i < n; ++i) {
            auto start = Clock::now();
            asio::post(ctx, [back] { write_one(back); });
            read_one(back);
            samples.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count());
        }
        asio::post(ctx, [&] { guard.reset(); });
    });
    ctx.run();
    pinger.join();
    std::sort(samples.begin(), samples.end());
    std::printf("RESULT round_trip asio %.6g ns\n", samples[samples.size() / 2]);
}

asio::awaitable<void> trivial() { co_return; }

void churn(int n) {
    asio::io_context ctx(1);
    constexpr int BATCH = 1000;
    int completed = 0;
    auto start = Clock::now();
    for (int done = 0; done < n; done += BATCH) {
        for (int i = 0; i < BATCH; ++i) asio::co_spawn(ctx, trivial(), [&](std::exception_ptr) { ++completed; });
        ctx.run();  // returns once every task of the batch completed (joined)
        ctx.restart();
    }
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (completed < n) std::abort();
    std::printf("RESULT churn asio %.6g tasks/s\n", n / seconds);
}
}  // namespace

int main(int argc, char** argv) {
    std::string what = argc > 1 ? argv[1] : "";
    int n = argc > 2 ? std::atoi(argv[2]) : 0;
    if (what == "round_trip") round_trip(n ? n : 20000);
    else if (what == "churn") churn(n ? n : 200000);
    else {
        std::fprintf(stderr, "usage: %s round_trip [n] | churn [n]\n", argv[0]);
        return 2;
    }
    return 0;
}
