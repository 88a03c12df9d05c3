// Port of unix_domain_socket_test and recv_timeout_test in kimojio/src/operations.rs at
// qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f, plus C++-only tests of the
// socket operations on loopback: TCP v4 / v6, ECONNREFUSED, EADDRINUSE, EBADF, EPIPE with
// MSG_NOSIGNAL, shutdown, and accept / recv cancelled by abort and by io_scope.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "kimojio/kimojio.hpp"
#include "test_support.hpp"

using kimojio::Async;
using kimojio::Errno;
using kimojio::OwnedFd;
using kimojio::SocketAddr;
using kimojio::SocketAddrUnix;
using kimojio::SocketAddrV4;
using kimojio::SocketAddrV6;
using test_support::ipv6_loopback_available;
using test_support::local_addr;
using test_support::run_test;
using namespace std::chrono_literals;

namespace {
std::span<const char> bytes(const char* text) { return std::span<const char>(text, std::char_traits<char>::length(text)); }

// A unique abstract name per test process (tests run in parallel under ctest).
std::string abstract_name(const char* test) { return std::string(test) + "-" + std::to_string(getpid()); }

// operations.rs:1833-1867 unix_domain_socket_test (part 1 of 2: the test body)
Async<void> unix_domain_socket_test() {
    std::string name = abstract_name("unix_domain_socket_test");
    OwnedFd listener_socket = (co_await kimojio::socket(AF_UNIX, SOCK_STREAM, std::nullopt)).value();
    kimojio::bind(listener_socket, SocketAddrUnix::new_abstract_name(name)).value();
    kimojio::listen(listener_socket, 1).value();

    auto handle = kimojio::spawn_task([](std::string name) -> Async<void> {
        OwnedFd client_socket = (co_await kimojio::socket(AF_UNIX, SOCK_STREAM, std::nullopt)).value();
        (co_await kimojio::connect_unix(client_socket, SocketAddrUnix::new_abstract_name(name))).value();

        std::array<char, 8> buf;
        buf.fill(1);
        (void)(co_await kimojio::send(client_socket, buf, 0, std::nullopt)).value();
    }(name));

    OwnedFd socket = (co_await kimojio::accept(listener_socket)).value();
    std::array<char, 8> buf{};
    (void)(co_await kimojio::recv(socket, buf, 0, std::nullopt)).value();

    (co_await handle).value();
}

// operations.rs:1870-1911 recv_timeout_test (part 1 of 2: the test body)
Async<void> recv_timeout_test() {
    std::string name = abstract_name("recv_timeout_test");
    OwnedFd listener_socket = (co_await kimojio::socket(AF_UNIX, SOCK_STREAM, std::nullopt)).value();
    kimojio::bind(listener_socket, SocketAddrUnix::new_abstract_name(name)).value();
    kimojio::listen(listener_socket, 1).value();

    auto handle = kimojio::spawn_task([](std::string name) -> Async<void> {
        OwnedFd client_socket = (co_await kimojio::socket(AF_UNIX, SOCK_STREAM, std::nullopt)).value();
        (co_await kimojio::connect_unix(client_socket, SocketAddrUnix::new_abstract_name(name))).value();

        (co_await kimojio::sleep(2s)).value();
    }(name));

    OwnedFd socket = (co_await kimojio::accept(listener_socket)).value();
    std::array<char, 8> buf{};
    auto received = co_await kimojio::recv(socket, buf, 0, std::chrono::nanoseconds(1s));
    REQUIRE(received.is_err());  // Rust: expect_err("No timeout as expected")
    CHECK(received.error() == Errno::TIME);

    (co_await handle).value();
}

// A Unix socket bound to a path (not an abstract name), in a fresh directory.
Async<void> unix_socket_at_a_path() {
    char dir[] = "/tmp/kimojio-net-XXXXXX";
    REQUIRE(mkdtemp(dir) != nullptr);
    std::string path = std::string(dir) + "/s";
    OwnedFd listener = (co_await kimojio::socket(AF_UNIX, SOCK_STREAM, std::nullopt)).value();
    kimojio::bind(listener, SocketAddrUnix::new_path(path)).value();
    kimojio::listen(listener, 1).value();
    CHECK(local_addr(listener) == SocketAddr(SocketAddrUnix::new_path(path)));
    OwnedFd client = (co_await kimojio::socket(AF_UNIX, SOCK_STREAM, std::nullopt)).value();
    (co_await kimojio::connect_unix(client, SocketAddrUnix::new_path(path))).value();
    OwnedFd accepted = (co_await kimojio::accept(listener)).value();
    CHECK((co_await kimojio::send(client, bytes("hi"), 0, std::nullopt)).value() == 2);
    std::array<char, 2> buf{};
    CHECK((co_await kimojio::recv(accepted, buf, 0, std::nullopt)).value() == 2);
    CHECK(std::string(buf.data(), 2) == "hi");
    ::unlink(path.c_str());
    ::rmdir(dir);
}

// sendmsg with two iovecs, recvmsg into two others, over a socketpair.
Async<void> sendmsg_and_recvmsg() {
    auto [a, b] = kimojio::bipipe();
    std::string first = "abc", second = "de";
    std::array<iovec, 2> out{iovec{first.data(), first.size()}, iovec{second.data(), second.size()}};
    msghdr sent{};
    sent.msg_iov = out.data();
    sent.msg_iovlen = out.size();
    CHECK((co_await kimojio::sendmsg(a, &sent, 0, std::nullopt)).value() == 5);
    std::array<char, 2> x{};
    std::array<char, 3> y{};
    std::array<iovec, 2> in{iovec{x.data(), x.size()}, iovec{y.data(), y.size()}};
    msghdr received{};
    received.msg_iov = in.data();
    received.msg_iovlen = in.size();
    CHECK((co_await kimojio::recvmsg(b, &received, 0, std::chrono::nanoseconds(10s))).value() == 5);
    CHECK(std::string(x.data(), 2) + std::string(y.data(), 3) == "abcde");
}
}  // namespace

// operations.rs:1833-1867 unix_domain_socket_test (part 2 of 2: the TEST_CASE)
TEST_CASE("unix_domain_socket_test") { run_test(unix_domain_socket_test()); }
// operations.rs:1870-1911 recv_timeout_test (part 2 of 2: the TEST_CASE)
TEST_CASE("recv_timeout_test") { run_test(recv_timeout_test()); }

namespace {
Async<OwnedFd> tcp_listener(SocketAddr at) {
    int family = std::holds_alternative<SocketAddrV4>(at.addr) ? AF_INET : AF_INET6;
    OwnedFd listener = (co_await kimojio::socket(family, SOCK_STREAM | SOCK_CLOEXEC, std::nullopt)).value();
    kimojio::bind(listener, at).value();
    kimojio::listen(listener, 16).value();
    co_return listener;
}

// Accepts one connection, echoes what it receives until the peer shuts down.
Async<std::size_t> echo_once(OwnedFd* listener) {
    OwnedFd conn = (co_await kimojio::accept(*listener)).value();
    std::array<char, 64> buf{};
    std::size_t total = 0;
    for (;;) {
        std::size_t n = (co_await kimojio::recv(conn, buf, 0, std::nullopt)).value();
        if (n == 0) break;
        (co_await kimojio::write_all(conn, std::span<const char>(buf).first(n))).value();
        total += n;
    }
    co_return total;
}

Async<void> tcp_round_trip(SocketAddr at) {
    OwnedFd listener = co_await tcp_listener(at);
    SocketAddr bound = local_addr(listener);
    auto server = kimojio::spawn(echo_once(&listener));

    int family = std::holds_alternative<SocketAddrV4>(at.addr) ? AF_INET : AF_INET6;
    OwnedFd client = (co_await kimojio::socket(family, SOCK_STREAM | SOCK_CLOEXEC, std::nullopt)).value();
    (co_await kimojio::connect(client, bound)).value();
    CHECK((co_await kimojio::send(client, bytes("hello"), MSG_NOSIGNAL, std::nullopt)).value() == 5);
    std::array<char, 5> back{};
    (co_await kimojio::read_exact(client, back)).value();
    CHECK(std::string(back.data(), 5) == "hello");
    (co_await kimojio::shutdown(client, SHUT_WR)).value();
    CHECK(co_await server == 5);
    // The server closed its end: recv sees end of stream.
    CHECK((co_await kimojio::recv(client, back, 0, std::nullopt)).value() == 0);
}

Async<void> refused_and_in_use() {
    // A bound socket that never listens holds the port: connecting to it is refused.
    OwnedFd holder = (co_await kimojio::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, std::nullopt)).value();
    kimojio::bind(holder, SocketAddrV4::localhost(0)).value();
    SocketAddr held = local_addr(holder);
    OwnedFd client = (co_await kimojio::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, std::nullopt)).value();
    auto refused = co_await kimojio::connect(client, held);
    REQUIRE(refused.is_err());
    CHECK(refused.error() == Errno{ECONNREFUSED});
    CHECK(refused.error().fd == client.as_raw_fd());

    // A second bind to a listening port: EADDRINUSE, named in the message.
    OwnedFd listener = co_await tcp_listener(SocketAddrV4::localhost(0));
    OwnedFd other = (co_await kimojio::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, std::nullopt)).value();
    auto in_use = kimojio::bind(other, local_addr(listener));
    REQUIRE(in_use.is_err());
    CHECK(in_use.error() == Errno{EADDRINUSE});
    CHECK_THROWS_WITH_AS(in_use.value(),
                         ("kimojio: bind on fd " + std::to_string(other.as_raw_fd()) + " failed: Address already in use").c_str(),
                         std::system_error);

    // EBADF from each.
    kimojio::BorrowedFd bad(12345);
    CHECK(kimojio::bind(bad, SocketAddrV4::localhost(0)).error() == Errno::BADF);
    CHECK(kimojio::listen(bad, 1).error() == Errno::BADF);
    CHECK((co_await kimojio::accept(bad)).error() == Errno::BADF);
    CHECK((co_await kimojio::shutdown(bad, SHUT_RDWR)).error() == Errno::BADF);
    std::array<char, 4> buf{};
    CHECK((co_await kimojio::recv(bad, buf, 0, std::nullopt)).error() == Errno::BADF);
    CHECK((co_await kimojio::send(bad, bytes("x"), 0, std::nullopt)).error() == Errno::BADF);
    CHECK((co_await kimojio::connect(bad, held)).error() == Errno::BADF);
}

// A task blocked in `accept` (and one in `recv` into its stack buffer) until aborted.
Async<void> accept_forever(OwnedFd* listener) {
    (void)co_await kimojio::accept(*listener);
    FAIL("nobody connects");
}
Async<void> recv_forever(OwnedFd* socket) {
    std::array<char, 32> on_stack{};
    (void)co_await kimojio::recv(*socket, on_stack, 0, std::nullopt);
    FAIL("nobody sends");
}

Async<void> cancelled_by_abort() {
    OwnedFd listener = co_await tcp_listener(SocketAddrV4::localhost(0));
    auto [a, b] = kimojio::bipipe();
    auto accepting = kimojio::spawn_task(accept_forever(&listener));
    auto receiving = kimojio::spawn_task(recv_forever(&a));
    co_await kimojio::yield_io();
    accepting.abort();
    receiving.abort();
    CHECK(test_support::ended_by_abort(co_await accepting));
    CHECK(test_support::ended_by_abort(co_await receiving));
    // Both were cancelled: a new connection and new bytes go to the next callers.
    OwnedFd client = (co_await kimojio::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, std::nullopt)).value();
    (co_await kimojio::connect(client, local_addr(listener))).value();
    OwnedFd accepted = (co_await kimojio::accept(listener)).value();
    CHECK(accepted.is_valid());
    (void)(co_await kimojio::send(b, bytes("ok"), 0, std::nullopt)).value();
    std::array<char, 2> got{};
    (co_await kimojio::read_exact(a, got)).value();
    CHECK(std::string(got.data(), 2) == "ok");
}

Async<void> cancelled_by_io_scope() {
    OwnedFd listener = co_await tcp_listener(SocketAddrV4::localhost(0));
    auto [a, b] = kimojio::bipipe();
    std::array<char, 8> buf{};
    auto results = co_await kimojio::io_scope(
        [](OwnedFd* listener, OwnedFd* a, std::span<char> buf)
            -> Async<std::pair<kimojio::Result<OwnedFd, Errno>, kimojio::Result<std::size_t, Errno>>> {
            kimojio::OwnedFdFuture accepting = kimojio::accept(*listener);
            kimojio::UsizeFuture receiving = kimojio::recv(*a, buf, 0, std::nullopt);
            CHECK_FALSE(co_await test_support::PollOnce<kimojio::OwnedFdFuture>{&accepting});
            CHECK_FALSE(co_await test_support::PollOnce<kimojio::UsizeFuture>{&receiving});
            kimojio::io_scope_cancel();
            auto accepted = co_await accepting;
            auto received = co_await receiving;
            co_return std::make_pair(std::move(accepted), std::move(received));
        }(&listener, &a, buf));
    CHECK(results.first.error() == Errno::CANCELED);
    CHECK(results.second.error() == Errno::CANCELED);
}

// In a child: SIGPIPE back at its default after the Runtime started, so only MSG_NOSIGNAL
// keeps a send to a closed peer from killing the process.
Async<int> send_nosignal_to_closed_peer() {
    signal(SIGPIPE, SIG_DFL);
    auto [a, b] = kimojio::bipipe();
    { OwnedFd gone = std::move(b); }
    auto sent = co_await kimojio::send(a, bytes("x"), MSG_NOSIGNAL, std::nullopt);
    co_return sent.is_err() && sent.error() == Errno::PIPE ? 0 : 3;
}
}  // namespace

TEST_CASE("TCP over IPv4 loopback: socket, bind, listen, accept, connect, send, recv, shutdown") {
    run_test(tcp_round_trip(SocketAddrV4::localhost(0)));
}
TEST_CASE("TCP over IPv6 loopback") {
    if (!ipv6_loopback_available()) {
        MESSAGE("no IPv6 loopback here: skipped");
        return;
    }
    run_test(tcp_round_trip(SocketAddrV6::localhost(0)));
}
TEST_CASE("connect to a port nobody listens on is ECONNREFUSED, a second bind is EADDRINUSE, and EBADF") {
    run_test(refused_and_in_use());
}
TEST_CASE("accept and recv (into a stack buffer) are cancelled by aborting their tasks") {
    run_test(cancelled_by_abort());
}
TEST_CASE("accept and recv are cancelled by io_scope_cancel") { run_test(cancelled_by_io_scope()); }
TEST_CASE("send with MSG_NOSIGNAL to a closed peer returns EPIPE even with SIGPIPE at its default") {
    int status = test_support::status_of_forked_run(send_nosignal_to_closed_peer);
    CHECK_FALSE(WIFSIGNALED(status));
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
TEST_CASE("SocketAddr: from_raw round trip, and a Unix name too long throws std::invalid_argument") {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(8080);
    in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(SocketAddr::from_raw(reinterpret_cast<sockaddr*>(&in), sizeof(in)) == SocketAddr(SocketAddrV4::localhost(8080)));
    CHECK_THROWS_AS(SocketAddrUnix::new_path(std::string(200, 'a')), std::invalid_argument);
    CHECK_THROWS_AS(SocketAddrUnix::new_abstract_name(std::string(200, 'a')), std::invalid_argument);
    CHECK(SocketAddrUnix::new_abstract_name("x").abstract_name() == "x");
    CHECK(SocketAddrUnix::new_path("/tmp/s").path() == "/tmp/s");
}
TEST_CASE("a Unix socket bound to a path: getsockname names the path, connect_unix reaches it") {
    run_test(unix_socket_at_a_path());
}
TEST_CASE("sendmsg and recvmsg carry a message gathered from and scattered into two buffers") {
    run_test(sendmsg_and_recvmsg());
}
TEST_CASE("SocketAddrUnix::new_path refuses a path with a NUL byte with std::invalid_argument") {
    CHECK_THROWS_WITH_AS(SocketAddrUnix::new_path(std::string("a\0b", 3)), doctest::Contains("NUL byte"),
                         std::invalid_argument);
}
TEST_CASE("SocketAddr::from_raw: an abstract Unix name, and an unknown family throws std::invalid_argument") {
    sockaddr_un un{};
    un.sun_family = AF_UNIX;
    std::memcpy(un.sun_path + 1, "name", 4);  // sun_path[0] == '\0': abstract
    socklen_t len = static_cast<socklen_t>(sizeof(sa_family_t) + 1 + 4);
    CHECK(SocketAddr::from_raw(reinterpret_cast<sockaddr*>(&un), len) == SocketAddr(SocketAddrUnix::new_abstract_name("name")));
    sockaddr other{};
    other.sa_family = AF_PACKET;
    CHECK_THROWS_AS(SocketAddr::from_raw(&other, sizeof(other)), std::invalid_argument);
}
