// asio peer: round trip (a plain thread asio::post()s to an io_context whose handler
// writes an eventfd back) and churn (co_spawn of trivial coroutines, 1,000 at a time,
// each batch run to completion). Prints RESULT lines for ci/bench. For the TCP echo
// benchmark (bench/echo_run.py): echo_server, one thread, a coroutine per connection
// (async_read_some, async_write back), until `connections` closed.
//   asio_bench round_trip [n] | churn [n] | echo_server <connections>
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
asio::awaitable<void> echo_connection(asio::ip::tcp::socket socket) {
    std::vector<char> buf(16384);
    for (;;) {
        asio::error_code ec;
        std::size_t n = co_await socket.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        co_await asio::async_write(socket, asio::buffer(buf.data(), n), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
    }
}

asio::awaitable<void> accept_connections(asio::ip::tcp::acceptor& acceptor, int connections) {
    for (int i = 0; i < connections; ++i) {
        asio::ip::tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
        socket.set_option(asio::ip::tcp::no_delay(true));
        asio::co_spawn(acceptor.get_executor(), echo_connection(std::move(socket)), asio::detached);
    }
}

// Prints "PORT <n>"; run() returns once every connection closed (no work left).
void echo_server(int connections) {
    asio::io_context ctx(1);
    asio::ip::tcp::acceptor acceptor(ctx, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    std::printf("PORT %u\n", static_cast<unsigned>(acceptor.local_endpoint().port()));
    std::fflush(stdout);
    asio::co_spawn(ctx, accept_connections(acceptor, connections), asio::detached);
    ctx.run();
}
}  // namespace

int main(int argc, char** argv) {
    std::string what = argc > 1 ? argv[1] : "";
    int n = argc > 2 ? std::atoi(argv[2]) : 0;
    if (what == "round_trip") round_trip(n ? n : 20000);
    else if (what == "churn") churn(n ? n : 200000);
    else if (what == "echo_server") echo_server(n ? n : 1);
    else {
        std::fprintf(stderr, "usage: %s round_trip [n] | churn [n] | echo_server <connections>\n", argv[0]);
        return 2;
    }
    return 0;
}
