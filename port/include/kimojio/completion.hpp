// Port of the Completion part of kimojio/src/lib.rs at qbradley/kimojio-rs
// 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f (lines 101-184: MAX_TASK_STACK_SIZE,
// CompletionState, Completion, CompletionResources, Completion::cancel).
// The rest of lib.rs (run, run_test*, module list) is in kimojio/kimojio.hpp.
#pragma once

#include <liburing.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <variant>

#include "kimojio/config.hpp"
#include "kimojio/mut_in_place_cell.hpp"
#include "kimojio/rc.hpp"
#include "kimojio/result.hpp"
#include "kimojio/std_task.hpp"
#include "kimojio/uuid.hpp"

namespace kimojio {

class TaskState;

#if KIMOJIO_IO_URING_CMD
// squeue::Entry128: a 64-byte io_uring_sqe (so the io_uring_prep_* helpers take its
// address) and the 64 bytes after it; sqe.cmd's 80 bytes of command run into them.
// `SQE entry{}` zeroes both halves, as Rust's Entry -> Entry128 conversion does.
// task.rs:17-18 Entry128
struct SQE : io_uring_sqe {
    std::array<std::uint8_t, 64> big_sqe;
};
static_assert(sizeof(SQE) == 128 && offsetof(io_uring_sqe, cmd) + 80 == sizeof(SQE));
// cqueue::Entry32: a copy of a 32-byte CQE, the 16 extra bytes in big_cqe.
// task.rs:17-18 Entry32
struct CQE {
    std::uint64_t user_data;
    std::int32_t res;
    std::uint32_t flags;
    std::array<std::uint64_t, 2> big_cqe;
};
#else
// task.rs:21 SQE
using SQE = io_uring_sqe;
// A copy of a completion queue entry (rustix_uring cqueue::Entry). io_uring_cqe itself
// ends in a flexible array, so it cannot be held by value.
// task.rs:21 CQE
struct CQE {
    std::uint64_t user_data;
    std::int32_t res;
    std::uint32_t flags;
};
#endif
using Timespec = __kernel_timespec;

// lib.rs:101 MAX_TASK_STACK_SIZE
inline constexpr std::size_t MAX_TASK_STACK_SIZE = 65536;

// lib.rs:103-126 CompletionState (part 1 of 2: completion_state)
namespace completion_state {
// The future is created but SQE is not yet submitted to the kernel
struct Idle {
    std::optional<SQE> entry;
    bool timespec;
};
// The I/O is submitted to the kernel
struct Submitted {
    Waker waker;
    Uuid activity_id;
    std::uint32_t tag;
    bool canceled;
};
// The I/O is completed
struct Completed {
    Result<std::uint32_t, Errno> result;
#if KIMOJIO_IO_URING_CMD
    // the 32-byte CQE's last 16 bytes (zero when canceled before submission)
    std::array<std::uint64_t, 2> big_cqe{};
#endif
};
struct Terminated {};
}  // namespace completion_state

// lib.rs:103-126 CompletionState (part 2 of 2: CompletionState)
using CompletionState = std::variant<completion_state::Idle, completion_state::Submitted,
                                     completion_state::Completed, completion_state::Terminated>;

// Rust's Box<dyn Any> / Rc<dyn Any>: a value kept alive for as long as the I/O.
struct BoxAny {
    virtual ~BoxAny() = default;
};
template <class T>
struct BoxAnyOf final : BoxAny {
    explicit BoxAnyOf(T v) : value(std::move(v)) {}
    T value;
};
struct RcAny : RcCounted {
    virtual ~RcAny() = default;
};
template <class T>
struct RcAnyOf final : RcAny {
    explicit RcAnyOf(T v) : value(std::move(v)) {}
    T value;
};

// lib.rs:139-145 CompletionResources (part 1 of 2: completion_resources)
namespace completion_resources {
struct None {};
struct Box {
    std::unique_ptr<BoxAny> value;
};
struct RcValue {
    Rc<RcAny> value;
};
}  // namespace completion_resources

// lib.rs:139-145 CompletionResources (part 2 of 2: CompletionResources)
using CompletionResources = std::variant<completion_resources::None, Timespec, completion_resources::Box,
                                         completion_resources::RcValue, std::array<std::uint8_t, 8>>;

// lib.rs:128-136 Completion
class Completion : public RcCounted {
public:
    Completion(CompletionState state, CompletionResources owned_resources, Timespec timespec, std::uint32_t tag,
               std::uint16_t task_index, bool iopoll)
        : state(std::move(state)),
          owned_resources(std::move(owned_resources)),
          timespec(timespec),
          tag(tag),
          task_index(task_index),
          iopoll(iopoll) {}
    Completion(Completion&&) = default;
    Completion& operator=(Completion&&) = default;

    // Not in Rust (performance, for TaskState::new_completion): `*this = Completion(...)`
    // without the temporaries; the old resources are kept when both are None.
    void refill(const SQE& entry, bool has_timespec, CompletionResources&& resources, Timespec new_timespec,
                std::uint32_t new_tag, std::uint16_t new_task_index, bool new_iopoll) {
        state.use_mut([&](CompletionState& s) {
            auto& idle = s.emplace<completion_state::Idle>();
            idle.entry.emplace(entry);
            idle.timespec = has_timespec;
        });
        if (resources.index() != 0 || owned_resources.index() != 0) {
            owned_resources = std::move(resources);
        }
        timespec = new_timespec;
        tag = new_tag;
        task_index = new_task_index;
        iopoll = new_iopoll;
    }

    // Rust: fn cancel(self: &Rc<Self>, ...). The user_data of the cancel is `this`.
    // lib.rs:148-183 Completion::cancel (part 1 of 2: declaration)
    void cancel(TaskState& task_state) const;

    MutInPlaceCell<CompletionState> state;
    CompletionResources owned_resources;
    // memory for timeouts
    Timespec timespec;
    std::uint32_t tag;
    std::uint16_t task_index;
    bool iopoll;
};

}  // namespace kimojio
