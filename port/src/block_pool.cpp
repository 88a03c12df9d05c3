// The thread-exit hook of the block pool (not a port of a kimojio file; see kimojio/block_pool.hpp).
#include "kimojio/block_pool.hpp"

namespace kimojio::block_pool {

namespace {
struct Reaper {
    ~Reaper() {
        ThreadLists& l = lists;
        l.dead = true;
        for (std::size_t c = 0; c < CLASSES; ++c) {
            while (FreeBlock* block = l.heads[c]) {
                l.heads[c] = block->next;
                ::operator delete(block);
            }
            l.counts[c] = 0;
        }
    }
};
}  // namespace

bool register_reaper() noexcept {
    if (lists.dead) {
        return false;
    }
    // The first odr-use constructs it and registers its destructor for thread exit.
    thread_local Reaper reaper;
    (void)reaper;
    lists.reaper_registered = true;
    return true;
}

}  // namespace kimojio::block_pool
