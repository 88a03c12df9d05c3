// Beyond upstream (no Rust counterpart): the one lock-free step of kimojio::sync::channel
// (sync_channel.hpp). The receiver takes messages out of the shared queue in batches (one
// lock per batch) but must still release capacity one message at a time, as it returns
// each one: it counts them in `received_` without the channel's mutex. Everything else
// here is guarded by that mutex. Written against kimojio/atomics.hpp, so the Relacy model
// (props/model/channel_model.cpp) checks this code as written.
//
// The handshake: a sender that finds the channel full queues itself, sets `waiting_`,
// then re-reads `received_`; the receiver bumps `received_`, then reads `waiting_`. Both
// sides use seq_cst, so at least one of them sees the other (store-buffering is
// excluded): either the sender sees the freed slot and admits the first waiter itself, or
// the receiver sees `waiting_` and takes the mutex to admit it. No waiter is stranded
// next to a free slot.
#pragma once

#include <cstddef>

#include "kimojio/atomics.hpp"

namespace kimojio::detail {

class ChannelCredit {
public:
    explicit ChannelCredit(std::size_t capacity) : capacity_(capacity), waiting_(false), received_(0) {}

    // Channel mutex held (a sender or the receiver, any thread). True if one more message
    // fits: pushed - received < capacity. `received_` only grows, so the cached copy is
    // re-read (seq_cst: the handshake's load) only when it says full.
    bool has_space_locked() {
        if (pushed_ - received_seen_ < capacity_) return true;
        received_seen_ = received_.load(sync::memory_order_seq_cst);
        return pushed_ - received_seen_ < capacity_;
    }

    // Channel mutex held: one message entered the channel (call after has_space_locked()).
    void pushed_locked() { ++pushed_; }

    // Channel mutex held: the first sender was queued waiting for space. Publishes that
    // (seq_cst store), then re-checks the space: true means a recv freed a slot before
    // it could see `waiting_`, and the caller admits the first waiter now.
    bool start_waiting_locked() {
        waiting_.store(true, sync::memory_order_seq_cst);
        return has_space_locked();
    }

    // Channel mutex held: no sender waits any more. A receiver that still reads true only
    // takes the mutex for nothing.
    void stop_waiting_locked() { waiting_.store(false, sync::memory_order_seq_cst); }

    // The receiver's thread, no lock: the receiver returned one message, its slot is
    // free. seq_cst store, then seq_cst load of `waiting_`: true means a sender may wait
    // for that slot; the receiver then takes the mutex and admits the first waiter.
    bool release_one() {
        received_.store(received_.load(sync::memory_order_relaxed) + 1, sync::memory_order_seq_cst);
        return waiting_.load(sync::memory_order_seq_cst);
    }

    // Any thread, relaxed: how many messages the receiver returned so far, as a hint of
    // when to look again (a sender waiting for space); every decision is made under the
    // mutex by has_space_locked().
    std::size_t received_hint() const { return received_.load(sync::memory_order_relaxed); }

private:
    const std::size_t capacity_;
    std::size_t pushed_ = 0;         // mutex: messages that ever entered the channel
    std::size_t received_seen_ = 0;  // mutex: a value `received_` had (<= received_)
    sync::atomic<bool> waiting_;     // written under the mutex, read by the receiver
    // Written by the receiver only; on its own cache line, away from the mutex's fields.
    alignas(64) sync::atomic<std::size_t> received_;
};

}  // namespace kimojio::detail
