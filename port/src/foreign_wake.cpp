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

// Foreign wakes made by one thread, per target thread index. Only the thread holding a
// block writes it (a relaxed load and store: no RMW, and the line is its own); wakes()
// sums every block ever made. A block is never freed: an exiting thread hands it to the
// next new thread, which counts on from its value (ordered by COUNTERS_MUTEX).
struct ThreadWakeCounters {
    std::array<std::atomic<std::uint64_t>, NO_THREAD_INDEX> by_index{};
    ThreadWakeCounters* next = nullptr;  // in ALL_COUNTERS, under COUNTERS_MUTEX
    bool in_use = false;                 // under COUNTERS_MUTEX
};

constinit std::mutex COUNTERS_MUTEX;
constinit ThreadWakeCounters* ALL_COUNTERS = nullptr;
// Wakes made by a thread after its block went back (thread_local destructors that wake).
constinit std::array<std::atomic<std::uint64_t>, NO_THREAD_INDEX> LATE_WAKES{};

thread_local ThreadWakeCounters* this_thread_counters = nullptr;
thread_local bool this_thread_exited = false;

struct ReturnCountersAtExit {
    ~ReturnCountersAtExit() {
        std::lock_guard lock(COUNTERS_MUTEX);
        this_thread_counters->in_use = false;
        this_thread_counters = nullptr;
        this_thread_exited = true;
    }
};

// The calling thread's block, taken on its first foreign wake; nullptr once it exits.
[[gnu::noinline]] ThreadWakeCounters* take_counters() {
    if (this_thread_exited) {
        return nullptr;
    }
    thread_local ReturnCountersAtExit return_at_exit;
    std::lock_guard lock(COUNTERS_MUTEX);
    ThreadWakeCounters* block = ALL_COUNTERS;
    while (block != nullptr && block->in_use) block = block->next;
    if (block == nullptr) {
        block = new ThreadWakeCounters();
        block->next = ALL_COUNTERS;
        ALL_COUNTERS = block;
    }
    block->in_use = true;
    this_thread_counters = block;
    return block;
}

// Out of line: an exiting thread's wakes are rare, and the hot path stays RMW-free.
[[gnu::noinline]] void count_late_wake(std::uint8_t thread_index) {
    LATE_WAKES[thread_index].fetch_add(1, std::memory_order_relaxed);
}

void count_wake(std::uint8_t thread_index) {
    ThreadWakeCounters* block = this_thread_counters;
    if (block == nullptr && (block = take_counters()) == nullptr) {
        count_late_wake(thread_index);
        return;
    }
    std::atomic<std::uint64_t>& count = block->by_index[thread_index];
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
    std::uint64_t total = LATE_WAKES[thread_index].load(std::memory_order_relaxed);
    for (ThreadWakeCounters* c = ALL_COUNTERS; c != nullptr; c = c->next) {
        total += c->by_index[thread_index].load(std::memory_order_relaxed);
    }
    return total;
}

}  // namespace kimojio
