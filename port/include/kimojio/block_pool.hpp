// A per-thread free-list pool of small blocks (not a port of a kimojio file; see
// PORTING.md "Performance deviations"). Tasks, task futures, WaitData and Async
// coroutine frames are allocated and freed once per spawned task; malloc + free cost
// ~300 instructions for the four of them, a free-list push/pop ~10.
//
// Blocks are grouped in size classes of 64 bytes up to 1 KiB; larger requests go to
// ::operator new. A block freed on another thread than the one that allocated it joins
// that thread's list (every block comes from ::operator new, so any thread may free
// it). Each list keeps at most MAX_BLOCKS_PER_CLASS blocks; the rest are freed. At
// thread exit the lists are freed, and later frees (of tasks a TaskState still holds)
// go straight to ::operator delete.
//
// Under AddressSanitizer the pool is bypassed: every block comes from and returns to
// ::operator new / delete, so ASan still sees every use-after-free and double free.
#pragma once

#include <cstddef>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define KIMOJIO_BLOCK_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KIMOJIO_BLOCK_POOL 0
#endif
#endif
#ifndef KIMOJIO_BLOCK_POOL
#define KIMOJIO_BLOCK_POOL 1
#endif

namespace kimojio::block_pool {

inline constexpr std::size_t GRANULE = 64;
inline constexpr std::size_t CLASSES = 16;  // 64, 128, ..., 1024 bytes
inline constexpr std::size_t MAX_BLOCKS_PER_CLASS = 4096;

struct FreeBlock {
    FreeBlock* next;
};

// Trivially destructible and constant-initialized: no TLS guard on the fast path.
struct ThreadLists {
    FreeBlock* heads[CLASSES];
    unsigned counts[CLASSES];
    bool reaper_registered;  // the thread-exit hook that frees the lists is set up
    bool dead;               // the thread is exiting: lists freed, bypass the pool
};

inline constinit thread_local ThreadLists lists{};

// Registers the thread-exit hook; false if the thread is already past it.
bool register_reaper() noexcept;

inline void* allocate(std::size_t size) {
#if KIMOJIO_BLOCK_POOL
    std::size_t c = (size - 1) / GRANULE;
    if (size != 0 && c < CLASSES) {
        ThreadLists& l = lists;
        if (FreeBlock* block = l.heads[c]) {
            l.heads[c] = block->next;
            l.counts[c] -= 1;
            return block;
        }
        return ::operator new((c + 1) * GRANULE);
    }
#endif
    return ::operator new(size);
}

inline void deallocate(void* p, std::size_t size) noexcept {
    (void)size;  // unused when the pool is bypassed
#if KIMOJIO_BLOCK_POOL
    std::size_t c = (size - 1) / GRANULE;
    if (p != nullptr && size != 0 && c < CLASSES) {
        ThreadLists& l = lists;
        if (l.counts[c] < MAX_BLOCKS_PER_CLASS && !l.dead && (l.reaper_registered || register_reaper())) {
            auto* block = static_cast<FreeBlock*>(p);
            block->next = l.heads[c];
            l.heads[c] = block;
            l.counts[c] += 1;
            return;
        }
        ::operator delete(p);
        return;
    }
#endif
    ::operator delete(p);
}

// Class-scope operator new / delete for a type whose instances come from the pool.
struct Pooled {
    static void* operator new(std::size_t size) { return allocate(size); }
    static void operator delete(void* p, std::size_t size) noexcept { deallocate(p, size); }
};

}  // namespace kimojio::block_pool
