// kimojio's side of the file read benchmark (bench/pread_run.py; see BENCHMARKS.md): `depth`
// reads of 4 KiB in flight with kimojio::pread at the offsets of bench/pread_common.hpp, each
// block checked against the file's pattern. depth - 1 spawned tasks and the main task each
// keep one read in flight. The raw baseline is bench/peers/liburing_pread.cpp.
//   pread_bench <file> <depth> <seconds | -reads> <seed>
#include <fcntl.h>

#include <array>
#include <cstdio>
#include <vector>

#include "kimojio/kimojio.hpp"
#include "pread_common.hpp"

namespace {

using pread_bench::Claims;

kimojio::Async<void> reader(const kimojio::OwnedFd& file, Claims& claims) {
    std::array<char, pread_bench::BLOCK> buf;
    std::uint64_t i = 0;
    while (claims.claim(i)) {
        std::uint64_t offset = pread_bench::offset_of(claims.args, i);
        auto got = co_await kimojio::pread(file, buf, offset);
        claims.completed(buf.data(), got.is_err() ? -1 : static_cast<long>(got.value()), offset);
    }
}

kimojio::Async<int> run(pread_bench::Args args) {
    kimojio::OwnedFd file = (co_await kimojio::open(args.path, O_RDONLY | O_CLOEXEC, 0)).value();
    Claims claims(args);
    std::vector<kimojio::JoinHandle<void>> others;
    for (int t = 1; t < args.depth; ++t) others.push_back(kimojio::spawn(reader(file, claims)));
    co_await reader(file, claims);
    for (auto& task : others) co_await task;
    co_return claims.report("kimojio");
}

}  // namespace

int main(int argc, char** argv) {
    auto args = pread_bench::parse(argc, argv, "pread_bench");
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto status = runtime.block_on(run(args));  // value() rethrows what the main task threw
    return status ? status->value() : 1;
}
