// Port of the 15 tests in kimojio/src/async_channel.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f,
// plus C++-only tests (a blocked send sees the receiver drop, moved-from ends, move-only messages, errors).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "kimojio/async_channel.hpp"
#include "kimojio/kimojio.hpp"
#include "count_allocations.hpp"
#include "test_support.hpp"

using kimojio::Async;
using kimojio::AsyncChannel;
using kimojio::ChannelError;
using kimojio::Rc;
using kimojio::SendError;
using kimojio::async_channel;
using kimojio::async_channel_unbounded;
using kimojio::async_channel_unbounded_with_capacity;
using test_support::err_;
using test_support::ok_;
using test_support::run_test;
using namespace std::chrono_literals;

namespace {

kimojio::Result<void, SendError<int>> send_ok() { return kimojio::ok(); }
kimojio::Result<void, SendError<int>> send_err(SendError<int> e) { return kimojio::Err{std::move(e)}; }

// Two rendezvous channels, one per direction.
// async_channel.rs:411-414 AsyncBiChannel (test helper)
template <class T>
struct AsyncBiChannel {
    Rc<AsyncChannel<T>> channel1;
    Rc<AsyncChannel<T>> channel2;

    // async_channel.rs:417-430 AsyncBiChannel::new (test helper)
    static std::pair<AsyncBiChannel, AsyncBiChannel> new_() {
        auto channel1 = Rc<AsyncChannel<T>>::make();
        auto channel2 = Rc<AsyncChannel<T>>::make();
        return {AsyncBiChannel{channel1, channel2}, AsyncBiChannel{channel2, channel1}};
    }

    // async_channel.rs:432-434 AsyncBiChannel::send (test helper)
    Async<kimojio::Result<void, T>> send(T message) const { return channel1->send(std::move(message)); }
    // async_channel.rs:435-437 AsyncBiChannel::recv (test helper)
    Async<kimojio::Result<T, ChannelError>> recv() const { return channel2->recv(); }
    // async_channel.rs:438-440 AsyncBiChannel::try_recv (test helper)
    kimojio::Result<std::optional<T>, ChannelError> try_recv() const { return channel2->try_recv(); }
};

Async<void> echo_server(AsyncBiChannel<int> server) {
    for (;;) {
        int message = (co_await server.recv()).value();
        if (message > 0) {
            (co_await server.send(message + 1)).value();  // "channel closed"
        } else {
            break;
        }
    }
}

// async_channel.rs:444-467 channel_test (part 1 of 2: the test body)
Async<void> channel_test() {
    auto [client, server] = AsyncBiChannel<int>::new_();
    auto t1 = kimojio::spawn_task(echo_server(std::move(server)));

    for (int message = 1; message < 10; ++message) {
        (co_await client.send(message)).value();
        int response = (co_await client.recv()).value();
        CHECK(response == message + 1);
    }

    (co_await client.send(-1)).value();
    (co_await t1).value();
}
// async_channel.rs:444-467 channel_test (part 2 of 2: the TEST_CASE)
TEST_CASE("channel_test") { run_test(channel_test()); }

Async<void> try_echo_server(AsyncBiChannel<int> server) {
    for (;;) {
        int message;
        if (auto m = server.try_recv().value(); m) {
            message = *m;
        } else {
            message = (co_await server.recv()).value();
        }
        if (message > 0) {
            (co_await server.send(message + 1)).value();
        } else {
            break;
        }
    }
}

// async_channel.rs:470-506 channel_test_try (part 1 of 2: the test body)
Async<void> channel_test_try() {
    auto [client, server] = AsyncBiChannel<int>::new_();
    auto t1 = kimojio::spawn_task(try_echo_server(std::move(server)));

    for (int message = 1; message < 10; ++message) {
        for (int i = 0; i < 2; ++i) {
            (co_await client.send(message)).value();
        }
        for (int i = 0; i < 2; ++i) {
            int response;
            if (auto r = client.try_recv().value(); r) {
                response = *r;
            } else {
                response = (co_await client.recv()).value();
            }
            CHECK(response == message + 1);
        }
    }

    (co_await client.send(-1)).value();
    (co_await t1).value();
}
// async_channel.rs:470-506 channel_test_try (part 2 of 2: the TEST_CASE)
TEST_CASE("channel_test_try") { run_test(channel_test_try()); }

Async<void> unbounded_echo(kimojio::ReceiverUnbounded<int> channel1_rx, kimojio::SenderUnbounded<int> channel2_tx) {
    for (;;) {
        int message = (co_await channel1_rx.recv()).value();
        if (message > 0) {
            channel2_tx.send(message + 1).value();
        } else {
            break;
        }
    }
}

// async_channel.rs:509-542 unbounded_channel_test (part 1 of 2: the test body)
Async<void> unbounded_channel_test() {
    auto [channel1_tx, channel1_rx] = async_channel_unbounded<int>();
    auto [channel2_tx, channel2_rx] = async_channel_unbounded<int>();
    auto t1 = kimojio::spawn_task(unbounded_echo(std::move(channel1_rx), std::move(channel2_tx)));

    for (int message = 1; message < 10; ++message) {
        channel1_tx.send(message).value();
        int response = (co_await channel2_rx.recv()).value();
        CHECK(response == message + 1);
    }

    for (int message = 1; message < 10; ++message) {
        channel1_tx.send(message).value();
        channel1_tx.send(10 * message).value();
        int response = (co_await channel2_rx.recv()).value();
        CHECK(response == message + 1);
        response = (co_await channel2_rx.recv()).value();
        CHECK(response == 10 * message + 1);
    }

    channel1_tx.send(-1).value();
    (co_await t1).value();
}
// async_channel.rs:509-542 unbounded_channel_test (part 2 of 2: the TEST_CASE)
TEST_CASE("unbounded_channel_test") { run_test(unbounded_channel_test()); }

// async_channel.rs:545-554 test_recv_when_sender_dropped (part 1 of 2: the test body)
Async<void> test_recv_when_sender_dropped() {
    auto [channel1_tx, channel1_rx] = async_channel_unbounded<int>();
    channel1_tx.send(1).value();
    channel1_tx.send(2).value();
    { auto drop = std::move(channel1_tx); }

    CHECK(1 == (co_await channel1_rx.recv()).value());
    CHECK(2 == (co_await channel1_rx.recv()).value());
    CHECK(err_<int>(ChannelError::Closed) == co_await channel1_rx.recv());
}
// async_channel.rs:545-554 test_recv_when_sender_dropped (part 2 of 2: the TEST_CASE)
TEST_CASE("test_recv_when_sender_dropped") { run_test(test_recv_when_sender_dropped()); }

// async_channel.rs:556-560 test_send_when_receiver_dropped (part 1 of 2: the test body)
Async<void> test_send_when_receiver_dropped() {
    auto [channel1_tx, channel1_rx] = async_channel<int>();
    { auto drop = std::move(channel1_rx); }
    CHECK(send_err(kimojio::send_error::ChannelClosed<int>{3}) == channel1_tx.try_send(3));
    co_return;
}
// async_channel.rs:556-560 test_send_when_receiver_dropped (part 2 of 2: the TEST_CASE)
TEST_CASE("test_send_when_receiver_dropped") { run_test(test_send_when_receiver_dropped()); }

// async_channel.rs:563-575 test_async_channel_recv_when_sender_dropped (part 1 of 2: the test body)
Async<void> test_async_channel_recv_when_sender_dropped() {
    {
        auto [channel1_tx, channel1_rx] = async_channel<int>();
        (co_await channel1_tx.send(1)).value();
        { auto drop = std::move(channel1_tx); }

        CHECK(1 == (co_await channel1_rx.recv()).value());
        CHECK(err_<int>(ChannelError::Closed) == co_await channel1_rx.recv());
    }

    auto [channel1_tx, channel1_rx] = async_channel<int>();
    { auto drop = std::move(channel1_tx); }

    CHECK(err_<int>(ChannelError::Closed) == co_await channel1_rx.recv());
}
// async_channel.rs:563-575 test_async_channel_recv_when_sender_dropped (part 2 of 2: the TEST_CASE)
TEST_CASE("test_async_channel_recv_when_sender_dropped") { run_test(test_async_channel_recv_when_sender_dropped()); }

// async_channel.rs:578-590 test_async_channel_unbounded_with_capacity (part 1 of 2: the test body)
Async<void> test_async_channel_unbounded_with_capacity() {
    auto [tx, rx] = async_channel_unbounded_with_capacity<int>(5);

    // Test that it works like a normal unbounded channel
    for (int i = 1; i <= 10; ++i) {
        tx.send(i).value();
    }

    for (int i = 1; i <= 10; ++i) {
        int received = (co_await rx.recv()).value();
        CHECK(received == i);
    }
}
// async_channel.rs:578-590 test_async_channel_unbounded_with_capacity (part 2 of 2: the TEST_CASE)
TEST_CASE("test_async_channel_unbounded_with_capacity") { run_test(test_async_channel_unbounded_with_capacity()); }

// async_channel.rs:593-628 test_sender_unbounded_close_and_status (part 1 of 2: the test body)
Async<void> test_sender_unbounded_close_and_status() {
    auto [tx, rx] = async_channel_unbounded<int>();

    // Test is_empty and len when empty
    CHECK(tx.is_empty());
    CHECK(tx.len() == 0);

    // Send some messages
    tx.send(1).value();
    tx.send(2).value();
    tx.send(3).value();

    // Test is_empty and len with items
    CHECK_FALSE(tx.is_empty());
    CHECK(tx.len() == 3);

    // Receive one message
    int msg = (co_await rx.recv()).value();
    CHECK(msg == 1);
    CHECK(tx.len() == 2);

    // Test close functionality
    tx.close();

    // Should still be able to receive existing messages
    msg = (co_await rx.recv()).value();
    CHECK(msg == 2);
    msg = (co_await rx.recv()).value();
    CHECK(msg == 3);

    // Now should get channel closed error
    CHECK(err_<int>(ChannelError::Closed) == co_await rx.recv());

    // Note: Unbounded channels may still allow sending after close()
    // but will be closed when all senders are dropped
}
// async_channel.rs:593-628 test_sender_unbounded_close_and_status (part 2 of 2: the TEST_CASE)
TEST_CASE("test_sender_unbounded_close_and_status") { run_test(test_sender_unbounded_close_and_status()); }

// async_channel.rs:631-651 test_receiver_unbounded_try_recv (part 1 of 2: the test body)
Async<void> test_receiver_unbounded_try_recv() {
    auto [tx, rx] = async_channel_unbounded<int>();

    // Should return None when empty
    CHECK(ok_(std::optional<int>()) == rx.try_recv());

    // Send a message
    tx.send(42).value();

    // Should receive the message
    CHECK(ok_(std::optional<int>(42)) == rx.try_recv());

    // Should return None again when empty
    CHECK(ok_(std::optional<int>()) == rx.try_recv());

    // Close the channel
    tx.close();

    // Should return ChannelError::Closed
    CHECK(err_<std::optional<int>>(ChannelError::Closed) == rx.try_recv());
    co_return;
}
// async_channel.rs:631-651 test_receiver_unbounded_try_recv (part 2 of 2: the TEST_CASE)
TEST_CASE("test_receiver_unbounded_try_recv") { run_test(test_receiver_unbounded_try_recv()); }

Async<void> send_456(kimojio::SenderUnbounded<int> tx) {
    tx.send(456).value();
    co_return;
}
Async<void> recv_456(kimojio::ReceiverUnbounded<int> rx) {
    int result = (co_await rx.recv_with_deadline(std::nullopt)).value();
    CHECK(result == 456);
}

// async_channel.rs:654-680 test_receiver_unbounded_recv_with_deadline (part 1 of 2: the test body)
Async<void> test_receiver_unbounded_recv_with_deadline() {
    auto [tx, rx] = async_channel_unbounded<int>();

    // Test timeout
    auto deadline = std::chrono::steady_clock::now() + 10ms;
    auto result = co_await rx.recv_with_deadline(deadline);
    CHECK(result.is_err());
    CHECK(result == err_<int>(ChannelError::Timeout));  // C++: also which error

    // Test successful receive with deadline
    tx.send(123).value();
    deadline = std::chrono::steady_clock::now() + 100ms;
    int received = (co_await rx.recv_with_deadline(deadline)).value();
    CHECK(received == 123);

    // Test no deadline (should behave like normal recv)
    auto send_task = kimojio::spawn_task(send_456(std::move(tx)));

    auto recv_task = kimojio::spawn_task(recv_456(std::move(rx)));

    (co_await send_task).value();
    (co_await recv_task).value();
}
// async_channel.rs:654-680 test_receiver_unbounded_recv_with_deadline (part 2 of 2: the TEST_CASE)
TEST_CASE("test_receiver_unbounded_recv_with_deadline") { run_test(test_receiver_unbounded_recv_with_deadline()); }

// async_channel.rs:683-705 test_sender_unbounded_clone (part 1 of 2: the test body)
Async<void> test_sender_unbounded_clone() {
    auto [tx, rx] = async_channel_unbounded<int>();
    auto tx_clone = tx;

    // Both senders should work
    tx.send(1).value();
    tx_clone.send(2).value();

    // Receive both messages
    CHECK(1 == (co_await rx.recv()).value());
    CHECK(2 == (co_await rx.recv()).value());

    // Drop original sender
    { auto drop = std::move(tx); }

    // Clone should still work
    tx_clone.send(3).value();
    CHECK(3 == (co_await rx.recv()).value());

    // Drop clone - now channel should close
    { auto drop = std::move(tx_clone); }
    CHECK(err_<int>(ChannelError::Closed) == co_await rx.recv());
}
// async_channel.rs:683-705 test_sender_unbounded_clone (part 2 of 2: the TEST_CASE)
TEST_CASE("test_sender_unbounded_clone") { run_test(test_sender_unbounded_clone()); }

Async<void> send_one(kimojio::Sender<int> tx, int message) { (co_await tx.send(message)).value(); }
Async<void> recv_two_sorted(kimojio::Receiver<int> rx) {
    int msg1 = (co_await rx.recv()).value();
    int msg2 = (co_await rx.recv()).value();

    // Messages could arrive in any order
    std::vector<int> msgs{msg1, msg2};
    std::sort(msgs.begin(), msgs.end());
    CHECK(msgs == std::vector<int>{1, 2});
}

// async_channel.rs:708-734 test_sender_clone (part 1 of 2: the test body)
Async<void> test_sender_clone() {
    auto [tx, rx] = async_channel<int>();
    auto tx_clone = tx;

    // Test that both senders work
    auto send_task1 = kimojio::spawn_task(send_one(std::move(tx), 1));

    auto send_task2 = kimojio::spawn_task(send_one(std::move(tx_clone), 2));

    auto recv_task = kimojio::spawn_task(recv_two_sorted(std::move(rx)));

    (co_await send_task1).value();
    (co_await send_task2).value();
    (co_await recv_task).value();
}
// async_channel.rs:708-734 test_sender_clone (part 2 of 2: the TEST_CASE)
TEST_CASE("test_sender_clone") { run_test(test_sender_clone()); }

// async_channel.rs:737-757 test_sender_clone_drop_behavior (part 1 of 2: the test body)
Async<void> test_sender_clone_drop_behavior() {
    auto [tx, rx] = async_channel<int>();
    auto tx_clone = tx;

    // Send message with first sender and receive it
    (co_await tx.send(1)).value();
    CHECK(1 == (co_await rx.recv()).value());

    // Drop original sender
    { auto drop = std::move(tx); }

    // Clone should still work
    (co_await tx_clone.send(2)).value();
    CHECK(2 == (co_await rx.recv()).value());

    // Now drop clone - channel should close
    { auto drop = std::move(tx_clone); }

    // Channel should now be closed
    CHECK(err_<int>(ChannelError::Closed) == co_await rx.recv());
}
// async_channel.rs:737-757 test_sender_clone_drop_behavior (part 2 of 2: the TEST_CASE)
TEST_CASE("test_sender_clone_drop_behavior") { run_test(test_sender_clone_drop_behavior()); }

// async_channel.rs:760-794 test_multiple_sender_unbounded_clones (part 1 of 2: the test body)
Async<void> test_multiple_sender_unbounded_clones() {
    auto [tx, rx] = async_channel_unbounded<int>();

    // Create multiple clones
    auto tx1 = tx;
    auto tx2 = tx;
    auto tx3 = tx;

    // All should be able to send
    tx.send(1).value();
    tx1.send(2).value();
    tx2.send(3).value();
    tx3.send(4).value();

    // Receive all messages
    std::vector<int> received;
    for (int i = 0; i < 4; ++i) {
        received.push_back((co_await rx.recv()).value());
    }
    std::sort(received.begin(), received.end());
    CHECK(received == std::vector<int>{1, 2, 3, 4});

    // Drop all but one sender
    { auto drop = std::move(tx); }
    { auto drop = std::move(tx1); }
    { auto drop = std::move(tx2); }

    // Last sender should still work
    tx3.send(5).value();
    CHECK(5 == (co_await rx.recv()).value());

    // Drop last sender
    { auto drop = std::move(tx3); }
    CHECK(err_<int>(ChannelError::Closed) == co_await rx.recv());
}
// async_channel.rs:760-794 test_multiple_sender_unbounded_clones (part 2 of 2: the TEST_CASE)
TEST_CASE("test_multiple_sender_unbounded_clones") { run_test(test_multiple_sender_unbounded_clones()); }

// async_channel.rs:797-823 test_channel_try_send_error_variants (part 1 of 2: the test body)
Async<void> test_channel_try_send_error_variants() {
    auto [tx, rx] = async_channel<int>();

    // First send should succeed
    CHECK(send_ok() == tx.try_send(1));

    // Second send should fail with ChannelFull
    CHECK(send_err(kimojio::send_error::ChannelFull<int>{2}) == tx.try_send(2));

    // Receive the first message
    CHECK(1 == (co_await rx.recv()).value());

    // Now second send should succeed
    CHECK(send_ok() == tx.try_send(2));

    // Drop receiver
    { auto drop = std::move(rx); }

    // Now send should fail with ChannelClosed
    CHECK(send_err(kimojio::send_error::ChannelClosed<int>{3}) == tx.try_send(3));
}
// async_channel.rs:797-823 test_channel_try_send_error_variants (part 2 of 2: the TEST_CASE)
TEST_CASE("test_channel_try_send_error_variants") { run_test(test_channel_try_send_error_variants()); }

Async<void> send_two(kimojio::Sender<int> tx, std::shared_ptr<kimojio::Result<void, int>> second) {
    (co_await tx.send(1)).value();
    *second = co_await tx.send(2);  // waits: 1 is still in flight
}

// C++ only: a send waiting on a full channel returns its message when the
// receiver is dropped. Rust's send waits for has_item to be reset, which never
// happens then, so the sender would wait forever.
Async<void> blocked_send_sees_receiver_drop() {
    auto [tx, rx] = async_channel<int>();
    auto second = std::make_shared<kimojio::Result<void, int>>(kimojio::ok());
    auto task = kimojio::spawn_task(send_two(std::move(tx), second));
    for (int i = 0; i < 10; ++i) {
        co_await kimojio::yield_io();
    }
    CHECK_FALSE(task.is_complete());
    { auto drop = std::move(rx); }
    for (int i = 0; i < 10; ++i) {
        co_await kimojio::yield_io();
    }
    REQUIRE(task.is_complete());
    (co_await task).value();
    REQUIRE(second->is_err());
    CHECK(second->error() == 2);
}
TEST_CASE("blocked_send_sees_receiver_drop") { run_test(blocked_send_sees_receiver_drop()); }

Async<void> cancel_after_yield() {
    co_await kimojio::yield_io();
    kimojio::io_scope_cancel();
}
Async<void> send_into(kimojio::Sender<int> tx, int message, std::shared_ptr<kimojio::Result<void, int>> out) {
    *out = co_await tx.send(message);
}

// C++ only: a send waiting on a full channel, canceled by io_scope_cancel, gives its message back.
Async<void> canceled_send_returns_message() {
    auto [tx, rx] = async_channel<int>();
    tx.try_send(1).value();
    auto out = std::make_shared<kimojio::Result<void, int>>(kimojio::ok());
    std::vector<Async<void>> both;
    both.push_back(send_into(tx, 2, out));
    both.push_back(cancel_after_yield());
    test_support::JoinAll<Async<void>> join{std::move(both), {}};
    auto scope = kimojio::io_scope(std::move(join));
    co_await scope;
    REQUIRE(out->is_err());
    CHECK(out->error() == 2);
    CHECK(1 == (co_await rx.recv()).value());
    CHECK(ok_(std::optional<int>()) == rx.try_recv());  // 2 was not sent
}
TEST_CASE("canceled_send_returns_message") { run_test(canceled_send_returns_message()); }

Async<void> recv_forever(kimojio::Receiver<int> rx) { (void)co_await rx.recv(); }

// C++ only: a task aborted while waiting in recv ends with TaskAborted.
Async<void> aborted_receiver() {
    auto [tx, rx] = async_channel<int>();
    auto task = kimojio::spawn_task(recv_forever(std::move(rx)));
    co_await kimojio::yield_io();
    task.abort();
    auto result = co_await task;
    REQUIRE(result.is_err());
    CHECK_THROWS_AS(std::rethrow_exception(result.error().payload()), kimojio::TaskAborted);
    // The receiver went with the task: the channel is closed.
    CHECK(send_err(kimojio::send_error::ChannelClosed<int>{1}) == tx.try_send(1));
}
TEST_CASE("aborted_receiver") { run_test(aborted_receiver()); }

// C++ only: moved-from ends throw kimojio::Panic; a moved-from sender is not counted.
Async<void> moved_from_ends_panic() {
    auto [tx, rx] = async_channel_unbounded<int>();
    auto tx2 = std::move(tx);
    auto rx2 = std::move(rx);
    CHECK_THROWS_AS((void)tx.send(1), kimojio::Panic);
    CHECK_THROWS_AS((void)rx.try_recv(), kimojio::Panic);
    CHECK_THROWS_AS((void)rx.recv(), kimojio::Panic);
    { auto drop = std::move(tx); }  // not a sender any more: the channel stays open
    tx2.send(1).value();
    CHECK(1 == (co_await rx2.recv()).value());

    auto [btx, brx] = async_channel<int>();
    auto btx2 = std::move(btx);
    auto brx2 = std::move(brx);
    CHECK_THROWS_AS((void)btx.try_send(1), kimojio::Panic);
    CHECK_THROWS_AS((void)btx.send(1), kimojio::Panic);
    CHECK_THROWS_AS((void)brx.recv(), kimojio::Panic);
    { auto drop = std::move(brx); }  // a moved-from receiver does not close the channel
    (co_await btx2.send(2)).value();
    CHECK(2 == (co_await brx2.recv()).value());
}
TEST_CASE("moved_from_ends_panic") { run_test(moved_from_ends_panic()); }

// C++ only: move-only messages, and a full channel gives the message back.
Async<void> move_only_messages() {
    auto [tx, rx] = async_channel<std::unique_ptr<int>>();
    tx.try_send(std::make_unique<int>(1)).value();
    auto full = tx.try_send(std::make_unique<int>(2));
    REQUIRE(full.is_err());
    auto back = std::get<kimojio::send_error::ChannelFull<std::unique_ptr<int>>>(std::move(full).error());
    CHECK(*back.value == 2);
    CHECK(*(co_await rx.recv()).value() == 1);

    auto [utx, urx] = async_channel_unbounded<std::unique_ptr<int>>();
    utx.send(std::make_unique<int>(3)).value();
    CHECK(**urx.try_recv().value() == 3);
}
TEST_CASE("move_only_messages") { run_test(move_only_messages()); }

// C++ only: both ends may go while a recv is pending; the future keeps the channel.
Async<void> pending_recv_outlives_both_ends() {
    std::optional<Async<kimojio::Result<int, ChannelError>>> pending;
    {
        auto [tx, rx] = async_channel_unbounded<int>();
        tx.send(7).value();
        pending.emplace(rx.recv());
    }
    CHECK(7 == (co_await *pending).value());
}
TEST_CASE("pending_recv_outlives_both_ends") { run_test(pending_recv_outlives_both_ends()); }

// C++ only: value() of a failed try_send says what went wrong.
Async<void> send_error_messages() {
    auto [tx, rx] = async_channel<int>();
    tx.try_send(1).value();
    try {
        tx.try_send(2).value();
        FAIL("value() of ChannelFull did not throw");
    } catch (const std::system_error& e) {
        CHECK(e.code().value() == EAGAIN);
        CHECK(std::string(e.what()).find("full") != std::string::npos);
    }
    { auto drop = std::move(rx); }
    try {
        tx.try_send(3).value();
        FAIL("value() of ChannelClosed did not throw");
    } catch (const std::system_error& e) {
        CHECK(e.code().value() == EPIPE);
        CHECK(std::string(e.what()).find("closed channel") != std::string::npos);
    }
    co_return;
}
TEST_CASE("send_error_messages") { run_test(send_error_messages()); }

// C++ only: with_capacity reserves (Rust: VecDeque::with_capacity): the first `capacity`
// sends allocate nothing, and the next one grows the queue; a channel without the hint
// allocates on its first send (shows the count works). The sends run outside any task,
// so only the queue can allocate.
TEST_CASE("async_channel_unbounded_with_capacity reserves room for capacity messages") {
    if (!KIMOJIO_COUNTS_ALLOCATIONS) return;  // TSan: nothing counted (release and asan check)
    auto counted = [](auto&& f) {
        std::size_t before = allocations_on_this_thread;
        f();
        return allocations_on_this_thread - before;
    };
    auto reserved = async_channel_unbounded_with_capacity<int>(100);  // no structured binding: clang-14 lambdas
    auto& tx = reserved.first;
    CHECK(counted([&] {
              for (int i = 0; i < 100; ++i) tx.send(i).value();
          }) == 0);
    CHECK(tx.len() == 100);
    auto plain = async_channel_unbounded<int>();
    auto& plain_tx = plain.first;
    CHECK(counted([&] { plain_tx.send(1).value(); }) > 0);
    // A move that may throw keeps std::deque: the hint is unused, the channel still works.
    struct ThrowingMove {
        int v;
        ThrowingMove(int v) : v(v) {}
        ThrowingMove(ThrowingMove&& o) noexcept(false) : v(o.v) {}
    };
    auto [throwing_tx, throwing_rx] = async_channel_unbounded_with_capacity<ThrowingMove>(4);
    throwing_tx.send(ThrowingMove(7)).value();
    CHECK(throwing_rx.try_recv().value()->v == 7);
}

}  // namespace
