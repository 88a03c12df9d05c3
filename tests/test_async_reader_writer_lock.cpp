// Port of the 5 tests in kimojio/src/async_reader_writer_lock.rs at qbradley/kimojio-rs
// 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f, plus C++-only tests (an aborted upgrade gives its
// read lock back once, moved-from guards).
#include <doctest/doctest.h>

#include <memory>
#include <unordered_set>
#include <utility>
#include <vector>

#include "kimojio/async_reader_writer_lock.hpp"
#include "kimojio/kimojio.hpp"
#include "test_support.hpp"

using kimojio::Async;
using kimojio::AsyncEvent;
using kimojio::AsyncReaderWriterLock;
using kimojio::TaskHandle;
using test_support::run_test;

namespace {

using Lock = AsyncReaderWriterLock<int>;

// The spawned task of `spawn`: owns `f` (and so its captures) while it runs.
template <class F>
Async<void> spawned(std::shared_ptr<Lock> lock, std::shared_ptr<AsyncEvent> e2, F f) {
    e2->set();
    co_await f(lock);
}

// async_reader_writer_lock.rs:185-198 spawn (test helper)
template <class F>
Async<TaskHandle<void>> spawn(std::shared_ptr<Lock> lock, F f) {
    auto e1 = std::make_shared<AsyncEvent>();
    auto e2 = e1;
    auto handle = kimojio::spawn_task(spawned(std::move(lock), std::move(e2), std::move(f)));
    auto waited = co_await e1->wait();  // GCC 12 rejects `(co_await ...).value()` in a template
    waited.value();
    co_return std::move(handle);
}

Async<void> write_5(std::shared_ptr<Lock> lock) {
    auto ptr = (co_await lock->lock_write()).value();
    *ptr = 5;
}

// async_reader_writer_lock.rs:201-220 readers_block_writer_test (part 1 of 2: the test body)
Async<void> readers_block_writer_test() {
    auto lock = std::make_shared<Lock>(0);
    auto reader = (co_await lock->lock_read()).value();
    auto t1 = co_await spawn(lock, write_5);

    CHECK(*reader == 0);

    {
        // nested reader
        CHECK(*(co_await lock->lock_read()).value() == 0);
    }
    { auto drop = std::move(reader); }
    (co_await t1).value();

    CHECK(*(co_await lock->lock_read()).value() == 5);
}
// async_reader_writer_lock.rs:201-220 readers_block_writer_test (part 2 of 2: the TEST_CASE)
TEST_CASE("readers_block_writer_test") { run_test(readers_block_writer_test()); }

// async_reader_writer_lock.rs:223-249 writer_blocks_readers_test (part 1 of 2: the test body)
Async<void> writer_blocks_readers_test() {
    auto lock = std::make_shared<Lock>(0);
    auto counter = std::make_shared<int>(0);
    auto writer = (co_await lock->lock_write()).value();
    std::vector<TaskHandle<void>> tasks;
    for (int i = 0; i < 4; ++i) {
        tasks.push_back(co_await spawn(lock, [counter](std::shared_ptr<Lock> lock) -> Async<void> {
            (void)(co_await lock->lock_read()).value();
            *counter += 1;
        }));
    }

    CHECK(*counter == 0);
    { auto drop = std::move(writer); }

    int expected_len = static_cast<int>(tasks.size());

    for (auto& task : tasks) {
        (co_await task).value();
    }

    CHECK(*counter == expected_len);
}
// async_reader_writer_lock.rs:223-249 writer_blocks_readers_test (part 2 of 2: the TEST_CASE)
TEST_CASE("writer_blocks_readers_test") { run_test(writer_blocks_readers_test()); }

// async_reader_writer_lock.rs:252-269 writer_blocks_writer_test (part 1 of 2: the test body)
Async<void> writer_blocks_writer_test() {
    auto lock = std::make_shared<Lock>();
    auto writer = (co_await lock->lock_write()).value();
    *writer = 4;

    auto t1 = co_await spawn(lock, write_5);

    CHECK(*writer == 4);

    { auto drop = std::move(writer); }
    (co_await t1).value();

    CHECK(*(co_await lock->lock_read()).value() == 5);
}
// async_reader_writer_lock.rs:252-269 writer_blocks_writer_test (part 2 of 2: the TEST_CASE)
TEST_CASE("writer_blocks_writer_test") { run_test(writer_blocks_writer_test()); }

// async_reader_writer_lock.rs:272-280 simple_upgrade (part 1 of 2: the test body)
Async<void> simple_upgrade() {
    auto lock = std::make_shared<Lock>(0);
    auto read = (co_await lock->lock_read()).value();
    auto write = (co_await std::move(read).upgrade()).value();
    *write = 5;
    { auto drop = std::move(write); }

    CHECK(*(co_await lock->lock_read()).value() == 5);
}
// async_reader_writer_lock.rs:272-280 simple_upgrade (part 2 of 2: the TEST_CASE)
TEST_CASE("simple_upgrade") { run_test(simple_upgrade()); }

using SetLock = AsyncReaderWriterLock<std::unordered_set<int>>;

Async<void> upgrade_and_insert(std::shared_ptr<SetLock> lock, std::shared_ptr<AsyncEvent> ready,
                               std::shared_ptr<AsyncEvent> proceed, int index) {
    auto reader = (co_await lock->lock_read()).value();
    ready->set();
    (co_await proceed->wait()).value();
    auto writer = (co_await std::move(reader).upgrade()).value();
    writer->insert(index);
}

// async_reader_writer_lock.rs:283-314 many_readers_can_upgrade (part 1 of 2: the test body)
Async<void> many_readers_can_upgrade() {
    auto lock = std::make_shared<SetLock>(std::unordered_set<int>());
    std::vector<std::shared_ptr<AsyncEvent>> readies;
    auto proceed = std::make_shared<AsyncEvent>();
    std::unordered_set<int> indices;

    std::vector<TaskHandle<void>> tasks;
    for (int index = 0; index < 10; ++index) {
        indices.insert(index);
        auto ready = std::make_shared<AsyncEvent>();
        readies.push_back(ready);
        tasks.push_back(kimojio::spawn_task(upgrade_and_insert(lock, ready, proceed, index)));
    }

    for (auto& r : readies) {
        (co_await r->wait()).value();
    }
    proceed->set();
    for (auto& task : tasks) {
        (co_await task).value();
    }
    auto results = (co_await lock->lock_read()).value();
    CHECK(*results == indices);
}
// async_reader_writer_lock.rs:283-314 many_readers_can_upgrade (part 2 of 2: the TEST_CASE)
TEST_CASE("many_readers_can_upgrade") { run_test(many_readers_can_upgrade()); }

Async<void> read_then_upgrade(std::shared_ptr<Lock> lock, std::shared_ptr<AsyncEvent> reading) {
    auto reader = (co_await lock->lock_read()).value();
    reading->set();
    auto writer = (co_await std::move(reader).upgrade()).value();  // waits: the test holds a reader
    *writer = 1;
}

// C++ only: a task aborted while waiting in upgrade() gave its read lock back
// once. Rust drops the ReadRef again there (readers is decremented twice), which
// would let a writer in while the other reader is still live.
Async<void> aborted_upgrade_releases_read_once() {
    auto lock = std::make_shared<Lock>(0);
    auto reader = (co_await lock->lock_read()).value();
    auto reading = std::make_shared<AsyncEvent>();
    auto upgrader = kimojio::spawn_task(read_then_upgrade(lock, reading));
    (co_await reading->wait()).value();
    co_await kimojio::yield_io();
    CHECK_FALSE(upgrader.is_complete());
    upgrader.abort();
    auto aborted = co_await upgrader;
    REQUIRE(aborted.is_err());
    CHECK_THROWS_AS(std::rethrow_exception(aborted.error().payload()), kimojio::TaskAborted);

    auto writer = kimojio::spawn_task(write_5(lock));
    for (int i = 0; i < 10; ++i) {
        co_await kimojio::yield_io();
    }
    CHECK_FALSE(writer.is_complete());  // `reader` is still live
    CHECK(*reader == 0);
    { auto drop = std::move(reader); }
    (co_await writer).value();
    CHECK(*(co_await lock->lock_read()).value() == 5);
}
TEST_CASE("aborted_upgrade_releases_read_once") { run_test(aborted_upgrade_releases_read_once()); }

// C++ only: moved-from guards release nothing, and using one is a Panic.
Async<void> reader_writer_moved_guards() {
    Lock lock(3);
    auto r1 = (co_await lock.lock_read()).value();
    auto r2 = std::move(r1);
    CHECK_THROWS_AS((void)*r1, kimojio::Panic);
    CHECK_THROWS_AS((void)std::move(r1).upgrade(), kimojio::Panic);
    { auto drop = std::move(r1); }  // a moved-from reader: readers stays 1
    auto w = (co_await std::move(r2).upgrade()).value();
    *w = 4;
    auto w2 = std::move(w);
    CHECK_THROWS_AS((void)*w, kimojio::Panic);
    { auto drop = std::move(w2); }
    CHECK(*(co_await lock.lock_read()).value() == 4);
}
TEST_CASE("reader_writer_moved_guards") { run_test(reader_writer_moved_guards()); }

Async<void> read_once(std::shared_ptr<Lock> lock, std::shared_ptr<int> seen) {
    auto r = (co_await lock->lock_read()).value();
    *seen = *r;
}

// C++ only: the writer a WriteRef hands the lock to is aborted before it takes
// it; the reader waiting behind it still gets the lock. Rust wakes that one
// writer only, so the reader would sleep on a free lock.
Async<void> aborted_writer_wakes_readers() {
    auto lock = std::make_shared<Lock>(0);
    auto writer = (co_await lock->lock_write()).value();
    auto next_writer = kimojio::spawn_task(write_5(lock));
    auto seen = std::make_shared<int>(-1);
    auto reader = kimojio::spawn_task(read_once(lock, seen));
    co_await kimojio::yield_io();
    *writer = 1;
    { auto drop = std::move(writer); }  // wakes next_writer only
    next_writer.abort();
    auto aborted = co_await next_writer;
    REQUIRE(aborted.is_err());
    for (int i = 0; i < 10 && !reader.is_complete(); ++i) {
        co_await kimojio::yield_io();
    }
    bool woken = reader.is_complete();
    if (!woken) {
        reader.abort();  // lets block_on end
    }
    CHECK(woken);
    (void)co_await reader;
    CHECK(*seen == (woken ? 1 : -1));
}
TEST_CASE("aborted_writer_wakes_readers") { run_test(aborted_writer_wakes_readers()); }

}  // namespace
