// Counts heap allocations per thread (replaces the global operator new of the test binary
// that includes it: include it from one file per binary). The TSan runtime defines
// operator new itself, so under TSan nothing is counted: KIMOJIO_COUNTS_ALLOCATIONS is 0
// there and a test skips its check (the release and asan runs make it).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define KIMOJIO_TEST_TSAN 1
#endif
#endif

namespace {
thread_local std::size_t allocations_on_this_thread = 0;
}
#ifndef KIMOJIO_TEST_TSAN
#define KIMOJIO_COUNTS_ALLOCATIONS 1
// Not inlined: GCC would see malloc/free pairs across new and delete (-Wmismatched-new-delete).
[[gnu::noinline]] void* operator new(std::size_t size) {
    ++allocations_on_this_thread;
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#else
#define KIMOJIO_COUNTS_ALLOCATIONS 0
#endif
