// Differential fuzz harness: one runtime's I/O, port against oracle (oracle/src/io.rs).
// The bytes decode to up to 24 steps: tasks in four slots that read and write two pipes,
// an eventfd and a memfd with real data (reads with a timeout of zero or "never"), sleep
// 0 or "never", wait on an AsyncEvent or run io_scope around a read or wait they leave
// unfinished; cancels of a task's I/O, aborts of a task, set / set_wake_one / reset of the
// event. props/io_program.hpp runs each step to quiescence in both and compares the step's
// outcomes as a set (the kernel may order a write and the read it wakes either way), then
// the pipes, eventfd and memfd left; a difference traps. io_explain <file>... prints the
// program a crash file decodes to.
#include <cstdio>
#include <vector>

#include "harness_main.hpp"
#include "io_decode.hpp"
#include "io_program.hpp"

namespace {

using namespace io_program;

// Fewer than MAX_STEPS (64, the properties' and io_net's bound): each step runs to
// quiescence through the kernel, so steps set the harness's speed. Measured alone on one
// core for 30 s: 64 steps 2,758 exec/s, 32 steps 3,959, 24 steps 5,674, each reaching the
// same 606 edges (fewer hit-count features: 3,485, 3,240, 3,000).
constexpr std::size_t IO_FUZZ_STEPS = 24;

Program decode(const std::uint8_t* data, std::size_t size) {
    return decode_steps<Program>(
        data, size, IO_FUZZ_STEPS, ORACLE_IO_READ_PIPE, ORACLE_IO_RESET, 2,
        [](std::uint8_t kind) { return kind == ORACLE_IO_WRITE_PIPE || kind == ORACLE_IO_PWRITE_MEMFD; },
        [](std::uint8_t kind) { return kind == ORACLE_IO_WRITE_EVENTFD; });
}

}  // namespace

KIMOJIO_PROGRAM_HARNESS("io", decode, explain, run)
