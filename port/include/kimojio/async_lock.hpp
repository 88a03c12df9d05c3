// Port of kimojio/src/async_lock.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
//
// AsyncLock is an async mutex for data shared by the tasks of one thread (Rust:
// !Send, !Sync). Only one AsyncLockRef is live at a time; other tasks calling
// lock() wait until it is released. The guard is move-only and unlocks when it
// is destroyed. The lock must outlive every guard and pending lock() call.
//
//   kimojio::AsyncLock<int> lock(0);
//   auto guard = (co_await lock.lock()).value();
//   *guard += 1;
#pragma once

#include <chrono>
#include <concepts>
#include <optional>
#include <utility>

#include "kimojio/async.hpp"
#include "kimojio/async_event.hpp"
#include "kimojio/async_oneshot.hpp"
#include "kimojio/errors.hpp"
#include "kimojio/result.hpp"

namespace kimojio {

template <class T>
class AsyncLockRef;

// An async-aware mutex for single-threaded, multi-task environments. Not
// copyable or movable (waiters point at its event).
// async_lock.rs:30-33 AsyncLock
template <class T>
class AsyncLock {
public:
    // Creates a new AsyncLock containing the given value.
    // async_lock.rs:40-48 AsyncLock::new
    explicit AsyncLock(T value) : value(std::move(value)) { unlocked.set(); }
    AsyncLock(const AsyncLock&) = delete;
    AsyncLock& operator=(const AsyncLock&) = delete;

    // Attempts to acquire the lock without waiting. Returns nullopt if the lock
    // is already held.
    // async_lock.rs:52-59 AsyncLock::try_lock
    std::optional<AsyncLockRef<T>> try_lock() const {
        if (unlocked.is_set()) {
            unlocked.reset();
            return AsyncLockRef<T>(this);
        } else {
            return std::nullopt;
        }
    }

    // Attempts to acquire the lock, waiting until the deadline. The result is
    // TimeoutError::Timeout if the deadline is reached first.
    // async_lock.rs:64-75 AsyncLock::lock_with_deadline
    Async<Result<AsyncLockRef<T>, TimeoutError>> lock_with_deadline(std::optional<Instant> deadline) const {
        auto waited = co_await detail::wait_with_deadline(unlocked, deadline);
        if (waited.is_err()) {
            co_return Result<AsyncLockRef<T>, TimeoutError>(Err{waited.error()});
        }

        // Due to single threaded nature of uringruntime, if we get
        // here then we know either unlocked is set, or deadline
        // has elapsed.  In either case, try_lock will return the
        // correct result.
        auto guard = try_lock();
        if (!guard) {
            co_return Result<AsyncLockRef<T>, TimeoutError>(Err{TimeoutError::Timeout});
        }
        co_return Result<AsyncLockRef<T>, TimeoutError>(Ok{std::move(*guard)});
    }

    // Attempts to acquire the lock, waiting for the timeout (none: forever).
    // async_lock.rs:80-86 AsyncLock::lock_with_timeout
    Async<Result<AsyncLockRef<T>, TimeoutError>> lock_with_timeout(std::optional<std::chrono::nanoseconds> timeout) const {
        std::optional<Instant> deadline;
        if (timeout) {
            deadline = std::chrono::steady_clock::now() + *timeout;
        }
        co_return co_await lock_with_deadline(deadline);
    }

    // Waits for the lock to be unlocked, then marks it locked and returns an
    // AsyncLockRef giving access to the data. CanceledError if an io_scope
    // cancels the wait.
    // async_lock.rs:91-97 AsyncLock::lock
    Async<Result<AsyncLockRef<T>, CanceledError>> lock() const {
        while (!unlocked.is_set()) {
            auto waited = co_await unlocked.wait();
            if (waited.is_err()) {
                co_return Result<AsyncLockRef<T>, CanceledError>(Err{waited.error()});
            }
        }
        unlocked.reset();
        co_return Result<AsyncLockRef<T>, CanceledError>(Ok{AsyncLockRef<T>(this)});
    }

    // async_lock.rs:101-103 AsyncLock::default
    AsyncLock()
        requires std::default_initializable<T>
        : AsyncLock(T()) {}

private:
    friend class AsyncLockRef<T>;
    // Rust: UnsafeCell<T>; only the single live guard reaches it.
    mutable T value;
    AsyncEvent unlocked;
};

// A guard that provides exclusive access to the data protected by an AsyncLock.
// When it is destroyed the lock is released and one waiting task may proceed.
// Move-only; a moved-from guard holds nothing and releases nothing.
// async_lock.rs:110-112 AsyncLockRef
template <class T>
class AsyncLockRef {
public:
    AsyncLockRef(AsyncLockRef&& other) noexcept : parent(std::exchange(other.parent, nullptr)) {}
    AsyncLockRef& operator=(AsyncLockRef&& other) noexcept {
        if (this != &other) {
            drop();
            parent = std::exchange(other.parent, nullptr);
        }
        return *this;
    }

    // async_lock.rs:117-120 AsyncLockRef::deref
    const T& operator*() const { return held()->value; }
    const T* operator->() const { return &held()->value; }

    // async_lock.rs:124-127 AsyncLockRef::deref_mut
    T& operator*() { return held()->value; }
    T* operator->() { return &held()->value; }

    // async_lock.rs:131-133 AsyncLockRef::drop
    ~AsyncLockRef() { drop(); }

    // async_lock.rs:137-139 AsyncLockRef::borrow
    const T& borrow() const { return **this; }

    // async_lock.rs:143-145 AsyncLockRef::borrow_mut
    T& borrow_mut() { return **this; }

private:
    friend class AsyncLock<T>;
    explicit AsyncLockRef(const AsyncLock<T>* parent) : parent(parent) {}
    const AsyncLock<T>* held() const {
        if (parent == nullptr) {
            throw Panic("kimojio: AsyncLockRef used after it was moved from; the moved-to guard holds the lock");
        }
        return parent;
    }
    void drop() {
        if (parent != nullptr) {
            std::exchange(parent, nullptr)->unlocked.set_wake_one();
        }
    }
    const AsyncLock<T>* parent;
};

}  // namespace kimojio
