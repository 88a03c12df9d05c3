// Adapted from kimojio/src/timer.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f:
// a cheap tick counter (TSC on x86_64, CLOCK_MONOTONIC elsewhere) and its rate.
#pragma once

#include <cstdint>

namespace kimojio {

struct Timer {
    // Timer ticks per microsecond, measured once per process.
    static std::uint64_t ticks_per_us();
    static std::uint64_t ticks();
};

}  // namespace kimojio
