// Shared by the file read benchmark's C++ programs (bench/pread_bench.cpp, kimojio;
// bench/peers/liburing_pread.cpp, raw liburing; see bench/pread_run.py and BENCHMARKS.md):
// the arguments, the offset sequence and the check of each block read. The tokio peer
// (bench/peers/tokio, mode pread) and the driver compute the same sequence.
//
// File pattern (written by bench/pread_run.py): the 8-byte little-endian word at byte
// offset o holds o. Read i (0, 1, 2, ...) is the 4 KiB block at
//   offset_of(i) = (splitmix64(seed + i) % (file_size / 4096)) * 4096
// so any program that does reads 0..n-1 reads the same blocks, in whatever order its
// `depth` reads in flight complete.
#pragma once

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace pread_bench {

constexpr std::uint64_t BLOCK = 4096;

inline std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

struct Args {
    const char* path;
    std::uint64_t blocks;  // file size / BLOCK
    int depth;             // reads in flight
    double seconds;        // > 0: run this long
    std::uint64_t limit;   // else: exactly this many reads
    std::uint64_t seed;
};

// <program> <file> <depth> <seconds | -reads> <seed>; exits 2 on bad arguments.
inline Args parse(int argc, char** argv, const char* program) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s <file> <depth> <seconds | -reads> <seed>\n", program);
        std::exit(2);
    }
    struct stat st{};
    if (::stat(argv[1], &st) != 0) {
        std::fprintf(stderr, "%s: %s: %s\n", program, argv[1], std::strerror(errno));
        std::exit(2);
    }
    Args a{argv[1], static_cast<std::uint64_t>(st.st_size) / BLOCK, std::atoi(argv[2]), 0, 0,
           std::strtoull(argv[4], nullptr, 10)};
    double v = std::atof(argv[3]);
    if (v > 0) {
        a.seconds = v;
        a.limit = UINT64_MAX;
    } else {
        a.limit = static_cast<std::uint64_t>(-v);
    }
    if (a.blocks == 0 || a.depth < 1) {
        std::fprintf(stderr, "%s: need a file of at least 4 KiB and depth >= 1\n", program);
        std::exit(2);
    }
    return a;
}

inline std::uint64_t offset_of(const Args& a, std::uint64_t i) { return (splitmix64(a.seed + i) % a.blocks) * BLOCK; }

// The first and last words of the block: what the pattern says they hold.
inline bool block_ok(const char* buf, std::uint64_t offset) {
    std::uint64_t first = 0, last = 0;
    std::memcpy(&first, buf, 8);
    std::memcpy(&last, buf + BLOCK - 8, 8);
    return first == offset && last == offset + BLOCK - 8;
}

// Claims read indices for the workers of one thread; the time check runs every 256 claims.
struct Claims {
    using Clock = std::chrono::steady_clock;
    Args args;
    std::uint64_t next = 0;
    std::uint64_t done = 0;
    std::uint64_t offset_sum = 0;  // of completed reads: the driver compares it with its own
    std::uint64_t bad = 0;
    Clock::time_point start = Clock::now();
    Clock::time_point deadline = Clock::time_point::max();

    explicit Claims(const Args& a) : args(a) {
        if (a.seconds > 0)
            deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(a.seconds));
    }
    // The index of the next read, or false once the count or the time is up.
    bool claim(std::uint64_t& i) {
        if (next >= args.limit) return false;
        if ((next & 255) == 0 && deadline != Clock::time_point::max() && Clock::now() >= deadline) {
            args.limit = next;
            return false;
        }
        i = next++;
        return true;
    }
    void completed(const char* buf, long got, std::uint64_t offset) {
        ++done;
        offset_sum += offset;
        if (got != static_cast<long>(BLOCK) || !block_ok(buf, offset)) ++bad;
    }
    // Prints the RESULT and CHECKED lines; the exit status is 1 if a block was wrong.
    int report(const char* impl) const {
        double s = std::chrono::duration<double>(Clock::now() - start).count();
        std::printf("RESULT pread_%d %s %.0f reads/s\n", args.depth, impl, static_cast<double>(done) / s);
        std::printf("CHECKED %llu reads offset_sum %llu bad %llu\n", static_cast<unsigned long long>(done),
                    static_cast<unsigned long long>(offset_sum), static_cast<unsigned long long>(bad));
        if (bad != 0) std::fprintf(stderr, "%s: %llu blocks did not hold the file's pattern\n", impl,
                                   static_cast<unsigned long long>(bad));
        return bad == 0 ? 0 : 1;
    }
};

}  // namespace pread_bench
