// Beyond upstream (no Rust counterpart): TSan annotations for io_uring ring mappings,
// used by task.cpp's Ring. Internal header; include from one .cpp only.
#pragma once

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define KIMOJIO_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define KIMOJIO_TSAN 1
#endif
#ifdef KIMOJIO_TSAN
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace kimojio {
namespace {
// The kernel orders a ring's munmap (io_uring_queue_exit) before a later mmap that
// returns the same addresses to another thread's new ring; TSan does not see munmap /
// mmap, and would report the new owner's first access to the ring as a race with the
// old owner's last. Release on teardown, acquire on setup, through one sync address.
[[maybe_unused]] char io_uring_mapping_sync;
void tsan_ring_mapped() {
#ifdef KIMOJIO_TSAN
    __tsan_acquire(&io_uring_mapping_sync);
#endif
}
void tsan_ring_unmapping() {
#ifdef KIMOJIO_TSAN
    __tsan_release(&io_uring_mapping_sync);
#endif
}
}  // namespace

}  // namespace kimojio
