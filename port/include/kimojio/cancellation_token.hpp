// Port of kimojio/src/cancellation_token.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
//
// A CancellationToken tracks when an async operation should be cancelled: the
// task polls is_cancelled(), or awaits cancelled(). Owner thread only.
//
//   kimojio::CancellationToken token;
//   token.cancel();
//   (co_await token.cancelled()).value();  // returns at once
#pragma once

#include "kimojio/async_event.hpp"

namespace kimojio {

// Not copyable or movable (waiters point at its event).
// cancellation_token.rs:39-41 CancellationToken
class CancellationToken {
public:
    // Creates a new uncancelled cancellation token (also Rust's Default).
    // cancellation_token.rs:45-48 CancellationToken::new
    CancellationToken() = default;
    CancellationToken(const CancellationToken&) = delete;
    CancellationToken& operator=(const CancellationToken&) = delete;

    // Returns true if cancel() has ever been called on this instance.
    // cancellation_token.rs:52-54 CancellationToken::is_cancelled
    bool is_cancelled() const { return event.is_set(); }

    // Marks the token as cancelled: is_cancelled() returns true from now on,
    // pending cancelled() calls complete, and later ones return at once.
    // cancellation_token.rs:59-61 CancellationToken::cancel
    void cancel() const { event.set(); }

    // Returns only when the token has been cancelled by cancel(). Cancel safe.
    // The token must outlive the returned future.
    // cancellation_token.rs:69-71 CancellationToken::cancelled
    WaitAsyncEventFuture cancelled() const { return event.wait(); }

private:
    AsyncEvent event;
};

}  // namespace kimojio
