// The rapidcheck generator shared by props_io and props_io_net: a program of up to
// MAX_STEPS steps whose op kinds are drawn from [first, last], each with a random slot,
// target (< targets), length (1-8 bytes for a write, 1-16 for a read, 1-254 where
// `long_len(kind)`), timeout flag, offset (< 16) and lowercase data.
#pragma once

#include <rapidcheck.h>

#include <cstdint>
#include <vector>

#include "io_program.hpp"

namespace io_gen {

template <class Program, class Writes, class LongLen>
Program program(std::uint8_t first, std::uint8_t last, std::uint8_t targets, Writes writes, LongLen long_len) {
    Program p;
    auto kinds = *rc::gen::container<std::vector<std::uint8_t>>(rc::gen::inRange<std::uint8_t>(first, last + 1));
    for (std::uint8_t kind : kinds) {
        if (p.steps.size() == io_program::MAX_STEPS) break;
        OracleIoOp op{};
        op.op = kind;
        op.slot = *rc::gen::inRange<std::uint8_t>(0, io_program::SLOTS);
        op.target = *rc::gen::inRange<std::uint8_t>(0, targets);
        op.len = long_len(kind) ? *rc::gen::inRange<std::uint8_t>(1, 255)
                                : *rc::gen::inRange<std::uint8_t>(1, writes(kind) ? 9 : 17);
        op.zero = *rc::gen::arbitrary<bool>();
        op.offset = *rc::gen::inRange<std::uint8_t>(0, 16);
        for (auto& b : op.data) b = *rc::gen::inRange<std::uint8_t>('a', 'z' + 1);
        p.steps.push_back(op);
    }
    return p;
}

}  // namespace io_gen
