// Port of kimojio/src/socket_helpers.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f:
// TCP server and client sockets set up the way kimojio's services use them (no Nagle,
// keep-alive probes that detect a dead peer in about a minute). Call the async ones from a
// task running on a Runtime.
#pragma once

#include <chrono>
#include <cstdint>

#include "kimojio/async.hpp"
#include "kimojio/operations.hpp"
#include "kimojio/owned_fd.hpp"
#include "kimojio/result.hpp"
#include "kimojio/socket_addr.hpp"

namespace kimojio {

// A listening TCP socket on every interface (the IPv6 any-address [::], which also takes
// IPv4 connections unless net.ipv6.bindv6only is set) at `port` (0: the kernel picks one,
// see getsockname), with TCP_NODELAY and SO_REUSEADDR, backlog SOMAXCONN. Fails with the
// errno of the step that failed, e.g. EADDRINUSE when another socket listens on `port`.
// socket_helpers.rs:13-25 create_server_socket (part 1 of 2: declaration)
Async<Result<OwnedFd, Errno>> create_server_socket(std::uint16_t port);

// A TCP socket connected to `sock_addr` (IPv4 or IPv6), with TCP_NODELAY and keep-alive
// (30 s idle, then 30 probes 1 s apart). Fails with the errno of the step that failed, e.g.
// ECONNREFUSED when nothing listens there. A Unix address throws std::invalid_argument
// (Rust's std::net::SocketAddr has no such variant; use connect_unix).
// socket_helpers.rs:27-45 create_client_socket (part 1 of 2: declaration)
Async<Result<OwnedFd, Errno>> create_client_socket(SocketAddr sock_addr);

// Enable TCP keep alive on the socket: the first probe after `initial_idle_time_before_probe`
// of silence, then one every `keep_alive_interval`, `keep_alive_probes` of them before the
// connection is dropped. Durations are rounded up to whole seconds (as rustix does); the
// kernel takes 1..32767 s and 1..127 probes, anything else (or a negative duration) fails
// with EINVAL. ENOTSOCK / EOPNOTSUPP for a descriptor that is not a TCP socket.
// socket_helpers.rs:48-66 enable_tcp_keep_alive (part 1 of 2: declaration)
Result<void, Errno> enable_tcp_keep_alive(BorrowedFd socket, std::chrono::nanoseconds initial_idle_time_before_probe,
                                          std::chrono::nanoseconds keep_alive_interval,
                                          std::uint32_t keep_alive_probes);

// Update client socket properties on server side: what create_client_socket sets, for a
// socket returned by accept.
// socket_helpers.rs:69-79 update_accept_socket (part 1 of 2: declaration)
Result<void, Errno> update_accept_socket(BorrowedFd socket);

}  // namespace kimojio
