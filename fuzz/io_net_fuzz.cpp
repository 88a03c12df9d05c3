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
#include <cstdio>
#include <vector>

#include "harness_main.hpp"
#include "io_decode.hpp"
#include "io_net_program.hpp"

namespace {

using namespace io_net_program;

Program decode(const std::uint8_t* data, std::size_t size) {
    return io_program::decode_steps<Program>(
        data, size, MAX_STEPS, ORACLE_NET_SEND, ORACLE_NET_ABORT, 3,
        [](std::uint8_t kind) { return kind == ORACLE_NET_SEND || kind == ORACLE_NET_WRITE || kind == ORACLE_NET_PWRITE; },
        [](std::uint8_t) { return false; });
}

}  // namespace

KIMOJIO_PROGRAM_HARNESS("io_net", decode, explain, run)
