// The atomics the foreign-wake path is written against. By default std::atomic; a model
// checker build (Relacy) can define KIMOJIO_ATOMICS_HEADER to substitute its own types
// with the same names, so the handshake is checked as written.
#pragma once

#ifdef KIMOJIO_ATOMICS_HEADER
#include KIMOJIO_ATOMICS_HEADER
#else
#include <atomic>

namespace kimojio::sync {
template <class T>
using atomic = std::atomic<T>;
using std::memory_order_acq_rel;
using std::memory_order_acquire;
using std::memory_order_relaxed;
using std::memory_order_release;
using std::memory_order_seq_cst;
using std::atomic_thread_fence;
}  // namespace kimojio::sync
#endif
