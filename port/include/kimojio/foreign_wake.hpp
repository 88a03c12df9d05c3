// Phase 2 of the cross-thread waker (upstream planned it, never wrote it): how a
// waker on any thread reaches a task of a runtime on another thread.
//
//  foreign thread                              owner (runtime) thread
//  --------------                              ----------------------
//  ForeignWakeRegistry::wake(t, i)
//    pin slot t (in-flight count)              Runtime() registers slot t
//    queue.push(i):                            loop iteration:
//      bitmap bit i  |= 1     (seq_cst)          submit_and_complete_io
//      summary bit   |= 1     (seq_cst)            want 1? prepare_to_sleep():
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
    std::uint64_t sleeps = 0;          // times the owner blocked (counted once `sleeping` is set)
};

// The pending set of one runtime: a 65,536-bit bitmap (one bit per task index) with a
// summary bit per bitmap word. Fixed size, no allocation, duplicate wakes coalesce.
class ForeignWakeQueue {
public:
    static constexpr std::size_t WORDS = 65536 / 64;
    static constexpr std::size_t SUMMARY_WORDS = WORDS / 64;

    // Creates the eventfd; throws std::system_error if it cannot.
    ForeignWakeQueue();
    ForeignWakeQueue(const ForeignWakeQueue&) = delete;
    ForeignWakeQueue& operator=(const ForeignWakeQueue&) = delete;
    // Closes the eventfd. Only after the registry slot is closed and unpinned.
    ~ForeignWakeQueue();

    // Any thread. Marks `task_index` pending (seq_cst RMWs), then writes the eventfd
    // if and only if this call flips `sleeping` from true to false.
    void push(std::uint16_t task_index);

    // Owner thread. Calls f(task_index) for every pending index, ascending, and clears
    // them (exchange(0) per non-empty word, acquire). Returns how many it found.
    template <class F>
    std::size_t drain(F&& f);

    // Any thread (seq_cst loads of the summary words): is anything pending?
    bool any_pending() const;

    // Owner thread, right before blocking for completions. Returns false (do not
    // block) if something is already pending. The eventfd read must be armed.
    bool prepare_to_sleep();

    // Owner thread, after the blocking wait returned.
    void woke_up();

    int eventfd() const { return eventfd_; }
    // Where the armed eventfd read stores the counter (owner thread, via the kernel).
    std::uint64_t* eventfd_buffer() { return &eventfd_buffer_; }

    // Any thread: a snapshot of the counters (relaxed loads).
    ForeignWakeStats stats() const;

private:
    alignas(64) std::array<sync::atomic<std::uint64_t>, WORDS> bitmap_;
    alignas(64) std::array<sync::atomic<std::uint64_t>, SUMMARY_WORDS> summary_;
    alignas(64) sync::atomic<bool> sleeping_{false};
    alignas(64) sync::atomic<std::uint64_t> foreign_wakes_{0};
    sync::atomic<std::uint64_t> eventfd_writes_{0};
    alignas(64) std::uint64_t drained_ = 0;  // owner thread only, published relaxed below
    sync::atomic<std::uint64_t> drained_published_{0};
    sync::atomic<std::uint64_t> sleeps_{0};
    std::uint64_t eventfd_buffer_ = 0;
    int eventfd_;
};

template <class F>
std::size_t ForeignWakeQueue::drain(F&& f) {
    std::size_t found = 0;
    for (std::size_t s = 0; s < SUMMARY_WORDS; ++s) {
        // acquire: pairs with the pushers' seq_cst RMWs so their bitmap bits are visible.
        std::uint64_t summary = summary_[s].exchange(0, sync::memory_order_acquire);
        while (summary != 0) {
            std::size_t w = s * 64 + static_cast<std::size_t>(__builtin_ctzll(summary));
            summary &= summary - 1;
            std::uint64_t word = bitmap_[w].exchange(0, sync::memory_order_acquire);
            while (word != 0) {
                auto task_index = static_cast<std::uint16_t>(w * 64 + static_cast<std::size_t>(__builtin_ctzll(word)));
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

// 255 slots indexed by thread index; no map, no global lock. Each slot's state word is
// CLAIMED | OPEN | in-flight count:
//
//   free --register_--> claimed --(queue set)--> open --unregister--> closing
//    ^                                                                  |
//    +----------- (in-flight count drained to 0, queue cleared) --------+
//
// A foreign waker pins the slot (fetch_add 1, acquire); it touches the queue only if
// OPEN was set in the value it got, then unpins (fetch_sub 1, release).
class ForeignWakeRegistry {
public:
    // Owner thread (Runtime constructor). Throws std::invalid_argument for 255 and
    // std::runtime_error if a live runtime already uses `thread_index`.
    static void register_(std::uint8_t thread_index, ForeignWakeQueue* queue);

    // Owner thread (Runtime destructor). New wakes become no-ops at once; returns after
    // every waker that saw the slot open has left, so the queue may then be destroyed.
    static void unregister(std::uint8_t thread_index);

    // Any thread. No-op if no runtime is registered at `thread_index`.
    static void wake(std::uint8_t thread_index, std::uint16_t task_index);
};

}  // namespace kimojio
