// Adapted from kimojio/src/errors.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f:
// the error types the ported operations return (ChannelError, CanceledError, TimeoutError, TaskHandleError).
#pragma once

#include <cerrno>
#include <exception>
#include <stdexcept>
#include <system_error>

#include "kimojio/result.hpp"

namespace kimojio {

// Why a channel operation gave no value.
// errors.rs:9-13 ChannelError
enum class ChannelError {
    // The other side is gone (or the value was already taken).
    Closed,
    // The wait was canceled (io_scope cancellation).
    Canceled,
    // The deadline passed first.
    Timeout,
};

// The wait was canceled (io_scope cancellation).
struct CanceledError {
    friend bool operator==(CanceledError, CanceledError) { return true; }
};

// An error indicating an operation timed out or was canceled.
enum class TimeoutError {
    // The operation exceeded its deadline.
    Timeout,
    // The operation was canceled.
    Canceled,
};

// errors.rs:33-37 From<CanceledError> for ChannelError
inline ChannelError channel_error_from(CanceledError) { return ChannelError::Canceled; }

// errors.rs:39-46 From<TimeoutError> for ChannelError
inline ChannelError channel_error_from(TimeoutError e) {
    return e == TimeoutError::Timeout ? ChannelError::Timeout : ChannelError::Canceled;
}

// Why awaiting a TaskHandle gave no value.
class TaskHandleError {
public:
    enum class Kind { Canceled, Panic };
    static TaskHandleError Canceled() { return TaskHandleError(Kind::Canceled, nullptr); }
    // The task threw; `payload` is its exception (Rust: the panic payload).
    static TaskHandleError Panic(std::exception_ptr payload) { return TaskHandleError(Kind::Panic, payload); }
    Kind kind() const { return kind_; }
    const std::exception_ptr& payload() const { return payload_; }
    friend bool operator==(const TaskHandleError& a, const TaskHandleError& b) {
        return a.kind_ == b.kind_ && a.payload_ == b.payload_;
    }

private:
    TaskHandleError(Kind kind, std::exception_ptr payload) : kind_(kind), payload_(payload) {}
    Kind kind_;
    std::exception_ptr payload_;
};

// Thrown by value() of a Result holding CanceledError or TaskHandleError::Canceled.
class CanceledException : public std::runtime_error {
public:
    CanceledException() : std::runtime_error("kimojio: the wait was canceled (io_scope cancellation)") {}
};

// errors.rs:23-31 From<ChannelError> for Errno
[[noreturn]] inline void throw_error(ChannelError e) {
    switch (e) {
        case ChannelError::Closed:
            throw std::system_error(EPIPE, std::generic_category(),
                                    "kimojio: receiving on a closed channel (the other side was dropped or the value was taken)");
        case ChannelError::Canceled:
            throw std::system_error(ECANCELED, std::generic_category(), "kimojio: channel wait was canceled (io_scope cancellation)");
        case ChannelError::Timeout:
            break;
    }
    throw std::system_error(ETIME, std::generic_category(), "kimojio: channel wait passed its deadline");
}
[[noreturn]] inline void throw_error(CanceledError) { throw CanceledException(); }
[[noreturn]] inline void throw_error(TimeoutError e) {
    if (e == TimeoutError::Canceled) throw CanceledException();
    throw std::system_error(ETIMEDOUT, std::generic_category(), "kimojio: wait timed out");
}
[[noreturn]] inline void throw_error(const TaskHandleError& e) {
    if (e.kind() == TaskHandleError::Kind::Panic) std::rethrow_exception(e.payload());
    throw CanceledException();
}

}  // namespace kimojio
