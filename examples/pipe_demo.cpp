// The README's main job: three writer tasks send timed messages through one pipe,
// a reader task reads them with io_uring, and main joins everything.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "kimojio/kimojio.hpp"

using namespace std::chrono_literals;

namespace {

std::chrono::steady_clock::time_point start_time;

long elapsed_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_time).count();
}

// Writes `count` messages, one every `period`, and returns how many bytes it wrote.
kimojio::Async<std::size_t> writer(int fd, char name, int count, std::chrono::milliseconds period) {
    std::size_t total = 0;
    for (int i = 0; i < count; ++i) {
        co_await kimojio::sleep(period);
        std::string message = std::string("writer ") + name + " message " + std::to_string(i) + "\n";
        auto written = co_await kimojio::write(fd, message);
        total += written.value();
        std::printf("[%4ld ms] writer %c: wrote message %d (task %u)\n", elapsed_ms(), name, i,
                    kimojio::task_identity().task_index);
    }
    co_return total;
}

// Reads until `expected` bytes arrived; gives up on a read that takes longer than 1 s.
kimojio::Async<std::size_t> reader(int fd, std::size_t expected) {
    std::size_t total = 0;
    char buf[256];
    while (total < expected) {
        auto got = co_await kimojio::read_with_timeout(fd, buf, 1s);
        if (got.is_err()) {
            std::printf("[%4ld ms] reader: read failed: %s\n", elapsed_ms(), std::strerror(got.error().code));
            co_return total;
        }
        total += got.value();
        std::printf("[%4ld ms] reader: %zu bytes (%zu of %zu)\n", elapsed_ms(), got.value(), total, expected);
    }
    co_return total;
}

kimojio::Async<int> main_task(int read_fd, int write_fd) {
    auto a = kimojio::spawn(writer(write_fd, 'a', 3, 20ms));
    auto b = kimojio::spawn(writer(write_fd, 'b', 2, 35ms));
    auto c = kimojio::spawn(writer(write_fd, 'c', 1, 50ms));
    std::size_t expected = 3 * 19 + 2 * 19 + 1 * 19;  // "writer x message n\n" is 19 bytes
    auto r = kimojio::spawn(reader(read_fd, expected));
    std::size_t written = co_await a;
    written += co_await b;
    written += co_await c;
    std::size_t read = co_await r;
    std::printf("[%4ld ms] main: writers wrote %zu bytes, reader read %zu bytes\n", elapsed_ms(), written, read);
    co_return read == written ? 0 : 1;
}

}  // namespace

int main() {
    int fds[2];
    if (pipe(fds) != 0) {
        std::perror("pipe");
        return 2;
    }
    kimojio::OwnedFd read_end(fds[0]);
    kimojio::OwnedFd write_end(fds[1]);
    start_time = std::chrono::steady_clock::now();
    try {
        kimojio::Runtime runtime(0, kimojio::Configuration());
        auto result = runtime.block_on(main_task(read_end.as_raw_fd(), write_end.as_raw_fd()));
        if (!result) {
            std::printf("runtime was shut down before main finished\n");
            return 2;
        }
        int status = std::move(*result).value();
        std::printf("pipe_demo: %s\n", status == 0 ? "all bytes accounted for" : "BYTES LOST");
        return status;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pipe_demo: %s\n", e.what());
        return 2;
    }
}
