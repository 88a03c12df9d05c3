// Port of test_inject_fault in kimojio/src/operations.rs at qbradley/kimojio-rs
// 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f (cfg(feature = "fault_injection")), plus
// C++-only checks of the error's context and of a fault on an in-flight operation.
// Built only with -DKIMOJIO_FAULT_INJECTION=ON (ci/test builds it in build/fault).
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>

#include "kimojio/kimojio.hpp"
#include "test_support.hpp"

using kimojio::Async;
using kimojio::Errno;
using test_support::run_test;

static_assert(KIMOJIO_FAULT_INJECTION == 1, "test_fault_injection needs -DKIMOJIO_FAULT_INJECTION=ON");

namespace {
// operations.rs:2304-2326 test_inject_fault (part 1 of 2: the test body)
Async<void> test_inject_fault() {
    kimojio::inject_fault(0, Errno::FAULT);
    CHECK((co_await kimojio::nop()).error() == Errno::FAULT);

    // after a fault, we are ok
    CHECK((co_await kimojio::nop()).is_ok());

    // It takes two poll() calls to complete any I/O so
    // with a fault count of 1, this will still fail.
    kimojio::inject_fault(1, Errno::FAULT);
    CHECK((co_await kimojio::nop()).error() == Errno::FAULT);

    // after a fault, we are ok
    CHECK((co_await kimojio::nop()).is_ok());

    // But with fault count of 2, we will skip the first and next will be Ok
    kimojio::inject_fault(2, Errno::FAULT);
    CHECK((co_await kimojio::nop()).is_ok());
    CHECK((co_await kimojio::nop()).error() == Errno::FAULT);
    CHECK((co_await kimojio::nop()).is_ok());
}
}  // namespace

// operations.rs:2304-2326 test_inject_fault (part 2 of 2: the TEST_CASE)
TEST_CASE("test_inject_fault") { run_test(test_inject_fault()); }

// Not in Rust: the injected error names the operation and the descriptor like a real one.
TEST_CASE("injected_fault_names_operation_and_fd") {
    run_test([]() -> Async<void> {
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        std::array<char, 4> buffer{1, 2, 3, 4};
        kimojio::inject_fault(0, Errno{EIO});
        auto written = co_await kimojio::write(fds[1], buffer);
        REQUIRE(written.is_err());
        CHECK(written.error() == Errno{EIO});
        CHECK(kimojio::describe(written.error()) == "kimojio: write on fd " + std::to_string(fds[1]) + " failed");
        // The fault consumed, the same write goes through.
        CHECK((co_await kimojio::write(fds[1], buffer)).value() == buffer.size());
        ::close(fds[0]);
        ::close(fds[1]);
    }());
}

// Not in Rust: a fault on the second poll of a read parked on an empty pipe returns the
// fault while the read is in flight; dropping the future cancels the read and waits for
// it (the buffer is borrowed), so the pipe's later data is not consumed by it.
TEST_CASE("injected_fault_on_in_flight_read_cancels_it") {
    run_test([]() -> Async<void> {
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        std::array<char, 4> buffer{};
        {
            auto read = kimojio::read(fds[0], buffer);
            bool ready = co_await test_support::PollOnce<decltype(read)>{&read};
            REQUIRE_FALSE(ready);  // submitted, parked on the empty pipe
            kimojio::inject_fault(0, Errno::FAULT);
            CHECK((co_await read).error() == Errno::FAULT);
        }
        std::array<char, 4> data{9, 8, 7, 6};
        CHECK(::write(fds[1], data.data(), data.size()) == 4);
        CHECK((co_await kimojio::read(fds[0], buffer)).value() == 4);
        CHECK(buffer == data);
        ::close(fds[0]);
        ::close(fds[1]);
    }());
}
