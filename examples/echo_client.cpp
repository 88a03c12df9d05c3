// The client of examples/echo_server.cpp: `connections` tasks, each connected with
// kimojio::create_client_socket, send messages of `size` bytes and read each one back
// until `seconds` pass, checking every byte. Prints messages/s; exits 1 on any mismatch,
// error or early close.
//
//   echo_client <port> [connections = 64] [seconds = 3] [size = 64]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "kimojio/kimojio.hpp"

using kimojio::Async;
using kimojio::OwnedFd;
using Clock = std::chrono::steady_clock;

namespace {

struct Totals {
    std::size_t messages = 0;
    std::size_t bytes = 0;
    std::size_t failures = 0;
};

// Message `seq` of connection `id`: bytes no other message of the run has at that offset
// (so a message delivered to the wrong connection, reordered or torn is caught).
void fill(std::vector<char>& message, std::size_t id, std::size_t seq) {
    for (std::size_t i = 0; i < message.size(); ++i) {
        message[i] = static_cast<char>((id * 131 + seq * 31 + i * 7 + (i >> 8)) & 0xff);
    }
    if (message.size() >= 16) {
        std::memcpy(message.data(), &id, sizeof(id));
        std::memcpy(message.data() + 8, &seq, sizeof(seq));
    }
}

void report(std::size_t id, std::size_t seq, const char* what, Totals* totals) {
    std::fprintf(stderr, "echo_client: connection %zu message %zu: %s\n", id, seq, what);
    ++totals->failures;
}

const char* describe(const kimojio::ExactIoError& e) {
    return e.is_eof() ? "the server closed the connection" : std::strerror(e.error.code);
}

Async<void> connection(std::uint16_t port, std::size_t id, std::size_t size, Clock::time_point until, Totals* totals) {
    auto connected = co_await kimojio::create_client_socket(kimojio::SocketAddrV4::localhost(port));
    if (connected.is_err()) {
        std::fprintf(stderr, "echo_client: connection %zu: connect: %s\n", id, std::strerror(connected.error().code));
        ++totals->failures;
        co_return;
    }
    OwnedFd socket = std::move(connected).value();
    std::vector<char> message(size), echoed(size);
    for (std::size_t seq = 0; Clock::now() < until; ++seq) {
        fill(message, id, seq);
        auto sent = co_await kimojio::write_all(socket, message);
        if (sent.is_err()) co_return report(id, seq, describe(sent.error()), totals);
        auto got = co_await kimojio::read_exact(socket, echoed);
        if (got.is_err()) co_return report(id, seq, describe(got.error()), totals);
        if (echoed != message) co_return report(id, seq, "the echo differs", totals);
        ++totals->messages;
        totals->bytes += size;
    }
}

Async<void> run(std::uint16_t port, std::size_t connections, std::chrono::seconds seconds, std::size_t size,
                Totals* totals) {
    Clock::time_point until = Clock::now() + seconds;
    std::vector<kimojio::JoinHandle<void>> tasks;
    for (std::size_t id = 0; id < connections; ++id) {
        tasks.push_back(kimojio::spawn(connection(port, id, size, until, totals)));
    }
    for (auto& task : tasks) co_await task;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: echo_client <port> [connections] [seconds] [size]\n");
        return 2;
    }
    auto port = static_cast<std::uint16_t>(std::atoi(argv[1]));
    std::size_t connections = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 64;
    std::chrono::seconds seconds(argc > 3 ? std::atoi(argv[3]) : 3);
    std::size_t size = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 64;
    if (connections == 0 || size == 0) {
        std::fprintf(stderr, "echo_client: connections and size must be at least 1\n");
        return 2;
    }
    Totals totals;
    auto start = Clock::now();
    try {
        kimojio::Runtime runtime(0, kimojio::Configuration());
        (void)runtime.block_on(run(port, connections, seconds, size, &totals));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "echo_client: %s\n", e.what());
        return 2;
    }
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("echo_client: %zu connections, %zu messages of %zu bytes in %.2f s: %.0f messages/s\n", connections,
                totals.messages, size, elapsed, totals.messages / elapsed);
    if (totals.failures != 0 || totals.messages == 0) {
        std::printf("echo_client: FAILED (%zu connections failed)\n", totals.failures);
        return 1;
    }
    std::printf("echo_client: sent %zu bytes, every byte echoed back intact\n", totals.bytes);
    return 0;
}
