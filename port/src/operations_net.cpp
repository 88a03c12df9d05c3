// Port of the socket operations of kimojio/src/operations.rs at qbradley/kimojio-rs
// 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f (lines 304-364, 402-537 and 674-759: socket,
// accept, shutdown, bind, listen, the sockaddr conversions, connect_unix, connect, send,
// recv, recvmsg, sendmsg), in Rust order; plus SocketAddr's bodies (socket_addr.hpp).
#include <netinet/in.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

#include "kimojio/operations.hpp"

namespace kimojio {

// ---- Beyond upstream (no Rust counterpart): SocketAddrUnix and SocketAddr (socket_addr.hpp).
namespace {
constexpr std::size_t sun_path_size = sizeof(sockaddr_un{}.sun_path);
}  // namespace

SocketAddrUnix SocketAddrUnix::new_path(std::string_view path) {
    if (path.find('\0') != std::string_view::npos) {
        throw std::invalid_argument("kimojio::SocketAddrUnix::new_path: the path has a NUL byte; pass one without NUL");
    }
    if (path.size() >= sun_path_size) {
        throw std::invalid_argument("kimojio::SocketAddrUnix::new_path: the path is " + std::to_string(path.size()) +
                                    " bytes, sun_path holds at most " + std::to_string(sun_path_size - 1));
    }
    return SocketAddrUnix(std::string(path), false);
}

SocketAddrUnix SocketAddrUnix::new_abstract_name(std::string_view name) {
    if (name.size() >= sun_path_size) {
        throw std::invalid_argument("kimojio::SocketAddrUnix::new_abstract_name: the name is " +
                                    std::to_string(name.size()) + " bytes, at most " +
                                    std::to_string(sun_path_size - 1) + " fit");
    }
    return SocketAddrUnix(std::string(name), true);
}

SocketAddr SocketAddr::from_raw(const sockaddr* raw, socklen_t len) {
    if (raw->sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(raw);
        SocketAddrV4 v4;
        std::memcpy(v4.ip.data(), &in->sin_addr.s_addr, 4);
        v4.port = ntohs(in->sin_port);
        return v4;
    }
    if (raw->sa_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(raw);
        SocketAddrV6 v6;
        std::memcpy(v6.ip.data(), in6->sin6_addr.s6_addr, 16);
        v6.port = ntohs(in6->sin6_port);
        v6.flowinfo = in6->sin6_flowinfo;
        v6.scope_id = in6->sin6_scope_id;
        return v6;
    }
    if (raw->sa_family == AF_UNIX && len >= sizeof(sa_family_t)) {
        const auto* un = reinterpret_cast<const sockaddr_un*>(raw);
        std::size_t n = len - sizeof(sa_family_t);
        if (n > 0 && un->sun_path[0] == '\0') {
            return SocketAddrUnix::new_abstract_name(std::string_view(un->sun_path + 1, n - 1));
        }
        return SocketAddrUnix::new_path(std::string_view(un->sun_path, strnlen(un->sun_path, n)));
    }
    throw std::invalid_argument("kimojio::SocketAddr::from_raw: address family " + std::to_string(raw->sa_family) +
                                " is not AF_INET, AF_INET6 or AF_UNIX");
}
// ---- End of SocketAddr.

// operations.rs:304-331 socket (part 2 of 2: definition)
Async<Result<OwnedFd, Errno>> socket(int domain, int socket_type, std::optional<int> protocol) {
    bool supported = [] {
        TaskStateCellRef task_state = TaskState::get();
        return io_uring_opcode_supported(task_state->probe.get(), IORING_OP_SOCKET) != 0;
    }();  // OwnedFdFuture internally will access task_state
    if (supported) {
        SQE entry{};
        io_uring_prep_socket(&entry, domain, socket_type, protocol.value_or(0), 0);
        OwnedFdFuture socket_fut = OwnedFdFuture::new_(entry, -1, std::nullopt, IOType::Socket);
        co_return co_await socket_fut;
    } else {
        // Our kernel does not yet support the api call. Lets leave this function async anyway for
        // future proof
        int fd = ::socket(domain, socket_type, protocol.value_or(0));
        if (fd < 0) co_return Err{Errno{errno}.with_context("socket", -1)};
        co_return Ok{OwnedFd(fd)};
    }
}

// operations.rs:340-348 accept (part 2 of 2: definition)
OwnedFdFuture accept(BorrowedFd fd) {
    SQE entry{};
    io_uring_prep_accept(&entry, fd.fd, nullptr, nullptr, 0);
    return OwnedFdFuture::new_(entry, fd.fd, std::nullopt, IOType::Accept);
}

// operations.rs:356-364 shutdown (part 2 of 2: definition)
UnitFuture shutdown(BorrowedFd fd, int how) {
    SQE entry{};
    io_uring_prep_shutdown(&entry, fd.fd, how);
    return UnitFuture::new_(entry, fd.fd, std::nullopt, IOType::Shutdown);
}

namespace {
// operations.rs:416-425 sockaddr_from_socketaddr
sockaddr_in sockaddr_from_socketaddr(const SocketAddrV4& addr) {
    sockaddr_in out{};
    std::memcpy(&out.sin_addr.s_addr, addr.ip.data(), 4);
    out.sin_port = htons(addr.port);
    out.sin_family = AF_INET;
    return out;
}

// operations.rs:427-437 sockaddr6_from_socketaddrv6
sockaddr_in6 sockaddr6_from_socketaddrv6(const SocketAddrV6& addr) {
    sockaddr_in6 out{};
    std::memcpy(out.sin6_addr.s6_addr, addr.ip.data(), 16);
    out.sin6_family = AF_INET6;
    out.sin6_flowinfo = addr.flowinfo;
    out.sin6_port = htons(addr.port);
    out.sin6_scope_id = addr.scope_id;
    return out;
}

// Converts a SocketAddrUnix into the sockaddr_un and the address length connect takes
// (the length depends on the path: family + path, or family + NUL + abstract name).
// operations.rs:449-482 sockaddr_from_socketaddr_unix
std::pair<sockaddr_un, std::size_t> sockaddr_from_socketaddr_unix(const SocketAddrUnix& addr) {
    sockaddr_un out{};
    out.sun_family = AF_UNIX;
    std::size_t addrlen;
    if (auto name = addr.abstract_name()) {
        // Abstract names place a null byte at index 0 and the rest of the
        // identifier after the null byte
        std::memcpy(out.sun_path + 1, name->data(), name->size());
        addrlen = name->size() + 1 + sizeof(sa_family_t);
    } else {
        std::string_view path = *addr.path();
        std::memcpy(out.sun_path, path.data(), path.size());
        addrlen = path.size() + sizeof(sa_family_t);
    }
    return {out, addrlen};
}

// Not in Rust (rustix converts inside bind): the sockaddr of any SocketAddr.
struct RawSockaddr {
    sockaddr_storage storage{};
    socklen_t len = 0;
    const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};
RawSockaddr raw_sockaddr(const SocketAddr& address) {
    RawSockaddr raw;
    auto put = [&raw](const auto& addr, std::size_t len) {
        std::memcpy(&raw.storage, &addr, sizeof(addr));
        raw.len = static_cast<socklen_t>(len);
    };
    if (const auto* v4 = std::get_if<SocketAddrV4>(&address.addr)) {
        put(sockaddr_from_socketaddr(*v4), sizeof(sockaddr_in));
    } else if (const auto* v6 = std::get_if<SocketAddrV6>(&address.addr)) {
        put(sockaddr6_from_socketaddrv6(*v6), sizeof(sockaddr_in6));
    } else {
        auto [un, len] = sockaddr_from_socketaddr_unix(std::get<SocketAddrUnix>(address.addr));
        put(un, len);
    }
    return raw;
}
}  // namespace

// operations.rs:402-404 bind (part 2 of 2: definition)
Result<void, Errno> bind(BorrowedFd fd, const SocketAddr& address) {
    RawSockaddr raw = raw_sockaddr(address);
    if (::bind(fd.fd, raw.get(), raw.len) != 0) return Err{Errno{errno}.with_context("bind", fd.fd)};
    return ok();
}

// operations.rs:412-414 listen (part 2 of 2: definition)
Result<void, Errno> listen(BorrowedFd fd, int backlog) {
    if (::listen(fd.fd, backlog) != 0) return Err{Errno{errno}.with_context("listen", fd.fd)};
    return ok();
}

// operations.rs:490-501 connect_unix (part 2 of 2: definition)
Async<Result<void, Errno>> connect_unix(BorrowedFd fd, SocketAddrUnix addr) {
    // The sockaddr lives in this coroutine's frame; the connect borrows it (drop waits).
    auto [raw, addrlen] = sockaddr_from_socketaddr_unix(addr);
    SQE entry{};
    io_uring_prep_connect(&entry, fd.fd, reinterpret_cast<const sockaddr*>(&raw), static_cast<socklen_t>(addrlen));
    co_return co_await UnitFuture::new_(entry, fd.fd, std::nullopt, IOType::Connect);
}

// operations.rs:509-537 connect (part 2 of 2: definition)
Async<Result<void, Errno>> connect(BorrowedFd fd, SocketAddr addr) {
    RawSockaddr raw = raw_sockaddr(addr);  // the three arms of Rust's match (Unix: connect_unix's)
    SQE entry{};
    io_uring_prep_connect(&entry, fd.fd, raw.get(), raw.len);
    co_return co_await UnitFuture::new_(entry, fd.fd, std::nullopt, IOType::Connect);
}

// operations.rs:674-689 send (part 2 of 2: definition)
UsizeFuture send(BorrowedFd fd, std::span<const char> buf, int flags, std::optional<std::chrono::nanoseconds> timeout) {
    SQE entry{};
    io_uring_prep_send(&entry, fd.fd, buf.data(), buf.size(), flags);
    return UsizeFuture::new_(entry, fd.fd, timeout, IOType::Send);
}

// operations.rs:697-712 recv (part 2 of 2: definition)
UsizeFuture recv(BorrowedFd fd, std::span<char> buf, int flags, std::optional<std::chrono::nanoseconds> timeout) {
    SQE entry{};
    io_uring_prep_recv(&entry, fd.fd, buf.data(), buf.size(), flags);
    return UsizeFuture::new_(entry, fd.fd, timeout, IOType::Recv);
}

// operations.rs:720-736 recvmsg (part 2 of 2: definition)
UsizeFuture recvmsg(BorrowedFd fd, msghdr* msghdr, int flags, std::optional<std::chrono::nanoseconds> timeout) {
    SQE entry{};
    io_uring_prep_recvmsg(&entry, fd.fd, msghdr, static_cast<unsigned>(flags));
    return UsizeFuture::new_(entry, fd.fd, timeout, IOType::Recv);
}

// operations.rs:744-759 sendmsg (part 2 of 2: definition)
UsizeFuture sendmsg(BorrowedFd fd, const msghdr* msghdr, int flags, std::optional<std::chrono::nanoseconds> timeout) {
    SQE entry{};
    io_uring_prep_sendmsg(&entry, fd.fd, msghdr, static_cast<unsigned>(flags));
    return UsizeFuture::new_(entry, fd.fd, timeout, IOType::Send);
}

}  // namespace kimojio
