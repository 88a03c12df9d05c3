// Not a port of a kimojio file (upstream has no such loops): write_all and read_exact,
// the short-write and short-read loops over write and read, done once (tokio's
// AsyncWriteExt::write_all and AsyncReadExt::read_exact).
#pragma once

#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>

#include "kimojio/async.hpp"
#include "kimojio/operations.hpp"

namespace kimojio {

// Why write_all / read_exact stopped before the whole buffer was moved.
struct ExactIoError {
    // The failed read's or write's error (naming the operation and fd); code 0 when
    // read_exact reached end of file or a write accepted no bytes.
    Errno error;
    // Bytes moved before it stopped, of `wanted`.
    std::size_t transferred = 0;
    std::size_t wanted = 0;
    bool is_eof() const { return error.code == 0; }
    friend bool operator==(const ExactIoError&, const ExactIoError&) = default;
};

// Thrown by value() when read_exact hit end of file or write_all a zero-byte write.
class ShortIoError : public std::runtime_error {
public:
    explicit ShortIoError(const std::string& what) : std::runtime_error(what) {}
};

// value() throws std::system_error for an I/O error (what(): "kimojio: write_all on fd 7
// failed after 3 of 8 bytes: Broken pipe"), ShortIoError for end of file.
[[noreturn]] void throw_error(const ExactIoError& e);

// Writes all of `buf`, looping over short writes. A pipe or socket whose reader is gone
// fails with EPIPE (the Runtime ignores SIGPIPE). Aborting or dropping it cancels the
// write in flight and waits for it, so `buf` may be freed right after.
Async<Result<void, ExactIoError>> write_all(BorrowedFd fd, std::span<const char> buf);

// Fills all of `buf`, looping over short reads. End of file first is an error with
// is_eof() and `transferred` the bytes that did arrive.
Async<Result<void, ExactIoError>> read_exact(BorrowedFd fd, std::span<char> buf);

}  // namespace kimojio
