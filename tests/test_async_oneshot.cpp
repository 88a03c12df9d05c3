// Port of the 18 tests in kimojio/src/async_oneshot.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f,
// plus C++-only tests (moved-from and used ends, the error a Closed result throws, dropping while waiting).
#include <doctest/doctest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>

#include "kimojio/kimojio.hpp"
#include "test_support.hpp"

using kimojio::Async;
using test_support::err_;
using test_support::ok_;
using test_support::run_test;
using kimojio::ChannelError;
using kimojio::oneshot;
using namespace std::chrono_literals;

namespace {

template <class X>
std::string debug(const X& x) {
    std::ostringstream os;
    os << x;
    return os.str();
}

Async<void> recv_expect(kimojio::ReceiverOneshot<int> rx, int expected) {
    auto got = co_await rx.recv();
    CHECK(got == ok_(expected));
}

Async<kimojio::Result<int, ChannelError>> recv_deadline(kimojio::ReceiverOneshot<int> rx,
                                                         std::optional<kimojio::Instant> deadline) {
    co_return co_await rx.recv_with_deadline(deadline);
}

// async_oneshot.rs:152-161 oneshot_recv_before_send (part 1 of 2: the test body)
Async<void> oneshot_recv_before_send() {
    auto [tx, rx] = oneshot<int>();
    auto recv_task = kimojio::spawn(recv_expect(std::move(rx), 42));
    tx.send(42).value();
    co_await recv_task;
}
// async_oneshot.rs:152-161 oneshot_recv_before_send (part 2 of 2: the TEST_CASE)
TEST_CASE("oneshot_recv_before_send") { run_test(oneshot_recv_before_send()); }

// async_oneshot.rs:164-168 oneshot_recv_after_send (part 1 of 2: the test body)
Async<void> oneshot_recv_after_send() {
    auto [tx, rx] = oneshot<int>();
    tx.send(42).value();
    CHECK(co_await rx.recv() == ok_(42));
}
// async_oneshot.rs:164-168 oneshot_recv_after_send (part 2 of 2: the TEST_CASE)
TEST_CASE("oneshot_recv_after_send") { run_test(oneshot_recv_after_send()); }

// async_oneshot.rs:171-175 oneshot_recv_and_send_dropped (part 1 of 2: the test body)
Async<void> oneshot_recv_and_send_dropped() {
    auto [tx, rx] = oneshot<int>();
    { auto drop = std::move(tx); }
    CHECK(co_await rx.recv() == err_<int>(ChannelError::Closed));
}
// async_oneshot.rs:171-175 oneshot_recv_and_send_dropped (part 2 of 2: the TEST_CASE)
TEST_CASE("oneshot_recv_and_send_dropped") { run_test(oneshot_recv_and_send_dropped()); }

// async_oneshot.rs:178-182 oneshot_send_dropped_before_recv (part 1 of 2: the test body)
Async<void> oneshot_send_dropped_before_recv() {
    auto [tx, rx] = oneshot<int>();
    { auto drop = std::move(tx); }
    CHECK(co_await rx.recv() == err_<int>(ChannelError::Closed));
}
// async_oneshot.rs:178-182 oneshot_send_dropped_before_recv (part 2 of 2: the TEST_CASE)
TEST_CASE("oneshot_send_dropped_before_recv") { run_test(oneshot_send_dropped_before_recv()); }

// async_oneshot.rs:185-198 oneshot_recv_with_deadline_success (part 1 of 2: the test body)
Async<void> oneshot_recv_with_deadline_success() {
    auto [tx, rx] = oneshot<int>();
    auto deadline = std::chrono::steady_clock::now() + 100ms;
    auto recv_task = kimojio::spawn(recv_deadline(std::move(rx), deadline));
    // Send value immediately
    tx.send(42).value();
    CHECK(co_await recv_task == ok_(42));
}
// async_oneshot.rs:185-198 oneshot_recv_with_deadline_success (part 2 of 2: the TEST_CASE)
TEST_CASE("oneshot_recv_with_deadline_success") { run_test(oneshot_recv_with_deadline_success()); }

// async_oneshot.rs:201-209 oneshot_recv_with_deadline_timeout (part 1 of 2: the test body)
Async<void> oneshot_recv_with_deadline_timeout() {
    auto [tx, rx] = oneshot<int>();
    auto deadline = std::chrono::steady_clock::now() + 10ms;
    auto result = co_await rx.recv_with_deadline(deadline);
    CHECK(result.is_err());
    CHECK(result == err_<int>(ChannelError::Timeout));  // C++: also which error
}
// async_oneshot.rs:201-209 oneshot_recv_with_deadline_timeout (part 2 of 2: the TEST_CASE)
TEST_CASE("oneshot_recv_with_deadline_timeout") { run_test(oneshot_recv_with_deadline_timeout()); }

// async_oneshot.rs:212-221 oneshot_recv_with_deadline_no_deadline (part 1 of 2: the test body)
Async<void> oneshot_recv_with_deadline_no_deadline() {
    auto [tx, rx] = oneshot<int>();
    auto recv_task = kimojio::spawn(recv_deadline(std::move(rx), std::nullopt));
    tx.send(123).value();
    CHECK(co_await recv_task == ok_(123));
}
// async_oneshot.rs:212-221 oneshot_recv_with_deadline_no_deadline (part 2 of 2: the TEST_CASE)
TEST_CASE("oneshot_recv_with_deadline_no_deadline") { run_test(oneshot_recv_with_deadline_no_deadline()); }

// async_oneshot.rs:224-233 oneshot_recv_with_deadline_closed_channel (part 1 of 2: the test body)
Async<void> oneshot_recv_with_deadline_closed_channel() {
    auto [tx, rx] = oneshot<int>();
    { auto drop = std::move(tx); }  // Close the channel
    auto deadline = std::chrono::steady_clock::now() + 100ms;
    CHECK(co_await rx.recv_with_deadline(deadline) == err_<int>(ChannelError::Closed));
}
// async_oneshot.rs:224-233 oneshot_recv_with_deadline_closed_channel (part 2 of 2: the TEST_CASE)
TEST_CASE("oneshot_recv_with_deadline_closed_channel") { run_test(oneshot_recv_with_deadline_closed_channel()); }

// async_oneshot.rs:236-243 oneshot_try_recv_available (part 1 of 2: the test body)
Async<void> oneshot_try_recv_available() {
    auto [tx, rx] = oneshot<int>();
    tx.send(42).value();
    CHECK(rx.try_recv() == ok_(std::optional<int>(42)));
    // The value was taken and the sender is gone: Closed.
    CHECK(rx.try_recv() == err_<std::optional<int>>(ChannelError::Closed));
    co_return;
}
// async_oneshot.rs:236-243 oneshot_try_recv_available (part 2 of 2: the TEST_CASE)
TEST_CASE("oneshot_try_recv_available") { run_test(oneshot_try_recv_available()); }

// async_oneshot.rs:246-250 oneshot_try_recv_not_available (part 1 of 2: the test body)
Async<void> oneshot_try_recv_not_available() {
    auto [tx, rx] = oneshot<int>();
    CHECK(rx.try_recv() == ok_(std::optional<int>()));
    co_return;
}
// async_oneshot.rs:246-250 oneshot_try_recv_not_available (part 2 of 2: the TEST_CASE)
TEST_CASE("oneshot_try_recv_not_available") { run_test(oneshot_try_recv_not_available()); }

// async_oneshot.rs:253-258 oneshot_try_recv_closed (part 1 of 2: the test body)
Async<void> oneshot_try_recv_closed() {
    auto [tx, rx] = oneshot<int>();
    { auto drop = std::move(tx); }  // Close the channel
    CHECK(rx.try_recv() == err_<std::optional<int>>(ChannelError::Closed));
    co_return;
}
// async_oneshot.rs:253-258 oneshot_try_recv_closed (part 2 of 2: the TEST_CASE)
TEST_CASE("oneshot_try_recv_closed") { run_test(oneshot_try_recv_closed()); }

Async<void> send_after_sleep(kimojio::SenderOneshot<int> tx) {
    // Small delay to ensure try_recv is called first
    (co_await kimojio::sleep(10ms)).value();
    tx.send(99).value();
}

// async_oneshot.rs:261-280 oneshot_try_recv_multiple_attempts (part 1 of 2: the test body)
Async<void> oneshot_try_recv_multiple_attempts() {
    auto [tx, rx] = oneshot<int>();
    // First try - nothing available
    CHECK(rx.try_recv() == ok_(std::optional<int>()));
    auto send_task = kimojio::spawn(send_after_sleep(std::move(tx)));
    // Wait for send and then try again
    co_await send_task;
    CHECK(rx.try_recv() == ok_(std::optional<int>(99)));
}
// async_oneshot.rs:261-280 oneshot_try_recv_multiple_attempts (part 2 of 2: the TEST_CASE)
TEST_CASE("oneshot_try_recv_multiple_attempts") { run_test(oneshot_try_recv_multiple_attempts()); }

// async_oneshot.rs:283-294 oneshot_debug_sender (part 1 of 2: the test body)
Async<void> oneshot_debug_sender() {
    auto [tx, rx] = oneshot<int>();
    auto debug_str = debug(tx);
    CHECK(debug_str.find("SenderOneshot") != std::string::npos);
    CHECK(debug_str.find("complete: false") != std::string::npos);
    tx.send(42).value();
    co_return;
}
// async_oneshot.rs:283-294 oneshot_debug_sender (part 2 of 2: the TEST_CASE)
TEST_CASE("oneshot_debug_sender") { run_test(oneshot_debug_sender()); }

// async_oneshot.rs:297-313 oneshot_debug_receiver (part 1 of 2: the test body)
Async<void> oneshot_debug_receiver() {
    auto [tx, rx] = oneshot<int>();
    auto debug_str = debug(rx);
    CHECK(debug_str.find("ReceiverOneshot") != std::string::npos);
    CHECK(debug_str.find("complete: false") != std::string::npos);
    tx.send(42).value();
    auto debug_str_after_send = debug(rx);
    CHECK(debug_str_after_send.find("ReceiverOneshot") != std::string::npos);
    CHECK(debug_str_after_send.find("complete: true") != std::string::npos);
    (co_await rx.recv()).value();
}
// async_oneshot.rs:297-313 oneshot_debug_receiver (part 2 of 2: the TEST_CASE)
TEST_CASE("oneshot_debug_receiver") { run_test(oneshot_debug_receiver()); }

// async_oneshot.rs:316-325 oneshot_debug_closed_sender (part 1 of 2: the test body)
Async<void> oneshot_debug_closed_sender() {
    auto [tx, rx] = oneshot<int>();
    { auto drop = std::move(rx); }  // Close by dropping receiver
    auto debug_str = debug(tx);
    CHECK(debug_str.find("SenderOneshot") != std::string::npos);
    CHECK(debug_str.find("complete:") != std::string::npos);
    co_return;
}
// async_oneshot.rs:316-325 oneshot_debug_closed_sender (part 2 of 2: the TEST_CASE)
TEST_CASE("oneshot_debug_closed_sender") { run_test(oneshot_debug_closed_sender()); }

// async_oneshot.rs:328-337 oneshot_debug_closed_receiver (part 1 of 2: the test body)
Async<void> oneshot_debug_closed_receiver() {
    auto [tx, rx] = oneshot<int>();
    { auto drop = std::move(tx); }  // Close by dropping sender
    auto debug_str = debug(rx);
    CHECK(debug_str.find("ReceiverOneshot") != std::string::npos);
    CHECK(debug_str.find("complete:") != std::string::npos);
    co_return;
}
// async_oneshot.rs:328-337 oneshot_debug_closed_receiver (part 2 of 2: the TEST_CASE)
TEST_CASE("oneshot_debug_closed_receiver") { run_test(oneshot_debug_closed_receiver()); }

// async_oneshot.rs:339-348 oneshot_channel_recv_with_deadline_direct (part 1 of 2: the test body)
Async<void> oneshot_channel_recv_with_deadline_direct() {
    kimojio::OneshotChannel<int> channel;
    // Test timeout
    auto deadline = std::chrono::steady_clock::now() + 10ms;
    auto result = co_await channel.recv_with_deadline(deadline);
    CHECK(result.is_err());
}
// async_oneshot.rs:339-348 oneshot_channel_recv_with_deadline_direct (part 2 of 2: the TEST_CASE)
TEST_CASE("oneshot_channel_recv_with_deadline_direct") { run_test(oneshot_channel_recv_with_deadline_direct()); }

Async<kimojio::Result<int, ChannelError>> channel_recv_deadline(kimojio::Rc<kimojio::OneshotChannel<int>> channel,
                                                                kimojio::Instant deadline) {
    co_return co_await channel->recv_with_deadline(deadline);
}

// async_oneshot.rs:351-366 oneshot_channel_recv_with_deadline_success_direct (part 1 of 2: the test body)
Async<void> oneshot_channel_recv_with_deadline_success_direct() {
    auto channel = kimojio::Rc<kimojio::OneshotChannel<int>>::make();
    auto deadline = std::chrono::steady_clock::now() + 100ms;
    auto recv_task = kimojio::spawn(channel_recv_deadline(channel, deadline));
    // Send value immediately
    channel->send(42).value();
    CHECK(co_await recv_task == ok_(42));
}
// async_oneshot.rs:351-366 oneshot_channel_recv_with_deadline_success_direct (part 2 of 2: the TEST_CASE)
TEST_CASE("oneshot_channel_recv_with_deadline_success_direct") {
    run_test(oneshot_channel_recv_with_deadline_success_direct());
}

// C++ only: a sender sends once; a second send (or a send on a moved-from sender) is a Panic.
Async<void> oneshot_send_twice_panics() {
    auto [tx, rx] = oneshot<int>();
    tx.send(1).value();
    CHECK_THROWS_AS((void)tx.send(2), kimojio::Panic);
    auto moved = std::move(rx);
    CHECK_THROWS_AS((void)rx.try_recv(), kimojio::Panic);
    CHECK_THROWS_AS((void)rx.recv(), kimojio::Panic);
    CHECK(moved.try_recv() == ok_(std::optional<int>(1)));
    co_return;
}
TEST_CASE("oneshot_send_twice_panics") { run_test(oneshot_send_twice_panics()); }

// C++ only: recv consumes the receiver; receiving again is a Panic, not a hang.
Async<void> oneshot_recv_twice_panics() {
    auto [tx, rx] = oneshot<int>();
    tx.send(5).value();
    CHECK(co_await rx.recv() == ok_(5));
    CHECK_THROWS_AS((void)rx.recv(), kimojio::Panic);
}
TEST_CASE("oneshot_recv_twice_panics") { run_test(oneshot_recv_twice_panics()); }

// C++ only: send after the receiver is dropped gives the value back.
Async<void> oneshot_send_after_receiver_dropped() {
    auto [tx, rx] = oneshot<std::string>();
    { auto drop = std::move(rx); }
    auto result = tx.send("hello");
    REQUIRE(result.is_err());
    CHECK(result.error() == "hello");
    co_return;
}
TEST_CASE("oneshot_send_after_receiver_dropped") { run_test(oneshot_send_after_receiver_dropped()); }

// C++ only: value() of a Closed result throws std::system_error (EPIPE) saying why.
Async<void> oneshot_closed_value_throws() {
    auto [tx, rx] = oneshot<int>();
    { auto drop = std::move(tx); }
    auto result = co_await rx.recv();
    try {
        (void)std::move(result).value();
        FAIL("value() of a Closed result did not throw");
    } catch (const std::system_error& e) {
        CHECK(e.code().value() == EPIPE);
        CHECK(std::string(e.what()).find("closed channel") != std::string::npos);
    }
}
TEST_CASE("oneshot_closed_value_throws") { run_test(oneshot_closed_value_throws()); }

// C++ only: a waiting receiver is woken with Closed when the sender is dropped later.
Async<void> recv_closed(kimojio::ReceiverOneshot<int> rx) {
    CHECK(co_await rx.recv() == err_<int>(ChannelError::Closed));
}
Async<void> oneshot_sender_dropped_while_waiting() {
    auto [tx, rx] = oneshot<int>();
    auto task = kimojio::spawn(recv_closed(std::move(rx)));
    co_await kimojio::yield_io();
    CHECK_FALSE(task.is_complete());
    { auto drop = std::move(tx); }
    co_await task;
}
TEST_CASE("oneshot_sender_dropped_while_waiting") { run_test(oneshot_sender_dropped_while_waiting()); }

}  // namespace
