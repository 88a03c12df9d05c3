// Tests of kimojio::Ring (kimojio/task.hpp, task.rs's Ring): moving a ring, and how
// submit_and_wait and register_probe report what the kernel returns.
#include <doctest/doctest.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <thread>

#include "kimojio/kimojio.hpp"

using kimojio::Ring;

namespace {

// This process's io_uring descriptors (/proc/self/fd links to "anon_inode:[io_uring]").
std::set<int> io_uring_fds() {
    std::set<int> fds;
    DIR* dir = opendir("/proc/self/fd");
    REQUIRE(dir != nullptr);
    while (dirent* entry = readdir(dir)) {
        char target[64] = {};
        std::string link = std::string("/proc/self/fd/") + entry->d_name;
        if (readlink(link.c_str(), target, sizeof(target) - 1) > 0 && std::string(target) == "anon_inode:[io_uring]") {
            fds.insert(std::atoi(entry->d_name));
        }
    }
    closedir(dir);
    return fds;
}

// The descriptor of the ring made by `make`: the one io_uring descriptor it added.
template <class F>
int new_ring_fd(F make) {
    std::set<int> before = io_uring_fds();
    make();
    std::set<int> after = io_uring_fds();
    for (int fd : before) after.erase(fd);
    REQUIRE(after.size() == 1);
    return *after.begin();
}

// A Ring whose descriptor the kernel refuses: it is replaced by /dev/null, so
// io_uring_enter and io_uring_register get EOPNOTSUPP (not an io_uring file). The ring's
// mappings keep the kernel's ring alive until the Ring unmaps it (and closes /dev/null).
std::optional<Ring> refused_ring() {
    std::optional<Ring> ring;
    int ring_fd = new_ring_fd([&] { ring.emplace(false); });
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    REQUIRE(null_fd >= 0);
    REQUIRE(::dup2(null_fd, ring_fd) == ring_fd);
    ::close(null_fd);
    return ring;
}

void ignore_signal(int) {}

}  // namespace

TEST_CASE("move-assigning a Ring closes the target's ring and leaves the source closed") {
    std::optional<Ring> target;
    std::optional<Ring> source;
    int target_fd = new_ring_fd([&] { target.emplace(false); });
    int source_fd = new_ring_fd([&] { source.emplace(false); });
    *target = std::move(*source);
    std::set<int> open = io_uring_fds();
    CHECK(open.count(target_fd) == 0);
    CHECK(open.count(source_fd) == 1);
    CHECK(target->submit_and_wait(0) == 0);
    CHECK_THROWS_AS(source->submit_and_wait(0), kimojio::Panic);
}

TEST_CASE("submit_and_wait returns 0 when a signal interrupts the wait (EINTR)") {
    // No SA_RESTART: the blocked io_uring_enter returns EINTR instead of restarting.
    struct sigaction handler {};
    struct sigaction previous {};
    handler.sa_handler = ignore_signal;
    sigemptyset(&handler.sa_mask);
    REQUIRE(sigaction(SIGUSR2, &handler, &previous) == 0);
    Ring ring(false);
    std::atomic<bool> returned{false};
    pthread_t waiter = pthread_self();
    // Until the wait returns: one signal may land before the wait begins.
    std::thread interrupter([&] {
        while (!returned.load()) {
            pthread_kill(waiter, SIGUSR2);
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    });
    std::size_t submitted = ring.submit_and_wait(1);  // nothing in flight: only a signal ends it
    returned.store(true);
    interrupter.join();
    sigaction(SIGUSR2, &previous, nullptr);
    CHECK(submitted == 0);
    CHECK(ring.get_completion_count() == 0);
}

TEST_CASE("submit_and_wait throws std::system_error when the kernel refuses io_uring_enter") {
    std::optional<Ring> ring = refused_ring();
    try {
        ring->submit_and_wait(1);
        FAIL("submit_and_wait on a refused descriptor returned");
    } catch (const std::system_error& e) {
        CHECK(e.code().value() == EOPNOTSUPP);
        CHECK(std::string(e.what()).find("error submitting or waiting for IO") != std::string::npos);
    }
}

TEST_CASE("register_probe throws std::system_error when the kernel refuses the probe") {
    std::optional<Ring> ring = refused_ring();
    CHECK_THROWS_WITH_AS(ring->register_probe(), doctest::Contains("register_probe failed"), std::system_error);
}
