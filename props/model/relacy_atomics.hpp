// KIMOJIO_ATOMICS_HEADER for the model check. Relacy's relacy.hpp defines
// `memory_order_relaxed` etc. as macros expanding to `mo_relaxed, $`, so a call written
// `x.load(sync::memory_order_relaxed)` becomes `x.load(sync::mo_relaxed, $)`: with the
// aliases below, kimojio/foreign_wake.hpp compiles unchanged against rl::atomic and
// Relacy sees every load, store and RMW with its memory order and source line.
#pragma once

#include <relacy/relacy.hpp>

// relacy.hpp also turns `new` and `delete` into macros (its allocation tracking), which
// breaks `= delete` and placement new in ordinary code; the model needs neither.
#undef new
#undef delete

namespace kimojio::sync {

template <class T>
using atomic = rl::atomic<T>;
using rl::mo_acq_rel;
using rl::mo_acquire;
using rl::mo_relaxed;
using rl::mo_release;
using rl::mo_seq_cst;
using rl::atomic_thread_fence;

}  // namespace kimojio::sync
