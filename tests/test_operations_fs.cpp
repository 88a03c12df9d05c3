// Port of file_tests in kimojio/src/operations.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f,
// plus C++-only tests of each file, vectored and positional operation: success, the errno
// a user hits, embedded NULs, deadlines, and cancellation by abort and by io_scope.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
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
// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
struct TempDir {
    std::string path;
    TempDir() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/kimojio-test-XXXXXX";
        std::vector<char> name(pattern.begin(), pattern.end());
        name.push_back('\0');
        REQUIRE(mkdtemp(name.data()) != nullptr);
        path = name.data();
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
};

std::span<const char> bytes(const char* text) { return std::span<const char>(text, std::char_traits<char>::length(text)); }

std::string message_of(const kimojio::Result<void, Errno>& result) {
    try {
        result.value();
    } catch (const std::system_error& e) {
        return e.what();
    }
    return "";
}

// operations.rs:2329-2387 file_tests (part 1 of 2: the test body)
Async<void> file_tests() {
    TempDir dir;  // Rust: the fixed /tmp/kimojio-test
    std::string root = dir / "kimojio-test";
    std::string filename = root + "/file.txt";
    std::string newpath1 = root + "/file.txt-1.link";
    std::string newpath2 = root + "/file.txt-2.link";

    auto made = co_await kimojio::mkdir(root, 0775);
    if (made.is_err()) {
        REQUIRE_MESSAGE(made.error() == Errno{EEXIST}, "Failed to create directory ", root);
    }

    for (const std::string& name : {filename, newpath1, newpath2}) {
        auto stat = co_await kimojio::stat(name);
        if (stat.is_ok()) {
            (co_await kimojio::unlink(name)).value();
        }
    }

    OwnedFd file = (co_await kimojio::open(filename, O_CREAT | O_RDWR, 0666)).value();
    (co_await kimojio::link(filename, newpath1)).value();
    (co_await kimojio::rename(newpath1, newpath2)).value();
    (void)(co_await kimojio::write(file, bytes("hello, world!"))).value();
    (void)(co_await kimojio::pwrite(file, bytes("Gdday"), 0)).value();
    (void)(co_await kimojio::pwrite_polled(file, bytes("mate!"), 7, false)).value();
    (co_await kimojio::fsync(file)).value();
    std::array<char, 1024> buf{};
    std::size_t amount = (co_await kimojio::pread(file, buf, 0)).value();
    CHECK(amount == 13);
    CHECK(std::string(buf.data(), 13) == "Gdday, mate!!");
    (co_await kimojio::close(std::move(file))).value();  // Rust drops the close future unpolled (the fd leaks)
    (co_await kimojio::unlink(filename)).value();

    file = (co_await kimojio::open(newpath2, O_RDONLY, 0666)).value();
    struct statx stat = (co_await kimojio::fstat(file)).value();
    CHECK(stat.stx_size == 13);
    amount = (co_await kimojio::read_with_deadline(file, std::span<char>(buf).first(13),
                                                   std::chrono::steady_clock::now() + 120s))
                 .value();
    CHECK(amount == 13);
    CHECK(std::string(buf.data(), 13) == "Gdday, mate!!");
    (co_await kimojio::close(std::move(file))).value();
    (co_await kimojio::unlink(newpath2)).value();
    (co_await kimojio::rmdir(root)).value();
}
}  // namespace

// operations.rs:2329-2387 file_tests (part 2 of 2: the TEST_CASE)
TEST_CASE("file_tests") { run_test(file_tests()); }

namespace {
constexpr int no_such_fd = 12345;

Async<void> open_and_paths() {
    TempDir dir;
    // open: creates; ENOENT in a missing directory, named in the message.
    OwnedFd created = (co_await kimojio::open(dir / "a", O_CREAT | O_WRONLY | O_CLOEXEC, 0600)).value();
    CHECK(created.is_valid());
    auto missing = co_await kimojio::open(dir / "nope/a", O_RDONLY, 0);
    REQUIRE(missing.is_err());
    CHECK(missing.error() == Errno{ENOENT});
    try {
        (void)std::move(missing).value();
        FAIL("expected an exception");
    } catch (const std::system_error& e) {
        CHECK(std::string(e.what()) == "kimojio: open failed: No such file or directory");
    }

    // mkdir: EEXIST the second time, ENOENT under a missing parent; rmdir: ENOTEMPTY, ENOENT.
    (co_await kimojio::mkdir(dir / "d", 0700)).value();
    CHECK((co_await kimojio::mkdir(dir / "d", 0700)).error() == Errno{EEXIST});
    CHECK((co_await kimojio::mkdir(dir / "x/y", 0700)).error() == Errno{ENOENT});
    (void)(co_await kimojio::open(dir / "d/f", O_CREAT | O_WRONLY | O_CLOEXEC, 0600)).value();
    CHECK((co_await kimojio::rmdir(dir / "d")).error() == Errno{ENOTEMPTY});
    (co_await kimojio::unlink(dir / "d/f")).value();
    (co_await kimojio::rmdir(dir / "d")).value();
    CHECK((co_await kimojio::rmdir(dir / "d")).error() == Errno{ENOENT});

    // link, symlink, rename, unlink and their ENOENT.
    (co_await kimojio::link(dir / "a", dir / "b")).value();
    CHECK((co_await kimojio::link(dir / "none", dir / "c")).error() == Errno{ENOENT});
    (co_await kimojio::symlink("a", dir / "s")).value();
    CHECK(std::filesystem::read_symlink(dir / "s") == "a");
    CHECK((co_await kimojio::symlink("a", dir / "x/s")).error() == Errno{ENOENT});
    (co_await kimojio::rename(dir / "b", dir / "c")).value();
    CHECK(std::filesystem::exists(dir / "c"));
    CHECK_FALSE(std::filesystem::exists(dir / "b"));
    CHECK((co_await kimojio::rename(dir / "b", dir / "e")).error() == Errno{ENOENT});
    (co_await kimojio::unlink(dir / "c")).value();
    CHECK((co_await kimojio::unlink(dir / "c")).error() == Errno{ENOENT});

    // stat and fstat: the size written; ENOENT and EBADF.
    (void)(co_await kimojio::write(created, bytes("12345"))).value();
    CHECK((co_await kimojio::stat(dir / "a")).value().stx_size == 5);
    CHECK((co_await kimojio::fstat(created)).value().stx_size == 5);
    CHECK((co_await kimojio::stat(dir / "none")).error() == Errno{ENOENT});
    auto bad = co_await kimojio::fstat(kimojio::BorrowedFd(no_such_fd));
    REQUIRE(bad.is_err());
    CHECK(bad.error() == Errno::BADF);
    CHECK(bad.error().fd == no_such_fd);
}

Async<void> paths_with_nul() {
    using namespace std::string_literals;
    std::string with_nul = "/tmp/a\0b"s;
    CHECK_THROWS_WITH_AS((void)kimojio::open(with_nul, O_RDONLY, 0),
                         "kimojio::open: the path has a NUL byte at offset 6; paths are null-terminated strings, "
                         "pass one without NUL",
                         std::invalid_argument);
    CHECK_THROWS_AS((void)kimojio::rename("/tmp/ok", with_nul), std::invalid_argument);
    CHECK_THROWS_AS((void)kimojio::stat(with_nul), std::invalid_argument);
    co_return;
}

Async<void> descriptor_operations() {
    TempDir dir;
    OwnedFd file = (co_await kimojio::open(dir / "f", O_CREAT | O_RDWR | O_CLOEXEC, 0600)).value();
    kimojio::BorrowedFd bad(no_such_fd);

    // fallocate grows the file; fadvise, fsync, sync_file_range succeed; all fail with EBADF.
    (co_await kimojio::fallocate(file, 0, 0, 8192)).value();
    CHECK((co_await kimojio::fstat(file)).value().stx_size == 8192);
    (co_await kimojio::fadvise(file, 0, 8192, POSIX_FADV_SEQUENTIAL)).value();
    (co_await kimojio::fsync(file)).value();
    (co_await kimojio::sync_file_range(file, 0, 8192)).value();
    CHECK((co_await kimojio::fallocate(bad, 0, 0, 1)).error() == Errno::BADF);
    CHECK((co_await kimojio::fadvise(bad, 0, 1, POSIX_FADV_NORMAL)).error() == Errno::BADF);
    auto fsync_bad = co_await kimojio::fsync(bad);
    CHECK(fsync_bad.error() == Errno::BADF);
    CHECK(message_of(fsync_bad) == "kimojio: fsync on fd 12345 failed: Bad file descriptor");
    CHECK((co_await kimojio::sync_file_range(bad, 0, 1)).error() == Errno::BADF);

    // madvise on a mapped page; EINVAL for an address that is not page aligned.
    long page = sysconf(_SC_PAGESIZE);
    void* mapped = mmap(nullptr, static_cast<std::size_t>(page), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(mapped != MAP_FAILED);
    (co_await kimojio::madvise(mapped, static_cast<std::uint64_t>(page), MADV_DONTNEED)).value();
    CHECK((co_await kimojio::madvise(static_cast<char*>(mapped) + 1, 1, MADV_DONTNEED)).error() == Errno::INVAL);
    munmap(mapped, static_cast<std::size_t>(page));
}

Async<void> vectored_and_positional() {
    TempDir dir;
    OwnedFd file = (co_await kimojio::open(dir / "v", O_CREAT | O_RDWR | O_CLOEXEC, 0600)).value();
    kimojio::BorrowedFd bad(no_such_fd);

    // writev at the file position, then at an offset; readv back both ways.
    std::string first = "abc", second = "defgh";
    std::array<iovec, 2> out{iovec{first.data(), first.size()}, iovec{second.data(), second.size()}};
    CHECK((co_await kimojio::writev(file, out, std::nullopt)).value() == 8);
    CHECK((co_await kimojio::writev(file, std::span<const iovec>(out).first(1), 8)).value() == 3);
    std::array<char, 4> a{};
    std::array<char, 7> b{};
    std::array<iovec, 2> in{iovec{a.data(), a.size()}, iovec{b.data(), b.size()}};
    CHECK((co_await kimojio::readv(file, in, 0)).value() == 11);
    CHECK(std::string(a.data(), 4) + std::string(b.data(), 7) == "abcdefghabc");
    // The offset write left the position at 8: a positional readv reads the last 3 bytes.
    CHECK((co_await kimojio::readv(file, in, std::nullopt)).value() == 3);

    // pwrite / pread do not move the position; pread past the end reads 0.
    CHECK((co_await kimojio::pwrite(file, bytes("XY"), 1)).value() == 2);
    std::array<char, 3> three{};
    CHECK((co_await kimojio::pread(file, three, 0)).value() == 3);
    CHECK(std::string(three.data(), 3) == "aXY");
    CHECK((co_await kimojio::pread_polled(file, three, 100, false)).value() == 0);

    // EBADF for each; writev with a deadline that passed fails at once with TIMEDOUT.
    CHECK((co_await kimojio::writev(bad, out, std::nullopt)).error() == Errno::BADF);
    CHECK((co_await kimojio::readv(bad, in, std::nullopt)).error() == Errno::BADF);
    CHECK((co_await kimojio::pwrite(bad, bytes("x"), 0)).error() == Errno::BADF);
    CHECK((co_await kimojio::pread(bad, three, 0)).error() == Errno::BADF);
    auto late = kimojio::writev_with_deadline(file, out, std::nullopt, std::chrono::steady_clock::now() - 1s);
    CHECK(late.is_terminated());
    auto late_result = co_await late;
    CHECK(late_result.error() == Errno::TIMEDOUT);
    CHECK((co_await kimojio::writev_with_timeout(file, out, 0, 10s)).value() == 8);
    CHECK((co_await kimojio::writev_with_deadline(file, out, 0, std::chrono::steady_clock::now() + 60s)).value() == 8);
}

Async<void> deadlines() {
    auto [reader, writer] = kimojio::bipipe();
    std::array<char, 4> buf{};
    // A deadline already passed: TIMEDOUT without any I/O, naming the operation and fd.
    auto passed = co_await kimojio::read_with_deadline(reader, buf, std::chrono::steady_clock::now() - 1ms);
    REQUIRE(passed.is_err());
    CHECK(passed.error() == Errno::TIMEDOUT);
    CHECK(passed.error().fd == reader.as_raw_fd());
    CHECK((co_await kimojio::write_with_deadline(writer, bytes("x"), std::chrono::steady_clock::now() - 1ms)).error() ==
          Errno::TIMEDOUT);
    // A deadline that fires while the read waits (nobody writes): TIME, as a timeout.
    auto fired = co_await kimojio::read_with_deadline(reader, buf, std::chrono::steady_clock::now() + 20ms);
    CHECK(fired.error() == Errno::TIME);
    // No deadline, and one far away: the data arrives.
    CHECK((co_await kimojio::write_with_deadline(writer, bytes("hi"), std::nullopt)).value() == 2);
    CHECK((co_await kimojio::read_with_deadline(reader, buf, std::chrono::steady_clock::now() + 60s)).value() == 2);
    CHECK((co_await kimojio::write_with_deadline(writer, bytes("abc"), std::chrono::steady_clock::now() + 60s)).value() ==
          3);
    CHECK((co_await kimojio::read(reader, buf)).value() == 3);
    CHECK(std::string(buf.data(), 3) == "abc");
}

// readv on a pipe nobody writes to, into a heap buffer freed as soon as the task ends.
Async<void> blocked_readv(OwnedFd* reader, bool* started) {
    auto buffer = std::make_unique<std::array<char, 64>>();
    std::array<iovec, 1> in{iovec{buffer->data(), buffer->size()}};
    *started = true;
    (void)co_await kimojio::readv(*reader, in, std::nullopt);
    FAIL("the read should not complete");
}

Async<void> readv_cancelled_by_abort() {
    auto [reader, writer] = kimojio::bipipe();
    bool started = false;
    auto task = kimojio::spawn_task(blocked_readv(&reader, &started));
    co_await kimojio::yield_io();
    REQUIRE(started);
    task.abort();
    auto ended = co_await task;
    CHECK(test_support::ended_by_abort(ended));
    // The read was cancelled, not left in flight: the bytes go to the next reader.
    CHECK((co_await kimojio::write(writer, bytes("ok"))).value() == 2);
    std::array<char, 2> got{};
    CHECK((co_await kimojio::read(reader, got)).value() == 2);
    CHECK(std::string(got.data(), 2) == "ok");
}

Async<void> readv_cancelled_by_io_scope() {
    auto [reader, writer] = kimojio::bipipe();
    std::array<char, 8> buffer{};
    std::array<iovec, 1> in{iovec{buffer.data(), buffer.size()}};
    auto result = co_await kimojio::io_scope([](kimojio::BorrowedFd fd, std::span<const iovec> in)
                                                 -> Async<kimojio::Result<std::size_t, Errno>> {
        kimojio::UsizeFuture read = kimojio::readv(fd, in, std::nullopt);
        bool ready = co_await test_support::PollOnce<kimojio::UsizeFuture>{&read};
        CHECK_FALSE(ready);
        kimojio::io_scope_cancel();
        co_return co_await read;
    }(reader, in));
    REQUIRE(result.is_err());
    CHECK(result.error() == Errno::CANCELED);
    CHECK((co_await kimojio::write(writer, bytes("z"))).value() == 1);
    CHECK((co_await kimojio::read(reader, buffer)).value() == 1);
}

// The IOPOLL ring takes only O_DIRECT I/O on a file whose driver polls (NVMe with poll
// queues); anything else is submitted there and completes with EOPNOTSUPP, reaped by
// entering that ring.
Async<void> polled_io_on_a_plain_file() {
    TempDir dir;
    OwnedFd file = (co_await kimojio::open(dir / "p", O_CREAT | O_RDWR | O_CLOEXEC, 0600)).value();
    CHECK((co_await kimojio::pwrite(file, bytes("data"), 0)).value() == 4);
    std::array<char, 4> buf{};
    CHECK((co_await kimojio::pread_polled(file, buf, 0, true)).error() == Errno{EOPNOTSUPP});
    CHECK((co_await kimojio::pwrite_polled(file, bytes("more"), 0, true)).error() == Errno{EOPNOTSUPP});
    CHECK(kimojio::TaskState::get()->stats.in_flight_io_poll == 0);
    CHECK(kimojio::TaskState::get()->stats.max_in_flight_io_poll == 1);
    CHECK((co_await kimojio::pread(file, buf, 0)).value() == 4);  // the polled write wrote nothing
    CHECK(std::string(buf.data(), 4) == "data");
}
}  // namespace

TEST_CASE("open, mkdir, rmdir, link, symlink, rename, unlink, stat, fstat: success and ENOENT / EEXIST / EBADF") {
    run_test(open_and_paths());
}
TEST_CASE("a path with an embedded NUL throws std::invalid_argument") { run_test(paths_with_nul()); }
TEST_CASE("fallocate, fadvise, fsync, sync_file_range, madvise: success and EBADF / EINVAL") {
    run_test(descriptor_operations());
}
TEST_CASE("writev, readv, pwrite, pread: at the position and at an offset, EBADF, a passed and a distant deadline") {
    run_test(vectored_and_positional());
}
TEST_CASE("read_with_deadline and write_with_deadline: passed, firing and distant deadlines") { run_test(deadlines()); }
TEST_CASE("a readv blocked on a pipe is cancelled by aborting its task") { run_test(readv_cancelled_by_abort()); }
TEST_CASE("a readv blocked on a pipe is cancelled by io_scope_cancel") { run_test(readv_cancelled_by_io_scope()); }
TEST_CASE("pread_polled and pwrite_polled on a file without O_DIRECT complete on the IOPOLL ring with EOPNOTSUPP") {
    run_test(polled_io_on_a_plain_file());
}
