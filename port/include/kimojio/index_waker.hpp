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
// task_ref.rs@39e0933:18-32 set_kimojio_thread_index (part 1 of 2: declaration)
void set_kimojio_thread_index(std::uint8_t index);

// Runtime destructor only.
// task_ref.rs@39e0933:35-37 reset_kimojio_thread_index (part 1 of 2: declaration)
void reset_kimojio_thread_index();

// Layout: bits 16..23 = thread_index, bits 0..15 = task_index; other bits ignored.
// task_ref.rs@39e0933:42-45 pack_waker_data (part 1 of 2: declaration)
const void* pack_waker_data(std::uint8_t thread_index, std::uint16_t task_index);
struct WakerIdentity {
    std::uint8_t thread_index;
    std::uint16_t task_index;
};
// task_ref.rs@39e0933:48-53 unpack_waker_data (part 1 of 2: declaration)
WakerIdentity unpack_waker_data(const void* data);

// wake_task can be used when you already have a TaskState& reference: our waker of
// this thread is scheduled directly on it; anything else goes through wake_by_ref.
// task_ref.rs@39e0933:64-79 wake_task (part 1 of 2: declaration)
void wake_task(TaskState& task_state, const Waker& waker);

// The waker of task `task_index` of the runtime on this thread.
// Panics: throws kimojio::Panic on a thread without a Runtime (Rust: debug_assert!).
// task_ref.rs@39e0933:156-167 create_waker (part 1 of 2: declaration)
Waker create_waker(std::uint16_t task_index);

// The vtable of index wakers (for identity checks and for building wakers from raw data).
const RawWakerVTable& index_waker_vtable();

}  // namespace kimojio
