// Tests of kimojio::sync::channel (sync_channel.hpp): a bounded MPSC queue fed from
// tasks and plain threads. Multi-threaded; also run under TSan.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "kimojio/kimojio.hpp"
#include "test_support.hpp"

using kimojio::Async;
using kimojio::sync::ChannelReceiver;
using kimojio::sync::ChannelSender;
using test_support::ended_by_abort;
using test_support::PollOnce;
using test_support::run_test;

TEST_CASE("channel: messages sent from a task arrive in order") {
    run_test([]() -> Async<void> {
        auto [tx, rx] = kimojio::sync::channel<int>(4);
        for (int i = 0; i < 3; ++i) CHECK((co_await tx.send(i)).is_ok());
        for (int i = 0; i < 3; ++i) CHECK((co_await rx.recv()) == std::optional<int>(i));
    }());
}

TEST_CASE("channel: a full channel makes try_send hand the message back and send wait for space") {
    run_test([]() -> Async<void> {
        auto [tx, rx] = kimojio::sync::channel<std::string>(2);
        CHECK(tx.try_send("a").is_ok());
        CHECK(tx.try_send("b").is_ok());
        auto full = tx.try_send("c");
        REQUIRE(full.is_err());
        CHECK(full.error().kind == kimojio::sync::TrySendError<std::string>::Kind::Full);
        CHECK(full.error().value == "c");

        auto send = tx.send("c");
        CHECK_FALSE(co_await PollOnce<decltype(send)>{&send});  // waits for space
        CHECK(tx.try_send("d").is_err());                        // no jumping the queue
        CHECK((co_await rx.recv()) == std::optional<std::string>("a"));
        // recv moved the waiting message into the freed slot and completed the send
        CHECK(co_await PollOnce<decltype(send)>{&send});
        CHECK((co_await rx.recv()) == std::optional<std::string>("b"));
        CHECK((co_await rx.recv()) == std::optional<std::string>("c"));
        CHECK_FALSE(rx.try_recv().has_value());
    }());
}

TEST_CASE("channel: when every sender is gone, recv drains the buffer and then returns nullopt") {
    run_test([]() -> Async<void> {
        auto [tx, rx] = kimojio::sync::channel<int>(8);
        {
            ChannelSender<int> second = tx;
            std::thread([second] { CHECK(second.send_blocking(1).is_ok()); }).join();
            CHECK(tx.try_send(2).is_ok());
            ChannelSender<int> gone = std::move(tx);
        }
        CHECK((co_await rx.recv()) == std::optional<int>(1));
        CHECK((co_await rx.recv()) == std::optional<int>(2));
        CHECK(rx.is_finished());
        CHECK((co_await rx.recv()) == std::nullopt);
    }());
}

TEST_CASE("channel: a receiver that waits is woken by the last sender's destruction on another thread") {
    run_test([]() -> Async<void> {
        auto [tx, rx] = kimojio::sync::channel<int>(1);
        std::thread thread([tx = std::move(tx)]() mutable {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            ChannelSender<int> gone = std::move(tx);
        });
        CHECK((co_await rx.recv()) == std::nullopt);
        thread.join();
    }());
}

TEST_CASE("channel: close() fails every send with the message back and keeps the buffer receivable") {
    run_test([]() -> Async<void> {
        auto [tx, rx] = kimojio::sync::channel<int>(1);
        CHECK(tx.try_send(1).is_ok());
        // A plain thread blocks on the full channel (or, if it comes late, finds it closed:
        // the message comes back either way).
        std::atomic<int> blocked_result{0};
        std::thread blocked([&, tx = tx] {
            auto result = tx.send_blocking(2);
            blocked_result = result.is_err() ? result.error() : -1;
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        rx.close();
        blocked.join();
        CHECK(blocked_result == 2);  // came back undelivered
        CHECK((co_await tx.send(4)).error() == 4);
        auto closed = tx.try_send(5);
        REQUIRE(closed.is_err());
        CHECK(closed.error().kind == kimojio::sync::TrySendError<int>::Kind::Closed);
        CHECK((co_await rx.recv()) == std::optional<int>(1));
        CHECK((co_await rx.recv()) == std::nullopt);
        CHECK(rx.is_finished());
    }());
}

TEST_CASE("channel: destroying the receiver releases a thread blocked in send_blocking") {
    auto [tx, rx] = kimojio::sync::channel<int>(1);
    CHECK(tx.try_send(1).is_ok());
    std::thread blocked([tx = tx] { CHECK(tx.send_blocking(2).error() == 2); });
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    { ChannelReceiver<int> gone = std::move(rx); }
    blocked.join();
    CHECK(tx.is_closed());
}

// The receiver takes every queued message in one lock but frees capacity per message
// (ChannelCredit's lock-free handshake with a sender that queues itself): with capacity
// 1 and 3, plain threads and a task keep the channel full, so nearly every message goes
// through that handshake. A lost admission hangs the test; every message must arrive
// once, in order per producer.
TEST_CASE("channel: senders waiting on a full channel are admitted as the receiver frees each slot") {
    for (std::size_t capacity : {std::size_t(1), std::size_t(3)}) {
        static constexpr int threads = 3, per = 20000;
        auto [tx, rx] = kimojio::sync::channel<std::pair<int, int>>(capacity);
        std::vector<std::thread> producers;
        for (int p = 0; p < threads; ++p) {
            producers.emplace_back([tx = tx, p] {
                for (int i = 0; i < per; ++i) CHECK(tx.send_blocking({p, i}).is_ok());
            });
        }
        run_test([](ChannelSender<std::pair<int, int>> tx, ChannelReceiver<std::pair<int, int>> rx) -> Async<void> {
            auto task_sender = kimojio::spawn_task([](ChannelSender<std::pair<int, int>> tx) -> Async<void> {
                for (int i = 0; i < per; ++i) CHECK((co_await tx.send({threads, i})).is_ok());
            }(std::move(tx)));
            std::vector<int> next(threads + 1, 0);
            int received = 0, out_of_order = 0;
            while (auto message = co_await rx.recv()) {
                auto [p, i] = *message;
                out_of_order += i != next[p];  // FIFO per producer, nothing lost or repeated
                next[p] = i + 1;
                received += 1;
            }
            CHECK(out_of_order == 0);
            CHECK(received == (threads + 1) * per);
            CHECK((co_await task_sender).is_ok());
        }(std::move(tx), std::move(rx)));
        for (auto& t : producers) t.join();
    }
}

TEST_CASE("channel: bad use throws a clear error") {
    CHECK_THROWS_AS(kimojio::sync::channel<int>(0), std::invalid_argument);
    run_test([]() -> Async<void> {
        auto [tx, rx] = kimojio::sync::channel<int>(1);
        CHECK_THROWS_WITH_AS((void)tx.send_blocking(1), doctest::Contains("would block the loop"), std::runtime_error);
        ChannelSender<int> moved = std::move(tx);
        CHECK_THROWS_WITH_AS((void)tx.try_send(1), doctest::Contains("moved from"), std::runtime_error);
        co_return;
    }());
}

namespace {
// A message that counts itself when it is destroyed unreceived.
struct Message {
    int id = -1;
    std::atomic<int>* dropped = nullptr;
    Message(int id, std::atomic<int>* dropped) : id(id), dropped(dropped) {}
    Message(Message&& o) noexcept : id(std::exchange(o.id, -1)), dropped(o.dropped) {}
    Message& operator=(Message&& o) noexcept {
        id = std::exchange(o.id, -1);
        dropped = o.dropped;
        return *this;
    }
    ~Message() {
        if (id >= 0) dropped->fetch_add(1);
    }
    int take() { return std::exchange(id, -1); }
};

Async<void> channel_stress_body(std::uint32_t seed) {
    constexpr int threads = 8, per_thread = 125000, channels = 64;
    std::atomic<int> dropped{0}, returned{0};
    std::vector<ChannelSender<Message>> senders;
    std::vector<kimojio::TaskHandle<void>> tasks;
    std::vector<std::vector<int>> received(channels);
    for (int c = 0; c < channels; ++c) {
        auto [tx, rx] = kimojio::sync::channel<Message>(1 + c % 8);
        senders.push_back(std::move(tx));
        tasks.push_back(kimojio::spawn_task([](ChannelReceiver<Message> rx, std::vector<int>* out) -> Async<void> {
            while (auto message = co_await rx.recv()) out->push_back(message->take());
        }(std::move(rx), &received[c])));
    }
    std::atomic<int> finished{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t, first = seed] {  // `seed` changes below: a copy
            std::uint32_t s = first * 7919 + t;
            for (int i = 0; i < per_thread; ++i) {
                s = s * 1103515245 + 12345;
                auto result = senders[(s >> 16) % channels].send_blocking(Message(t * per_thread + i, &dropped));
                if (result.is_err()) returned.fetch_add(1);  // its message is counted as dropped too
            }
            finished.fetch_add(1);
        });
    }
    // Abort a quarter of the receivers while the threads send.
    std::vector<bool> aborted(channels);
    for (int c = 0; c < channels; ++c) {
        co_await kimojio::yield_io();
        seed = seed * 1103515245 + 12345;
        if ((seed >> 16) % 4 == 0) {
            tasks[c].abort();
            aborted[c] = true;
        }
    }
    // The receivers run on this thread: keep the loop turning until the senders are done.
    while (finished.load() < threads) co_await kimojio::yield_io();
    for (auto& w : workers) w.join();
    senders.clear();  // every receiver sees the end
    std::set<int> seen;
    int total_received = 0;
    for (int c = 0; c < channels; ++c) {
        auto result = co_await tasks[c];
        CHECK(result.is_ok() != aborted[c]);
        if (aborted[c]) CHECK(ended_by_abort(result));
        for (int id : received[c]) {
            CHECK(seen.insert(id).second);  // never twice
            total_received += 1;
        }
    }
    // Every message was received once, or came back to its sender, or was dropped with
    // an aborted receiver's buffer; nothing else. (`returned` ones are also `dropped`.)
    CHECK(total_received + dropped.load() == threads * per_thread);
    CHECK(returned.load() <= dropped.load());
}
}  // namespace

TEST_CASE("channel: 8 threads send 1,000,000 messages into 64 receiving tasks, a quarter aborted") {
    for (std::uint32_t seed = 1; seed <= 2; ++seed) run_test(channel_stress_body(seed));
}
