// Differential fuzz harness: one runtime's scheduling, port against oracle. The bytes
// decode to a program (spawn / wake / wake_cpu / abort / set_high_priority / run_cohort /
// wake through a held Rc waker)
// and the polls' scripts (wakes of other, self or stale tasks, children spawned, joins,
// then Ready or Pending, or a nop I/O);
// props/scheduler_program.hpp runs it through both and any difference in the trace or
// the final task states traps. scheduler_explain <file>... prints the program a crash
// file decodes to.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <vector>

#include "harness_main.hpp"
#include "scheduler_program.hpp"

namespace {

using namespace scheduler_program;

Program decode(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    Program p;
    p.instrs.reserve(64);  // one allocation each (under ASan every allocation records a stack)
    std::size_t steps = in.ConsumeIntegralInRange<std::size_t>(1, 6);
    p.steps.reserve(steps);
    for (std::size_t i = 0; i < steps; ++i) {
        Step s;
        std::size_t wakes = in.ConsumeIntegralInRange<std::size_t>(0, 3);
        s.wakes.reserve(wakes);
        s.cpu.reserve(wakes);
        for (std::size_t w = 0; w < wakes; ++w) {
            s.wakes.push_back(in.ConsumeIntegralInRange<std::uint16_t>(1, MAX_INDEX));
            s.cpu.push_back(in.ConsumeBool());
        }
        s.complete = in.ConsumeBool();
        s.spawns = in.ConsumeIntegralInRange<int>(0, 3) == 3 ? 1 : 0;  // a child in one poll of four
        if (in.ConsumeIntegralInRange<int>(0, 3) == 3) s.joins.push_back(in.ConsumeIntegralInRange<std::uint16_t>(1, MAX_INDEX));
        s.nop = in.ConsumeIntegralInRange<int>(0, 3) == 3;
        p.steps.push_back(std::move(s));
    }
    static const Op ops[] = {Op::Spawn, Op::Spawn, Op::Wake, Op::WakeCpu, Op::Abort, Op::High, Op::Run, Op::Run, Op::WakeHeld};
    while (in.remaining_bytes() > 0 && p.instrs.size() < 64) {
        Op op = ops[in.ConsumeIntegralInRange<int>(0, 8)];
        p.instrs.push_back({op, in.ConsumeIntegralInRange<std::uint16_t>(1, MAX_INDEX)});
    }
    return p;
}

}  // namespace

KIMOJIO_PROGRAM_HARNESS("scheduler", decode, explain, run)
