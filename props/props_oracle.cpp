// Property: generated scheduling programs give the same trace and task states in the
// port and in the oracle (oracle/). The driver is props/scheduler_program.hpp, shared
// with the fuzz harness fuzz/scheduler_fuzz.cpp.
#include <rapidcheck.h>

#include "props_main.hpp"
#include "scheduler_program.hpp"

using namespace scheduler_program;

int main() {
    return props::run({{"port and oracle agree", [] {
        return rc::check("scheduling programs: same trace and states in the port and the oracle", [] {
            Program p;
            p.instrs = *rc::gen::container<std::vector<Instr>>(rc::gen::build<Instr>(
                rc::gen::set(&Instr::op, rc::gen::element(Op::Spawn, Op::Spawn, Op::Wake, Op::WakeCpu, Op::Abort,
                                                          Op::High, Op::Run, Op::Run, Op::WakeHeld)),
                rc::gen::set(&Instr::task, rc::gen::inRange<std::uint16_t>(1, MAX_INDEX + 1))));
            p.steps = *rc::gen::nonEmpty(rc::gen::container<std::vector<Step>>(rc::gen::build<Step>(
                rc::gen::set(&Step::wakes, rc::gen::container<std::vector<std::uint16_t>>(
                                               rc::gen::inRange<std::uint16_t>(1, MAX_INDEX + 1))),
                rc::gen::set(&Step::complete, rc::gen::arbitrary<bool>()),
                rc::gen::set(&Step::spawns, rc::gen::inRange<std::size_t>(0, 2)),
                rc::gen::set(&Step::joins, rc::gen::container<std::vector<std::uint16_t>>(
                                               rc::gen::inRange<std::uint16_t>(1, MAX_INDEX + 1))),
                rc::gen::set(&Step::nop, rc::gen::element(false, false, false, true)))));
            for (auto& s : p.steps) {
                s.cpu.resize(s.wakes.size());
                for (std::size_t i = 0; i < s.wakes.size(); ++i) s.cpu[i] = s.wakes[i] % 3 == 0;
            }
            auto difference = run(p);
            if (difference) RC_FAIL(*difference + "\n" + explain(p));
        });
    }}});
}
