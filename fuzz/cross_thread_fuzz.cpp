// Differential fuzz harness: several runtimes on real threads plus plain threads, port
// against the oracle's world model. The bytes decode to a program: start (any worker,
// thread index 0-3 or 255, so restarts reuse indexes and sometimes land on another
// thread), stop, spawn, wakes from any thread (local, foreign, of completed tasks, of
// stopped runtimes), loop turns, and a worker blocking until a plain thread's foreign
// wake reaches it through the eventfd; plus the polls' scripts (wakes made inside tasks).
// fuzz/world_program.hpp runs it; any difference traps. cross_thread_explain <file>...
// prints the program a crash file decodes to.
#include <fuzzer/FuzzedDataProvider.h>

#include "harness_main.hpp"
#include "world_program.hpp"

namespace {

using namespace world_program;

// A well-formed waker of (thread 0-3, task 1-MAX_TASK): what a task's code would hold.
RawWake consume_waker(FuzzedDataProvider& in, bool on_plain_thread) {
    auto thread = in.ConsumeIntegralInRange<std::uint64_t>(0, 3);
    auto task = in.ConsumeIntegralInRange<std::uint64_t>(1, MAX_TASK);
    static const Action actions[] = {Action::WakeByRef, Action::Wake, Action::CloneThenWake, Action::WakeTask};
    Action action = actions[in.ConsumeIntegralInRange<int>(0, 3)];
    if (on_plain_thread && action == Action::WakeTask) action = Action::WakeByRef;  // no TaskState there
    return RawWake{packed_data(thread, task), VTable::Index, action};
}

Program decode(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    Program p;
    p.steps = consume_steps(in, consume_waker);
    static const Op ops[] = {Op::Start, Op::Start, Op::Stop, Op::Spawn, Op::Spawn,
                             Op::Wake,  Op::Wake,  Op::Run,  Op::Run,   Op::Idle};
    static const std::uint8_t indexes[] = {0, 1, 2, 3, 0, 1, 2, 255};
    while (in.remaining_bytes() > 0 && p.instrs.size() < 48) {
        Instr instr{ops[in.ConsumeIntegralInRange<int>(0, 9)], in.ConsumeIntegralInRange<std::uint8_t>(0, WORKERS - 1)};
        switch (instr.op) {
            case Op::Start: instr.index = indexes[in.ConsumeIntegralInRange<int>(0, 7)]; break;
            case Op::Wake:
                instr.thread = in.ConsumeIntegralInRange<std::uint8_t>(0, WORKERS + PLAINS - 1);
                instr.wake = consume_waker(in, instr.thread >= WORKERS);
                break;
            case Op::Idle:
                instr.plain = in.ConsumeIntegralInRange<std::uint8_t>(WORKERS, WORKERS + PLAINS - 1);
                instr.wake.data = in.ConsumeIntegralInRange<std::uint16_t>(1, MAX_TASK);
                break;
            default: break;
        }
        p.instrs.push_back(instr);
    }
    return p;
}

}  // namespace

KIMOJIO_PROGRAM_HARNESS("cross_thread", decode, explain, run)
