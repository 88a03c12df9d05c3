// Rust's Result<T, E> and rustix's Errno, as far as the port uses them.
// Not a port of a kimojio file: kimojio uses core::result and rustix_uring::Errno.
#pragma once

#include <cerrno>
#include <exception>
#include <string>
#include <system_error>
#include <utility>
#include <optional>
#include <variant>

namespace kimojio {

// A positive errno value (rustix::io::Errno).
// Not in rustix: `op` and `fd` say which operation failed on which descriptor (set by
// the I/O futures; nullptr / -1 when unknown), for the message `value()` throws with.
// They are not part of the value: two Errnos are equal when their codes are.
struct Errno {
    int code = 0;
    const char* op = nullptr;
    int fd = -1;
    constexpr int raw_os_error() const { return code; }
    static constexpr Errno from_raw_os_error(int code) { return Errno{code}; }
    // This code, naming the operation (a string literal) and the descriptor.
    constexpr Errno with_context(const char* operation, int descriptor) const {
        return Errno{code, operation, descriptor};
    }
    friend constexpr bool operator==(Errno a, Errno b) { return a.code == b.code; }

    static const Errno CANCELED;
    static const Errno TIME;
    static const Errno TIMEDOUT;
    static const Errno INVAL;
    static const Errno PIPE;
    static const Errno AGAIN;
    static const Errno BADF;
    static const Errno FAULT;
};
inline constexpr Errno Errno::CANCELED{ECANCELED};
inline constexpr Errno Errno::TIME{ETIME};
inline constexpr Errno Errno::TIMEDOUT{ETIMEDOUT};
inline constexpr Errno Errno::INVAL{EINVAL};
inline constexpr Errno Errno::PIPE{EPIPE};
inline constexpr Errno Errno::AGAIN{EAGAIN};
inline constexpr Errno Errno::BADF{EBADF};
inline constexpr Errno Errno::FAULT{EFAULT};

// "kimojio: write on fd 7 failed" (what() appends ": Broken pipe").
inline std::string describe(Errno e) {
    std::string what = "kimojio: ";
    what += e.op != nullptr ? e.op : "I/O operation";
    if (e.fd >= 0) {
        what += " on fd " + std::to_string(e.fd);
    }
    what += " failed";
    return what;
}

// Turns the error of a Result into the exception `value()` throws.
[[noreturn]] inline void throw_error(Errno e) { throw std::system_error(e.code, std::generic_category(), describe(e)); }
[[noreturn]] inline void throw_error(const std::exception_ptr& e) { std::rethrow_exception(e); }
template <class E>
[[noreturn]] void throw_error(const E&) {
    throw std::runtime_error("kimojio: Result::value() called on an error");
}

template <class T>
struct Ok {
    T value;
};
template <>
struct Ok<void> {};
template <class E>
struct Err {
    E error;
};
template <class T>
Ok(T) -> Ok<T>;
template <class E>
Err(E) -> Err<E>;
inline Ok<void> ok() { return {}; }

template <class T, class E>
class [[nodiscard]] Result {
public:
    using value_type = T;
    using error_type = E;
    template <class U>
    Result(Ok<U> ok) : v_(std::in_place_index<0>, std::move(ok.value)) {}
    template <class F>
    Result(Err<F> err) : v_(std::in_place_index<1>, std::move(err.error)) {}

    bool is_ok() const { return v_.index() == 0; }
    bool is_err() const { return v_.index() == 1; }
    // The value; throws the error (std::system_error for Errno) when there is none.
    T& value() & {
        if (is_err()) throw_error(error());
        return std::get<0>(v_);
    }
    T value() && {
        if (is_err()) throw_error(error());
        return std::move(std::get<0>(v_));
    }
    const E& error() const& { return std::get<1>(v_); }
    // Moves the error out (a move-only error, e.g. a message given back).
    E error() && { return std::move(std::get<1>(v_)); }
    friend bool operator==(const Result& a, const Result& b) { return a.v_ == b.v_; }

private:
    std::variant<T, E> v_;
};

template <class E>
class [[nodiscard]] Result<void, E> {
public:
    using value_type = void;
    using error_type = E;
    Result(Ok<void>) {}
    template <class F>
    Result(Err<F> err) : err_(std::in_place, std::move(err.error)) {}

    bool is_ok() const { return !err_.has_value(); }
    bool is_err() const { return err_.has_value(); }
    void value() const {
        if (is_err()) throw_error(*err_);
    }
    const E& error() const& { return *err_; }
    E error() && { return std::move(*err_); }
    friend bool operator==(const Result& a, const Result& b) { return a.err_ == b.err_; }

private:
    std::optional<E> err_;
};

}  // namespace kimojio
