// rustix::fd::OwnedFd: a file descriptor closed on destruction. Not a port of a kimojio file.
#pragma once

#include <unistd.h>

#include <utility>

namespace kimojio {

class OwnedFd {
public:
    OwnedFd() = default;
    // Takes ownership of `fd` (Rust: OwnedFd::from_raw_fd).
    explicit OwnedFd(int fd) : fd_(fd) {}
    OwnedFd(OwnedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    OwnedFd& operator=(OwnedFd&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    OwnedFd(const OwnedFd&) = delete;
    OwnedFd& operator=(const OwnedFd&) = delete;
    ~OwnedFd() { reset(); }

    int as_raw_fd() const { return fd_; }
    bool is_valid() const { return fd_ >= 0; }
    // Gives up ownership without closing (Rust: IntoRawFd).
    int into_raw_fd() { return std::exchange(fd_, -1); }
    // dup(2) with FD_CLOEXEC; throws std::system_error on failure.
    OwnedFd try_clone() const;

private:
    void reset() noexcept {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    int fd_ = -1;
};

}  // namespace kimojio
