// Port of kimojio/src/tracing.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
#pragma once

#include <cstdint>
#include <variant>

#include "kimojio/io_type.hpp"
#include "kimojio/uuid.hpp"

namespace kimojio {

// Trace events emitted by the runtime for debugging and performance analysis.
// tracing.rs:18-75 Events (part 1 of 2: events)
namespace events {
struct TaskScheduled {
    Uuid activity_id;
    Uuid tenant_id;
    std::uint32_t tag;
    bool io;
};
struct TaskRunEnd {
    Uuid activity_id;
    std::uint64_t start_time;
    std::uint32_t tag;
    std::uint16_t cpu;
    std::uint8_t action;
    bool complete;
};
struct RingEnterEnd {
    std::uint64_t submissions;
    std::uint64_t in_flight_io;
    std::uint64_t start_time;
    std::uint64_t completions;
    std::uint32_t tag;
    std::uint32_t task_count;
    bool want;
    bool iopoll;
};
struct AsyncWaitStart {
    Uuid activity_id;
    std::uint32_t tag;
};
struct AsyncWaitEnd {
    Uuid activity_id;
    std::uint32_t tag;
};
struct IoStart {
    Uuid activity_id;
    std::int32_t fd;
    std::uint32_t tag;
    IOType io_type;
};
struct IoEnd {
    Uuid activity_id;
    std::int32_t result;
    std::uint32_t tag;
};
struct IoError {
    Uuid activity_id;
    std::uint32_t tag;
    std::int32_t error;
};
struct FutureCanceled {
    Uuid activity_id;
};
}  // namespace events

// tracing.rs:18-75 Events (part 2 of 2: Events)
using Events = std::variant<events::TaskScheduled, events::TaskRunEnd, events::RingEnterEnd,
                            events::AsyncWaitStart, events::AsyncWaitEnd, events::IoStart,
                            events::IoEnd, events::IoError, events::FutureCanceled>;

// A wrapper containing a trace event with context information.
// tracing.rs:8-15 EventEnvelope
struct EventEnvelope {
    // The index of the thread that generated this event.
    std::uint8_t thread_index;
    // The index of the task that generated this event.
    std::uint16_t task_index;
    // The trace event.
    Events event;
};

// Receives trace events from the runtime. Called on the runtime's thread.
// tracing.rs:80-83 TraceConfiguration
class TraceConfiguration {
public:
    virtual ~TraceConfiguration() = default;
    // tracing.rs:82 TraceConfiguration::trace
    virtual void trace(EventEnvelope event) = 0;
};

}  // namespace kimojio
