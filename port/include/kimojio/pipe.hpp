// Port of kimojio/src/pipe.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
//
// `bipipe()` returns a pair of read-write pipes where the read of one is connected to the
// write of the other; `pipe()` a one-way pipe. Usage:
//
//     auto [readwrite_pipe_client, readwrite_pipe_server] = kimojio::bipipe();
//     auto [read_end, write_end] = kimojio::pipe().value();
#pragma once

#include <utility>

#include "kimojio/owned_fd.hpp"
#include "kimojio/result.hpp"

namespace kimojio {

// Creates a pair of bidirectional connected pipes (a connected AF_UNIX stream socketpair,
// close-on-exec): data written to one can be read from the other. Throws std::system_error
// (e.g. EMFILE: too many open descriptors) where Rust panics on `unwrap`.
// pipe.rs:28-36 bipipe (part 1 of 2: declaration)
std::pair<OwnedFd, OwnedFd> bipipe();

// Creates a unidirectional pipe for IPC / inter-thread communication (pipe2(2),
// close-on-exec). `first` is the read end, `second` the write end. Fails with the errno of
// pipe2 (EMFILE, ENFILE).
// pipe.rs:41-50 pipe (part 1 of 2: declaration)
Result<std::pair<OwnedFd, OwnedFd>, Errno> pipe();

}  // namespace kimojio
