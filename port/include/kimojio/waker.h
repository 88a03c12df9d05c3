/* Beyond upstream: a kimojio task's waker for other languages and runtimes (C ABI).
 *
 * The waker is one word, (thread index << 16) | task index: no allocation and no
 * reference count, so clone returns the same word and drop does nothing. Any thread may
 * call these functions at any time. A wake after the task ended is a no-op (a task that
 * reused the index gets one spurious poll); after its runtime ended, it writes no
 * descriptor (the index's pending set and eventfd are kept for the process). A Rust
 * std::task::Waker over these four functions is in
 * examples/tokio_interop/src/kimojio_waker.rs.
 *
 * C++: kimojio::waker_data(waker) gives the word of a kimojio Waker
 * (kimojio/current_waker.hpp). */
#ifndef KIMOJIO_WAKER_H
#define KIMOJIO_WAKER_H

#ifdef __cplusplus
extern "C" {
#endif

/* Returns `data` (clone copies the word). */
const void* kimojio_waker_clone(const void* data);
/* Schedules the task (consumes nothing: kimojio wakers own nothing). */
void kimojio_waker_wake(const void* data);
/* Schedules the task. */
void kimojio_waker_wake_by_ref(const void* data);
/* Does nothing. */
void kimojio_waker_drop(const void* data);

#ifdef __cplusplus
}
#endif

#endif /* KIMOJIO_WAKER_H */
