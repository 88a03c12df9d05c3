// The production side of the foreign-wake path (see kimojio/foreign_wake.hpp): the
// eventfd and the process-wide registry of runtimes.
#include "kimojio/foreign_wake.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

namespace kimojio {

void SystemEventfd::write_one() const {
    std::uint64_t one = 1;
    // Cannot fail here: the descriptor is open while any pusher holds a pin, and the
    // counter cannot overflow (one write per owner sleep, each read resets it).
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
}  // namespace

ForeignWakeQueue::ForeignWakeQueue() : BasicForeignWakeQueue(SystemEventfd{new_eventfd()}) {}

ForeignWakeQueue::~ForeignWakeQueue() { ::close(eventfd_.fd); }

void ForeignWakeRegistry::register_(std::uint8_t thread_index, ForeignWakeQueue* queue) {
    if (thread_index == NO_THREAD_INDEX) {
        throw std::invalid_argument("kimojio: thread index 255 is reserved (it means \"no runtime\"); use 0-254");
    }
    if (!REGISTRY.try_register(thread_index, queue)) {
        throw std::runtime_error("kimojio: thread index " + std::to_string(thread_index) +
                                 " is already used by a live Runtime; give each runtime thread its own index");
    }
}

void ForeignWakeRegistry::unregister(std::uint8_t thread_index) { REGISTRY.unregister(thread_index); }

void ForeignWakeRegistry::wake(std::uint8_t thread_index, std::uint16_t task_index) {
    if (thread_index == NO_THREAD_INDEX) {
        return;
    }
    REGISTRY.wake(thread_index, task_index);
}

}  // namespace kimojio
