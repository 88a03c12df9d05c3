// Raw liburing TCP echo programs for the echo benchmark (bench/echo_run.py; see
// BENCHMARKS.md): no runtime, the baseline kimojio is held against.
//   liburing_echo server <connections>
//       listens on 127.0.0.1 (a free port, printed as "PORT <n>"), accept / recv / send
//       SQEs, exits once `connections` connections were accepted and closed
//   liburing_echo client <port> <connections> <size> <seconds | -messages per connection> <impl>
//       the client of every server: one thread, one message in flight per connection,
//       every echoed byte checked; prints "RESULT echo_<connections>x<size> <impl>
//       <messages/s> msgs/s" and exits 1 if a byte differs or a connection fails
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {
using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const char* what, int err) {
    std::fprintf(stderr, "liburing_echo: %s: %s\n", what, std::strerror(err));
    std::exit(1);
}

void no_delay(int fd) {
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) die("setsockopt(TCP_NODELAY)", errno);
}

// A listening socket on 127.0.0.1 at a free port; prints "PORT <n>".
int listen_loopback() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket", errno);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) die("bind", errno);
    if (::listen(fd, SOMAXCONN) != 0) die("listen", errno);
    socklen_t len = sizeof(addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    std::printf("PORT %u\n", static_cast<unsigned>(ntohs(addr.sin_port)));
    std::fflush(stdout);
    return fd;
}

// ---- raw liburing: user_data = connection index << 2 | operation.
enum Op : std::uint64_t { ACCEPT = 0, RECV = 1, SEND = 2 };
constexpr std::size_t BUF = 16384;

io_uring_sqe* sqe_of(io_uring& ring) {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring);
    if (sqe == nullptr) die("io_uring_get_sqe", EBUSY);
    return sqe;
}

// Submits what was queued, waits for a completion, and hands each one to f(i, op, res).
template <class F>
void for_each_completion(io_uring& ring, F&& f) {
    if (int r = io_uring_submit_and_wait(&ring, 1); r < 0 && r != -EINTR) die("io_uring_submit_and_wait", -r);
    io_uring_cqe* cqe;
    unsigned head, seen = 0;
    io_uring_for_each_cqe(&ring, head, cqe) {
        ++seen;
        f(static_cast<int>(cqe->user_data >> 2), static_cast<Op>(cqe->user_data & 3), cqe->res);
    }
    io_uring_cq_advance(&ring, seen);
}

void raw_server(int connections) {
    int listener = listen_loopback();
    io_uring ring;
    if (int r = io_uring_queue_init(512, &ring, 0); r < 0) die("io_uring_queue_init", -r);
    struct Conn {
        int fd = -1;
        std::vector<char> buf = std::vector<char>(BUF);
        std::size_t len = 0, off = 0;
    };
    std::vector<Conn> conns(connections);
    int accepted = 0, closed = 0;
    auto arm = [&](int i, Op op) {
        io_uring_sqe* sqe = sqe_of(ring);
        Conn& c = conns[i];
        if (op == ACCEPT) io_uring_prep_accept(sqe, listener, nullptr, nullptr, 0);
        if (op == RECV) io_uring_prep_recv(sqe, c.fd, c.buf.data(), BUF, 0);
        if (op == SEND) io_uring_prep_send(sqe, c.fd, c.buf.data() + c.off, c.len - c.off, MSG_NOSIGNAL);
        io_uring_sqe_set_data64(sqe, static_cast<std::uint64_t>(i) << 2 | op);
    };
    arm(0, ACCEPT);
    while (closed < connections) {
        for_each_completion(ring, [&](int i, Op op, int res) {
            Conn& c = conns[i];
            if (op == ACCEPT) {
                if (res < 0) die("accept", -res);
                conns[accepted].fd = res;
                no_delay(res);
                arm(accepted, RECV);
                if (++accepted < connections) arm(accepted, ACCEPT);
            } else if (op == RECV && res > 0) {
                c.len = static_cast<std::size_t>(res);
                c.off = 0;
                arm(i, SEND);
            } else if (op == SEND && res > 0) {
                c.off += static_cast<std::size_t>(res);
                arm(i, c.off < c.len ? SEND : RECV);
            } else {  // end of stream or an error: this connection is done
                ::close(c.fd);
                ++closed;
            }
        });
    }
    io_uring_queue_exit(&ring);
    ::close(listener);
}

// ---- the client (raw liburing, the same for every server).
int client(int port, int connections, std::size_t size, long limit, const char* impl) {
    bool by_count = limit < 0;
    long per_connection = by_count ? -limit : 0;
    // Messages are slices of a random block at an offset that depends on connection and
    // sequence number, stamped with both: a torn, reordered or misdelivered echo differs.
    std::vector<char> block(size + 4096);
    std::uint64_t x = 0x9e3779b97f4a7c15ull;
    for (char& b : block) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        b = static_cast<char>(x);
    }
    struct Conn {
        int fd = -1;
        std::vector<char> tx, rx;
        std::size_t off = 0;
        long seq = 0;
    };
    std::vector<Conn> conns(connections);
    auto fill = [&](int i) {
        Conn& c = conns[i];
        std::size_t at = (static_cast<std::size_t>(i) * 613 + static_cast<std::size_t>(c.seq) * 97) % 4096;
        std::memcpy(c.tx.data(), block.data() + at, size);
        std::memcpy(c.tx.data(), &i, std::min(size, sizeof(i)));
        if (size >= sizeof(i) + sizeof(c.seq)) std::memcpy(c.tx.data() + sizeof(i), &c.seq, sizeof(c.seq));
    };
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    for (int i = 0; i < connections; ++i) {
        Conn& c = conns[i];
        c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (c.fd < 0) die("socket", errno);
        if (::connect(c.fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) die("connect", errno);
        no_delay(c.fd);
        c.tx.resize(size);
        c.rx.resize(size);
    }
    io_uring ring;
    if (int r = io_uring_queue_init(512, &ring, 0); r < 0) die("io_uring_queue_init", -r);
    auto arm = [&](int i, Op op) {
        io_uring_sqe* sqe = sqe_of(ring);
        Conn& c = conns[i];
        if (op == SEND) io_uring_prep_send(sqe, c.fd, c.tx.data() + c.off, size - c.off, MSG_NOSIGNAL);
        if (op == RECV) io_uring_prep_recv(sqe, c.fd, c.rx.data() + c.off, size - c.off, 0);
        io_uring_sqe_set_data64(sqe, static_cast<std::uint64_t>(i) << 2 | op);
    };
    auto start = Clock::now();
    auto until = start + std::chrono::seconds(by_count ? 0 : limit);
    for (int i = 0; i < connections; ++i) {
        fill(i);
        arm(i, SEND);
    }
    long messages = 0;
    int active = connections;
    while (active > 0) {
        for_each_completion(ring, [&](int i, Op op, int res) {
            Conn& c = conns[i];
            if (res <= 0) {
                std::fprintf(stderr, "liburing_echo client: connection %d message %ld: %s\n", i, c.seq,
                             res == 0 ? "closed by the server" : std::strerror(-res));
                std::exit(1);
            }
            c.off += static_cast<std::size_t>(res);
            if (c.off < size) return arm(i, op);
            c.off = 0;
            if (op == SEND) return arm(i, RECV);
            if (std::memcmp(c.rx.data(), c.tx.data(), size) != 0) {
                std::fprintf(stderr, "liburing_echo client: connection %d message %ld: the echo differs\n", i, c.seq);
                std::exit(1);
            }
            ++messages;
            ++c.seq;
            if (by_count ? c.seq >= per_connection : Clock::now() >= until) {
                --active;
                return;
            }
            fill(i);
            arm(i, SEND);
        });
    }
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    for (Conn& c : conns) ::close(c.fd);
    io_uring_queue_exit(&ring);
    std::printf("MESSAGES %ld\n", messages);
    std::printf("RESULT echo_%dx%zu %s %.6g msgs/s\n", connections, size, impl, messages / seconds);
    return 0;
}
}  // namespace

int main(int argc, char** argv) {
    std::string what = argc > 1 ? argv[1] : "";
    if (what == "server" && argc == 3) {
        raw_server(std::atoi(argv[2]));
        return 0;
    }
    if (what == "client" && argc == 7) {
        return client(std::atoi(argv[2]), std::atoi(argv[3]), std::strtoul(argv[4], nullptr, 10),
                      std::atol(argv[5]), argv[6]);
    }
    std::fprintf(stderr,
                 "usage: liburing_echo server <connections>\n"
                 "     | client <port> <connections> <size> <seconds | -messages per connection> <impl>\n");
    return 2;
}
