// Port of kimojio/src/socket_helpers.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f
// (create_server_socket, create_client_socket, enable_tcp_keep_alive, update_accept_socket),
// in Rust order. rustix's sockopt setters -> setsockopt(2) through set_int_option.
#include "kimojio/socket_helpers.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <limits>
#include <stdexcept>
#include <variant>

namespace kimojio {

namespace {
// rustix::net::sockopt::set_*: one int option; the error names the option and the fd.
Result<void, Errno> set_int_option(BorrowedFd fd, int level, int name, int value, const char* what) {
    if (::setsockopt(fd.fd, level, name, &value, sizeof(value)) != 0) {
        return Err{Errno{errno}.with_context(what, fd.fd)};
    }
    return ok();
}

// rustix's duration_to_secs: whole seconds, a fraction rounds up; past u32 -> EINVAL.
// A negative duration (Rust's Duration has none) is EINVAL too.
Result<unsigned, Errno> duration_to_secs(std::chrono::nanoseconds duration) {
    if (duration.count() < 0) return Err{Errno::INVAL};
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(duration);
    std::uint64_t whole = static_cast<std::uint64_t>(secs.count()) + (duration > secs ? 1 : 0);
    if (whole > std::numeric_limits<unsigned>::max()) return Err{Errno::INVAL};
    return Ok{static_cast<unsigned>(whole)};
}

Result<void, Errno> set_seconds_option(BorrowedFd fd, int name, std::chrono::nanoseconds value, const char* what) {
    auto secs = duration_to_secs(value);
    if (secs.is_err()) return Err{secs.error().with_context(what, fd.fd)};
    return set_int_option(fd, IPPROTO_TCP, name, static_cast<int>(secs.value()), what);
}
}  // namespace

// socket_helpers.rs:13-25 create_server_socket (part 2 of 2: definition)
Async<Result<OwnedFd, Errno>> create_server_socket(std::uint16_t port) {
    auto created = co_await kimojio::socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    if (created.is_err()) co_return Err{created.error()};
    OwnedFd server_fd = std::move(created).value();

    if (auto r = set_int_option(server_fd, IPPROTO_TCP, TCP_NODELAY, 1, "setsockopt(TCP_NODELAY)"); r.is_err()) {
        co_return Err{r.error()};
    }
    if (auto r = set_int_option(server_fd, SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt(SO_REUSEADDR)"); r.is_err()) {
        co_return Err{r.error()};
    }

    // Bind to INADDR_ANY => UNSPECIFIED to listen for connections on any interface on the host
    SocketAddrV6 sock_addr;  // [::]:port, flow info and scope id 0
    sock_addr.port = port;
    if (auto r = kimojio::bind(server_fd, sock_addr); r.is_err()) co_return Err{r.error()};
    if (auto r = kimojio::listen(server_fd, SOMAXCONN); r.is_err()) co_return Err{r.error()};

    co_return Ok{std::move(server_fd)};
}

// socket_helpers.rs:27-45 create_client_socket (part 2 of 2: definition)
Async<Result<OwnedFd, Errno>> create_client_socket(SocketAddr sock_addr) {
    if (std::holds_alternative<SocketAddrUnix>(sock_addr.addr)) {
        throw std::invalid_argument(
            "kimojio::create_client_socket: a Unix socket address; pass an IPv4 or IPv6 address, or use connect_unix");
    }
    int domain = std::holds_alternative<SocketAddrV4>(sock_addr.addr) ? AF_INET : AF_INET6;
    auto created = co_await kimojio::socket(domain, SOCK_STREAM, IPPROTO_TCP);
    if (created.is_err()) co_return Err{created.error()};
    OwnedFd socket = std::move(created).value();
    if (auto r = co_await kimojio::connect(socket, sock_addr); r.is_err()) co_return Err{r.error()};

    // Disable the Nagle algorithm since that craters performance due to
    // current write-write-read patterns
    if (auto r = set_int_option(socket, IPPROTO_TCP, TCP_NODELAY, 1, "setsockopt(TCP_NODELAY)"); r.is_err()) {
        co_return Err{r.error()};
    }

    // Enable TCP keep alive to ensure that we detect dead connections in ~60 seconds
    // (idle_time + keep_alive_interval*keep_alive_probes) after its idle.
    using std::chrono::seconds;
    if (auto r = enable_tcp_keep_alive(socket, seconds(30), seconds(1), 30); r.is_err()) co_return Err{r.error()};

    co_return Ok{std::move(socket)};
}

// socket_helpers.rs:48-66 enable_tcp_keep_alive (part 2 of 2: definition)
Result<void, Errno> enable_tcp_keep_alive(BorrowedFd socket, std::chrono::nanoseconds initial_idle_time_before_probe,
                                          std::chrono::nanoseconds keep_alive_interval,
                                          std::uint32_t keep_alive_probes) {
    // Initial idle time before sending the first probe.
    if (auto r = set_seconds_option(socket, TCP_KEEPIDLE, initial_idle_time_before_probe, "setsockopt(TCP_KEEPIDLE)");
        r.is_err()) {
        return r;
    }

    // Keep alive message interval.
    if (auto r = set_seconds_option(socket, TCP_KEEPINTVL, keep_alive_interval, "setsockopt(TCP_KEEPINTVL)");
        r.is_err()) {
        return r;
    }

    // Number of probes.
    if (auto r = set_int_option(socket, IPPROTO_TCP, TCP_KEEPCNT, static_cast<int>(keep_alive_probes),
                                "setsockopt(TCP_KEEPCNT)");
        r.is_err()) {
        return r;
    }

    return set_int_option(socket, SOL_SOCKET, SO_KEEPALIVE, 1, "setsockopt(SO_KEEPALIVE)");
}

// socket_helpers.rs:69-79 update_accept_socket (part 2 of 2: definition)
Result<void, Errno> update_accept_socket(BorrowedFd socket) {
    // Disable the Nagle algorithm since that craters performance due to
    // current write-write-read patterns
    if (auto r = set_int_option(socket, IPPROTO_TCP, TCP_NODELAY, 1, "setsockopt(TCP_NODELAY)"); r.is_err()) {
        return r;
    }

    // Enable TCP keep alive to ensure that we detect dead connections in ~60 seconds
    // (idle_time + keep_alive_interval*keep_alive_probes) after its idle.
    using std::chrono::seconds;
    return enable_tcp_keep_alive(socket, seconds(30), seconds(1), 30);
}

}  // namespace kimojio
