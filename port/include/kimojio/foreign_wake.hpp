// Phase 2 of the cross-thread waker (upstream planned it, never wrote it): how a
// waker on any thread reaches a task of a runtime on another thread.
//
//  foreign thread                              owner (runtime) thread
//  --------------                              ----------------------
//  ForeignWakeRegistry::wake(t, i)
//    pin slot t (in-flight count)              Runtime() registers slot t
//    queue.push(i):                            loop iteration:
//      bitmap bit i  |= 1     (seq_cst)          submit_and_complete_io
//      summary, top  |= 1     (seq_cst)            want 1? prepare_to_sleep():
//      sleeping?  ------+                            sleeping = true   (seq_cst)
//        true -> exchange(false)                     any_pending()?    (seq_cst)
//                 the one that flips it writes        yes: do not block
//                 the eventfd (one write per sleep)   no:  submit_and_wait(1)
//    unpin slot                                          <- eventfd read CQE
//                                                    woke_up(): sleeping = false
//                                                  drain point (after completions,
//                                                  before prepare_cohort): re-arm the
//                                                  eventfd read, drain() -> schedule_io
//                                                  ~Runtime: close slot, wait for
//                                                  pins to reach 0, close eventfd
//
// Why no wake is lost: the waker does store(bit) then load(sleeping); the owner
// does store(sleeping) then load(bits), all seq_cst, so at least one of them sees
// the other's store: either the owner finds the bit and does not block, or the
// waker sees `sleeping` and writes the eventfd, whose read is armed in the ring.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "kimojio/atomics.hpp"

namespace kimojio {

// The thread index no runtime may use: "this thread has no runtime".
inline constexpr std::uint8_t NO_THREAD_INDEX = 255;

// Counters of one runtime's foreign path (stats, readable from any thread).
struct ForeignWakeStats {
    std::uint64_t foreign_wakes = 0;   // push() calls (one per foreign wake)
    std::uint64_t eventfd_writes = 0;  // eventfd writes those wakes made
    std::uint64_t drained = 0;         // task indexes the owner took from the pending set
    std::uint64_t sleeps = 0;          // owner sleeps a waker may answer (counted once `sleeping` is set)
};

// The pending set of one runtime: a BITS-bit bitmap (one bit per task index), a summary
// bit per bitmap word, and a top bit per summary word (at most 64 summary words), so an
// empty set is one load. Fixed size, no allocation, duplicate wakes coalesce.
// `Eventfd` is what push() signals: `void write_one()` (the model check substitutes one).
template <class Eventfd, std::size_t BITS = 65536>
class BasicForeignWakeQueue {
public:
    static constexpr std::size_t WORDS = BITS / 64;
    static constexpr std::size_t SUMMARY_WORDS = (WORDS + 63) / 64;
    static_assert(SUMMARY_WORDS <= 64, "the top word has one bit per summary word");

    explicit BasicForeignWakeQueue(Eventfd eventfd) : eventfd_(eventfd) {
        for (auto& word : bitmap_) word.store(0, sync::memory_order_relaxed);
        for (auto& word : summary_) word.store(0, sync::memory_order_relaxed);
    }
    BasicForeignWakeQueue(const BasicForeignWakeQueue&) = delete;
    BasicForeignWakeQueue& operator=(const BasicForeignWakeQueue&) = delete;

    // Any thread. Marks `task_index` pending (seq_cst RMWs), then signals the eventfd
    // if and only if this call flips `sleeping` from true to false.
    void push(std::uint16_t task_index) {
        const std::size_t w = task_index / 64;
        const std::uint64_t bit = std::uint64_t{1} << (task_index % 64);
        // seq_cst: the store half of the Dekker pair with prepare_to_sleep.
        std::uint64_t old = bitmap_[w].fetch_or(bit, sync::memory_order_seq_cst);
        if (old == 0) {
            // The first bit of a word publishes the word in the summary, and the first word
            // of a summary word publishes that in `top`. A later pusher of the same word or
            // summary word may skip the publication (and, for the same word, the `sleeping`
            // check): the first one is still on its way, and it checks `sleeping` after
            // its own stores.
            std::uint64_t old_summary =
                summary_[w / 64].fetch_or(std::uint64_t{1} << (w % 64), sync::memory_order_seq_cst);
            if (old_summary == 0) {
                top_.fetch_or(std::uint64_t{1} << (w / 64), sync::memory_order_seq_cst);
            }
        }
        foreign_wakes_.fetch_add(1, sync::memory_order_relaxed);
        if (old == 0 && sleeping_.load(sync::memory_order_seq_cst) &&
            sleeping_.exchange(false, sync::memory_order_seq_cst)) {
            // This call flipped true -> false: the owner is (about to be) blocked and
            // nobody else will write. The read armed in the ring takes the counter.
            eventfd_.write_one();
            eventfd_writes_.fetch_add(1, sync::memory_order_relaxed);
        }
    }

    // Owner thread. Calls f(task_index) for every pending index, ascending, and clears
    // them (exchange(0) per non-empty word, acquire). Returns how many it found.
    template <class F>
    std::size_t drain(F&& f) {
        std::size_t found = 0;
        // A plain load first: most loop turns find nothing, and an RMW would cost each of
        // them. A word published after this load is not lost: the next drain finds it, and
        // prepare_to_sleep's seq_cst re-check sees it before any sleep.
        if (top_.load(sync::memory_order_relaxed) == 0) {
            return 0;
        }
        // acquire (all three levels): pairs with the pushers' seq_cst RMWs.
        std::uint64_t top = top_.exchange(0, sync::memory_order_acquire);
        while (top != 0) {
            std::size_t s = static_cast<std::size_t>(__builtin_ctzll(top));
            top &= top - 1;
            std::uint64_t summary = summary_[s].exchange(0, sync::memory_order_acquire);
            while (summary != 0) {
                std::size_t w = s * 64 + static_cast<std::size_t>(__builtin_ctzll(summary));
                summary &= summary - 1;
                std::uint64_t word = bitmap_[w].exchange(0, sync::memory_order_acquire);
                while (word != 0) {
                    auto task_index =
                        static_cast<std::uint16_t>(w * 64 + static_cast<std::size_t>(__builtin_ctzll(word)));
                    word &= word - 1;
                    ++found;
                    f(task_index);
                }
            }
        }
        drained_ += found;
        drained_published_.store(drained_, sync::memory_order_relaxed);
        return found;
    }

    // Any thread (seq_cst load of `top`): is anything pending?
    bool any_pending() const { return top_.load(sync::memory_order_seq_cst) != 0; }

    // Owner thread, right before blocking for completions. Returns false (do not
    // block) if something is already pending. The eventfd read must be armed.
    bool prepare_to_sleep() {
        // seq_cst store then seq_cst loads: the owner's half of the Dekker pair.
        sleeping_.store(true, sync::memory_order_seq_cst);
        if (any_pending()) {
            // A waker that already flipped `sleeping` back writes the eventfd for this
            // announcement: count it, so there is never more than one write per sleep.
            if (!sleeping_.exchange(false, sync::memory_order_relaxed)) {
                sleeps_.fetch_add(1, sync::memory_order_release);
            }
            return false;
        }
        // release, after `sleeping` is set: whoever reads the new count (acquire) knows
        // the owner is blocked or about to block, so its wake will write the eventfd.
        sleeps_.fetch_add(1, sync::memory_order_release);
        return true;
    }

    // Owner thread, after the blocking wait returned. relaxed: a pusher that still sees
    // `true` writes once more (a spurious loop wake); one that sees `false` leaves its
    // bit for the drain that follows this call.
    void woke_up() { sleeping_.store(false, sync::memory_order_relaxed); }

    // Any thread: a snapshot of the counters.
    ForeignWakeStats stats() const {
        return ForeignWakeStats{foreign_wakes_.load(sync::memory_order_relaxed),
                                eventfd_writes_.load(sync::memory_order_relaxed),
                                drained_published_.load(sync::memory_order_relaxed),
                                sleeps_.load(sync::memory_order_acquire)};
    }

protected:
    Eventfd eventfd_;

private:
    alignas(64) std::array<sync::atomic<std::uint64_t>, WORDS> bitmap_;
    alignas(64) std::array<sync::atomic<std::uint64_t>, SUMMARY_WORDS> summary_;
    alignas(64) sync::atomic<std::uint64_t> top_{0};
    sync::atomic<bool> sleeping_{false};
    alignas(64) sync::atomic<std::uint64_t> foreign_wakes_{0};
    sync::atomic<std::uint64_t> eventfd_writes_{0};
    alignas(64) std::uint64_t drained_ = 0;  // owner thread only, published relaxed below
    sync::atomic<std::uint64_t> drained_published_{0};
    sync::atomic<std::uint64_t> sleeps_{0};
};

// SLOTS slots indexed by thread index; no map, no global lock. Each slot's state word is
// CLAIMED | OPEN | in-flight count:
//
//   free --register_--> claimed --(queue set)--> open --unregister--> closing
//    ^                                                                  |
//    +----------- (in-flight count drained to 0, queue cleared) --------+
//
// A foreign waker pins the slot (fetch_add 1, acquire); it touches the queue only if
// OPEN was set in the value it got, then unpins (fetch_sub 1, release).
template <class Queue, std::size_t SLOTS>
class BasicForeignWakeRegistry {
public:
    static constexpr std::uint32_t CLAIMED = 1u << 31;
    static constexpr std::uint32_t OPEN = 1u << 30;
    static constexpr std::uint32_t PINS = OPEN - 1;

    // Owner thread (Runtime constructor). Returns false if the slot is taken.
    bool try_register(std::size_t index, Queue* queue) {
        Slot& slot = slots_[index];
        std::uint32_t expected = slot.state.load(sync::memory_order_relaxed);
        do {
            if (expected & CLAIMED) {
                return false;
            }
            // acq_rel: the claim orders after the previous owner's release of the slot.
        } while (!slot.state.compare_exchange_weak(expected, expected | CLAIMED, sync::memory_order_acq_rel,
                                                   sync::memory_order_relaxed));
        slot.queue.store(queue, sync::memory_order_relaxed);
        // release: a waker whose pin (acquire) sees OPEN also sees the queue pointer.
        slot.state.fetch_or(OPEN, sync::memory_order_release);
        return true;
    }

    // Owner thread (Runtime destructor). New wakes become no-ops at once; returns after
    // every waker that saw the slot open has left, so the queue may then be destroyed.
    void unregister(std::size_t index) {
        Slot& slot = slots_[index];
        // acq_rel: wakers pinning after this see no OPEN and leave without the queue.
        slot.state.fetch_and(~OPEN, sync::memory_order_acq_rel);
        // acquire: pairs with each waker's unpin (release), so its eventfd write is over.
        while ((slot.state.load(sync::memory_order_acquire) & PINS) != 0) {
            sync::yield_now();
        }
        slot.queue.store(nullptr, sync::memory_order_relaxed);
        slot.state.fetch_and(~CLAIMED, sync::memory_order_release);
    }

    // Any thread. No-op if no queue is registered at `index`.
    void wake(std::size_t index, std::uint16_t task_index) {
        Slot& slot = slots_[index];
        // acquire: pairs with try_register's release of OPEN (queue pointer visible).
        std::uint32_t state = slot.state.fetch_add(1, sync::memory_order_acquire);
        if (state & OPEN) {
            slot.queue.load(sync::memory_order_relaxed)->push(task_index);
        }
        // release: unregister's acquire load sees this waker done with the queue.
        slot.state.fetch_sub(1, sync::memory_order_release);
    }

private:
    struct alignas(64) Slot {
        sync::atomic<std::uint32_t> state{0};
        sync::atomic<Queue*> queue{nullptr};
    };
    Slot slots_[SLOTS];
};

// The eventfd a runtime's queue signals (production).
struct SystemEventfd {
    int fd;
    void write_one() const;
};

// The production pending set: 65,536 bits, an eventfd it owns.
class ForeignWakeQueue : public BasicForeignWakeQueue<SystemEventfd> {
public:
    // Creates the eventfd; throws std::system_error if it cannot.
    ForeignWakeQueue();
    // Closes the eventfd. Only after the registry slot is closed and unpinned.
    ~ForeignWakeQueue();

    int eventfd() const { return eventfd_.fd; }
    // Where the armed eventfd read stores the counter (owner thread, via the kernel).
    std::uint64_t* eventfd_buffer() { return &eventfd_buffer_; }

private:
    std::uint64_t eventfd_buffer_ = 0;
};

// The process-wide registry of runtimes, one slot per thread index 0-254.
class ForeignWakeRegistry {
public:
    // Owner thread (Runtime constructor). Throws std::invalid_argument for 255 and
    // std::runtime_error if a live runtime already uses `thread_index`.
    static void register_(std::uint8_t thread_index, ForeignWakeQueue* queue);

    // Owner thread (Runtime destructor); see BasicForeignWakeRegistry::unregister.
    static void unregister(std::uint8_t thread_index);

    // Any thread. No-op if no runtime is registered at `thread_index`.
    static void wake(std::uint8_t thread_index, std::uint16_t task_index);
};

}  // namespace kimojio
