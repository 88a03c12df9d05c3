// Property: generated socket and file programs (a socketpair, a TCP connection on
// loopback, two files in a temporary directory; cancels and aborts) give the same
// outcomes and leave the same data in the port and in the oracle's io_net model. The
// driver is props/io_net_program.hpp, shared with the fuzz harness fuzz/io_net_fuzz.cpp.
#include <rapidcheck.h>

#include "io_net_program.hpp"
#include "io_gen.hpp"
#include "props_main.hpp"

using namespace io_net_program;

int main() {
    return props::run({{"port and oracle agree on sockets and files", [] {
        return rc::check("socket and file programs: same outcomes and data in the port and the oracle", [] {
            auto p = io_gen::program<Program>(
                ORACLE_NET_SEND, ORACLE_NET_ABORT, 4,
                [](std::uint8_t kind) {
                    return kind == ORACLE_NET_SEND || kind == ORACLE_NET_WRITE || kind == ORACLE_NET_PWRITE;
                },
                [](std::uint8_t) { return false; });
            auto difference = run(p);
            if (difference) RC_FAIL(*difference + "\n" + explain(p));
        });
    }}});
}
