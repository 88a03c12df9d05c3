// The shared main of the `<target>_explain` tools: reads each file named on the command
// line and hands its bytes to `explain`, which prints the program they decode to and
// returns nonzero if running it shows a difference.
#pragma once

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

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
