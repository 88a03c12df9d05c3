// Port of kimojio/src/configuration.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
// Configuration of the per-thread behaviour of the io_uring runtime.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>

#include "kimojio/tracing.hpp"

namespace kimojio {

// Controls whether the event loop busy-polls for I/O completion.
// Busy polling can reduce latency at the cost of CPU usage.
// configuration.rs:32-42 BusyPoll
struct BusyPoll {
    enum class Kind { Never, Always, Until };
    Kind kind = Kind::Never;
    std::chrono::microseconds duration{0};

    // Never busy poll; always suspend the thread until I/O completes.
    static BusyPoll Never() { return {Kind::Never, {}}; }
    // Always busy poll; never suspend the thread.
    static BusyPoll Always() { return {Kind::Always, {}}; }
    // Busy poll for the specified duration, then suspend.
    static BusyPoll Until(std::chrono::microseconds d) { return {Kind::Until, d}; }
    // From<Option<Duration>>
    // configuration.rs:45-50 BusyPoll::from
    static BusyPoll from(std::optional<std::chrono::microseconds> value) {
        return value ? Until(*value) : Never();
    }
    friend bool operator==(const BusyPoll&, const BusyPoll&) = default;
};

// configuration.rs:13-26 Configuration
class Configuration {
public:
    // Creates a new Configuration with default settings.
    // configuration.rs:55-57 Configuration::new
    Configuration() = default;

    // Sets the trace buffer manager for runtime event tracing.
    // configuration.rs:60-66 Configuration::set_trace_buffer_manager
    Configuration&& set_trace_buffer_manager(std::unique_ptr<TraceConfiguration> trace_buffer_manager) && {
        this->trace_buffer_manager = std::move(trace_buffer_manager);
        return std::move(*this);
    }

    // Sets the busy polling behavior for the event loop.
    // configuration.rs:69-72 Configuration::set_busy_poll
    Configuration&& set_busy_poll(BusyPoll busy_poll) && {
        this->busy_poll = busy_poll;
        return std::move(*this);
    }

    // Not in Rust (kimojio::spawn_blocking is beyond upstream): the most threads the
    // runtime's blocking pool starts (on demand). At least 1 (else the Runtime
    // constructor throws std::invalid_argument).
    Configuration&& set_blocking_threads(std::size_t blocking_threads) && {
        this->blocking_threads = blocking_threads;
        return std::move(*this);
    }

    // Adapter around a set of trace buffers which the data path threads will
    // write trace events to at runtime for debugging and analysis purposes.
    std::unique_ptr<TraceConfiguration> trace_buffer_manager;

    // Should the event processing loop busy poll and not block in the kernel
    // if there are pending IOs (latency vs. CPU trade-off; a power-user feature).
    BusyPoll busy_poll = BusyPoll::Never();

    // Not in Rust: see set_blocking_threads.
    std::size_t blocking_threads = 4;
};

}  // namespace kimojio
