// Not a port of a kimojio file (upstream has no such loops): write_all and read_exact,
// the short-write and short-read loops over write and read, done once (tokio's
// AsyncWriteExt::write_all and AsyncReadExt::read_exact).
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
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

namespace detail {
// The loop of write_all / read_exact as a future, not a coroutine (performance: no frame,
// no nested awaiter; one write of a whole echo message costs what `write` costs plus
// this poll). `Buffer` is std::span<const char> (write_all) or std::span<char>
// (read_exact); `start` is `write` or `read`. Owner thread only, polled from a task.
template <class Buffer, UsizeFuture (*start)(BorrowedFd, Buffer)>
class ExactIoFuture {
public:
    ExactIoFuture(BorrowedFd fd, Buffer buf, const char* name) : fd_(fd), buf_(buf), name_(name) {}

    Poll<Result<void, ExactIoError>> poll(Context& cx) {
        if (terminated_) {  // as RingFuture: a second poll would start the transfer again
            throw Panic(std::string("kimojio: ") + name_ + " polled after it returned its result");
        }
        for (;;) {
            if (!io_) {
                if (done_ == buf_.size()) return finish(ok());
                io_.emplace(start(fd_, buf_.subspan(done_, std::min(buf_.size() - done_, MAX_CHUNK))));
            }
            auto polled = io_->poll(cx);
            if (polled.is_pending()) return Pending;
            io_.reset();
            Result<std::size_t, Errno> moved = polled.take();
            if (moved.is_err()) {
                return finish(Err{ExactIoError{moved.error().with_context(name_, fd_.fd), done_, buf_.size()}});
            }
            if (moved.value() == 0) {  // end of file, or a write that accepted nothing
                return finish(Err{ExactIoError{Errno{0, name_, fd_.fd}, done_, buf_.size()}});
            }
            done_ += moved.value();
        }
    }

    // Whether it returned its result (futures' FusedFuture::is_terminated).
    bool is_terminated() const { return terminated_; }

private:
    Result<void, ExactIoError> finish(Result<void, ExactIoError> result) {
        terminated_ = true;
        return result;
    }

    // read/write take an unsigned length: never ask for more than this at once.
    static constexpr std::size_t MAX_CHUNK = std::size_t{1} << 30;
    BorrowedFd fd_;
    Buffer buf_;
    const char* name_;  // "write_all" or "read_exact", for the error's message
    std::size_t done_ = 0;
    std::optional<UsizeFuture> io_;  // the read or write in flight; its drop cancels and waits
    bool terminated_ = false;
};
}  // namespace detail

// Writes all of `buf`, looping over short writes. A pipe or socket whose reader is gone
// fails with EPIPE (the Runtime ignores SIGPIPE). Aborting or dropping it cancels the
// write in flight and waits for it, so `buf` may be freed right after.
using WriteAllFuture = detail::ExactIoFuture<std::span<const char>, &write>;
inline WriteAllFuture write_all(BorrowedFd fd, std::span<const char> buf) { return {fd, buf, "write_all"}; }

// Fills all of `buf`, looping over short reads. End of file first is an error with
// is_eof() and `transferred` the bytes that did arrive.
using ReadExactFuture = detail::ExactIoFuture<std::span<char>, &read>;
inline ReadExactFuture read_exact(BorrowedFd fd, std::span<char> buf) { return {fd, buf, "read_exact"}; }

}  // namespace kimojio
