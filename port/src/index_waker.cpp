// Port of kimojio/src/task_ref.rs at qbradley/kimojio-rs branch
// feature/cross-thread-waker_phase1 (39e0933), plus Phase 2: the foreign path.
#include "kimojio/index_waker.hpp"

#include <stdexcept>
#include <string>

#include "kimojio/foreign_wake.hpp"
#include "kimojio/task.hpp"
#include "kimojio/task_state_cell.hpp"

namespace kimojio {

namespace {
// The index of the current kimojio runtime thread; NO_THREAD_INDEX when none.
// task_ref.rs@39e0933:13 KIMOJIO_THREAD_INDEX
thread_local std::uint8_t KIMOJIO_THREAD_INDEX = NO_THREAD_INDEX;

// task_ref.rs@39e0933:145-146 VTABLE (part 1 of 2: VTABLE)
extern const RawWakerVTable VTABLE;
}  // namespace

std::uint8_t kimojio_thread_index() { return KIMOJIO_THREAD_INDEX; }

// task_ref.rs@39e0933:18-32 set_kimojio_thread_index (part 2 of 2: definition)
void set_kimojio_thread_index(std::uint8_t index) {
    // Upstream accepts re-setting the same index; one live Runtime per thread is
    // required here because the thread's single TaskState serves one runtime.
    if (KIMOJIO_THREAD_INDEX != NO_THREAD_INDEX) {
        throw std::runtime_error("kimojio: a Runtime (thread index " + std::to_string(KIMOJIO_THREAD_INDEX) +
                                 ") already lives on this thread; create one Runtime per thread");
    }
    KIMOJIO_THREAD_INDEX = index;
}

// task_ref.rs@39e0933:35-37 reset_kimojio_thread_index (part 2 of 2: definition)
void reset_kimojio_thread_index() { KIMOJIO_THREAD_INDEX = NO_THREAD_INDEX; }

// task_ref.rs@39e0933:42-45 pack_waker_data (part 2 of 2: definition)
const void* pack_waker_data(std::uint8_t thread_index, std::uint16_t task_index) {
    auto val = (static_cast<std::uintptr_t>(thread_index) << 16) | static_cast<std::uintptr_t>(task_index);
    return reinterpret_cast<const void*>(val);
}

// task_ref.rs@39e0933:48-53 unpack_waker_data (part 2 of 2: definition)
WakerIdentity unpack_waker_data(const void* data) {
    auto val = reinterpret_cast<std::uintptr_t>(data);
    return WakerIdentity{static_cast<std::uint8_t>(val >> 16), static_cast<std::uint16_t>(val)};
}

namespace {
// The local path: owner thread, TaskState not borrowed. No lock, no atomic RMW, no
// fence, no syscall (checked on the release build by ctest `local_wake_is_atomic_free`).
[[gnu::noinline]] void local_wake(TaskState& task_state, std::uint16_t task_index) {
    if (std::optional<Rc<Task>> task = task_state.get_task_by_index(task_index)) {
        task_state.schedule_io(std::move(*task));
    }
}

// The foreign path: any thread that is not the owner (see kimojio/foreign_wake.hpp).
[[gnu::noinline]] void foreign_wake(std::uint8_t thread_index, std::uint16_t task_index) {
    ForeignWakeRegistry::wake(thread_index, task_index);
}
}  // namespace

// task_ref.rs@39e0933:64-79 wake_task (part 2 of 2: definition)
void wake_task(TaskState& task_state, const Waker& waker) {
    // Optimization: if it's our waker AND it belongs to this thread, use direct lookup
    if (waker.vtable() == &VTABLE) {
        auto [thread_index, task_index] = unpack_waker_data(waker.data());

        // Only perform direct lookup if waker belongs to the runtime of this thread
        if (thread_index == KIMOJIO_THREAD_INDEX && thread_index != NO_THREAD_INDEX) {
            local_wake(task_state, task_index);
            return;
        }
    }
    // Fallback: cross-thread or foreign waker
    waker.wake_by_ref();
}

namespace {
// Safety (Rust: `unsafe fn`, all four vtable functions): `data` must be a word made
// by pack_waker_data. Only VTABLE calls them, with the data of a waker it built.

// Clone: the data is a packed integer, so cloning is a copy.
// task_ref.rs@39e0933:88-91 clone_waker
RawWaker clone_waker(const void* data) { return RawWaker{data, &VTABLE}; }

// The core wake logic. Local: this thread's live runtime (the sentinel 255 is never a
// valid owner, so a thread without a runtime always takes the foreign path).
// task_ref.rs@39e0933:115-135 wake_by_ref_waker
void wake_by_ref_waker(const void* data) {
    auto [thread_index, task_index] = unpack_waker_data(data);
    std::uint8_t current_thread = KIMOJIO_THREAD_INDEX;

    if (thread_index == current_thread && current_thread != NO_THREAD_INDEX) {
        // Local path: we are on the owning thread, so TaskState is local
        TaskStateCellRef task_state = TaskState::get();
        local_wake(*task_state, task_index);
    } else {
        foreign_wake(thread_index, task_index);
    }
}

// Wake by value: the data is Copy, so it is the same as wake_by_ref.
// task_ref.rs@39e0933:98-102 wake_waker
void wake_waker(const void* data) { wake_by_ref_waker(data); }

// Drop: nothing was allocated.
// task_ref.rs@39e0933:141-143 drop_waker
void drop_waker(const void*) {}

// task_ref.rs@39e0933:145-146 VTABLE (part 2 of 2: VTABLE)
constexpr RawWakerVTable VTABLE = {clone_waker, wake_waker, wake_by_ref_waker, drop_waker};
}  // namespace

// task_ref.rs@39e0933:156-167 create_waker (part 2 of 2: definition)
Waker create_waker(std::uint16_t task_index) {
    std::uint8_t thread_index = KIMOJIO_THREAD_INDEX;
    if (thread_index == NO_THREAD_INDEX) {
        throw Panic("create_waker called on a thread without a kimojio Runtime");
    }
    return Waker::from_raw(RawWaker{pack_waker_data(thread_index, task_index), &VTABLE});
}

const RawWakerVTable& index_waker_vtable() { return VTABLE; }

}  // namespace kimojio
