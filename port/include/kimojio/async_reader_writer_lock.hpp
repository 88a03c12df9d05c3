// Port of kimojio/src/async_reader_writer_lock.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
//
// AsyncReaderWriterLock shares data between the tasks of one thread (Rust:
// !Send, !Sync): either one WriteRef (mutable access) or many ReadRef (const
// access) are live, never both. The guards are move-only and release the lock
// when destroyed. The lock must outlive every guard and pending lock call.
//
//   kimojio::AsyncReaderWriterLock<int> lock(0);
//   { auto w = (co_await lock.lock_write()).value(); *w = 5; }
//   auto r = (co_await lock.lock_read()).value();   // *r == 5
#pragma once

#include <concepts>
#include <cstddef>
#include <utility>

#include "kimojio/async.hpp"
#include "kimojio/async_event.hpp"
#include "kimojio/debug_assertions.hpp"
#include "kimojio/errors.hpp"
#include "kimojio/panic.hpp"
#include "kimojio/result.hpp"

namespace kimojio {

template <class T>
class WriteRef;
template <class T>
class ReadRef;

// A reader-writer lock for single-threaded, multi-task environments. Not
// copyable or movable (waiters point at its events).
// async_reader_writer_lock.rs:29-35 AsyncReaderWriterLock
template <class T>
class AsyncReaderWriterLock {
public:
    // Creates a new AsyncReaderWriterLock containing the given value.
    // async_reader_writer_lock.rs:42-54 AsyncReaderWriterLock::new
    explicit AsyncReaderWriterLock(T value) : data(std::move(value)) {
        read_event.set();
        write_event.set();
    }
    AsyncReaderWriterLock(const AsyncReaderWriterLock&) = delete;
    AsyncReaderWriterLock& operator=(const AsyncReaderWriterLock&) = delete;

    // Wait until there are no readers or writers and then return a WriteRef
    // giving mutable access while it is live. CanceledError if an io_scope
    // cancels the wait.
    // async_reader_writer_lock.rs:58-69 AsyncReaderWriterLock::lock_write (part 1 of 2: lock_write)
    Async<Result<WriteRef<T>, CanceledError>> lock_write() const {
        PassOnWake pass_on(this);
        assert_valid();
        while (readers > 0 || writer) {
            auto waited = co_await write_event.wait();
            if (waited.is_err()) {
                co_return Result<WriteRef<T>, CanceledError>(Err{waited.error()});
            }
        }
        assert_valid();
        writer = true;
        pass_on.lock = nullptr;
        write_event.reset();
        read_event.reset();
        assert_valid();
        co_return Result<WriteRef<T>, CanceledError>(Ok{WriteRef<T>(this)});
    }

    // Waits until there are no writers, then returns a ReadRef for shared access.
    // Many ReadRef may be live at once; no WriteRef is granted while any is.
    // async_reader_writer_lock.rs:75-85 AsyncReaderWriterLock::lock_read
    Async<Result<ReadRef<T>, CanceledError>> lock_read() const {
        assert_valid();
        while (writer) {
            auto waited = co_await read_event.wait();
            if (waited.is_err()) {
                co_return Result<ReadRef<T>, CanceledError>(Err{waited.error()});
            }
        }
        assert_valid();
        readers = readers + 1;
        write_event.reset();
        assert_valid();
        co_return Result<ReadRef<T>, CanceledError>(Ok{ReadRef<T>(this)});
    }

private:
    friend class WriteRef<T>;
    friend class ReadRef<T>;

    // async_reader_writer_lock.rs:87-91 AsyncReaderWriterLock::assert_valid
    void assert_valid() const {
        // either there is no writer (and any readers), or a writer and no
        // readers
#if KIMOJIO_DEBUG_ASSERTIONS
        if (!(!writer || readers == 0)) {
            throw Panic("kimojio: AsyncReaderWriterLock has a writer and readers at once");
        }
#endif
    }

public:
    // async_reader_writer_lock.rs:95-97 AsyncReaderWriterLock::default
    AsyncReaderWriterLock()
        requires std::default_initializable<T>
        : AsyncReaderWriterLock(T()) {}

private:
    // ---- Beyond upstream: a lock_write that ends without the lock
    // WriteRef::drop wakes one waiting writer and no reader. If that writer is
    // aborted, canceled or dropped instead of taking the lock, Rust leaves the
    // readers asleep on a free lock; this wakes them (and one more writer).
    // async_reader_writer_lock.rs:58-69 AsyncReaderWriterLock::lock_write (part 2 of 2: PassOnWake)
    struct PassOnWake {
        explicit PassOnWake(const AsyncReaderWriterLock* lock) : lock(lock) {}
        PassOnWake(const PassOnWake&) = delete;
        ~PassOnWake() {
            if (lock != nullptr && !lock->writer) {
                lock->read_event.set();  // no writer: read_event is already set, this only wakes
                if (lock->write_event.is_set()) {
                    lock->write_event.set_wake_one();
                }
            }
        }
        const AsyncReaderWriterLock* lock;
    };
    // ---- End of beyond upstream

    // Rust: UnsafeCell<T>; reached only through the guards.
    mutable T data;
    mutable std::size_t readers = 0;
    mutable bool writer = false;
    AsyncEvent read_event;
    AsyncEvent write_event;
};

// A guard providing exclusive write access to data protected by an
// AsyncReaderWriterLock. Move-only; a moved-from guard holds nothing.
// async_reader_writer_lock.rs:101-103 WriteRef
template <class T>
class WriteRef {
public:
    WriteRef(WriteRef&& other) noexcept : parent(std::exchange(other.parent, nullptr)) {}
    WriteRef& operator=(WriteRef&& other) noexcept {
        if (this != &other) {
            drop();
            parent = std::exchange(other.parent, nullptr);
        }
        return *this;
    }

    // async_reader_writer_lock.rs:108-111 WriteRef::deref
    const T& operator*() const { return held()->data; }
    const T* operator->() const { return &held()->data; }

    // async_reader_writer_lock.rs:115-118 WriteRef::deref_mut
    T& operator*() { return held()->data; }
    T* operator->() { return &held()->data; }

    // async_reader_writer_lock.rs:122-134 WriteRef::drop (part 1 of 2: ~WriteRef)
    ~WriteRef() { drop(); }

private:
    friend class AsyncReaderWriterLock<T>;
    explicit WriteRef(const AsyncReaderWriterLock<T>* parent) : parent(parent) {}
    const AsyncReaderWriterLock<T>* held() const {
        if (parent == nullptr) {
            throw Panic("kimojio: WriteRef used after it was moved from; the moved-to guard holds the lock");
        }
        return parent;
    }
    // async_reader_writer_lock.rs:122-134 WriteRef::drop (part 2 of 2: drop)
    void drop() {
        if (parent == nullptr) {
            return;
        }
        const AsyncReaderWriterLock<T>* parent = std::exchange(this->parent, nullptr);
        parent->assert_valid();
        parent->writer = false;
        if (parent->write_event.any_waiting()) {
            parent->write_event.set_wake_one();
            parent->read_event.set_wake_n(0);
        } else {
            parent->write_event.set();
            parent->read_event.set();
        }
        parent->assert_valid();
    }
    const AsyncReaderWriterLock<T>* parent;
};

// A guard providing shared read access to data protected by an
// AsyncReaderWriterLock. Move-only; a moved-from guard holds nothing.
// async_reader_writer_lock.rs:138-140 ReadRef
template <class T>
class ReadRef {
public:
    ReadRef(ReadRef&& other) noexcept : parent(std::exchange(other.parent, nullptr)) {}
    ReadRef& operator=(ReadRef&& other) noexcept {
        if (this != &other) {
            drop();
            parent = std::exchange(other.parent, nullptr);
        }
        return *this;
    }

    // Upgrades this read lock to a write lock, waiting if necessary. The read
    // lock is released before the write lock is acquired. Consumes the guard
    // (it moves into the returned coroutine).
    // async_reader_writer_lock.rs:146-151 ReadRef::upgrade (part 1 of 2: upgrade)
    Async<Result<WriteRef<T>, CanceledError>> upgrade() && {
        held();
        return upgrade_owned(std::move(*this));
    }

private:
    // The read lock is given up (Rust: mem::forget(self)) before the wait, not
    // after it: Rust drops `self` when lock_write fails or the future is dropped,
    // which subtracts this reader a second time.
    // async_reader_writer_lock.rs:146-151 ReadRef::upgrade (part 2 of 2: upgrade_owned)
    static Async<Result<WriteRef<T>, CanceledError>> upgrade_owned(ReadRef self) {
        const AsyncReaderWriterLock<T>* parent = std::exchange(self.parent, nullptr);
        parent->readers = parent->readers - 1;
        auto result = co_await parent->lock_write();
        if (result.is_err()) {
            co_return Result<WriteRef<T>, CanceledError>(Err{result.error()});
        }
        co_return Result<WriteRef<T>, CanceledError>(Ok{std::move(result).value()});
    }

public:
    // async_reader_writer_lock.rs:157-160 ReadRef::deref
    const T& operator*() const { return held()->data; }
    const T* operator->() const { return &held()->data; }

    // async_reader_writer_lock.rs:164-173 ReadRef::drop (part 1 of 2: ~ReadRef)
    ~ReadRef() { drop(); }

private:
    friend class AsyncReaderWriterLock<T>;
    explicit ReadRef(const AsyncReaderWriterLock<T>* parent) : parent(parent) {}

    const AsyncReaderWriterLock<T>* held() const {
        if (parent == nullptr) {
            throw Panic("kimojio: ReadRef used after it was moved from or upgraded");
        }
        return parent;
    }
    // async_reader_writer_lock.rs:164-173 ReadRef::drop (part 2 of 2: drop)
    void drop() {
        if (parent == nullptr) {
            return;
        }
        const AsyncReaderWriterLock<T>* parent = std::exchange(this->parent, nullptr);
        parent->assert_valid();
        std::size_t readers = parent->readers - 1;
        parent->readers = readers;
        if (readers == 0) {
            parent->write_event.set();
        }
        parent->assert_valid();
    }
    const AsyncReaderWriterLock<T>* parent;
};

}  // namespace kimojio
