// Tests of the port of kimojio/src/socket_helpers.rs at qbradley/kimojio-rs
// 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f, which has no tests of its own: the options each
// helper sets (read back with getsockopt), a loopback round trip over IPv4 and IPv6, and the
// errno paths a user hits (EADDRINUSE, ECONNREFUSED, EINVAL, ENOTSOCK, EBADF). Loopback only.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <stdexcept>
#include <string>
#include <system_error>

#include "kimojio/kimojio.hpp"
#include "test_support.hpp"

using kimojio::Async;
using kimojio::Errno;
using kimojio::OwnedFd;
using kimojio::SocketAddr;
using kimojio::SocketAddrV4;
using kimojio::SocketAddrV6;
using test_support::run_test;
using namespace std::chrono_literals;

namespace {

int int_option(const OwnedFd& fd, int level, int name) {
    int value = -1;
    socklen_t len = sizeof(value);
    REQUIRE(getsockopt(fd.as_raw_fd(), level, name, &value, &len) == 0);
    return value;
}

// What create_client_socket and update_accept_socket promise.
void check_client_options(const OwnedFd& fd) {
    CHECK(int_option(fd, IPPROTO_TCP, TCP_NODELAY) == 1);
    CHECK(int_option(fd, SOL_SOCKET, SO_KEEPALIVE) == 1);
    CHECK(int_option(fd, IPPROTO_TCP, TCP_KEEPIDLE) == 30);
    CHECK(int_option(fd, IPPROTO_TCP, TCP_KEEPINTVL) == 1);
    CHECK(int_option(fd, IPPROTO_TCP, TCP_KEEPCNT) == 30);
}

std::uint16_t local_port(const OwnedFd& fd) {
    SocketAddr addr = test_support::local_addr(fd);
    if (auto* v6 = std::get_if<SocketAddrV6>(&addr.addr)) return v6->port;
    return std::get<SocketAddrV4>(addr.addr).port;
}

// Connects to a create_server_socket listener at `to` (its port filled in), checks every
// option on both ends, and echoes a message through the accepted socket.
Async<void> round_trip(SocketAddr to) {
    OwnedFd server = (co_await kimojio::create_server_socket(0)).value();
    CHECK(int_option(server, IPPROTO_TCP, TCP_NODELAY) == 1);
    CHECK(int_option(server, SOL_SOCKET, SO_REUSEADDR) == 1);
    CHECK(int_option(server, SOL_SOCKET, SO_ACCEPTCONN) == 1);
    CHECK(int_option(server, SOL_SOCKET, SO_DOMAIN) == AF_INET6);
    std::uint16_t port = local_port(server);
    CHECK(port != 0);
    if (auto* v4 = std::get_if<SocketAddrV4>(&to.addr)) v4->port = port;
    if (auto* v6 = std::get_if<SocketAddrV6>(&to.addr)) v6->port = port;

    OwnedFd client = (co_await kimojio::create_client_socket(to)).value();
    CHECK(int_option(client, SOL_SOCKET, SO_DOMAIN) ==
          (std::holds_alternative<SocketAddrV4>(to.addr) ? AF_INET : AF_INET6));
    check_client_options(client);

    OwnedFd accepted = (co_await kimojio::accept(server)).value();
    CHECK(int_option(accepted, SOL_SOCKET, SO_KEEPALIVE) == 0);  // Linux's default, before the update
    kimojio::update_accept_socket(accepted).value();
    check_client_options(accepted);

    (co_await kimojio::write_all(client, std::span<const char>("hello", 5))).value();
    std::array<char, 5> got{};
    (co_await kimojio::read_exact(accepted, got)).value();
    CHECK(std::string(got.data(), 5) == "hello");
}

Async<void> errno_paths() {
    // EADDRINUSE: a second server on a port that has a listener (SO_REUSEADDR does not
    // share a listening port on Linux); value() names the step and the descriptor.
    OwnedFd first = (co_await kimojio::create_server_socket(0)).value();
    auto second = co_await kimojio::create_server_socket(local_port(first));
    REQUIRE(second.is_err());
    CHECK(second.error() == Errno{EADDRINUSE});
    CHECK(std::string(second.error().op) == "bind");
    CHECK_THROWS_AS(second.value(), std::system_error);

    // ECONNREFUSED: a bound socket that never listens holds the port.
    OwnedFd holder = (co_await kimojio::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, std::nullopt)).value();
    kimojio::bind(holder, SocketAddrV4::localhost(0)).value();
    auto refused = co_await kimojio::create_client_socket(SocketAddrV4::localhost(local_port(holder)));
    REQUIRE(refused.is_err());
    CHECK(refused.error() == Errno{ECONNREFUSED});

    // A Unix address is a programming error: Rust's std::net::SocketAddr cannot hold one.
    bool threw = false;
    try {
        (void)co_await kimojio::create_client_socket(kimojio::SocketAddrUnix::new_abstract_name("x"));
    } catch (const std::invalid_argument& e) {
        threw = std::string(e.what()).find("connect_unix") != std::string::npos;
    }
    CHECK(threw);
}

}  // namespace

TEST_CASE("create_server_socket and create_client_socket over IPv4 loopback: options set, bytes echoed") {
    run_test(round_trip(SocketAddrV4::localhost(0)));
}

TEST_CASE("create_server_socket and create_client_socket over IPv6 loopback: options set, bytes echoed") {
    if (!test_support::ipv6_loopback_available()) {
        MESSAGE("skipped: no IPv6 loopback");
        return;
    }
    run_test(round_trip(SocketAddrV6::localhost(0)));
}

TEST_CASE("socket helpers: EADDRINUSE, ECONNREFUSED, and a Unix address throws std::invalid_argument") {
    if (!test_support::ipv6_loopback_available()) {
        MESSAGE("skipped: create_server_socket needs IPv6");
        return;
    }
    run_test(errno_paths());
}

TEST_CASE("enable_tcp_keep_alive: durations round up to seconds, out-of-range values give EINVAL") {
    OwnedFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    REQUIRE(fd.is_valid());
    kimojio::enable_tcp_keep_alive(fd, 1500ms, 1ns, 5).value();
    CHECK(int_option(fd, IPPROTO_TCP, TCP_KEEPIDLE) == 2);
    CHECK(int_option(fd, IPPROTO_TCP, TCP_KEEPINTVL) == 1);
    CHECK(int_option(fd, IPPROTO_TCP, TCP_KEEPCNT) == 5);
    CHECK(int_option(fd, SOL_SOCKET, SO_KEEPALIVE) == 1);

    auto zero_idle = kimojio::enable_tcp_keep_alive(fd, 0s, 1s, 5);  // the kernel wants >= 1 s
    REQUIRE(zero_idle.is_err());
    CHECK(zero_idle.error() == Errno::INVAL);
    CHECK(std::string(zero_idle.error().op) == "setsockopt(TCP_KEEPIDLE)");
    CHECK(zero_idle.error().fd == fd.as_raw_fd());
    CHECK_THROWS_WITH_AS(zero_idle.value(),
                         ("kimojio: setsockopt(TCP_KEEPIDLE) on fd " + std::to_string(fd.as_raw_fd()) +
                          " failed: Invalid argument").c_str(),
                         std::system_error);
    CHECK(kimojio::enable_tcp_keep_alive(fd, -1s, 1s, 5).error() == Errno::INVAL);
    CHECK(std::string(kimojio::enable_tcp_keep_alive(fd, 1s, -1s, 5).error().op) == "setsockopt(TCP_KEEPINTVL)");
    auto no_probes = kimojio::enable_tcp_keep_alive(fd, 1s, 1s, 0);
    CHECK(no_probes.error() == Errno::INVAL);
    CHECK(std::string(no_probes.error().op) == "setsockopt(TCP_KEEPCNT)");
    CHECK(kimojio::enable_tcp_keep_alive(fd, 1s, 1s, 128).error() == Errno::INVAL);
    CHECK(kimojio::enable_tcp_keep_alive(fd, std::chrono::hours(24 * 365 * 200), 1s, 5).error() == Errno::INVAL);
    // What failed changed nothing that was not reached: the first call's values stay.
    CHECK(int_option(fd, IPPROTO_TCP, TCP_KEEPCNT) == 5);
}

TEST_CASE("enable_tcp_keep_alive and update_accept_socket: ENOTSOCK on a pipe, EBADF on a closed descriptor") {
    auto [r, w] = kimojio::pipe().value();
    CHECK(kimojio::enable_tcp_keep_alive(r, 1s, 1s, 1).error() == Errno{ENOTSOCK});
    auto not_socket = kimojio::update_accept_socket(w);
    CHECK(not_socket.error() == Errno{ENOTSOCK});
    CHECK(std::string(not_socket.error().op) == "setsockopt(TCP_NODELAY)");
    int closed;
    {
        OwnedFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        closed = fd.as_raw_fd();
    }
    CHECK(kimojio::update_accept_socket(closed).error() == Errno::BADF);
    CHECK(kimojio::enable_tcp_keep_alive(closed, 1s, 1s, 1).error() == Errno::BADF);
}
