// Differential fuzz harness: one runtime's sockets and files, port against oracle
// (oracle/src/io_net.rs). The bytes decode to up to 64 steps: tasks in four slots that
// send / recv / shutdown / close a socketpair, connect / accept / send / recv / shut down
// one TCP connection on loopback (and connect to a port nobody listens on, bind to one in
// use), open / write / pwrite / pread / fsync / unlink / close two files in a temporary
// directory; cancels of a task's I/O and aborts of a task. props/io_net_program.hpp runs
// each step to quiescence in both and compares the step's outcomes as a set (the kernel
// may order a send and the recv it wakes either way), then the data, descriptors and files
// left; a difference traps. io_net_explain <file>... prints the program a crash file
// decodes to.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <vector>

#include "harness_main.hpp"
#include "io_net_program.hpp"

namespace {

using namespace io_net_program;

Program decode(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    Program p;
    while (in.remaining_bytes() > 0 && p.steps.size() < MAX_STEPS) {
        OracleIoOp op{};
        op.op = in.ConsumeIntegralInRange<std::uint8_t>(ORACLE_NET_SEND, ORACLE_NET_ABORT);
        op.slot = in.ConsumeIntegralInRange<std::uint8_t>(0, SLOTS - 1);
        op.target = in.ConsumeIntegralInRange<std::uint8_t>(0, 3);
        bool writes = op.op == ORACLE_NET_SEND || op.op == ORACLE_NET_WRITE || op.op == ORACLE_NET_PWRITE;
        op.len = in.ConsumeIntegralInRange<std::uint8_t>(1, writes ? 8 : 16);
        op.zero = in.ConsumeBool();
        op.offset = in.ConsumeIntegralInRange<std::uint8_t>(0, 15);
        if (writes) {
            for (std::uint8_t i = 0; i < op.len; ++i) op.data[i] = in.ConsumeIntegral<std::uint8_t>();
        }
        p.steps.push_back(op);
    }
    return p;
}

}  // namespace

KIMOJIO_PROGRAM_HARNESS("io_net", decode, explain, run)
