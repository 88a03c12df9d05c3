// Port of kimojio/src/async_semaphore.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
//
// AsyncSemaphore is a counter of "tokens": acquire() takes one, waiting while
// there are none; release() gives one back. It is not scope based: acquire and
// release need not be balanced. For scoped access use AsyncLock or
// AsyncReaderWriterLock. Owner thread only (Rust: !Send, !Sync).
//
//   auto tokens = kimojio::Rc<kimojio::AsyncSemaphore>::make(3);
//   (co_await tokens->acquire()).value();
//   tokens->release();
#pragma once

#include <cstddef>

#include "kimojio/async.hpp"
#include "kimojio/async_event.hpp"
#include "kimojio/errors.hpp"
#include "kimojio/rc.hpp"
#include "kimojio/result.hpp"

namespace kimojio {

// A counting semaphore for limiting concurrent access to resources. Not
// copyable or movable (waiters point at its event); RcCounted so TaskPool can
// share it (Rust: Rc<AsyncSemaphore>).
// async_semaphore.rs:31-34 AsyncSemaphore
class AsyncSemaphore : public RcCounted {
public:
    // Creates a new AsyncSemaphore with the specified number of initial tokens.
    // async_semaphore.rs:41-50 AsyncSemaphore::new
    explicit AsyncSemaphore(std::size_t initial_count) : tokens(initial_count) {
        if (initial_count > 0) {
            available.set();
        }
    }
    AsyncSemaphore(const AsyncSemaphore&) = delete;
    AsyncSemaphore& operator=(const AsyncSemaphore&) = delete;

    // Wait until at least one token is available and then grab it by
    // decreasing token count by one. CanceledError if an io_scope cancels the wait.
    // async_semaphore.rs:54-64 AsyncSemaphore::acquire
    Async<Result<void, CanceledError>> acquire() const {
        while (tokens == 0) {
            auto waited = co_await available.wait();
            if (waited.is_err()) {
                co_return Result<void, CanceledError>(Err{waited.error()});
            }
        }
        std::size_t count = tokens - 1;
        tokens = count;
        if (count == 0) {
            available.reset();
        }
        co_return Result<void, CanceledError>(ok());
    }

    // Releases a token back to the semaphore, waking one waiting task if any.
    // async_semaphore.rs:67-70 AsyncSemaphore::release
    void release() const {
        tokens = tokens + 1;
        available.set_wake_one();
    }

private:
    mutable std::size_t tokens;
    AsyncEvent available;
};

}  // namespace kimojio
