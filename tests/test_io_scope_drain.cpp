// Tests of io_scope_drain_futures and io_scope_drain_futures_void (operations.rs at
// qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f: upstream has no test of
// its own; its copyfile example is the use shown here) and of kimojio/stream.hpp's
// FuturesUnordered, which they drain.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "kimojio/kimojio.hpp"
#include "test_support.hpp"

using kimojio::Async;
using kimojio::Err;
using kimojio::Errno;
using kimojio::FuturesUnordered;
using kimojio::Ok;
using kimojio::Result;
using kimojio::UnitFuture;
using kimojio::UsizeFuture;
using test_support::run_test;
using test_support::user_in_flight_io;

namespace {
struct Pipe {
    int read_end = -1;
    int write_end = -1;
    Pipe() {
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        read_end = fds[0];
        write_end = fds[1];
    }
    ~Pipe() {
        if (read_end >= 0) ::close(read_end);
        if (write_end >= 0) ::close(write_end);
    }
};

std::size_t add(std::size_t total, std::size_t n) { return total + n; }
}  // namespace

TEST_CASE("futures_unordered_yields_in_completion_order_then_ends") {
    run_test([]() -> Async<void> {
        Pipe pipe;
        std::array<char, 8> buffer{};
        std::array<char, 3> data{'a', 'b', 'c'};
        FuturesUnordered<UsizeFuture> set;
        set.push(kimojio::read(pipe.read_end, buffer));  // pending until the write below
        set.push(kimojio::write(pipe.write_end, data));
        CHECK(set.len() == 2);
        // The write completes first although it was pushed second; then the read sees its bytes.
        CHECK((co_await kimojio::next(set))->value() == 3);
        CHECK((co_await kimojio::next(set))->value() == 3);
        CHECK(set.is_empty());
        CHECK_FALSE((co_await kimojio::next(set)).has_value());
        CHECK(std::string(buffer.data(), 3) == "abc");
    }());
}

TEST_CASE("io_scope_drain_futures_accumulates_every_result") {
    run_test([]() -> Async<void> {
        Pipe pipe;
        std::array<char, 100> data{};
        Result<std::size_t, Errno> total = co_await kimojio::io_scope([](int fd, std::array<char, 100>* data) -> Async<Result<std::size_t, Errno>> {
            FuturesUnordered<UsizeFuture> writes;
            for (std::size_t n : {10, 20, 30, 40}) {
                writes.push(kimojio::write(fd, std::span<const char>(data->data(), n)));
            }
            co_return co_await kimojio::io_scope_drain_futures(Result<std::size_t, Errno>(Ok{std::size_t{0}}),
                                                               std::move(writes), add);
        }(pipe.write_end, &data));
        CHECK(total.value() == 100);
    }());
}

TEST_CASE("io_scope_drain_futures_returns_first_error_and_cancels_the_rest") {
    run_test([]() -> Async<void> {
        Pipe idle;    // nothing is ever written: its reads wait until canceled
        Pipe broken;  // reader closed: a write fails with EPIPE
        ::close(broken.read_end);
        broken.read_end = -1;
        (co_await kimojio::nop()).value();  // the runtime server task's pipe read is in flight from here on
        std::uint64_t before = user_in_flight_io();
        std::array<std::array<char, 4>, 3> buffers{};
        std::array<char, 4> data{};
        Result<std::size_t, Errno> result = co_await kimojio::io_scope(
            [](int idle_fd, int broken_fd, auto* buffers, auto* data) -> Async<Result<std::size_t, Errno>> {
                FuturesUnordered<UsizeFuture> ops;
                for (auto& buffer : *buffers) {
                    ops.push(kimojio::read(idle_fd, buffer));
                }
                ops.push(kimojio::write(broken_fd, *data));
                co_return co_await kimojio::io_scope_drain_futures(Result<std::size_t, Errno>(Ok{std::size_t{0}}),
                                                                   std::move(ops), add);
            }(idle.read_end, broken.write_end, &buffers, &data));
        // The first error wins over the reads' ECANCELED; every read was drained, none left in flight.
        REQUIRE(result.is_err());
        CHECK(result.error() == Errno::PIPE);
        CHECK(user_in_flight_io() == before);
    }());
}

TEST_CASE("io_scope_drain_futures_with_an_error_already_cancels_at_once") {
    run_test([]() -> Async<void> {
        Pipe idle;
        std::array<std::array<char, 4>, 2> buffers{};
        (co_await kimojio::nop()).value();  // the runtime server task's pipe read is in flight from here on
        std::uint64_t before = user_in_flight_io();
        Result<std::size_t, Errno> result = co_await kimojio::io_scope(
            [](int idle_fd, auto* buffers, std::uint64_t before) -> Async<Result<std::size_t, Errno>> {
                FuturesUnordered<UsizeFuture> reads;
                for (auto& buffer : *buffers) {
                    reads.push(kimojio::read(idle_fd, buffer));
                }
                // Started before the drain (one poll of the set submits both): the drain's
                // io_scope_cancel must reach them, or it would wait forever.
                auto first = kimojio::next(reads);
                CHECK_FALSE(co_await test_support::PollOnce<decltype(first)>{&first});
                CHECK(user_in_flight_io() == before + 2);
                co_return co_await kimojio::io_scope_drain_futures(Result<std::size_t, Errno>(Err{Errno::INVAL}),
                                                                   std::move(reads), add);
            }(idle.read_end, &buffers, before));
        REQUIRE(result.is_err());
        CHECK(result.error() == Errno::INVAL);
        CHECK(user_in_flight_io() == before);
    }());
}

TEST_CASE("io_scope_drain_futures_void") {
    run_test([]() -> Async<void> {
        Result<void, Errno> all_ok = co_await kimojio::io_scope([]() -> Async<Result<void, Errno>> {
            FuturesUnordered<UnitFuture> nops;
            for (int i = 0; i < 5; ++i) nops.push(kimojio::nop());
            co_return co_await kimojio::io_scope_drain_futures_void(Result<void, Errno>(kimojio::ok()), std::move(nops));
        }());
        CHECK(all_ok.is_ok());

        Result<void, Errno> one_bad = co_await kimojio::io_scope([]() -> Async<Result<void, Errno>> {
            FuturesUnordered<UnitFuture> ops;
            ops.push(kimojio::nop());
            ops.push(kimojio::close(kimojio::OwnedFd(1000000)));  // not an open descriptor: EBADF
            ops.push(kimojio::nop());
            co_return co_await kimojio::io_scope_drain_futures_void(Result<void, Errno>(kimojio::ok()), std::move(ops));
        }());
        REQUIRE(one_bad.is_err());
        CHECK(one_bad.error() == Errno::BADF);
    }());
}

TEST_CASE("the completion pool keeps at most MAX_COMPLETION_POOL_ENTRIES completions") {
    run_test([]() -> Async<void> {
        FuturesUnordered<UnitFuture> nops;
        for (std::size_t i = 0; i < kimojio::MAX_COMPLETION_POOL_ENTRIES + 100; ++i) nops.push(kimojio::nop());
        while (auto done = co_await kimojio::next(nops)) done->value();
        // Every one of them was returned when its future finished; the pool took all it may.
        CHECK(kimojio::TaskState::get()->completion_pool.size() == kimojio::MAX_COMPLETION_POOL_ENTRIES);
    }());
}
