// The foreign-wake path of the cross-thread waker (see kimojio/foreign_wake.hpp).
#include "kimojio/foreign_wake.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

namespace kimojio {

ForeignWakeQueue::ForeignWakeQueue() : eventfd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (eventfd_ < 0) {
        throw std::system_error(errno, std::generic_category(),
                                "kimojio: eventfd for cross-thread wakes failed (raise the open-file limit?)");
    }
    for (auto& word : bitmap_) word.store(0, sync::memory_order_relaxed);
    for (auto& word : summary_) word.store(0, sync::memory_order_relaxed);
}

ForeignWakeQueue::~ForeignWakeQueue() { ::close(eventfd_); }

void ForeignWakeQueue::push(std::uint16_t task_index) {
    const std::size_t w = task_index / 64;
    const std::uint64_t bit = std::uint64_t{1} << (task_index % 64);
    // seq_cst: the store half of the Dekker pair with prepare_to_sleep (see header).
    std::uint64_t old = bitmap_[w].fetch_or(bit, sync::memory_order_seq_cst);
    if (old == 0) {
        // The first bit of a word publishes the word in the summary. A later pusher of
        // the same word may skip this: the first one is still on its way here, and it
        // checks `sleeping` after this store.
        summary_[w / 64].fetch_or(std::uint64_t{1} << (w % 64), sync::memory_order_seq_cst);
    }
    foreign_wakes_.fetch_add(1, sync::memory_order_relaxed);
    if (old == 0 && sleeping_.load(sync::memory_order_seq_cst) &&
        sleeping_.exchange(false, sync::memory_order_seq_cst)) {
        // This call flipped true -> false: the owner is (about to be) blocked and nobody
        // else will write. The read armed in the ring takes the counter.
        std::uint64_t one = 1;
        [[maybe_unused]] ssize_t written = ::write(eventfd_, &one, sizeof(one));
        eventfd_writes_.fetch_add(1, sync::memory_order_relaxed);
    }
}

bool ForeignWakeQueue::any_pending() const {
    for (const auto& word : summary_) {
        if (word.load(sync::memory_order_seq_cst) != 0) {
            return true;
        }
    }
    return false;
}

bool ForeignWakeQueue::prepare_to_sleep() {
    // seq_cst store then seq_cst loads: the owner's half of the Dekker pair.
    sleeping_.store(true, sync::memory_order_seq_cst);
    if (any_pending()) {
        sleeping_.store(false, sync::memory_order_relaxed);
        return false;
    }
    // release, after `sleeping` is set: whoever reads the new count (acquire) knows
    // the owner is blocked or about to block, so its wake will write the eventfd.
    sleeps_.fetch_add(1, sync::memory_order_release);
    return true;
}

void ForeignWakeQueue::woke_up() {
    // relaxed: a pusher that still sees `true` writes once more (a spurious loop wake);
    // one that sees `false` leaves its bit for the drain that follows this call.
    sleeping_.store(false, sync::memory_order_relaxed);
}

ForeignWakeStats ForeignWakeQueue::stats() const {
    return ForeignWakeStats{foreign_wakes_.load(sync::memory_order_relaxed),
                            eventfd_writes_.load(sync::memory_order_relaxed),
                            drained_published_.load(sync::memory_order_relaxed),
                            sleeps_.load(sync::memory_order_acquire)};
}

namespace {

constexpr std::uint32_t CLAIMED = 1u << 31;
constexpr std::uint32_t OPEN = 1u << 30;
constexpr std::uint32_t PINS = OPEN - 1;

struct alignas(64) RegistrySlot {
    sync::atomic<std::uint32_t> state{0};
    sync::atomic<ForeignWakeQueue*> queue{nullptr};
};

RegistrySlot SLOTS[NO_THREAD_INDEX];

}  // namespace

void ForeignWakeRegistry::register_(std::uint8_t thread_index, ForeignWakeQueue* queue) {
    if (thread_index == NO_THREAD_INDEX) {
        throw std::invalid_argument("kimojio: thread index 255 is reserved (it means \"no runtime\"); use 0-254");
    }
    RegistrySlot& slot = SLOTS[thread_index];
    std::uint32_t expected = slot.state.load(sync::memory_order_relaxed);
    do {
        if (expected & CLAIMED) {
            throw std::runtime_error("kimojio: thread index " + std::to_string(thread_index) +
                                     " is already used by a live Runtime; give each runtime thread its own index");
        }
        // acq_rel: the claim orders after the previous owner's release of the slot.
    } while (!slot.state.compare_exchange_weak(expected, expected | CLAIMED, sync::memory_order_acq_rel,
                                               sync::memory_order_relaxed));
    slot.queue.store(queue, sync::memory_order_relaxed);
    // release: a waker whose pin (acquire) sees OPEN also sees the queue pointer.
    slot.state.fetch_or(OPEN, sync::memory_order_release);
}

void ForeignWakeRegistry::unregister(std::uint8_t thread_index) {
    RegistrySlot& slot = SLOTS[thread_index];
    // acq_rel: wakers pinning after this see no OPEN and leave without touching the queue.
    slot.state.fetch_and(~OPEN, sync::memory_order_acq_rel);
    // acquire: pairs with each waker's unpin (release), so its eventfd write is over.
    while ((slot.state.load(sync::memory_order_acquire) & PINS) != 0) {
        sync::yield_now();
    }
    slot.queue.store(nullptr, sync::memory_order_relaxed);
    slot.state.fetch_and(~CLAIMED, sync::memory_order_release);
}

void ForeignWakeRegistry::wake(std::uint8_t thread_index, std::uint16_t task_index) {
    if (thread_index == NO_THREAD_INDEX) {
        return;
    }
    RegistrySlot& slot = SLOTS[thread_index];
    // acquire: pairs with register_'s release of OPEN (queue pointer visible).
    std::uint32_t state = slot.state.fetch_add(1, sync::memory_order_acquire);
    if (state & OPEN) {
        slot.queue.load(sync::memory_order_relaxed)->push(task_index);
    }
    // release: unregister's acquire load sees this waker done with the queue.
    slot.state.fetch_sub(1, sync::memory_order_release);
}

}  // namespace kimojio
