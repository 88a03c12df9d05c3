// Raw liburing side of the file read benchmark (bench/pread_run.py; see BENCHMARKS.md): no
// runtime, the baseline kimojio is held against. `depth` IORING_OP_READ entries of 4 KiB in
// flight at the offsets of bench/pread_common.hpp; each completion is checked and its slot
// refilled, then one io_uring_submit_and_wait submits the refills and waits for the next.
//   liburing_pread <file> <depth> <seconds | -reads> <seed>
#include <fcntl.h>
#include <liburing.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "../pread_common.hpp"

namespace {

[[noreturn]] void die(const char* what, int err) {
    std::fprintf(stderr, "liburing_pread: %s: %s\n", what, std::strerror(err));
    std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
    auto args = pread_bench::parse(argc, argv, "liburing_pread");
    int fd = ::open(args.path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) die("open", errno);
    io_uring ring;
    int err = io_uring_queue_init(static_cast<unsigned>(args.depth), &ring, 0);
    if (err < 0) die("io_uring_queue_init", -err);
    const auto depth = static_cast<std::size_t>(args.depth);
    std::vector<char> bufs(depth * pread_bench::BLOCK);
    std::vector<std::uint64_t> offsets(depth);
    pread_bench::Claims claims(args);
    auto issue = [&](std::size_t slot) {
        std::uint64_t i = 0;
        if (!claims.claim(i)) return false;
        offsets[slot] = pread_bench::offset_of(args, i);
        io_uring_sqe* sqe = io_uring_get_sqe(&ring);
        if (sqe == nullptr) die("io_uring_get_sqe", EBUSY);
        io_uring_prep_read(sqe, fd, bufs.data() + slot * pread_bench::BLOCK, pread_bench::BLOCK, offsets[slot]);
        io_uring_sqe_set_data64(sqe, slot);
        return true;
    };
    std::size_t in_flight = 0;
    for (std::size_t slot = 0; slot < depth; ++slot) in_flight += issue(slot) ? 1 : 0;
    while (in_flight > 0) {
        err = io_uring_submit_and_wait(&ring, 1);
        if (err < 0 && err != -EINTR) die("io_uring_submit_and_wait", -err);
        io_uring_cqe* cqe = nullptr;
        unsigned head = 0, seen = 0;
        io_uring_for_each_cqe(&ring, head, cqe) {
            auto slot = static_cast<std::size_t>(cqe->user_data);
            claims.completed(bufs.data() + slot * pread_bench::BLOCK, cqe->res, offsets[slot]);
            --in_flight;
            ++seen;
            if (issue(slot)) ++in_flight;
        }
        io_uring_cq_advance(&ring, seen);
    }
    io_uring_queue_exit(&ring);
    ::close(fd);
    return claims.report("raw_liburing");
}
