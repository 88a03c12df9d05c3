// Tests of uring_cmd / uring_cmd_polled and the 128-byte SQE / 32-byte CQE rings of
// upstream's io_uring_cmd feature (kimojio/src/operations.rs at qbradley/kimojio-rs
// 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f has no tests of them: they need an NVMe
// generic device). Not in Rust: these use the socket commands of Linux 6.7+ (TCP over
// loopback) and a NOP that posts a 32-byte CQE (Linux 6.18+).
// Built only with -DKIMOJIO_IO_URING_CMD=ON (ci/test builds it in build/fault).
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "kimojio/kimojio.hpp"
#include "test_support.hpp"

using kimojio::Async;
using kimojio::Errno;
using kimojio::OwnedFd;
using test_support::run_test;

static_assert(KIMOJIO_IO_URING_CMD == 1, "test_uring_cmd needs -DKIMOJIO_IO_URING_CMD=ON");
static_assert(sizeof(kimojio::SQE) == 128);

namespace {
// include/uapi/linux/io_uring.h (Linux 6.7+); Debian 12's linux-libc-dev (6.1) lacks them.
constexpr std::uint32_t SOCKET_URING_OP_SIOCINQ = 0;
constexpr std::uint32_t SOCKET_URING_OP_SIOCOUTQ = 1;
// Linux 6.18+: a NOP with this flag posts a 32-byte CQE whose extra 16 bytes are the
// SQE's off and addr.
constexpr std::uint32_t IORING_NOP_CQE32 = 1U << 5;

constexpr std::array<std::uint8_t, 80> NO_CMD{};

struct TcpPair {
    OwnedFd client;
    OwnedFd server;
};

// A connected TCP pair over 127.0.0.1 (blocking syscalls: the setup is not under test).
// `server_rcvbuf` > 0 shrinks the accepted socket's receive buffer.
TcpPair tcp_pair(int server_rcvbuf = 0) {
    OwnedFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    REQUIRE(listener.as_raw_fd() >= 0);
    if (server_rcvbuf > 0) {  // inherited by the accepted socket
        REQUIRE(::setsockopt(listener.as_raw_fd(), SOL_SOCKET, SO_RCVBUF, &server_rcvbuf, sizeof(int)) == 0);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener.as_raw_fd(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    REQUIRE(::listen(listener.as_raw_fd(), 1) == 0);
    socklen_t len = sizeof(addr);
    REQUIRE(::getsockname(listener.as_raw_fd(), reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    OwnedFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    REQUIRE(::connect(client.as_raw_fd(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    OwnedFd server(::accept4(listener.as_raw_fd(), nullptr, nullptr, SOCK_CLOEXEC));
    REQUIRE(server.as_raw_fd() >= 0);
    return TcpPair{std::move(client), std::move(server)};
}

struct PipePair {
    OwnedFd reader;
    OwnedFd writer;
};

PipePair pipe_pair() {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    return PipePair{OwnedFd(fds[0]), OwnedFd(fds[1])};
}

// The command's answer (the CQE's res) or the error.
Async<kimojio::Result<std::uint32_t, Errno>> answer(kimojio::UringCmdFuture future) {
    auto result = co_await std::move(future);
    if (result.is_err()) {
        co_return kimojio::Result<std::uint32_t, Errno>(kimojio::Err{result.error()});
    }
    CHECK(result.value().big_cqe == std::array<std::uint64_t, 2>{0, 0});  // sockets post none
    co_return kimojio::Result<std::uint32_t, Errno>(kimojio::Ok{result.value().res});
}

// README's example: how many bytes wait unread on a socket (a Linux 6.7+ socket command).
kimojio::Async<kimojio::Result<std::uint32_t, kimojio::Errno>> unread_bytes(const kimojio::OwnedFd& socket) {
    auto reply = co_await kimojio::uring_cmd(socket, SOCKET_URING_OP_SIOCINQ, {});
    if (reply.is_err()) {
        co_return kimojio::Err{reply.error()};
    }
    co_return kimojio::Ok{reply.value().res};  // NVMe passthrough completes in .big_cqe
}
}  // namespace

TEST_CASE("uring_cmd_siocinq_counts_unread_bytes") {
    run_test([]() -> Async<void> {
        TcpPair pair = tcp_pair();
        auto none = co_await answer(kimojio::uring_cmd(pair.server, SOCKET_URING_OP_SIOCINQ, NO_CMD));
        REQUIRE(none.is_ok());
        CHECK(none.value() == 0);

        const std::string hello = "hello";
        CHECK((co_await kimojio::write(pair.client, std::span<const char>(hello))).value() == 5);
        // One 5-byte segment: once readable, all 5 bytes are queued.
        std::array<char, 2> two{};
        CHECK((co_await kimojio::recv(pair.server, std::span<char>(two), MSG_PEEK, std::nullopt)).value() >= 1);
        auto five = co_await unread_bytes(pair.server);
        REQUIRE(five.is_ok());
        CHECK(five.value() == 5);

        CHECK((co_await kimojio::read(pair.server, std::span<char>(two))).value() == 2);
        auto three = co_await unread_bytes(pair.server);
        REQUIRE(three.is_ok());
        CHECK(three.value() == 3);
    }());
}

// SIOCOUTQ is the sender's unacknowledged bytes. A receiver that never reads closes its
// window, so what the sender queued beyond it stays there: once the receiver has acked
// all it holds, sender's SIOCOUTQ + receiver's SIOCINQ == bytes written, both > 0.
TEST_CASE("uring_cmd_siocoutq_counts_unacked_bytes") {
    run_test([]() -> Async<void> {
        TcpPair pair = tcp_pair(4096);
        int sndbuf = 1 << 17;
        REQUIRE(::setsockopt(pair.client.as_raw_fd(), SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(int)) == 0);
        REQUIRE(::fcntl(pair.client.as_raw_fd(), F_SETFL, O_NONBLOCK) == 0);
        std::vector<char> chunk(4096, 'x');
        std::uint64_t written = 0;
        for (;;) {
            ssize_t n = ::write(pair.client.as_raw_fd(), chunk.data(), chunk.size());
            if (n < 0) {
                REQUIRE(errno == EAGAIN);
                break;
            }
            written += static_cast<std::uint64_t>(n);
        }
        REQUIRE(written > 8192);  // more than the receiver can hold

        std::uint64_t outq = 0;
        std::uint64_t inq = 0;
        // Acks are not instant (delayed ACK): wait for the sum, up to 10 s.
        for (int i = 0; i < 1000; ++i) {
            auto out = co_await answer(kimojio::uring_cmd(pair.client, SOCKET_URING_OP_SIOCOUTQ, NO_CMD));
            auto in = co_await answer(kimojio::uring_cmd(pair.server, SOCKET_URING_OP_SIOCINQ, NO_CMD));
            REQUIRE(out.is_ok());
            REQUIRE(in.is_ok());
            outq = out.value();
            inq = in.value();
            if (outq + inq == written) {
                break;
            }
            co_await kimojio::sleep(std::chrono::milliseconds(10));
        }
        CHECK(outq + inq == written);
        CHECK(outq > 0);
        CHECK(inq > 0);
    }());
}

TEST_CASE("uring_cmd_errors_name_operation_and_fd") {
    run_test([]() -> Async<void> {
        PipePair pipe = pipe_pair();
        // a closed descriptor
        const int closed = ::dup(pipe.reader.as_raw_fd());
        REQUIRE(::close(closed) == 0);
        auto bad = co_await answer(kimojio::uring_cmd(closed, SOCKET_URING_OP_SIOCINQ, NO_CMD));
        REQUIRE(bad.is_err());
        CHECK(bad.error() == Errno::BADF);
        CHECK(bad.error().fd == closed);
        CHECK(std::string(bad.error().op) == "nvme_cmd");  // upstream's IOType for it
        // a pipe has no uring_cmd handler
        auto refused = co_await answer(kimojio::uring_cmd(pipe.reader, SOCKET_URING_OP_SIOCINQ, NO_CMD));
        REQUIRE(refused.is_err());
        CHECK(refused.error() == Errno{EOPNOTSUPP});
        // a socket, an unknown command
        TcpPair pair = tcp_pair();
        auto unknown = co_await answer(kimojio::uring_cmd(pair.server, 99, NO_CMD));
        REQUIRE(unknown.is_err());
        CHECK(unknown.error() == Errno{EOPNOTSUPP});
    }());
}

// uring_cmd_polled goes to the IOPOLL ring, where the kernel accepts a command only
// for a driver that can poll (f_op->uring_cmd_iopoll, e.g. NVMe): a socket, whose
// command uring_cmd answers above, is refused there.
TEST_CASE("uring_cmd_polled_goes_to_the_iopoll_ring") {
    run_test([]() -> Async<void> {
        TcpPair pair = tcp_pair();
        kimojio::UringCmdFuture polled = kimojio::uring_cmd_polled(pair.server, SOCKET_URING_OP_SIOCINQ, NO_CMD);
        CHECK(polled.is_io_poll());
        auto refused = co_await answer(std::move(polled));
        REQUIRE(refused.is_err());
        CHECK(refused.error() == Errno{EOPNOTSUPP});
        kimojio::UringCmdFuture plain = kimojio::uring_cmd(pair.server, SOCKET_URING_OP_SIOCINQ, NO_CMD);
        CHECK_FALSE(plain.is_io_poll());
        auto zero = co_await answer(std::move(plain));
        REQUIRE(zero.is_ok());
        CHECK(zero.value() == 0);
    }());
}

// process_completions copies the 32-byte CQE's extra 16 bytes into the completion and
// ResultToCqe returns them (upstream's big_cqe path; NVMe puts its result there).
TEST_CASE("big_cqe_reaches_the_future") {
    auto [major, minor] = kimojio::kernel_version();
    if (major < 6 || (major == 6 && minor < 18)) {
        MESSAGE("skipped: IORING_NOP_CQE32 needs Linux 6.18, this is " << major << "." << minor);
        return;
    }
    run_test([]() -> Async<void> {
        kimojio::SQE entry{};
        io_uring_prep_nop(&entry);
        entry.rw_flags = IORING_NOP_CQE32;
        entry.off = 0x0123456789abcdefULL;
        entry.addr = 0xfedcba9876543210ULL;
        auto result = co_await kimojio::UringCmdFuture::new_(entry, -1, std::nullopt, kimojio::IOType::Nop);
        REQUIRE(result.is_ok());
        CHECK(result.value().res == 0);
        CHECK(result.value().big_cqe[0] == 0x0123456789abcdefULL);
        CHECK(result.value().big_cqe[1] == 0xfedcba9876543210ULL);
    }());
}

// Ordinary operations on the 128-byte SQE ring, with a linked timeout (the second SQE
// of a pair): one that expires, one that completes first.
TEST_CASE("linked_timeouts_on_sqe128_rings") {
    run_test([]() -> Async<void> {
        PipePair pipe = pipe_pair();
        std::array<char, 8> buffer{};
        auto expired = co_await kimojio::read_with_timeout(pipe.reader, buffer, std::chrono::milliseconds(1));
        REQUIRE(expired.is_err());
        CHECK(expired.error() == Errno::TIME);
        const std::string abc = "abc";
        CHECK((co_await kimojio::write(pipe.writer, std::span<const char>(abc))).value() == 3);
        auto read = co_await kimojio::read_with_timeout(pipe.reader, buffer, std::chrono::seconds(30));
        REQUIRE(read.is_ok());
        CHECK(read.value() == 3);
        CHECK(std::string(buffer.data(), 3) == "abc");
    }());
}
