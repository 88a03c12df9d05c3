// KIMOJIO_ATOMICS_HEADER for props/model/memory_model.cpp: single-threaded atomics that
// record every operation (object address, kind, memory order) as it runs. Running
// kimojio/foreign_wake.hpp's push() or drain() against them yields the sequence of
// atomic operations with the memory orders as written in that header, which the C++20
// memory-model checker then explores. A change of one order in the header (a mutant, a
// refactor) reaches the check without anyone copying it by hand.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

namespace recording {

enum class Kind { load, store, rmw, fence };

struct Op {
    const void* object;  // nullptr for a fence
    Kind kind;
    std::memory_order order;
};

// Main thread only (the recording runs the header's code single-threaded).
inline std::vector<Op>& log() {
    static std::vector<Op> ops;
    return ops;
}

}  // namespace recording

namespace kimojio::sync {

using std::memory_order_acq_rel;
using std::memory_order_acquire;
using std::memory_order_relaxed;
using std::memory_order_release;
using std::memory_order_seq_cst;

inline void atomic_thread_fence(std::memory_order order) {
    recording::log().push_back({nullptr, recording::Kind::fence, order});
}

template <class T>
class atomic {
public:
    atomic() = default;
    constexpr atomic(T v) : value_(v) {}  // NOLINT: as std::atomic
    atomic(const atomic&) = delete;
    atomic& operator=(const atomic&) = delete;

    T load(std::memory_order o) const { return note(recording::Kind::load, o), value_; }
    void store(T v, std::memory_order o) { note(recording::Kind::store, o), value_ = v; }
    T exchange(T v, std::memory_order o) { return rmw(o, [&](T) { return v; }); }
    T fetch_or(T v, std::memory_order o) { return rmw(o, [&](T old) { return static_cast<T>(old | v); }); }
    T fetch_add(T v, std::memory_order o) { return rmw(o, [&](T old) { return static_cast<T>(old + v); }); }
    bool compare_exchange_strong(T& expected, T desired, std::memory_order success, std::memory_order failure) {
        if (value_ == expected) {
            note(recording::Kind::rmw, success);
            value_ = desired;
            return true;
        }
        note(recording::Kind::load, failure);
        expected = value_;
        return false;
    }

private:
    void note(recording::Kind kind, std::memory_order o) const {
        recording::log().push_back({this, kind, o});
    }
    template <class F>
    T rmw(std::memory_order o, F next) {
        note(recording::Kind::rmw, o);
        T old = value_;
        value_ = next(old);
        return old;
    }

    T value_{};
};

}  // namespace kimojio::sync
