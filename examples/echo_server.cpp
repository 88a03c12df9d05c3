// A TCP echo server on kimojio: an accept loop, one task per connection, and a graceful
// shutdown on SIGINT / SIGTERM or after a deadline (stop accepting, cancel and close every
// connection, print what was echoed). Listens on 127.0.0.1 only.
//
//   echo_server [port (0: any free one)] [seconds until it stops by itself]
//
// Prints "echo_server: listening on 127.0.0.1:<port>" once ready. examples/echo_run.sh
// runs it with examples/echo_client.cpp (ctest example_echo, ./ci/demo).
#include <signal.h>
#include <sys/signalfd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>

#include "kimojio/kimojio.hpp"

using kimojio::Async;
using kimojio::OwnedFd;

namespace {

struct Stats {
    std::size_t connections = 0;
    std::size_t bytes = 0;
    bool by_signal = false;
};

// One task per connection: echo until the client closes (or an error, or shutdown).
Async<void> echo(OwnedFd conn, Stats* stats) {
    std::array<char, 16384> buf;
    for (;;) {
        auto got = co_await kimojio::recv(conn, buf, 0, std::nullopt);
        if (got.is_err() || got.value() == 0) co_return;  // an error, or the client closed
        auto sent = co_await kimojio::write_all(conn, std::span<const char>(buf).first(got.value()));
        if (sent.is_err()) co_return;
        stats->bytes += got.value();
    }
}

// Accepts connections until aborted; the task owns the listening socket.
Async<void> accept_loop(OwnedFd listener, Stats* stats) {
    for (;;) {
        auto conn = co_await kimojio::accept(listener);
        if (conn.is_err()) {  // e.g. EMFILE: stop accepting, keep serving the open connections
            std::fprintf(stderr, "echo_server: accept: %s\n", std::strerror(conn.error().code));
            co_return;
        }
        if (kimojio::update_accept_socket(conn.value()).is_err()) continue;  // TCP_NODELAY, keep-alive
        ++stats->connections;
        kimojio::spawn(echo(std::move(conn).value(), stats));  // runs on; the handle is dropped
    }
}

// Serves until a signal arrives on `signals` (a signalfd) or `limit` passes, then stops
// accepting and ends the loop: the connection tasks are dropped, their I/O cancelled.
Async<void> serve(OwnedFd listener, int signals, std::chrono::seconds limit, Stats* stats) {
    auto acceptor = kimojio::spawn(accept_loop(std::move(listener), stats));
    std::array<char, sizeof(signalfd_siginfo)> info;
    auto first = co_await kimojio::when_any(kimojio::read(signals, info), kimojio::sleep(limit));
    stats->by_signal = first.index() == 0;
    acceptor.abort();
    kimojio::shutdown_loop();
}

}  // namespace

// ---- Not in README: setup and the report.
namespace {
Async<OwnedFd> listen_on_loopback(std::uint16_t port) {
    OwnedFd listener = (co_await kimojio::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, std::nullopt)).value();
    int one = 1;
    setsockopt(listener.as_raw_fd(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    kimojio::bind(listener, kimojio::SocketAddrV4::localhost(port)).value();
    kimojio::listen(listener, SOMAXCONN).value();
    co_return listener;
}

std::uint16_t bound_port(const OwnedFd& fd) {
    sockaddr_storage storage{};
    socklen_t len = sizeof(storage);
    getsockname(fd.as_raw_fd(), reinterpret_cast<sockaddr*>(&storage), &len);
    auto addr = kimojio::SocketAddr::from_raw(reinterpret_cast<sockaddr*>(&storage), len);
    return std::get<kimojio::SocketAddrV4>(addr.addr).port;
}

Async<void> main_task(std::uint16_t port, int signals, std::chrono::seconds limit, Stats* stats) {
    OwnedFd listener = co_await listen_on_loopback(port);
    std::printf("echo_server: listening on 127.0.0.1:%u\n", bound_port(listener));
    std::fflush(stdout);
    co_await serve(std::move(listener), signals, limit, stats);
}
}  // namespace

int main(int argc, char** argv) {
    auto port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 0);
    std::chrono::seconds limit(argc > 2 ? std::atoi(argv[2]) : 10);
    // SIGINT / SIGTERM arrive on a signalfd that a task reads: block them first (threads
    // started later inherit the mask).
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &mask, nullptr);
    OwnedFd signals(signalfd(-1, &mask, SFD_CLOEXEC));
    if (!signals.is_valid()) {
        std::perror("echo_server: signalfd");
        return 2;
    }
    Stats stats;
    try {
        kimojio::Runtime runtime(0, kimojio::Configuration());
        (void)runtime.block_on(main_task(port, signals.as_raw_fd(), limit, &stats));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "echo_server: %s\n", e.what());
        return 2;
    }
    std::printf("echo_server: stopped by %s after %zu connections, %zu bytes echoed\n",
                stats.by_signal ? "a signal" : "its deadline", stats.connections, stats.bytes);
    return 0;
}
