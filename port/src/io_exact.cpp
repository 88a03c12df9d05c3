// Not a port of a kimojio file: write_all and read_exact (see kimojio/io_exact.hpp).
#include "kimojio/io_exact.hpp"

#include <algorithm>
#include <string_view>

namespace kimojio {

namespace {
// read/write take an unsigned length: never ask for more than this at once.
constexpr std::size_t max_chunk = std::size_t{1} << 30;

std::string progress(const ExactIoError& e) {
    return " after " + std::to_string(e.transferred) + " of " + std::to_string(e.wanted) + " bytes";
}
}  // namespace

void throw_error(const ExactIoError& e) {
    if (!e.is_eof()) {
        throw std::system_error(e.error.code, std::generic_category(), describe(e.error) + progress(e));
    }
    bool writing = e.error.op != nullptr && std::string_view(e.error.op) == "write_all";
    throw ShortIoError(std::string("kimojio: ") + (writing ? "write_all" : "read_exact") + " on fd " +
                       std::to_string(e.error.fd) + (writing ? ": a write accepted 0 bytes" : ": end of file") +
                       progress(e) + (writing ? "" : " (the writer closed its end, or the file is shorter)"));
}

Async<Result<void, ExactIoError>> write_all(BorrowedFd fd, std::span<const char> buf) {
    std::size_t done = 0;
    while (done < buf.size()) {
        Result<std::size_t, Errno> written = co_await write(fd, buf.subspan(done, std::min(buf.size() - done, max_chunk)));
        if (written.is_err()) {
            Errno error = written.error().with_context("write_all", fd.fd);
            co_return Err{ExactIoError{error, done, buf.size()}};
        }
        if (written.value() == 0) {
            co_return Err{ExactIoError{Errno{0, "write_all", fd.fd}, done, buf.size()}};
        }
        done += written.value();
    }
    co_return ok();
}

Async<Result<void, ExactIoError>> read_exact(BorrowedFd fd, std::span<char> buf) {
    std::size_t done = 0;
    while (done < buf.size()) {
        Result<std::size_t, Errno> got = co_await read(fd, buf.subspan(done, std::min(buf.size() - done, max_chunk)));
        if (got.is_err()) {
            Errno error = got.error().with_context("read_exact", fd.fd);
            co_return Err{ExactIoError{error, done, buf.size()}};
        }
        if (got.value() == 0) {
            co_return Err{ExactIoError{Errno{0, "read_exact", fd.fd}, done, buf.size()}};
        }
        done += got.value();
    }
    co_return ok();
}

}  // namespace kimojio
