// Port of kimojio/src/pipe.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f
// (bipipe, pipe), in Rust order.
#include "kimojio/pipe.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace kimojio {

// pipe.rs:28-36 bipipe (part 2 of 2: definition)
std::pair<OwnedFd, OwnedFd> bipipe() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        throw std::system_error(errno, std::generic_category(),
                                "kimojio::bipipe: socketpair(AF_UNIX, SOCK_STREAM) failed (EMFILE/ENFILE: close "
                                "descriptors or raise RLIMIT_NOFILE)");
    }
    return {OwnedFd(fds[0]), OwnedFd(fds[1])};
}

// pipe.rs:41-50 pipe (part 2 of 2: definition)
Result<std::pair<OwnedFd, OwnedFd>, Errno> pipe() {
    int fds[2] = {0, 0};
    if (::pipe2(fds, O_CLOEXEC) < 0) {
        return Err{Errno{errno}.with_context("pipe2", -1)};
    }
    return Ok{std::pair<OwnedFd, OwnedFd>(OwnedFd(fds[0]), OwnedFd(fds[1]))};
}

}  // namespace kimojio
