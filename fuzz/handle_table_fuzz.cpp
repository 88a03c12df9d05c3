// Differential fuzz harness: HandleTable (port) against the oracle's, op by op.
// Any difference in an index handed out, a value got or removed, len, or the iteration
// order traps. Built twice: the libFuzzer target, and with KIMOJIO_EXPLAIN a tool that
// prints the operations a crash file decodes to: handle_table_explain <file>...
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <vector>

#include "harness_main.hpp"
#include "kimojio/handle_table.hpp"
#include "oracle.h"

namespace {

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "handle_table: port and oracle differ: %s\n", what);
        __builtin_trap();
    }
}

// Runs (explain == false) or prints (explain == true) the program the bytes decode to.
void run(const std::uint8_t* data, std::size_t size, bool explain) {
    FuzzedDataProvider in(data, size);
    kimojio::HandleTable<std::uint64_t> port;
    OracleHandleTable* oracle = oracle_ht_new();
    while (in.remaining_bytes() > 0) {
        std::uint64_t arg = in.ConsumeIntegralInRange<std::uint64_t>(1, 40);
        switch (in.ConsumeIntegralInRange<int>(0, 5)) {
            case 0:
            case 1: {  // insert (twice as likely)
                if (explain) { std::printf("insert(%llu)\n", (unsigned long long)arg); break; }
                check(port.insert(arg).get() == oracle_ht_insert(oracle, arg), "insert index");
                break;
            }
            case 2: {
                if (explain) { std::printf("remove(%llu)\n", (unsigned long long)arg); break; }
                std::uint64_t v = 0;
                bool had = oracle_ht_remove(oracle, arg, &v);
                auto removed = port.remove(kimojio::Index::from(arg));
                check(removed.has_value() == had && (!had || *removed == v), "remove");
                break;
            }
            case 3: {
                if (explain) { std::printf("get(%llu)\n", (unsigned long long)arg); break; }
                std::uint64_t v = 0;
                bool had = oracle_ht_get(oracle, arg, &v);
                const std::uint64_t* got = port.get(kimojio::Index::from(arg));
                check((got != nullptr) == had && (!had || *got == v), "get");
                break;
            }
            case 4: {
                if (explain) { std::printf("clear()\n"); break; }
                port.clear();
                oracle_ht_clear(oracle);
                break;
            }
            default: {
                if (explain) { std::printf("iterate()\n"); break; }
                // Kept across runs: ASan's allocator is a third of a run's time otherwise.
                static std::vector<std::uint64_t> expected, got;
                expected.resize(oracle_ht_indexes(oracle, nullptr, 0));
                oracle_ht_indexes(oracle, expected.data(), expected.size());
                got.clear();
                for (auto [index, value] : port.iter()) got.push_back(index.get());
                check(got == expected, "iteration order");
                check(port.len() == oracle_ht_len(oracle), "len");
            }
        }
    }
    oracle_ht_free(oracle);
}

}  // namespace

#ifndef KIMOJIO_EXPLAIN
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    run(data, size, false);
    return 0;
}
#else
int main(int argc, char** argv) {
    return explain_files(argc, argv, [](const std::uint8_t* data, std::size_t size) {
        run(data, size, true);
        return 0;
    });
}
#endif
