// Port of kimojio/src/uring_stats.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
// Per-thread statistics for the io_uring runtime (Rust Cell<u64> -> plain u64: owner thread only).
#pragma once

#include <algorithm>
#include <cstdint>

namespace kimojio {

// uring_stats.rs:13-26 URingStats
// uring_stats.rs:30-32 URingStats::new
struct URingStats {
    // Current number of in-flight polled I/O operations.
    std::uint64_t in_flight_io_poll = 0;
    // Maximum observed in-flight polled I/O operations.
    std::uint64_t max_in_flight_io_poll = 0;
    // Current number of in-flight regular I/O operations.
    std::uint64_t in_flight_io = 0;
    // Maximum observed in-flight regular I/O operations.
    std::uint64_t max_in_flight_io = 0;
    // Total number of I/O-priority task polls.
    std::uint64_t tasks_polled_io = 0;
    // Total number of CPU-priority task polls.
    std::uint64_t tasks_polled_cpu = 0;

    // uring_stats.rs:35-40 URingStats::increment_in_flight_io
    void increment_in_flight_io(std::uint64_t amount) {
        in_flight_io += amount;
        max_in_flight_io = std::max(in_flight_io, max_in_flight_io);
    }
    // uring_stats.rs:43-45 URingStats::decrement_in_flight_io
    void decrement_in_flight_io(std::uint64_t amount) { in_flight_io -= amount; }
    // uring_stats.rs:48-54 URingStats::increment_in_flight_io_poll
    void increment_in_flight_io_poll(std::uint64_t amount) {
        in_flight_io_poll += amount;
        max_in_flight_io_poll = std::max(in_flight_io_poll, max_in_flight_io_poll);
    }
    // uring_stats.rs:57-60 URingStats::decrement_in_flight_io_poll
    void decrement_in_flight_io_poll(std::uint64_t amount) { in_flight_io_poll -= amount; }
    // uring_stats.rs:63-65 URingStats::increment_tasks_polled_io
    void increment_tasks_polled_io() { tasks_polled_io += 1; }
    // uring_stats.rs:68-70 URingStats::increment_tasks_polled_cpu
    void increment_tasks_polled_cpu() { tasks_polled_cpu += 1; }
};

}  // namespace kimojio
