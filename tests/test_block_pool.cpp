// The per-thread block pool (kimojio/block_pool.hpp): reuse, size classes, frees on
// another thread and after thread exit. Under ASan the pool is bypassed by design.
#include <doctest/doctest.h>

#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "kimojio/block_pool.hpp"
#include "kimojio/kimojio.hpp"

namespace bp = kimojio::block_pool;

#if defined(__SANITIZE_ADDRESS__)
#define TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_UNDER_ASAN 1
#endif
#endif

TEST_CASE("block pool: bypassed exactly when built with AddressSanitizer") {
#ifdef TEST_UNDER_ASAN
    CHECK(KIMOJIO_BLOCK_POOL == 0);  // ASan sees every block's malloc and free
#else
    CHECK(KIMOJIO_BLOCK_POOL == 1);
#endif
}

TEST_CASE("block pool: a freed block is the next one of its size class (bypassed under ASan)") {
    void* a = bp::allocate(100);
    bp::deallocate(a, 100);
    void* b = bp::allocate(120);  // same 128-byte class
    void* c = bp::allocate(100);  // the list is empty again: a fresh block
#if KIMOJIO_BLOCK_POOL
    CHECK(b == a);
    CHECK(c != a);
#endif
    bp::deallocate(b, 120);
    bp::deallocate(c, 100);
}

TEST_CASE("block pool: blocks over 1 KiB and of other classes are never handed out for a class") {
    void* big = bp::allocate(4096);
    bp::deallocate(big, 4096);
    void* small = bp::allocate(64);
    bp::deallocate(small, 64);
    void* other = bp::allocate(1024);
    CHECK(other != small);
    bp::deallocate(other, 1024);
    void* again = bp::allocate(4096);
    CHECK(again != small);
    bp::deallocate(again, 4096);
}

TEST_CASE("block pool: a list keeps at most MAX_BLOCKS_PER_CLASS blocks") {
    std::vector<void*> blocks;
    for (std::size_t i = 0; i < bp::MAX_BLOCKS_PER_CLASS + 10; ++i) blocks.push_back(bp::allocate(500));
    for (void* p : blocks) bp::deallocate(p, 500);
    CHECK(bp::lists.counts[(500 - 1) / bp::GRANULE] <= bp::MAX_BLOCKS_PER_CLASS);
}

TEST_CASE("block pool: a block freed on another thread, and frees after that thread's exit, are safe") {
    void* p = bp::allocate(200);
    std::thread([p] {
        bp::deallocate(p, 200);  // joins that thread's list, freed at its exit
        void* q = bp::allocate(200);
#if KIMOJIO_BLOCK_POOL
        CHECK(q == p);
#endif
        bp::deallocate(q, 200);
    }).join();
    // A thread whose TaskState still holds tasks at exit frees them after the pool's
    // lists were freed: those frees go to ::operator delete (no leak, no crash).
    std::thread([] {
        kimojio::TaskStateCellRef ts = kimojio::TaskState::get();
        struct Never {
            kimojio::Poll<void> poll(kimojio::Context&) { return kimojio::Pending; }
        };
        ts->schedule_new(Never{}, kimojio::Uuid::nil(), kimojio::Uuid::nil());
    }).join();
}

TEST_CASE("spawned tasks, their futures and coroutine frames go back to the pool when they end") {
    // On a fresh thread (empty lists): 3 rounds of 64 tasks; each task's block (Task and
    // TaskFuture) and coroutine frame is freed into the pool.
    std::thread([] {
        auto churn = []() -> kimojio::Async<void> {
            for (int round = 0; round < 3; ++round) {
                std::vector<kimojio::JoinHandle<int>> handles;
                handles.reserve(64);
                for (int i = 0; i < 64; ++i) {
                    handles.push_back(kimojio::spawn([](int v) -> kimojio::Async<int> { co_return v; }(i)));
                }
                for (int i = 0; i < 64; ++i) CHECK(co_await handles[i] == i);
            }
        };
        kimojio::Runtime runtime(0, kimojio::Configuration());
        CHECK(runtime.block_on(churn()));
#if KIMOJIO_BLOCK_POOL
        std::size_t cached = 0;
        for (std::size_t c = 0; c < bp::CLASSES; ++c) cached += bp::lists.counts[c];
        CHECK(cached >= 2 * 64);
#endif
    }).join();
}

namespace {
// Needs the default new alignment (16), the largest the pooled Task block serves.
struct alignas(__STDCPP_DEFAULT_NEW_ALIGNMENT__) AlignedReady {
    char payload[256] = {};
    kimojio::Poll<void> poll(kimojio::Context&) { return kimojio::Ready; }
};
}  // namespace

TEST_CASE("a task whose future needs the default new alignment is one pooled block, Task and future together") {
    std::thread([] {
        unsigned before[bp::CLASSES];
        for (std::size_t c = 0; c < bp::CLASSES; ++c) before[c] = bp::lists.counts[c];
        {
            kimojio::TaskState ts;
            kimojio::Rc<kimojio::Task> task = ts.schedule_new(AlignedReady{}, kimojio::Uuid::nil(), kimojio::Uuid::nil());
            kimojio::Waker waker = kimojio::Waker::noop();
            kimojio::Context cx = kimojio::Context::from_waker(waker);
            REQUIRE(task->poll(cx).is_ready());
        }
#if KIMOJIO_BLOCK_POOL
        // One block came back, of a class that holds the Task and the 256-byte future.
        std::size_t changed = bp::CLASSES, returned = 0;
        for (std::size_t c = 0; c < bp::CLASSES; ++c) {
            if (bp::lists.counts[c] != before[c]) {
                changed = c;
                returned += bp::lists.counts[c] - before[c];
            }
        }
        CHECK(returned == 1);
        REQUIRE(changed < bp::CLASSES);
        CHECK((changed + 1) * bp::GRANULE >= sizeof(kimojio::Task) + sizeof(AlignedReady));
#endif
    }).join();
}

namespace {
// A future whose K-th move (counted from its construction) throws.
struct ThrowsOnKthMove {
    int moves_left;
    char payload[100] = {};
    explicit ThrowsOnKthMove(int k) : moves_left(k) {}
    ThrowsOnKthMove(ThrowsOnKthMove&& other) : moves_left(other.moves_left - 1) {
        if (moves_left == 0) throw std::runtime_error("move");
    }
    kimojio::Poll<void> poll(kimojio::Context&) { return kimojio::Ready; }
};

unsigned cached_blocks() {
    unsigned n = 0;
    for (std::size_t c = 0; c < bp::CLASSES; ++c) n += bp::lists.counts[c];
    return n;
}
}  // namespace

TEST_CASE("a future whose move throws while schedule_new builds its task loses no pooled block") {
    std::thread([] {
        kimojio::TaskState ts;
        int threw = 0, returned_a_block = 0;
        for (int k = 1; k <= 8; ++k) {
            unsigned before = cached_blocks();
            try {
                (void)ts.schedule_new(ThrowsOnKthMove(k), kimojio::Uuid::nil(), kimojio::Uuid::nil());
                break;  // fewer than k moves: built
            } catch (const std::runtime_error&) {
                ++threw;
            }
            CHECK(ts.get_task_count() == 0);
            unsigned after = cached_blocks();
            CHECK(after >= before);
            if (after > before) ++returned_a_block;  // the throw came after the block was taken
        }
        CHECK(threw >= 1);
#if KIMOJIO_BLOCK_POOL
        CHECK(returned_a_block >= 1);  // at least one move is the one into the pooled block
#endif
    }).join();
}

namespace {
// An 8-aligned future of N words: with sizeof(Task) a multiple of 8, the future goes
// right after the Task.
template <std::size_t N>
struct Words {
    std::uint64_t payload[N] = {};
    kimojio::Poll<void> poll(kimojio::Context&) { return kimojio::Ready; }
};
template <std::size_t N>
constexpr std::size_t block_of = sizeof(kimojio::Task) + sizeof(kimojio::TaskFuture<Words<N>>);
// The word count whose task block (Task + future, no padding) fills a size class exactly.
template <std::size_t... N>
constexpr std::size_t exact_fit(std::index_sequence<N...>) {
    std::size_t found = 0;
    ((found = found == 0 && block_of<N + 1> % bp::GRANULE == 0 ? N + 1 : found), ...);
    return found;
}
constexpr std::size_t FIT = exact_fit(std::make_index_sequence<bp::GRANULE / 8>{});
}  // namespace

TEST_CASE("a task whose Task and future exactly fill a size class takes its block from that class") {
    static_assert(FIT != 0 && sizeof(kimojio::Task) % alignof(kimojio::TaskFuture<Words<FIT>>) == 0);
    std::thread([] {
        unsigned before[bp::CLASSES];
        for (std::size_t c = 0; c < bp::CLASSES; ++c) before[c] = bp::lists.counts[c];
        {
            kimojio::TaskState ts;
            kimojio::Rc<kimojio::Task> task = ts.schedule_new(Words<FIT>{}, kimojio::Uuid::nil(), kimojio::Uuid::nil());
            kimojio::Waker waker = kimojio::Waker::noop();
            kimojio::Context cx = kimojio::Context::from_waker(waker);
            REQUIRE(task->poll(cx).is_ready());
        }
#if KIMOJIO_BLOCK_POOL
        // The freed block is cached in the class of exactly that size (padding between Task
        // and future would push it into the next class).
        std::size_t exact = block_of<FIT> / bp::GRANULE - 1;
        for (std::size_t c = 0; c < bp::CLASSES; ++c) {
            CHECK(bp::lists.counts[c] - before[c] == (c == exact ? 1u : 0u));
        }
#endif
    }).join();
}
