// kimojio's TCP echo server for the echo benchmark (bench/echo_run.py; see BENCHMARKS.md):
// the loop of examples/echo_server.cpp (a task per connection: recv, write_all back) on
// 127.0.0.1 (a free port, printed as "PORT <n>"), exiting once `connections` connections
// were accepted and closed, so callgrind can count a whole run. The client and the raw
// baseline are bench/peers/liburing_echo.cpp.
//   echo_bench <connections>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "kimojio/kimojio.hpp"

namespace {

kimojio::Async<void> echo(kimojio::OwnedFd conn) {
    std::array<char, 16384> buf;
    for (;;) {
        auto got = co_await kimojio::recv(conn, buf, 0, std::nullopt);
        if (got.is_err() || got.value() == 0) co_return;
        auto sent = co_await kimojio::write_all(conn, std::span<const char>(buf).first(got.value()));
        if (sent.is_err()) co_return;
    }
}

kimojio::Async<void> serve(int connections) {
    kimojio::OwnedFd listener = (co_await kimojio::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, std::nullopt)).value();
    kimojio::bind(listener, kimojio::SocketAddrV4::localhost(0)).value();
    kimojio::listen(listener, SOMAXCONN).value();
    sockaddr_in addr{};
    socklen_t len = sizeof(addr);
    getsockname(listener.as_raw_fd(), reinterpret_cast<sockaddr*>(&addr), &len);
    std::printf("PORT %u\n", static_cast<unsigned>(ntohs(addr.sin_port)));
    std::fflush(stdout);
    std::vector<kimojio::JoinHandle<void>> tasks;
    for (int i = 0; i < connections; ++i) {
        kimojio::OwnedFd conn = (co_await kimojio::accept(listener)).value();
        int one = 1;  // as every server of the benchmark
        setsockopt(conn.as_raw_fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        tasks.push_back(kimojio::spawn(echo(std::move(conn))));
    }
    for (auto& task : tasks) co_await task;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: echo_bench <connections>\n");
        return 2;
    }
    kimojio::Runtime runtime(0, kimojio::Configuration());
    (void)runtime.block_on(serve(std::atoi(argv[1])));
    return 0;
}
