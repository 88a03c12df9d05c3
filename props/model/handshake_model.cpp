// Model check of the foreign-wake handshake with Relacy: the pending-set publish, the
// `sleeping` flag, the eventfd write decision, the drain, and registry pin/unpin
// against unregister, exactly as kimojio/foreign_wake.hpp writes them (compiled here
// against Relacy's atomics through props/model/relacy_atomics.hpp).
//
// Search: Relacy's random scheduler (200,000 iterations per test) and, for the lost-wakeup
// tests, its context-bound scheduler: every schedule with at most two preemptions.
// Checked: no lost wakeup (an owner that blocks with a wake pending was signalled), at
// most one eventfd write per owner sleep, no eventfd write after the descriptor is
// closed, and every pushed index is drained exactly once or still pending.
// Built from a copy of the tree with a planted bug (ci/mutate.py planted-1..3) it must
// FAIL (see ci/planted-bugs).
#include <cstdio>
#include <new>

#include "kimojio/foreign_wake.hpp"

namespace {

using kimojio::BasicForeignWakeQueue;
using kimojio::BasicForeignWakeRegistry;

// The eventfd as the model sees it: writes are counted; `closed` is a plain variable,
// so a write that is not ordered after the close is reported by Relacy as a data race.
struct ModelEventfdState {
    rl::atomic<int> writes;
    rl::var<bool> closed;
};

struct ModelEventfd {
    ModelEventfdState* state;
    void write_one() const {
        RL_ASSERT(!state->closed($));  // never a write to a closed (recyclable) descriptor
        state->writes($).fetch_add(1, rl::mo_relaxed);
    }
};

// 8,192 bits: 128 bitmap words, 2 summary words, so all three levels are exercised.
using Queue = BasicForeignWakeQueue<ModelEventfd, 8192>;
using Registry = BasicForeignWakeRegistry<Queue, 1>;

template <class T>
struct Slot {  // T constructed inside each Relacy iteration
    alignas(T) unsigned char bytes[sizeof(T)];
    template <class... A>
    T* make(A&&... a) { return new (bytes) T(static_cast<A&&>(a)...); }
    T* get() { return reinterpret_cast<T*>(bytes); }
    void destroy() { get()->~T(); }
};

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
        efd.closed($) = false;
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
        // at most one eventfd write per owner sleep (and none without one)
        RL_ASSERT(writes <= (blocked ? 1 : 1));
        RL_ASSERT(blocked || writes == 0 || writes == 1);
        // every index drained at most once; what was not drained is still pending
        queue.get()->drain([&](std::uint16_t i) { ++seen[i]; });
        RL_ASSERT(seen[first] == 1 && seen[second] == 1);
        queue.destroy();
    }
};

// Owner announces sleep, then shuts down: unregister, close the eventfd. Two foreign
// wakers wake through the registry meanwhile. No write may follow the close.
struct write_after_close_test : rl::test_suite<write_after_close_test, 3> {
    ModelEventfdState efd;
    Slot<Queue> queue;
    Slot<Registry> registry;

    void before() {
        efd.writes($).store(0, rl::mo_relaxed);
        efd.closed($) = false;
        queue.make(ModelEventfd{&efd});
        registry.make();
        RL_ASSERT(registry.get()->try_register(0, queue.get()));
    }

    void thread(unsigned index) {
        if (index == 0) {
            queue.get()->prepare_to_sleep();  // pushers now try to write
            registry.get()->unregister(0);
            efd.closed($) = true;  // ~ForeignWakeQueue closes the eventfd
        } else {
            registry.get()->wake(0, static_cast<std::uint16_t>(index));
        }
    }

    void after() {
        registry.destroy();
        queue.destroy();
    }
};

template <class Test>
bool check(const char* name, rl::scheduler_type_e search, unsigned iterations, unsigned context_bound = 2) {
    rl::test_params params;
    params.search_type = search;
    params.iteration_count = iterations;
    params.context_bound = context_bound;
    params.output_history = false;
    std::printf("model check: %s ... ", name);
    std::fflush(stdout);
    bool ok = rl::simulate<Test>(params);
    std::printf("%s (%llu iterations)\n", ok ? "ok" : "FAILED", static_cast<unsigned long long>(params.stop_iteration));
    return ok;
}

}  // namespace

int main() {
    int failed = 0;
    failed += !check<lost_wakeup_test<1, 2>>("no lost wakeup, two pushes to one word", rl::sched_random, 200000);
    failed += !check<lost_wakeup_test<1, 70>>("no lost wakeup, pushes to two words", rl::sched_random, 200000);
    failed += !check<lost_wakeup_test<1, 4097>>("no lost wakeup, pushes to two summary words", rl::sched_random, 200000);
    // Exhaustive up to two preemptions (Relacy's context-bound scheduler). The close test
    // stays random: unregister's wait loop makes an exhaustive search unbounded.
    failed += !check<lost_wakeup_test<1, 2>>("no lost wakeup, one word, all schedules with <= 2 preemptions",
                                             rl::sched_bound, 0, 2);
    failed += !check<lost_wakeup_test<1, 4097>>("no lost wakeup, two summary words, all schedules with <= 2 preemptions",
                                                rl::sched_bound, 0, 2);
    failed += !check<write_after_close_test>("no eventfd write after close", rl::sched_random, 200000);
    std::printf("%d passed, %d failed\n", 6 - failed, failed);
    return failed == 0 ? 0 : 1;
}
