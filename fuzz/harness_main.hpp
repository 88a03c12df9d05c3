// Entry points shared by the harnesses. Each harness is built twice: the libFuzzer
// target, and with KIMOJIO_EXPLAIN a tool (`<target>_explain <file>...`) that prints the
// program a crash or corpus file decodes to and whether port and oracle agree on it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

// Reads each file named on the command line and hands its bytes to `explain`, which
// prints what they decode to and returns nonzero if running it shows a difference.
template <class Explain>
int explain_files(int argc, char** argv, Explain&& explain) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s <crash or corpus file>...\n", argv[0]);
        return 2;
    }
    int status = 0;
    for (int i = 1; i < argc; ++i) {
        std::ifstream f(argv[i], std::ios::binary);
        if (!f) {
            std::fprintf(stderr, "cannot read %s\n", argv[i]);
            return 2;
        }
        std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(f)), {});
        std::printf("== %s\n", argv[i]);
        status |= explain(bytes.data(), bytes.size());
    }
    return status;
}

// Runs the program; an exception out of the port is a difference too.
template <class Program, class Run>
auto run_catching(const Program& program, Run&& run) -> decltype(run(program)) {
    try {
        return run(program);
    } catch (const std::exception& e) {
        return std::string("the port threw: ") + e.what();
    }
}

// For a harness whose bytes decode to a program: `decode(data, size)` gives it,
// `explain(program)` prints it, `run(program)` returns the first difference, if any.
#ifndef KIMOJIO_EXPLAIN
#define KIMOJIO_PROGRAM_HARNESS(name, decode, explain, run)                                              \
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {                  \
        auto program = decode(data, size);                                                               \
        if (auto difference = run_catching(program, run)) {                                                            \
            std::fprintf(stderr, "%s: port and oracle differ: %s\n%s", name, difference->c_str(),        \
                         explain(program).c_str());                                                      \
            __builtin_trap();                                                                            \
        }                                                                                                \
        return 0;                                                                                        \
    }
#else
#define KIMOJIO_PROGRAM_HARNESS(name, decode, explain, run)                                              \
    int main(int argc, char** argv) {                                                                    \
        return explain_files(argc, argv, [](const std::uint8_t* data, std::size_t size) {               \
            auto program = decode(data, size);                                                           \
            std::printf("%s", explain(program).c_str());                                                 \
            if (auto difference = run_catching(program, run)) {                                                        \
                std::printf("DIFFERENCE: %s\n", difference->c_str());                                    \
                return 1;                                                                                \
            }                                                                                            \
            std::printf("port and oracle agree\n");                                                      \
            return 0;                                                                                    \
        });                                                                                              \
    }
#endif
