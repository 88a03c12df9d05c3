// Property: generated I/O programs (pipes, eventfd, memfd, timers of zero and "never",
// AsyncEvent, cancel, abort, io_scope) give the same outcomes and leave the same data in
// the port and in the oracle's io model. The driver is props/io_program.hpp, shared with
// the fuzz harness fuzz/io_fuzz.cpp.
#include <rapidcheck.h>

#include "io_program.hpp"
#include "io_gen.hpp"
#include "props_main.hpp"

using namespace io_program;

int main() {
    return props::run({{"port and oracle agree on I/O", [] {
        return rc::check("I/O programs: same outcomes and data in the port and the oracle", [] {
            auto p = io_gen::program<Program>(
                ORACLE_IO_READ_PIPE, ORACLE_IO_RESET, 3,
                [](std::uint8_t kind) { return kind == ORACLE_IO_WRITE_PIPE || kind == ORACLE_IO_PWRITE_MEMFD; },
                [](std::uint8_t kind) { return kind == ORACLE_IO_WRITE_EVENTFD; });
            auto difference = run(p);
            if (difference) RC_FAIL(*difference + "\n" + explain(p));
        });
    }}});
}
