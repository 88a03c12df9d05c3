// Port of kimojio/src/lib.rs (Completion::cancel, lines 147-184) at qbradley/kimojio-rs
// 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f, plus the small standard-library stand-ins
// the port needs (Waker::noop, Uuid, Timer).
#include <time.h>

#include <chrono>
#include <iomanip>
#include <random>
#include <thread>

#include "kimojio/completion.hpp"
#include "kimojio/task.hpp"
#include "kimojio/timer.hpp"
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace kimojio {

// lib.rs:148-183 Completion::cancel (part 2 of 2: definition)
void Completion::cancel(TaskState& task_state) const {
    bool should_cancel = state.use_mut([](CompletionState& state) {
        if (std::holds_alternative<completion_state::Idle>(state)) {
            // cancel immediately but skipping submission
            state = completion_state::Completed{Err{Errno::CANCELED}};
            return false;
        }
        if (auto* submitted = std::get_if<completion_state::Submitted>(&state)) {
            if (!submitted->canceled) {
                submitted->canceled = true;
                return true;
            }
            return false;
        }
        return false;  // Terminated | Completed
    });

    if (should_cancel) {
        SQE entry{};
        io_uring_prep_cancel(&entry, const_cast<Completion*>(this), 0);
        if (iopoll) {
            task_state.submit_poll(std::span<const SQE>(&entry, 1));
            task_state.stats.increment_in_flight_io_poll(1);
        } else {
            task_state.submit(std::span<const SQE>(&entry, 1));
            task_state.stats.increment_in_flight_io(1);
        }
    }
}

const Waker& Waker::noop() {
    static constexpr RawWakerVTable NOOP_VTABLE = {
        [](const void*) { return RawWaker{nullptr, &NOOP_VTABLE}; },
        [](const void*) {},
        [](const void*) {},
        [](const void*) {},
    };
    static const Waker waker = Waker::from_raw(RawWaker{nullptr, &NOOP_VTABLE});
    return waker;
}

Uuid Uuid::new_v4() {
    // xorshift64 (shifts and xors only): std::mt19937_64's seeding relies on unsigned
    // wrap-around, which OSS-Fuzz's unsigned-integer-overflow build rejects.
    thread_local std::uint64_t state = [] {
        std::uint64_t seed = (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
        return seed != 0 ? seed : 0x9e3779b97f4a7c15u;
    }();
    Uuid id;
    for (int half = 0; half < 2; ++half) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        std::uint64_t bits = state;
        for (int i = 0; i < 8; ++i) {
            id.bytes[half * 8 + i] = static_cast<std::uint8_t>(bits >> (8 * i));
        }
    }
    id.bytes[6] = (id.bytes[6] & 0x0f) | 0x40;  // version 4
    id.bytes[8] = (id.bytes[8] & 0x3f) | 0x80;  // RFC 4122 variant
    return id;
}

bool Uuid::is_nil() const { return *this == Uuid::nil(); }

std::ostream& operator<<(std::ostream& os, const Uuid& id) {
    std::ios_base::fmtflags flags = os.flags();
    char fill = os.fill('0');
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            os << '-';
        }
        os << std::hex << std::setw(2) << static_cast<int>(id.bytes[i]);
    }
    os.flags(flags);
    os.fill(fill);
    return os;
}

std::uint64_t Timer::ticks() {
#if defined(__x86_64__)
    return __rdtsc();
#else
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull + ts.tv_nsec;
#endif
}

std::uint64_t Timer::ticks_per_us() {
    // Measured once: ticks elapsed over ~2 ms of steady_clock time.
    static const std::uint64_t value = [] {
#if defined(__x86_64__)
        auto start = std::chrono::steady_clock::now();
        std::uint64_t start_tick = ticks();
        while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2)) {
        }
        std::uint64_t elapsed_ticks = ticks() - start_tick;
        auto elapsed_us =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
        std::uint64_t per_us = elapsed_ticks / static_cast<std::uint64_t>(elapsed_us > 0 ? elapsed_us : 1);
        return per_us > 0 ? per_us : std::uint64_t{1};
#else
        return std::uint64_t{1000};
#endif
    }();
    return value;
}

}  // namespace kimojio
