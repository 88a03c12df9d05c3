// Fuzz harness for raw wakers: arbitrary data words (any thread byte, any task index,
// garbage in the unused bits) with the index-waker, noop or a counting vtable, through
// wake / wake_by_ref / clone-then-wake / drop / wake_task, on runtime threads, threads
// whose runtime stopped, and plain threads. Never a crash, never a throw (ownership
// check), never a schedule on the wrong runtime (each runtime's trace must match the
// oracle's world model), and the counting vtable sees exactly the calls the Waker
// contract implies. waker_data_explain <file>... prints what a crash file decodes to.
#include <fuzzer/FuzzedDataProvider.h>

#include "harness_main.hpp"
#include "world_program.hpp"

namespace {

using namespace world_program;

RawWake consume_waker(FuzzedDataProvider& in, bool on_plain_thread) {
    RawWake w{in.ConsumeIntegral<std::uint64_t>(), static_cast<VTable>(in.ConsumeIntegralInRange<int>(0, 2)),
              static_cast<Action>(in.ConsumeIntegralInRange<int>(0, 4))};
    if (on_plain_thread && w.action == Action::WakeTask) w.action = Action::WakeByRef;  // no TaskState there
    return w;
}

Program decode(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    Program p;
    p.steps = consume_steps(in, consume_waker);
    static const Op ops[] = {Op::Start, Op::Stop, Op::Spawn, Op::Spawn, Op::Wake, Op::Wake, Op::Wake, Op::Run};
    while (in.remaining_bytes() > 0 && p.instrs.size() < 48) {
        Instr instr{ops[in.ConsumeIntegralInRange<int>(0, 7)], in.ConsumeIntegralInRange<std::uint8_t>(0, WORKERS - 1)};
        if (instr.op == Op::Start) instr.index = in.ConsumeIntegral<std::uint8_t>();
        if (instr.op == Op::Wake) {
            instr.thread = in.ConsumeIntegralInRange<std::uint8_t>(0, WORKERS + PLAINS - 1);
            instr.wake = consume_waker(in, instr.thread >= WORKERS);
        }
        p.instrs.push_back(instr);
    }
    return p;
}

}  // namespace

KIMOJIO_PROGRAM_HARNESS("waker_data", decode, explain, run)
