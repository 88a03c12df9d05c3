// Port of kimojio/src/task_ref.rs at qbradley/kimojio-rs branch
// feature/cross-thread-waker_phase1 (39e0933), plus Phase 2 (the foreign path), which
// upstream planned and never wrote.
//
// The waker's data word packs (thread index u8, task index u16): clone copies it, drop
// does nothing, no allocation, no reference count. Any thread may clone, wake and drop.
// Local wakes (this thread's live runtime) look the index up in this thread's
// HandleTable: no lock, no atomic read-modify-write, no fence, no syscall. Other wakes
// go through ForeignWakeRegistry (kimojio/foreign_wake.hpp).
#pragma once

#include <cstdint>

#include "kimojio/std_task.hpp"

namespace kimojio {

class TaskState;

// The index of the runtime that lives on this thread, or NO_THREAD_INDEX (255).
// Set by the Runtime constructor, cleared by its destructor.
std::uint8_t kimojio_thread_index();

// Runtime constructor only: throws std::runtime_error if a Runtime already lives on
// this thread (one TaskState per thread serves one runtime).
void set_kimojio_thread_index(std::uint8_t index);

// Runtime destructor only.
void reset_kimojio_thread_index();

// Layout: bits 16..23 = thread_index, bits 0..15 = task_index; other bits ignored.
const void* pack_waker_data(std::uint8_t thread_index, std::uint16_t task_index);
struct WakerIdentity {
    std::uint8_t thread_index;
    std::uint16_t task_index;
};
WakerIdentity unpack_waker_data(const void* data);

// wake_task can be used when you already have a TaskState& reference: our waker of
// this thread is scheduled directly on it; anything else goes through wake_by_ref.
void wake_task(TaskState& task_state, const Waker& waker);

// The waker of task `task_index` of the runtime on this thread.
Waker create_waker(std::uint16_t task_index);

// The vtable of index wakers (for identity checks and for building wakers from raw data).
const RawWakerVTable& index_waker_vtable();

}  // namespace kimojio
