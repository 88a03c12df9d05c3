// Phase 2 of the cross-thread waker (upstream planned it, never wrote it): how a
// waker on any thread reaches a task of a runtime on another thread.
//
//  foreign thread                              owner (runtime) thread
//  --------------                              ----------------------
//  ForeignWakeRegistry::wake(t, i)             Runtime() claims slot t (its queue and
//    queue = slot t's queue  (acquire load;      eventfd are made on first use and
//      made once, kept for the process)          live for the process)
//    queue.push(i):                            loop iteration:
//      fence                    (seq_cst)        submit_and_complete_io
//      bit i already set? -> return (a load)       want 1? prepare_to_sleep():
//      bitmap bit i  |= 1       (seq_cst)            sleeping = true   (seq_cst)
//      summary, top: |= unless set (seq_cst)         any_pending()?    (seq_cst)
//      sleeping?  ------+                            yes: do not block
//        true -> exchange(false)                     no:  submit_and_wait(1)
//                 the one that flips it writes          <- eventfd read CQE
//                 the eventfd (one write per sleep)  woke_up(): sleeping = false
//                                                  drain point (after completions,
//                                                  before prepare_cohort): re-arm the
//                                                  eventfd read, drain(), fence
//                                                  (seq_cst), schedule_io
//                                                  ~Runtime: frees the slot at once
//
// Why no wake is lost: the waker does store(bit) then load(sleeping); the owner
// does store(sleeping) then load(bits), all seq_cst, so at least one of them sees
// the other's store: either the owner finds the bit and does not block, or the
// waker sees `sleeping` and writes the eventfd, whose read is armed in the ring.
// Why a waker that finds its bit set may return: that bit's drain is still to come,
// and the two fences (the waker's before its check, the owner's after its drain) make
// what the waker wrote before wake() visible to the poll that drain leads to.
// Why teardown waits for nobody: nothing a waker touches is ever freed or closed. A
// wake that reaches a queue no runtime holds sets a bit nobody drains and writes no
// eventfd (`sleeping` is false); the next runtime with that index drops such bits.
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
    std::uint64_t foreign_wakes = 0;   // wake calls that reached the queue (one per foreign wake)
    std::uint64_t eventfd_writes = 0;  // eventfd writes those wakes made
    std::uint64_t drained = 0;         // task indexes the owner took from the pending set
    std::uint64_t sleeps = 0;          // owner sleeps a waker may answer (counted once `sleeping` is set)
};

// The pending set of one thread index: a BITS-bit bitmap (one bit per task index), a
// summary bit per bitmap word, and a top bit per summary word (at most 64 summary words),
// so an empty set is one load. Fixed size, no allocation, duplicate wakes coalesce.
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

    // Any thread. Marks `task_index` pending, then signals the eventfd if and only if
    // this call flips `sleeping` from true to false. Already pending: a fence and a load,
    // no write to a shared line. A first wake: one RMW (the bitmap word) while the word's
    // summary and top bits are already published, three at most.
    void push(std::uint16_t task_index) {
        const std::size_t w = task_index / 64;
        const std::uint64_t bit = std::uint64_t{1} << (task_index % 64);
        // seq_cst fence, paired with drain()'s: a check that finds the bit set may return,
        // because the drain that clears it is still to come and its poll then sees every
        // atomic store the caller made before wake(). Without the fence the load below
        // could pass the caller's own stores (store buffering) and that poll miss them.
        // Such a wake synchronizes with nothing, so plain data must be published by the
        // caller's own release/acquire (every kimojio::sync primitive does).
        sync::atomic_thread_fence(sync::memory_order_seq_cst);
        if ((bitmap_[w].load(sync::memory_order_relaxed) & bit) != 0) {
            return;
        }
        push_first_wake(w, bit);
    }

    // Any thread: push()'s path for a bit not yet set. Out of line (as is the rest of the
    // path below) so the disassembly check counts its RMWs: exactly one here.
    [[gnu::noinline]] void push_first_wake(std::size_t w, std::uint64_t bit) {
        // At least acquire: when this reads a drain's cleared word, the summary check that
        // follows must see that drain's clear of the summary bit (memory_model.cpp, "a
        // bitmap bit left under a cleared summary bit"). The Dekker pair with
        // prepare_to_sleep is on `top`, made by whichever pusher publishes it there.
        if (bitmap_[w].fetch_or(bit, sync::memory_order_seq_cst) != 0) {
            // Not the word's first bit: its first pusher publishes the word and checks
            // `sleeping` after its own stores.
            return;
        }
        publish_and_signal(w);
    }

    // Owner thread. Calls f(task_index) for every pending index, ascending, and clears
    // them (seq_cst exchange(0) per non-empty word). Returns how many it found.
    template <class F>
    std::size_t drain(F&& f) {
        std::size_t found = 0;
        // A plain load first: most loop turns find nothing, and an RMW would cost each of
        // them. A word published after this load is not lost: the next drain finds it, and
        // prepare_to_sleep's seq_cst re-check sees it before any sleep.
        if (top_.load(sync::memory_order_relaxed) == 0) {
            return 0;
        }
        // A pusher's bit is either taken by these exchanges or set after them. In the
        // latter case its RMW reads an exchange's 0 and must then see the level above
        // cleared too, or it finds that bit still set and publishes nothing (a lost
        // wake): so the summary and bitmap exchanges are releases, which the pusher's
        // seq_cst RMW acquires. The top exchange needs no order of its own (the summary
        // exchange's release covers it). props/model/memory_model.cpp checks each case
        // against the C++20 model; all three stay seq_cst, which costs nothing on x86.
        std::uint64_t top = top_.exchange(0, sync::memory_order_seq_cst);
        while (top != 0) {
            std::size_t s = static_cast<std::size_t>(__builtin_ctzll(top));
            top &= top - 1;
            std::uint64_t summary = summary_[s].exchange(0, sync::memory_order_seq_cst);
            while (summary != 0) {
                std::size_t w = s * 64 + static_cast<std::size_t>(__builtin_ctzll(summary));
                summary &= summary - 1;
                std::uint64_t word = bitmap_[w].exchange(0, sync::memory_order_seq_cst);
                while (word != 0) {
                    auto task_index =
                        static_cast<std::uint16_t>(w * 64 + static_cast<std::size_t>(__builtin_ctzll(word)));
                    word &= word - 1;
                    ++found;
                    f(task_index);
                }
            }
        }
        // seq_cst fence, paired with push()'s: the polls these indexes lead to see what
        // every waker that found its bit already set stored before its wake().
        sync::atomic_thread_fence(sync::memory_order_seq_cst);
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

    // A new owner thread, before its first loop turn: drops what wakers of an earlier
    // runtime with this index left pending and zeroes the counters. A waker of that
    // runtime still in push() may yet set a bit (one spurious poll) or, if it flipped
    // the earlier owner's last sleep, count its eventfd write here.
    void reset_for_new_owner() {
        drain([](std::uint16_t) {});
        sleeping_.store(false, sync::memory_order_relaxed);
        eventfd_writes_.store(0, sync::memory_order_relaxed);
        drained_ = 0;
        drained_published_.store(0, sync::memory_order_relaxed);
        sleeps_.store(0, sync::memory_order_relaxed);
    }

    // Any thread: a snapshot of the counters (foreign_wakes is the registry's: 0 here).
    ForeignWakeStats stats() const {
        return ForeignWakeStats{0, eventfd_writes_.load(sync::memory_order_relaxed),
                                drained_published_.load(sync::memory_order_relaxed),
                                sleeps_.load(sync::memory_order_acquire)};
    }

protected:
    Eventfd eventfd_;

private:
    // Owner-free part of push(): the first bit of a word publishes the word in the
    // summary, and the first word of a summary word publishes that in `top`. Each level
    // is checked (seq_cst load) before its RMW: a set bit means its publisher is on its
    // way and checks `sleeping` after its own stores, or a drain still to come takes it.
    void publish_word(std::size_t w) {
        const std::size_t s = w / 64;
        const std::uint64_t summary_bit = std::uint64_t{1} << (w % 64);
        if ((summary_[s].load(sync::memory_order_seq_cst) & summary_bit) != 0 ||
            summary_[s].fetch_or(summary_bit, sync::memory_order_seq_cst) != 0) {
            return;
        }
        const std::uint64_t top_bit = std::uint64_t{1} << s;
        if ((top_.load(sync::memory_order_seq_cst) & top_bit) == 0) {
            top_.fetch_or(top_bit, sync::memory_order_seq_cst);
        }
    }

    // Any thread, after setting the first bit of word w: publish it, then write the
    // eventfd if the owner announced a sleep and this call is the one that flips it.
    [[gnu::noinline]] void publish_and_signal(std::size_t w) {
        publish_word(w);
        if (sleeping_.load(sync::memory_order_seq_cst) && sleeping_.exchange(false, sync::memory_order_seq_cst)) {
            // This call flipped true -> false: the owner is (about to be) blocked and
            // nobody else will write. The read armed in the ring takes the counter.
            eventfd_.write_one();
            eventfd_writes_.fetch_add(1, sync::memory_order_relaxed);
        }
    }

    alignas(64) std::array<sync::atomic<std::uint64_t>, WORDS> bitmap_;
    alignas(64) std::array<sync::atomic<std::uint64_t>, SUMMARY_WORDS> summary_;
    alignas(64) sync::atomic<std::uint64_t> top_{0};
    sync::atomic<bool> sleeping_{false};
    alignas(64) sync::atomic<std::uint64_t> eventfd_writes_{0};
    alignas(64) std::uint64_t drained_ = 0;  // owner thread only, published relaxed below
    sync::atomic<std::uint64_t> drained_published_{0};
    sync::atomic<std::uint64_t> sleeps_{0};
};

// SLOTS slots indexed by thread index; no map, no global lock. The first runtime with an
// index makes its queue, which then stays for the process, so a waker needs no pin and
// a runtime's end waits for nobody:
//
//   slot.claimed:  free --try_claim--> claimed --release--> free   (owner threads only)
//   slot.queue:    nullptr --first try_claim--> queue              (never changes again)
template <class Queue, std::size_t SLOTS>
class BasicForeignWakeRegistry {
public:
    // Owner thread (Runtime constructor). Returns the slot's queue, made by make_queue()
    // on the slot's first claim, or nullptr if a live runtime holds the slot. If
    // make_queue throws, the slot stays free and the exception propagates.
    template <class MakeQueue>
    Queue* try_claim(std::size_t index, MakeQueue&& make_queue) {
        Slot& slot = slots_[index];
        bool expected = false;
        // acquire: orders after the previous owner's release (its last use of the queue).
        if (!slot.claimed.compare_exchange_strong(expected, true, sync::memory_order_acquire,
                                                  sync::memory_order_relaxed)) {
            return nullptr;
        }
        Queue* queue = slot.queue.load(sync::memory_order_relaxed);  // only a claimer stores it
        if (queue == nullptr) {
            try {
                queue = make_queue();
            } catch (...) {
                slot.claimed.store(false, sync::memory_order_release);
                throw;
            }
            // release: a waker whose acquire load sees the pointer sees the queue built.
            slot.queue.store(queue, sync::memory_order_release);
        }
        return queue;
    }

    // Owner thread (Runtime destructor). Returns at once; wakers may still push.
    void release(std::size_t index) { slots_[index].claimed.store(false, sync::memory_order_release); }

    // Any thread. Returns the queue at `index`, nullptr if no runtime ever used it.
    // acquire: pairs with try_claim's release store, so the queue is seen built.
    Queue* queue(std::size_t index) const { return slots_[index].queue.load(sync::memory_order_acquire); }

private:
    // The queue pointer is written once, so the line stays shared in every waker's cache;
    // `claimed` changes only when a runtime starts or ends.
    struct alignas(64) Slot {
        sync::atomic<Queue*> queue{nullptr};
        sync::atomic<bool> claimed{false};
    };
    Slot slots_[SLOTS];
};

// The eventfd a runtime's queue signals (production).
struct SystemEventfd {
    int fd;
    void write_one() const;
};

// The production pending set: 65,536 bits, an eventfd it owns. Made by the registry on
// a thread index's first use and kept for the process (so is its eventfd).
class ForeignWakeQueue : public BasicForeignWakeQueue<SystemEventfd> {
public:
    // Creates the eventfd; throws std::system_error if it cannot.
    ForeignWakeQueue();
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
    // Owner thread (Runtime constructor). Returns the index's queue, reset for a new
    // owner. Throws std::invalid_argument for 255, std::runtime_error if a live runtime
    // already uses `thread_index`, std::system_error if its first eventfd cannot be made.
    static ForeignWakeQueue* register_(std::uint8_t thread_index);

    // Owner thread (Runtime destructor). Returns at once: nothing is freed or closed.
    static void unregister(std::uint8_t thread_index);

    // Any thread. No-op if no runtime ever used `thread_index`.
    static void wake(std::uint8_t thread_index, std::uint16_t task_index);

    // Any thread: how many wake calls reached `thread_index`'s queue, summed over the
    // per-thread counters (each waking thread counts its own, on its own cache line).
    static std::uint64_t wakes(std::uint8_t thread_index);
};

}  // namespace kimojio
