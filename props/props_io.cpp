// Property: generated I/O programs (pipes, eventfd, memfd, timers of zero and "never",
// AsyncEvent, cancel, abort, io_scope) give the same outcomes and leave the same data in
// the port and in the oracle's io model. The driver is props/io_program.hpp, shared with
// the fuzz harness fuzz/io_fuzz.cpp.
#include <rapidcheck.h>

#include "io_program.hpp"
#include "props_main.hpp"

using namespace io_program;

int main() {
    return props::run({{"port and oracle agree on I/O", [] {
        return rc::check("I/O programs: same outcomes and data in the port and the oracle", [] {
            Program p;
            auto ops = *rc::gen::container<std::vector<std::uint8_t>>(
                rc::gen::inRange<std::uint8_t>(ORACLE_IO_READ_PIPE, ORACLE_IO_RESET + 1));
            for (std::uint8_t kind : ops) {
                if (p.steps.size() == MAX_STEPS) break;
                OracleIoOp op{};
                op.op = kind;
                op.slot = *rc::gen::inRange<std::uint8_t>(0, SLOTS);
                op.target = *rc::gen::inRange<std::uint8_t>(0, 3);
                bool writes = kind == ORACLE_IO_WRITE_PIPE || kind == ORACLE_IO_PWRITE_MEMFD;
                op.len = kind == ORACLE_IO_WRITE_EVENTFD ? *rc::gen::inRange<std::uint8_t>(1, 255)
                                                         : *rc::gen::inRange<std::uint8_t>(1, writes ? 9 : 17);
                op.zero = *rc::gen::arbitrary<bool>();
                op.offset = *rc::gen::inRange<std::uint8_t>(0, 16);
                for (auto& b : op.data) b = *rc::gen::inRange<std::uint8_t>('a', 'z' + 1);
                p.steps.push_back(op);
            }
            auto difference = run(p);
            if (difference) RC_FAIL(*difference + "\n" + explain(p));
        });
    }}});
}
