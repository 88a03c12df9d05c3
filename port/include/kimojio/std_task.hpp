// Model of Rust's std::task (Poll, RawWaker, RawWakerVTable, Waker, Context) and
// std::future::Future, with Rust's semantics: copying a Waker is `clone`, destroying
// it is `drop`, `std::move(w).wake()` consumes it, `wake_by_ref()` does not.
// Not a port of a kimojio file: kimojio uses these types from Rust's standard library.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace kimojio {

// `()` of Rust: the value of a future or task that returns nothing.
struct Unit {
    friend bool operator==(Unit, Unit) { return true; }
};

template <class T>
using non_void_t = std::conditional_t<std::is_void_v<T>, Unit, T>;

struct PendingTag {};
struct ReadyTag {};
inline constexpr PendingTag Pending{};
inline constexpr ReadyTag Ready{};

// Poll<T>: Ready(value) or Pending. Poll<void> is Rust's Poll<()>.
template <class T>
class [[nodiscard]] Poll {
public:
    using value_type = T;
    Poll(PendingTag) {}
    Poll(T value) : value_(std::move(value)) {}
    bool is_ready() const { return value_.has_value(); }
    bool is_pending() const { return !value_.has_value(); }
    T& value() & { return *value_; }
    T take() { return std::move(*value_); }

private:
    std::optional<T> value_;
};

template <>
class [[nodiscard]] Poll<void> {
public:
    using value_type = void;
    Poll(PendingTag) {}
    Poll(ReadyTag) : ready_(true) {}
    bool is_ready() const { return ready_; }
    bool is_pending() const { return !ready_; }
    void take() {}

private:
    bool ready_ = false;
};

struct RawWakerVTable;

// The data word and the vtable of a waker, as std::task::RawWaker.
struct RawWaker {
    const void* data = nullptr;
    const RawWakerVTable* vtable = nullptr;
};

// As std::task::RawWakerVTable: `wake` consumes the data, `drop` releases it,
// `clone` returns a new RawWaker that owns its own reference.
struct RawWakerVTable {
    RawWaker (*clone)(const void*);
    void (*wake)(const void*);
    void (*wake_by_ref)(const void*);
    void (*drop)(const void*);
};

class Waker {
public:
    // SAFETY contract as Rust's Waker::from_raw: the vtable functions must uphold
    // the waker contract for `raw.data`.
    static Waker from_raw(RawWaker raw) noexcept { return Waker(raw); }

    // A waker that does nothing (std::task::Waker::noop).
    static const Waker& noop();

    Waker(const Waker& other) : raw_((check(other.raw_), other.raw_.vtable->clone(other.raw_.data))) {}
    Waker(Waker&& other) noexcept : raw_(std::exchange(other.raw_, RawWaker{})) {}
    Waker& operator=(const Waker& other) {
        clone_from(other);
        return *this;
    }
    Waker& operator=(Waker&& other) noexcept {
        if (this != &other) {
            release();
            raw_ = std::exchange(other.raw_, RawWaker{});
        }
        return *this;
    }
    ~Waker() { release(); }

    // Consumes the waker: `drop` is not called afterwards.
    void wake() && {
        RawWaker raw = std::exchange(raw_, RawWaker{});
        check(raw);
        raw.vtable->wake(raw.data);
    }

    void wake_by_ref() const {
        check(raw_);
        raw_.vtable->wake_by_ref(raw_.data);
    }

    // True if both wakers would wake the same task (same data and vtable).
    bool will_wake(const Waker& other) const {
        return raw_.data == other.raw_.data && raw_.vtable == other.raw_.vtable;
    }

    // As Waker::clone_from: skip the clone when it would wake the same task.
    void clone_from(const Waker& source) {
        if (!will_wake(source)) {
            *this = Waker(source);
        }
    }

    const void* data() const { return raw_.data; }
    const RawWakerVTable* vtable() const { return raw_.vtable; }

private:
    explicit Waker(RawWaker raw) noexcept : raw_(raw) {}
    static void check(const RawWaker& raw) {
        // Rust's type system forbids using a consumed waker; C++ can only check.
        if (raw.vtable == nullptr) {
            throw std::logic_error("kimojio: Waker used after it was moved from or woken by value");
        }
    }
    void release() noexcept {
        if (raw_.vtable != nullptr) {
            raw_.vtable->drop(raw_.data);
            raw_ = RawWaker{};
        }
    }
    RawWaker raw_;
};

// As std::task::Context: borrows the waker of the task being polled.
class Context {
public:
    static Context from_waker(const Waker& waker) { return Context(waker); }
    const Waker& waker() const { return *waker_; }

private:
    explicit Context(const Waker& waker) : waker_(&waker) {}
    const Waker* waker_;
};

template <class P>
struct is_poll : std::false_type {};
template <class T>
struct is_poll<Poll<T>> : std::true_type {};

// A future is anything with `Poll<T> poll(Context&)`, as Rust's Future trait.
template <class F>
concept Future = requires(F& f, Context& cx) {
    { f.poll(cx) };
    requires is_poll<decltype(f.poll(cx))>::value;
};

template <Future F>
using future_output_t = typename decltype(std::declval<F&>().poll(std::declval<Context&>()))::value_type;

}  // namespace kimojio
