// C++-only tests (no Rust counterpart) of what a new user tripped over (issue 14, item 7):
// SIGPIPE ignored (EPIPE comes back), I/O errors naming the operation and fd, spawn
// outside a runtime, block_on waiting for spawned tasks, shutdown_loop's result, and
// write_all / read_exact.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "kimojio/kimojio.hpp"
#include "test_support.hpp"

using kimojio::Async;
using kimojio::Errno;
using kimojio::OwnedFd;
using test_support::run_test;
using namespace std::chrono_literals;

namespace {
std::pair<OwnedFd, OwnedFd> make_pipe() {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    return {OwnedFd(fds[0]), OwnedFd(fds[1])};
}

// What an exception's what() says, or "" if the callable did not throw it.
template <class E, class F>
std::string what_of(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    return "";
}

Async<int> write_to_closed_pipe() {
    auto [reader, writer] = make_pipe();
    { OwnedFd gone = std::move(reader); }
    std::array<char, 4> bytes{'k', 'i', 'm', 'o'};
    auto written = co_await kimojio::write(writer, bytes);
    co_return written.is_err() && written.error() == Errno::PIPE ? 0 : 3;
}
}  // namespace

TEST_CASE("a write to a pipe whose reader is gone returns EPIPE instead of killing the process") {
    // In a child whose SIGPIPE is back at the default (kill): only the Runtime ignores it.
    int status = test_support::status_of_forked_run([] {
        signal(SIGPIPE, SIG_DFL);
        return write_to_closed_pipe();
    });
    CHECK_FALSE(WIFSIGNALED(status));  // 141 in a shell: killed by SIGPIPE
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

namespace {
Async<int> nops_then(int n, int code) {
    for (int i = 0; i < n; ++i) (co_await kimojio::nop()).value();
    co_return code;
}

int returned(std::optional<kimojio::Result<int, std::exception_ptr>> result) {
    REQUIRE(result.has_value());
    return std::move(*result).value();
}
}  // namespace

TEST_CASE("after fork(), kimojio on the forking thread throws ForkedThreadError and the parent's rings stay intact") {
    CHECK(returned(kimojio::run(0, nops_then(10, 1))) == 1);  // this thread now has rings
    int code = test_support::exit_code_of_child([] {
        try {
            (void)kimojio::run(0, nops_then(100, 0));
            return 1;  // it ran on the rings it shares with the parent
        } catch (const kimojio::ForkedThreadError& e) {
            return std::string(e.what()).find("exec or _exit") != std::string::npos ? 42 : 2;
        } catch (...) {
            return 3;
        }
    });
    CHECK(code == 42);
    // A new thread of the child has rings of its own.
    int status = test_support::status_of_forked_run([] { return nops_then(100, 7); });
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 7);
    // The parent's rings: before ForkedThreadError, the first child's 100 nops went into
    // them and this crashed (SIGSEGV).
    CHECK(returned(kimojio::run(0, nops_then(100, 5))) == 5);
}

TEST_CASE("a handler the program installed for SIGPIPE is kept by a Runtime") {
    struct sigaction before {};
    REQUIRE(sigaction(SIGPIPE, nullptr, &before) == 0);
    struct sigaction mine {};
    mine.sa_handler = [](int) {};
    sigemptyset(&mine.sa_mask);
    REQUIRE(sigaction(SIGPIPE, &mine, nullptr) == 0);
    { kimojio::Runtime runtime(0, kimojio::Configuration()); }
    struct sigaction after {};
    REQUIRE(sigaction(SIGPIPE, &before, &after) == 0);
    CHECK(reinterpret_cast<void*>(after.sa_handler) == reinterpret_cast<void*>(mine.sa_handler));
}

namespace {
Async<void> error_messages() {
    auto [reader, writer] = make_pipe();
    int fd = writer.as_raw_fd();
    { OwnedFd gone = std::move(reader); }
    std::array<char, 2> bytes{'h', 'i'};
    auto written = co_await kimojio::write(writer, bytes);
    REQUIRE(written.is_err());
    CHECK(written.error() == Errno::PIPE);
    CHECK(written.error().fd == fd);
    std::string what = what_of<std::system_error>([&] { (void)written.value(); });
    CHECK(what == "kimojio: write on fd " + std::to_string(fd) + " failed: Broken pipe");

    std::array<char, 2> into{};
    auto bad = co_await kimojio::read(kimojio::BorrowedFd(12345), into);
    REQUIRE(bad.is_err());
    CHECK(what_of<std::system_error>([&] { (void)bad.value(); }) ==
          "kimojio: read on fd 12345 failed: Bad file descriptor");
    // The context is not part of the value.
    CHECK(bad.error() == Errno::BADF);
}
}  // namespace

TEST_CASE("an I/O error's message names the operation and the fd") { run_test(error_messages()); }

TEST_CASE("spawn outside a running Runtime throws NotInRuntime instead of queuing the task") {
    auto job = []() -> Async<int> { co_return 1; };
    std::string what = what_of<kimojio::NotInRuntime>([&] { (void)kimojio::spawn(job()); });
    CHECK(what.find("no kimojio::Runtime is running block_on on this thread") != std::string::npos);
    // A Runtime that exists but is not in block_on does not run tasks either.
    kimojio::Runtime runtime(0, kimojio::Configuration());
    CHECK_THROWS_AS((void)kimojio::spawn_task(job()), kimojio::NotInRuntime);
    // Nothing was queued: the next block_on runs only its own main task.
    auto count = runtime.block_on([]() -> Async<std::size_t> {
        co_return kimojio::TaskState::get()->get_task_count();
    }());
    REQUIRE(count.has_value());
    CHECK(std::move(*count).value() == 2);  // the main task and the runtime server
}

namespace {
Async<void> sleeper(std::shared_ptr<bool> done) {
    (co_await kimojio::sleep(20ms)).value();
    *done = true;
}
}  // namespace

TEST_CASE("block_on waits for every spawned task, not only the main one") {
    auto done = std::make_shared<bool>(false);
    run_test([](std::shared_ptr<bool> done) -> Async<void> {
        (void)kimojio::spawn(sleeper(done));
        co_return;  // returns at once; the sleeper still runs to the end
    }(done));
    CHECK(*done);
}

namespace {
Async<int> main_aborts_its_reader() {
    auto [reader, writer] = kimojio::bipipe();
    auto forever = kimojio::spawn([](OwnedFd reader) -> Async<void> {
        std::array<char, 8> buffer{};
        (void)co_await kimojio::read(reader, buffer);  // nobody ever writes
    }(std::move(reader)));
    co_await kimojio::yield_io();
    forever.abort();  // without this, block_on would never return
    co_return 7;
}
}  // namespace

TEST_CASE("a main task that aborts a task blocked in read lets block_on return") {
    CHECK(run_test(main_aborts_its_reader()) == 7);
}

TEST_CASE("shutdown_loop: block_on gives nullopt only if the main task had not returned") {
    kimojio::Runtime runtime(0, kimojio::Configuration());
    // The main task calls shutdown_loop and returns in the same poll: its value is kept.
    auto returned = runtime.block_on([]() -> Async<int> {
        kimojio::shutdown_loop();
        co_return 5;
    }());
    REQUIRE(returned.has_value());
    CHECK(std::move(*returned).value() == 5);

    // Another task stops the loop while the main task waits: nullopt.
    auto stopped = runtime.block_on([]() -> Async<int> {
        (void)kimojio::spawn([]() -> Async<void> {
            kimojio::shutdown_loop();
            co_return;
        }());
        (co_await kimojio::sleep(std::chrono::hours(1))).value();
        co_return 6;
    }());
    CHECK_FALSE(stopped.has_value());
}

namespace {
// The reader takes `piece` bytes at a time and checks every byte.
Async<std::size_t> slow_reader(OwnedFd reader, std::size_t total, std::size_t piece) {
    std::vector<char> buffer(piece);
    std::size_t got = 0;
    std::size_t reads = 0;
    while (got < total) {
        auto n = (co_await kimojio::read(reader, std::span<char>(buffer))).value();
        REQUIRE(n > 0);
        bool same = true;
        for (std::size_t i = 0; i < n; ++i) same = same && buffer[i] == static_cast<char>((got + i) % 251);
        REQUIRE(same);
        got += n;
        reads += 1;
    }
    co_return reads;
}

std::vector<char> pattern(std::size_t size) {
    std::vector<char> data(size);
    for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>(i % 251);
    return data;
}

Async<void> write_all_past_capacity() {
    auto [reader, writer] = make_pipe();
    int capacity = fcntl(writer.as_raw_fd(), F_GETPIPE_SZ);
    REQUIRE(capacity > 0);
    const std::size_t total = static_cast<std::size_t>(capacity) * 16 + 123;
    std::vector<char> data = pattern(total);
    // One plain write of it all comes back short (the pipe holds `capacity`): the case write_all loops over.
    auto [r2, w2] = make_pipe();
    std::size_t once = (co_await kimojio::write_with_timeout(w2, std::span<const char>(data), 10s)).value();
    CHECK(once < total);

    auto reads = kimojio::spawn(slow_reader(std::move(reader), total, 1000));
    (co_await kimojio::write_all(writer, std::span<const char>(data))).value();
    CHECK(co_await reads >= total / 1000);
}

Async<void> read_exact_small_pieces() {
    auto [reader, writer] = make_pipe();
    const std::size_t total = 3 * 65536 + 17;
    std::vector<char> data = pattern(total);
    auto producer = kimojio::spawn([](OwnedFd writer, std::vector<char> data) -> Async<void> {
        for (std::size_t at = 0; at < data.size(); at += 777) {
            std::size_t n = std::min<std::size_t>(777, data.size() - at);
            (co_await kimojio::write_all(writer, std::span<const char>(data).subspan(at, n))).value();
            co_await kimojio::yield_io();
        }
    }(std::move(writer), data));
    std::vector<char> into(total);
    (co_await kimojio::read_exact(reader, std::span<char>(into))).value();
    CHECK(into == data);
    co_await producer;
}

Async<void> read_exact_eof() {
    auto [reader, writer] = make_pipe();
    std::array<char, 3> three{'a', 'b', 'c'};
    (co_await kimojio::write_all(writer, three)).value();
    { OwnedFd gone = std::move(writer); }
    std::array<char, 8> into{};
    auto result = co_await kimojio::read_exact(reader, into);
    REQUIRE(result.is_err());
    CHECK(result.error().is_eof());
    CHECK(result.error().transferred == 3);
    CHECK(result.error().wanted == 8);
    std::string what = what_of<kimojio::ShortIoError>([&] { result.value(); });
    CHECK(what == "kimojio: read_exact on fd " + std::to_string(reader.as_raw_fd()) +
                      ": end of file after 3 of 8 bytes (the writer closed its end, or the file is shorter)");
}

Async<void> write_all_epipe() {
    auto [reader, writer] = make_pipe();
    { OwnedFd gone = std::move(reader); }
    std::vector<char> data = pattern(100);
    auto result = co_await kimojio::write_all(writer, std::span<const char>(data));
    REQUIRE(result.is_err());
    CHECK_FALSE(result.error().is_eof());
    CHECK(result.error().error == Errno::PIPE);
    CHECK(result.error().transferred == 0);
    CHECK(what_of<std::system_error>([&] { result.value(); }) ==
          "kimojio: write_all on fd " + std::to_string(writer.as_raw_fd()) +
              " failed after 0 of 100 bytes: Broken pipe");
}

// read_exact into a heap buffer that is freed as soon as its task ends (ASan: no write after).
Async<void> blocked_read_exact(OwnedFd* reader, bool* started) {
    auto buffer = std::make_unique<std::array<char, 64>>();
    *started = true;
    (void)co_await kimojio::read_exact(*reader, *buffer);
    FAIL("read_exact should not complete: 4 of 64 bytes arrive");
}

int unread_bytes(const OwnedFd& fd) {
    int n = -1;
    REQUIRE(ioctl(fd.as_raw_fd(), FIONREAD, &n) == 0);
    return n;
}

Async<void> read_exact_cancelled_by_abort() {
    auto [reader, writer] = make_pipe();
    bool started = false;
    auto task = kimojio::spawn_task(blocked_read_exact(&reader, &started));
    std::array<char, 4> part{'p', 'a', 'r', 't'};
    (co_await kimojio::write_all(writer, part)).value();
    // The first read takes the 4 bytes; the task then waits in its second read.
    for (int i = 0; i < 1000 && unread_bytes(reader) != 0; ++i) co_await kimojio::yield_io();
    REQUIRE(unread_bytes(reader) == 0);
    co_await kimojio::yield_io();
    REQUIRE(started);
    task.abort();
    CHECK(test_support::ended_by_abort(co_await task));
    // The second read was cancelled, not left in flight: these bytes go to the next reader.
    std::array<char, 2> ok{'o', 'k'};
    (co_await kimojio::write_all(writer, ok)).value();
    std::array<char, 2> got{};
    (co_await kimojio::read_exact(reader, got)).value();
    CHECK(got == ok);
}

// Polled again after it returned (a caller's bug): it throws instead of writing again.
Async<void> write_all_polled_twice() {
    auto [reader, writer] = make_pipe();
    std::array<char, 3> abc{'a', 'b', 'c'};
    kimojio::WriteAllFuture all = kimojio::write_all(writer, abc);
    CHECK_FALSE(all.is_terminated());
    while (!co_await test_support::PollOnce<kimojio::WriteAllFuture>{&all}) co_await kimojio::yield_io();
    CHECK(all.is_terminated());
    std::string what;
    try {
        (void)co_await test_support::PollOnce<kimojio::WriteAllFuture>{&all};
    } catch (const kimojio::Panic& e) {
        what = e.what();
    }
    CHECK(what == "kimojio: write_all polled after it returned its result");
    CHECK(unread_bytes(reader) == 3);  // written once
}
}  // namespace

TEST_CASE("write_all polled again after it returned throws, and writes nothing more") {
    run_test(write_all_polled_twice());
}
TEST_CASE("read_exact aborted after part of its buffer arrived cancels its read in flight") {
    run_test(read_exact_cancelled_by_abort());
}
TEST_CASE("write_all fills a pipe past its capacity while the reader reads in small pieces") {
    run_test(write_all_past_capacity());
}
TEST_CASE("read_exact gathers a buffer written in small pieces") { run_test(read_exact_small_pieces()); }
TEST_CASE("read_exact on a descriptor that is not open fails with its EBADF, naming read_exact") {
    run_test([]() -> Async<void> {
        std::array<char, 4> into{};
        auto result = co_await kimojio::read_exact(kimojio::BorrowedFd(-1), into);
        REQUIRE(result.is_err());
        CHECK(result.error().error == Errno::BADF);
        CHECK(std::string(result.error().error.op) == "read_exact");
        CHECK(result.error().transferred == 0);
        CHECK(result.error().wanted == 4);
    }());
}
TEST_CASE("read_exact: end of file before the buffer is full is a ShortIoError") { run_test(read_exact_eof()); }
TEST_CASE("write_all to a pipe whose reader is gone fails with EPIPE and the byte count") {
    run_test(write_all_epipe());
}

// io_type.rs:75-105 test_io_type_display
TEST_CASE("test_io_type_display") {
    using kimojio::IOType;
    using kimojio::to_string;
    CHECK(std::string(to_string(IOType::Read)) == "read");
    CHECK(std::string(to_string(IOType::Write)) == "write");
    CHECK(std::string(to_string(IOType::Recv)) == "recv");
    CHECK(std::string(to_string(IOType::Send)) == "send");
    CHECK(std::string(to_string(IOType::Accept)) == "accept");
    CHECK(std::string(to_string(IOType::Connect)) == "connect");
    CHECK(std::string(to_string(IOType::Unknown)) == "unknown");
    CHECK(std::string(to_string(IOType::Close)) == "close");
    CHECK(std::string(to_string(IOType::FAdvise)) == "fadvise");
    CHECK(std::string(to_string(IOType::FAllocate)) == "fallocate");
    CHECK(std::string(to_string(IOType::Fsync)) == "fsync");
    CHECK(std::string(to_string(IOType::Link)) == "link");
    CHECK(std::string(to_string(IOType::MAdvise)) == "madvise");
    CHECK(std::string(to_string(IOType::Mkdir)) == "mkdir");
    CHECK(std::string(to_string(IOType::Open)) == "open");
    CHECK(std::string(to_string(IOType::Rename)) == "rename");
    CHECK(std::string(to_string(IOType::Shutdown)) == "shutdown");
    CHECK(std::string(to_string(IOType::Stat)) == "stat");
    CHECK(std::string(to_string(IOType::Symlink)) == "symlink");
    CHECK(std::string(to_string(IOType::SyncFileRange)) == "sync_file_range");
    CHECK(std::string(to_string(IOType::Unlink)) == "unlink");
    CHECK(std::string(to_string(IOType::UringCmd)) == "uring_cmd");
    CHECK(std::string(to_string(IOType::Socket)) == "socket");
    CHECK(std::string(to_string(IOType::Nop)) == "nop");
    CHECK(std::string(to_string(IOType::Timeout)) == "timeout");
    CHECK(std::string(to_string(IOType::NvmeCmd)) == "nvme_cmd");
}
