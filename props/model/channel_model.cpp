// Model check of kimojio::sync::channel's lock-free step with Relacy: the receiver
// releases capacity per message without the channel's mutex (ChannelCredit::release_one)
// while a sender that found the channel full queues itself and re-checks
// (ChannelCredit::start_waiting_locked). kimojio/channel_credit.hpp is compiled here
// against Relacy's atomics (props/model/relacy_atomics.hpp); the mutex-guarded steps
// around it follow sync_channel.hpp (can_push_locked, wait_locked, admit_waiter_locked,
// poll_recv's batch take) with counts for messages and an rl::mutex for the lock.
//
// Start: the channel is full (`capacity` messages queued). The receiver takes `receives`
// of them (batch take under the lock, then release_one per message, admitting a waiter
// under the lock when it says one may wait); each other thread sends one message.
// Checked: exactly min(senders, receives) sends got in (no waiter stranded next to a free
// slot, none admitted without one), never more than `capacity` messages in the channel,
// and no sender left queued while the channel has space.
// Built from a copy of the tree with a planted bug (ci/mutate.py planted-13, 14) it must
// FAIL (see ci/planted-bugs).
#include <algorithm>
#include <cstdio>
#include <new>

#include "kimojio/channel_credit.hpp"
#include "props/model/model_support.hpp"

namespace {

using kimojio::detail::ChannelCredit;
using model_support::check;
using model_support::Slot;

template <int capacity, int receives, int senders>
struct credit_test : rl::test_suite<credit_test<capacity, receives, senders>, senders + 1> {
    rl::mutex mutex;
    Slot<ChannelCredit> credit;
    // Guarded by `mutex`:
    rl::var<int> buffer;        // messages sent, not yet taken by the receiver
    int waiters[senders];       // queued sender indexes, FIFO: waiters[0..waiting)
    int waiting;
    bool sent[senders + 1];
    // Ghost counts for the assertions only: plain ints that Relacy does not track (its
    // threads are fibers of one OS thread), so they add no synchronization. The receiver
    // counts a message before release_one publishes its slot.
    int ghost_pushed;
    int ghost_received;

    void before() {
        credit.make(static_cast<std::size_t>(capacity));
        buffer($) = 0;
        waiting = 0;
        ghost_pushed = 0;
        ghost_received = 0;
        for (bool& s : sent) s = false;
        for (int i = 0; i < capacity; ++i) {  // fill the channel (one thread: no lock needed)
            RL_ASSERT(credit.get()->has_space_locked());
            push_locked();
        }
        RL_ASSERT(!credit.get()->has_space_locked());
    }

    void push_locked() {
        credit.get()->pushed_locked();
        buffer($) = buffer($) + 1;
        ++ghost_pushed;
        RL_ASSERT(ghost_pushed - ghost_received <= capacity);  // the capacity is never exceeded
    }

    // admit_waiter_locked
    void admit_locked() {
        if (waiting == 0 || !credit.get()->has_space_locked()) return;
        int first = waiters[0];
        std::copy(waiters + 1, waiters + waiting, waiters);
        if (--waiting == 0) credit.get()->stop_waiting_locked();
        push_locked();
        sent[first] = true;
    }

    void thread(unsigned index) {
        if (index == 0) {
            int taken = 0;
            for (int r = 0; r < receives; ++r) {
                if (taken == 0) {  // poll_recv's batch take
                    mutex.lock($);
                    taken = buffer($);
                    buffer($) = 0;
                    mutex.unlock($);
                }
                RL_ASSERT(taken > 0);
                --taken;
                ++ghost_received;
                if (credit.get()->release_one()) {
                    mutex.lock($);
                    admit_locked();
                    mutex.unlock($);
                }
            }
        } else {
            mutex.lock($);
            if (waiting == 0 && credit.get()->has_space_locked()) {  // can_push_locked
                push_locked();
                sent[index] = true;
            } else {  // wait_locked
                waiters[waiting++] = static_cast<int>(index);
                if (waiting == 1 && credit.get()->start_waiting_locked()) admit_locked();
            }
            mutex.unlock($);
        }
    }

    void after() {
        int got_in = 0;
        for (unsigned i = 1; i <= senders; ++i) got_in += sent[i];
        // every freed slot went to a sender, and no sender got in without one
        RL_ASSERT(got_in == std::min(senders, receives));
        // no sender stranded in the queue while the channel has space
        RL_ASSERT(waiting == 0 || !credit.get()->has_space_locked());
        credit.destroy();
    }
};

}  // namespace

int main() {
    int failed = 0;
    failed += !check<credit_test<1, 1, 1>>("one slot freed, one sender", rl::sched_random, 200000);
    failed += !check<credit_test<1, 1, 1>>("one slot freed, one sender, all schedules with <= 2 preemptions",
                                           rl::sched_bound, 0, 2);
    failed += !check<credit_test<2, 2, 2>>("two slots freed from one batch, two senders", rl::sched_random, 200000);
    failed += !check<credit_test<1, 1, 2>>("one slot freed, two senders", rl::sched_random, 200000);
    failed += !check<credit_test<2, 1, 2>>("one of two slots freed, two senders, all schedules with <= 2 preemptions",
                                           rl::sched_bound, 0, 2);
    std::printf("%d passed, %d failed\n", 5 - failed, failed);
    return failed == 0 ? 0 : 1;
}
