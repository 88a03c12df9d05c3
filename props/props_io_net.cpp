// Property: generated socket and file programs (a socketpair, a TCP connection on
// loopback, two files in a temporary directory; cancels and aborts) give the same
// outcomes and leave the same data in the port and in the oracle's io_net model. The
// driver is props/io_net_program.hpp, shared with the fuzz harness fuzz/io_net_fuzz.cpp.
#include <rapidcheck.h>

#include "io_net_program.hpp"
#include "props_main.hpp"

using namespace io_net_program;

int main() {
    return props::run({{"port and oracle agree on sockets and files", [] {
        return rc::check("socket and file programs: same outcomes and data in the port and the oracle", [] {
            Program p;
            auto ops = *rc::gen::container<std::vector<std::uint8_t>>(
                rc::gen::inRange<std::uint8_t>(ORACLE_NET_SEND, ORACLE_NET_ABORT + 1));
            for (std::uint8_t kind : ops) {
                if (p.steps.size() == MAX_STEPS) break;
                OracleIoOp op{};
                op.op = kind;
                op.slot = *rc::gen::inRange<std::uint8_t>(0, SLOTS);
                op.target = *rc::gen::inRange<std::uint8_t>(0, 4);
                bool writes = kind == ORACLE_NET_SEND || kind == ORACLE_NET_WRITE || kind == ORACLE_NET_PWRITE;
                op.len = *rc::gen::inRange<std::uint8_t>(1, writes ? 9 : 17);
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
