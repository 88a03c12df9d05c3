// Property: foreign delivery with real threads. For any schedule of k threads (1-8)
// waking any subset of a runtime's tasks (with repeats): every woken task that was
// suspended is polled at least once after its last wake (nothing lost), every poll runs
// on the runtime's own thread (nothing on the wrong runtime), the pending set is a
// fixed-size structure, and the owner drains no more indexes than were woken.
#include <atomic>
#include <thread>
#include <vector>

#include "kimojio/kimojio.hpp"
#include "props_main.hpp"

using kimojio::Async;

namespace {

constexpr std::uint8_t THREAD_INDEX = 50;

struct Shared {
    explicit Shared(std::size_t n) : wake_seq(n), seen_seq(n), index(n) {}
    std::vector<std::atomic<std::uint64_t>> wake_seq, seen_seq;
    std::vector<std::atomic<std::uint16_t>> index;
    std::atomic<std::size_t> started{0};
    std::atomic<bool> threads_done{false}, stop{false}, wrong_thread{false};
    std::thread::id owner;
};

struct Seen {
    Shared* s;
    std::size_t i;
    kimojio::Poll<void> poll(kimojio::Context&) {
        if (std::this_thread::get_id() != s->owner) s->wrong_thread = true;
        s->seen_seq[i].store(s->wake_seq[i].load(std::memory_order_acquire), std::memory_order_relaxed);
        return s->stop.load() ? kimojio::Poll<void>(kimojio::Ready) : kimojio::Poll<void>(kimojio::Pending);
    }
};

Async<void> target(Shared* s, std::size_t i) {
    s->index[i] = kimojio::TaskState::get()->get_current_task()->task_index;
    s->started.fetch_add(1);
    co_await Seen{s, i};
}

bool all_seen(Shared* s) {
    for (std::size_t i = 0; i < s->wake_seq.size(); ++i)
        if (s->seen_seq[i].load() != s->wake_seq[i].load()) return false;
    return true;
}

Async<void> owner_main(Shared* s) {
    std::vector<kimojio::JoinHandle<void>> tasks;
    for (std::size_t i = 0; i < s->wake_seq.size(); ++i) tasks.push_back(kimojio::spawn(target(s, i)));
    while (!s->threads_done.load()) (co_await kimojio::sleep(std::chrono::microseconds(100))).value();
    for (int iteration = 0; iteration < 3 && !all_seen(s); ++iteration) co_await kimojio::yield_io();
    RC_ASSERT(all_seen(s));  // within the iteration after the wakers finished
    s->stop = true;
    for (std::size_t i = 0; i < s->wake_seq.size(); ++i) kimojio::create_waker(s->index[i]).wake_by_ref();
    for (auto& t : tasks) co_await t;
}

}  // namespace

int main() {
    static_assert(sizeof(kimojio::ForeignWakeQueue) < 16 * 1024, "the pending set is a fixed, small structure");
    return props::run({{"foreign delivery", [] {
        return rc::check("k threads waking any subset: all polled after, on the owner thread", [] {
            std::size_t tasks = *rc::gen::inRange<std::size_t>(1, 65);
            std::size_t k = *rc::gen::inRange<std::size_t>(1, 9);
            auto plans = *rc::gen::container<std::vector<std::vector<unsigned>>>(
                k, rc::gen::container<std::vector<unsigned>>(rc::gen::inRange<unsigned>(0, 1000)));
            Shared s(tasks);
            s.owner = std::this_thread::get_id();
            kimojio::Runtime runtime(THREAD_INDEX, kimojio::Configuration());
            std::size_t total = 0;
            for (const auto& plan : plans) total += plan.size();
            std::thread coordinator([&] {
                while (s.started.load() < tasks) std::this_thread::yield();
                std::vector<std::thread> threads;
                for (const auto& plan : plans) {
                    threads.emplace_back([&s, &plan, tasks] {
                        for (unsigned w : plan) {
                            std::size_t i = w % tasks;
                            s.wake_seq[i].fetch_add(1, std::memory_order_release);
                            kimojio::Waker::from_raw(kimojio::RawWaker{kimojio::pack_waker_data(THREAD_INDEX, s.index[i]),
                                                                       &kimojio::index_waker_vtable()})
                                .wake_by_ref();
                        }
                    });
                }
                for (auto& t : threads) t.join();
                s.threads_done = true;
            });
            auto result = runtime.block_on(owner_main(&s));
            coordinator.join();
            RC_ASSERT(result.has_value());
            std::move(*result).value();
            RC_ASSERT(!s.wrong_thread.load());
            auto stats = runtime.foreign_wake_stats();
            RC_ASSERT(stats.foreign_wakes == total);
            RC_ASSERT(stats.drained <= total);
            RC_ASSERT(stats.eventfd_writes <= stats.sleeps);
        });
    }}});
}
