// Socket addresses (std::net::SocketAddrV4 / SocketAddrV6 and rustix::net::SocketAddrUnix,
// as far as the socket operations use them). Not a port of a kimojio file: models of the
// Rust types, like Errno in result.hpp.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace kimojio {

// An IPv4 address and port (host byte order), e.g. SocketAddrV4{{127, 0, 0, 1}, 8080}.
struct SocketAddrV4 {
    std::array<std::uint8_t, 4> ip{};
    std::uint16_t port = 0;
    static SocketAddrV4 localhost(std::uint16_t port) { return SocketAddrV4{{127, 0, 0, 1}, port}; }
    friend bool operator==(const SocketAddrV4&, const SocketAddrV4&) = default;
};

// An IPv6 address and port (host byte order), with its flow info and scope id.
struct SocketAddrV6 {
    std::array<std::uint8_t, 16> ip{};
    std::uint16_t port = 0;
    std::uint32_t flowinfo = 0;
    std::uint32_t scope_id = 0;
    static SocketAddrV6 localhost(std::uint16_t port) {
        SocketAddrV6 addr;
        addr.ip[15] = 1;  // ::1
        addr.port = port;
        return addr;
    }
    friend bool operator==(const SocketAddrV6&, const SocketAddrV6&) = default;
};

// A Unix domain socket address: a path, or an abstract name (Linux; no file). Throws
// std::invalid_argument for a name longer than sun_path holds or a path with a NUL.
class SocketAddrUnix {
public:
    static SocketAddrUnix new_path(std::string_view path);
    static SocketAddrUnix new_abstract_name(std::string_view name);
    // The path, or nullopt for an abstract name (and the other way round).
    std::optional<std::string_view> path() const {
        return abstract_ ? std::nullopt : std::optional<std::string_view>(name_);
    }
    std::optional<std::string_view> abstract_name() const {
        return abstract_ ? std::optional<std::string_view>(name_) : std::nullopt;
    }
    friend bool operator==(const SocketAddrUnix&, const SocketAddrUnix&) = default;

private:
    SocketAddrUnix(std::string name, bool abstract_name) : name_(std::move(name)), abstract_(abstract_name) {}
    std::string name_;
    bool abstract_ = false;
};

// Any of the three; converts implicitly from each.
struct SocketAddr {
    std::variant<SocketAddrV4, SocketAddrV6, SocketAddrUnix> addr;
    SocketAddr(SocketAddrV4 v4) : addr(v4) {}
    SocketAddr(SocketAddrV6 v6) : addr(v6) {}
    SocketAddr(SocketAddrUnix unix_addr) : addr(std::move(unix_addr)) {}
    // From what getsockname / accept wrote; std::invalid_argument for another family.
    static SocketAddr from_raw(const sockaddr* raw, socklen_t len);
    friend bool operator==(const SocketAddr&, const SocketAddr&) = default;
};

}  // namespace kimojio
