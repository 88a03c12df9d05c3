// The production side of the foreign-wake path (see kimojio/foreign_wake.hpp): the
// eventfd, the process-wide registry of runtimes, and the per-thread wake counters.
#include "kimojio/foreign_wake.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>

namespace kimojio {

void SystemEventfd::write_one() const {
    std::uint64_t one = 1;
    // Cannot fail here: the descriptor is never closed (the queue lives for the
    // process), and the counter cannot overflow (one write per owner sleep, each read
    // resets it).
    [[maybe_unused]] ssize_t written = ::write(fd, &one, sizeof(one));
}

namespace {
int new_eventfd() {
    int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0) {
        throw std::system_error(errno, std::generic_category(),
                                "kimojio: eventfd for cross-thread wakes failed (raise the open-file limit?)");
    }
    return fd;
}

BasicForeignWakeRegistry<ForeignWakeQueue, NO_THREAD_INDEX> REGISTRY;

// Foreign wakes made by one thread, per target thread index, in that thread's own TLS
// (no allocation). Only that thread writes it (a relaxed load and store: no RMW, and the
// line is its own); wakes() reads every linked block under COUNTERS_MUTEX. At thread
// exit the counts move to RETIRED_WAKES and the block leaves the list.
struct ThreadWakeCounters {
    std::array<std::atomic<std::uint64_t>, NO_THREAD_INDEX> by_index{};
    ThreadWakeCounters* next = nullptr;  // under COUNTERS_MUTEX
    ThreadWakeCounters* prev = nullptr;  // under COUNTERS_MUTEX
    bool linked = false;                 // this thread only
    bool exited = false;                 // this thread only
};

constinit std::mutex COUNTERS_MUTEX;
constinit ThreadWakeCounters* LIVE_COUNTERS = nullptr;
// Counts of exited threads, and wakes a thread made after its block left the list
// (from thread_local destructors that run later).
constinit std::array<std::atomic<std::uint64_t>, NO_THREAD_INDEX> RETIRED_WAKES{};

// Trivially constructed and destroyed: no TLS init call on the hot path, and valid
// until the thread's end, after every thread_local destructor.
constinit thread_local ThreadWakeCounters THIS_THREAD_WAKES;

struct UnlinkCountersAtExit {
    ~UnlinkCountersAtExit() {
        ThreadWakeCounters& block = THIS_THREAD_WAKES;
        std::lock_guard lock(COUNTERS_MUTEX);
        for (std::size_t i = 0; i < block.by_index.size(); ++i) {
            RETIRED_WAKES[i].fetch_add(block.by_index[i].load(std::memory_order_relaxed), std::memory_order_relaxed);
        }
        (block.prev != nullptr ? block.prev->next : LIVE_COUNTERS) = block.next;
        if (block.next != nullptr) block.next->prev = block.prev;
        block.linked = false;
        block.exited = true;
    }
};

// Out of line: a thread's first foreign wake, and wakes after its exit began.
[[gnu::noinline]] void count_wake_slow(std::uint8_t thread_index) {
    ThreadWakeCounters& block = THIS_THREAD_WAKES;
    if (block.exited) {
        RETIRED_WAKES[thread_index].fetch_add(1, std::memory_order_relaxed);
        return;
    }
    thread_local UnlinkCountersAtExit unlink_at_exit;  // its destructor runs at thread exit
    {
        std::lock_guard lock(COUNTERS_MUTEX);
        block.next = LIVE_COUNTERS;
        if (block.next != nullptr) block.next->prev = &block;
        LIVE_COUNTERS = &block;
    }
    block.linked = true;
    block.by_index[thread_index].store(1, std::memory_order_relaxed);
}

void count_wake(std::uint8_t thread_index) {
    ThreadWakeCounters& block = THIS_THREAD_WAKES;
    if (!block.linked) {
        count_wake_slow(thread_index);
        return;
    }
    std::atomic<std::uint64_t>& count = block.by_index[thread_index];
    count.store(count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}
}  // namespace

ForeignWakeQueue::ForeignWakeQueue() : BasicForeignWakeQueue(SystemEventfd{new_eventfd()}) {}

ForeignWakeQueue::~ForeignWakeQueue() { ::close(eventfd_.fd); }

ForeignWakeQueue* ForeignWakeRegistry::register_(std::uint8_t thread_index) {
    if (thread_index == NO_THREAD_INDEX) {
        throw std::invalid_argument("kimojio: thread index 255 is reserved (it means \"no runtime\"); use 0-254");
    }
    // Never deleted: wakers of this index may reach it at any time (see the header).
    ForeignWakeQueue* queue = REGISTRY.try_claim(thread_index, [] { return new ForeignWakeQueue(); });
    if (queue == nullptr) {
        throw std::runtime_error("kimojio: thread index " + std::to_string(thread_index) +
                                 " is already used by a live Runtime; give each runtime thread its own index");
    }
    queue->reset_for_new_owner();
    return queue;
}

void ForeignWakeRegistry::unregister(std::uint8_t thread_index) { REGISTRY.release(thread_index); }

void ForeignWakeRegistry::wake(std::uint8_t thread_index, std::uint16_t task_index) {
    if (thread_index == NO_THREAD_INDEX) {
        return;
    }
    if (ForeignWakeQueue* queue = REGISTRY.queue(thread_index)) {
        count_wake(thread_index);
        queue->push(task_index);
    }
}

std::uint64_t ForeignWakeRegistry::wakes(std::uint8_t thread_index) {
    if (thread_index == NO_THREAD_INDEX) {
        return 0;
    }
    std::lock_guard lock(COUNTERS_MUTEX);
    std::uint64_t total = RETIRED_WAKES[thread_index].load(std::memory_order_relaxed);
    for (ThreadWakeCounters* c = LIVE_COUNTERS; c != nullptr; c = c->next) {
        total += c->by_index[thread_index].load(std::memory_order_relaxed);
    }
    return total;
}

}  // namespace kimojio
