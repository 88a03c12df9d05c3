// The byte decoder shared by the io and io_net harnesses: up to `max_steps` steps, each an
// op kind in [first, last], slot, target (<= max_target), length (1-8 for a write, 1-16
// for a read, 1-255 where `long_len(kind)`), timeout flag, offset (0-15), then a write's
// bytes. The order of the reads is the corpora's format: keep it.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>

#include "io_program.hpp"

namespace io_program {

template <class Program, class Writes, class LongLen>
Program decode_steps(const std::uint8_t* data, std::size_t size, std::size_t max_steps, std::uint8_t first,
                     std::uint8_t last, std::uint8_t max_target, Writes writes, LongLen long_len) {
    FuzzedDataProvider in(data, size);
    Program p;
    while (in.remaining_bytes() > 0 && p.steps.size() < max_steps) {
        OracleIoOp op{};
        op.op = in.ConsumeIntegralInRange<std::uint8_t>(first, last);
        op.slot = in.ConsumeIntegralInRange<std::uint8_t>(0, SLOTS - 1);
        op.target = in.ConsumeIntegralInRange<std::uint8_t>(0, max_target);
        bool write = writes(op.op);
        op.len = long_len(op.op) ? in.ConsumeIntegralInRange<std::uint8_t>(1, 255)
                                 : in.ConsumeIntegralInRange<std::uint8_t>(1, write ? 8 : 16);
        op.zero = in.ConsumeBool();
        op.offset = in.ConsumeIntegralInRange<std::uint8_t>(0, 15);
        if (write) {
            for (std::uint8_t i = 0; i < op.len; ++i) op.data[i] = in.ConsumeIntegral<std::uint8_t>();
        }
        p.steps.push_back(op);
    }
    return p;
}

}  // namespace io_program
