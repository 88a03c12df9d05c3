// Model check of the foreign-wake handshake with Relacy: the pending-set publish (and the
// already-pending shortcut with its fence pair), the `sleeping` flag, the eventfd write
// decision, the drain, and the registry's claim/publish/release, exactly as
// kimojio/foreign_wake.hpp writes them (compiled here against Relacy's atomics through
// props/model/relacy_atomics.hpp).
//
// Search: Relacy's random scheduler (200,000 iterations per test) and, for the lost-wakeup
// tests, its context-bound scheduler: every schedule with at most two preemptions.
// Checked: no lost wakeup (an owner that blocks with a wake pending was signalled), at
// most one eventfd write per owner sleep, every pushed index drained exactly once or still
// pending, a wake of an already-pending task made visible to the poll after it, a
// registry queue seen fully built by every waker, and a slot handed from one owner
// thread to the next with the first owner's writes visible to the second.
// Built from a copy of the tree with a planted bug (ci/mutate.py planted-1..3, 8, 9) it must
// FAIL (see ci/planted-bugs).
#include <cstdio>
#include <new>

#include "kimojio/foreign_wake.hpp"
#include "props/model/model_support.hpp"

namespace {

using kimojio::BasicForeignWakeQueue;
using kimojio::BasicForeignWakeRegistry;
using model_support::check;
using model_support::Slot;

// The eventfd as the model sees it: writes are counted (it is never closed).
struct ModelEventfdState {
    rl::atomic<int> writes;
};

struct ModelEventfd {
    ModelEventfdState* state;
    void write_one() const {
        state->writes($).fetch_add(1, rl::mo_relaxed);
    }
};

// 8,192 bits: 128 bitmap words, 2 summary words, so all three levels are exercised.
using Queue = BasicForeignWakeQueue<ModelEventfd, 8192>;
using Registry = BasicForeignWakeRegistry<Queue, 1>;

// Owner + two wakers. The owner drains, then decides to sleep; the wakers push.
// `first` and `second` are the two task indexes pushed (same word: the second pusher
// takes the coalescing shortcut; different words: both publish a summary bit).
template <std::uint16_t first, std::uint16_t second>
struct lost_wakeup_test : rl::test_suite<lost_wakeup_test<first, second>, 3> {
    ModelEventfdState efd;
    Slot<Queue> queue;
    bool blocked;
    int seen[8192];

    void before() {
        efd.writes($).store(0, rl::mo_relaxed);
        queue.make(ModelEventfd{&efd});
        blocked = false;
        for (int& s : seen) s = 0;
    }

    void thread(unsigned index) {
        if (index == 0) {
            queue.get()->drain([&](std::uint16_t i) { ++seen[i]; });
            if (queue.get()->prepare_to_sleep()) {
                blocked = true;  // would now block in submit_and_wait(1)
            } else {
                queue.get()->drain([&](std::uint16_t i) { ++seen[i]; });
            }
        } else {
            queue.get()->push(index == 1 ? first : second);
        }
    }

    void after() {
        int writes = efd.writes($).load(rl::mo_relaxed);
        bool pending = queue.get()->any_pending();
        // no lost wakeup: blocked with work pending means the eventfd was written
        RL_ASSERT(!(blocked && pending && writes == 0));
        // at most one eventfd write per owner sleep the queue counted (the owner announced
        // one sleep here, whether it then blocked or found work pending)
        RL_ASSERT(writes <= 1);
        RL_ASSERT(static_cast<std::uint64_t>(writes) <= queue.get()->stats().sleeps);
        // every index drained at most once; what was not drained is still pending
        queue.get()->drain([&](std::uint16_t i) { ++seen[i]; });
        RL_ASSERT(seen[first] == 1 && seen[second] == 1);
        queue.destroy();
    }
};

// A wake that finds its task's bit already set returns without an RMW (a fence and a
// load). The payload is what the waker stored (relaxed) before that wake: the poll that
// the bit's drain leads to must see it. Waker 1 makes the first wake; waker 2 stores the
// payload, then wakes the same task.
struct already_pending_test : rl::test_suite<already_pending_test, 3> {
    ModelEventfdState efd;
    Slot<Queue> queue;
    rl::atomic<int> payload;
    int last_poll_saw;
    int polls;

    void before() {
        efd.writes($).store(0, rl::mo_relaxed);
        queue.make(ModelEventfd{&efd});
        payload($).store(0, rl::mo_relaxed);
        last_poll_saw = -1;
        polls = 0;
    }

    void thread(unsigned index) {
        if (index == 0) {
            for (int turn = 0; turn < 2; ++turn) {
                if (queue.get()->drain([](std::uint16_t) {}) != 0) {
                    ++polls;  // the task's poll
                    last_poll_saw = payload($).load(rl::mo_relaxed);
                }
            }
        } else {
            if (index == 2) payload($).store(1, rl::mo_relaxed);
            queue.get()->push(7);
        }
    }

    void after() {
        // Either the last wake is still pending (a poll to come), or the last poll saw it.
        RL_ASSERT(queue.get()->any_pending() || (polls > 0 && last_poll_saw == 1));
        queue.destroy();
    }
};

// Runtimes come and go at one thread index while two foreign wakers wake through the
// registry: the queue is made once (by the first claim), published so a waker sees it
// built, reused by the next claim, and teardown waits for nobody.
struct registry_test : rl::test_suite<registry_test, 3> {
    ModelEventfdState efd;
    Slot<Queue> queue;
    Slot<Registry> registry;
    rl::var<bool> built;  // what a waker relies on once it sees the queue pointer
    int made;

    void before() {
        efd.writes($).store(0, rl::mo_relaxed);
        built($) = false;
        made = 0;
        registry.make();
    }

    Queue* make_queue() {
        ++made;
        built($) = true;
        return queue.make(ModelEventfd{&efd});
    }

    void thread(unsigned index) {
        if (index == 0) {
            Queue* first = registry.get()->try_claim(0, [this] { return make_queue(); });
            RL_ASSERT(first != nullptr);
            RL_ASSERT(registry.get()->try_claim(0, [this] { return make_queue(); }) == nullptr);
            first->drain([](std::uint16_t) {});
            registry.get()->release(0);  // ~Runtime: returns at once
            Queue* second = registry.get()->try_claim(0, [this] { return make_queue(); });
            RL_ASSERT(second == first);
            second->reset_for_new_owner();
        } else if (Queue* q = registry.get()->queue(0)) {
            RL_ASSERT(built($));
            q->push(static_cast<std::uint16_t>(index));
        }
    }

    void after() {
        RL_ASSERT(made == 1);
        RL_ASSERT(efd.writes($).load(rl::mo_relaxed) == 0);  // nobody slept
        queue.destroy();
        registry.destroy();
    }
};

// A runtime ends on one thread and the next runtime with its index starts on another:
// the second owner's claim (acquire) must see everything the first owner did before its
// release (the queue's owner-only state; here a plain variable the model watches).
struct registry_handover_test : rl::test_suite<registry_handover_test, 2> {
    ModelEventfdState efd;
    Slot<Queue> queue;
    Slot<Registry> registry;
    rl::var<int> owner_state;  // written by the first owner only, read by the next

    void before() {
        efd.writes($).store(0, rl::mo_relaxed);
        owner_state($) = 0;
        registry.make();
        RL_ASSERT(registry.get()->try_claim(0, [this] { return queue.make(ModelEventfd{&efd}); }) != nullptr);
    }

    void thread(unsigned index) {
        if (index == 0) {
            owner_state($) = 1;  // the first owner's last use of its state
            registry.get()->release(0);
        } else {
            Queue* q = nullptr;
            while ((q = registry.get()->try_claim(0, [this] { return queue.make(ModelEventfd{&efd}); })) == nullptr) {
                rl::yield(1, $);
            }
            q->reset_for_new_owner();
            RL_ASSERT(owner_state($) == 1);  // a data race here if the handover did not order it
            registry.get()->release(0);
        }
    }

    void after() {
        queue.destroy();
        registry.destroy();
    }
};

}  // namespace

int main() {
    int failed = 0;
    failed += !check<lost_wakeup_test<1, 2>>("no lost wakeup, two pushes to one word", rl::sched_random, 200000);
    failed += !check<lost_wakeup_test<1, 70>>("no lost wakeup, pushes to two words", rl::sched_random, 200000);
    failed += !check<lost_wakeup_test<1, 4097>>("no lost wakeup, pushes to two summary words", rl::sched_random, 200000);
    // Exhaustive up to two preemptions (Relacy's context-bound scheduler).
    failed += !check<lost_wakeup_test<1, 2>>("no lost wakeup, one word, all schedules with <= 2 preemptions",
                                             rl::sched_bound, 0, 2);
    failed += !check<lost_wakeup_test<1, 4097>>("no lost wakeup, two summary words, all schedules with <= 2 preemptions",
                                                rl::sched_bound, 0, 2);
    failed += !check<already_pending_test>("a wake of a pending task makes its payload visible", rl::sched_random,
                                           200000);
    failed += !check<already_pending_test>(
        "a wake of a pending task makes its payload visible, all schedules with <= 2 preemptions", rl::sched_bound, 0, 2);
    failed += !check<registry_test>("registry: queue made once, published built, reused", rl::sched_random, 200000);
    failed += !check<registry_test>("registry, all schedules with <= 2 preemptions", rl::sched_bound, 0, 2);
    failed += !check<registry_handover_test>("registry: the next owner sees the previous owner's last use",
                                             rl::sched_random, 200000);
    failed += !check<registry_handover_test>("registry handover, all schedules with <= 2 preemptions",
                                             rl::sched_bound, 0, 2);
    std::printf("%d passed, %d failed\n", 11 - failed, failed);
    return failed == 0 ? 0 : 1;
}
