// Adapted from kimojio/src/runtime_handle.rs (RuntimeHandle, schedule_runtime_server,
// runtime_server) and kimojio/src/message_pipe.rs (recv_message)
// at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
#include "kimojio/runtime_handle.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <system_error>

#include "kimojio/async.hpp"
#include "kimojio/operations.hpp"

namespace kimojio {

OwnedFd OwnedFd::try_clone() const {
    int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
        throw std::system_error(errno, std::generic_category(), "kimojio: could not duplicate a file descriptor");
    }
    return OwnedFd(fd);
}

// runtime_handle.rs:95-98 RuntimeHandle::close_sync (part 2 of 2: definition)
void RuntimeHandle::close_sync() const {
    // Rust sends a Box<RuntimeServerRequestEnvelope> pointer; with only Shutdown ported the
    // message is the envelope's tag word, so an unread message leaks nothing.
    auto message = static_cast<std::uint64_t>(RuntimeServerRequestEnvelope::Shutdown);
    [[maybe_unused]] ssize_t written = ::send(client_pipe.as_raw_fd(), &message, sizeof(message), MSG_NOSIGNAL);
}

namespace {

constexpr std::size_t POINTER_SIZE = sizeof(std::uint64_t);
using MessageBuffer = RcAnyOf<std::array<char, POINTER_SIZE>>;

// message_pipe.rs RecvMessageFuture: reads one message word; the buffer is shared
// with the Completion so it outlives a read that is dropped while in flight.
// runtime_handle.rs:278-288 runtime_server (part 2 of 2: RecvMessageFuture)
class RecvMessageFuture {
public:
    explicit RecvMessageFuture(const OwnedFd& pipe)
        : buffer(Rc<MessageBuffer>::make(std::array<char, POINTER_SIZE>{})), fut(make_read(pipe, buffer)) {}

    Poll<Result<RuntimeServerRequestEnvelope, Errno>> poll(Context& cx) {
        auto polled = fut.poll(cx);
        if (polled.is_pending()) {
            return Pending;
        }
        auto& result = polled.value();
        if (result.is_err()) {
            return Result<RuntimeServerRequestEnvelope, Errno>(Err{result.error()});
        }
        std::size_t amount = result.value();
        if (amount == 0) {
            return Result<RuntimeServerRequestEnvelope, Errno>(Err{Errno::PIPE});
        }
        if (amount != POINTER_SIZE) {
            throw Panic("amount should be POINTER_SIZE, not " + std::to_string(amount));
        }
        std::uint64_t word;
        std::memcpy(&word, buffer->value.data(), sizeof(word));
        if (word != static_cast<std::uint64_t>(RuntimeServerRequestEnvelope::Shutdown)) {
            throw Panic("runtime server received an unknown request");
        }
        return Result<RuntimeServerRequestEnvelope, Errno>(Ok{RuntimeServerRequestEnvelope::Shutdown});
    }

private:
    static UsizeFuture make_read(const OwnedFd& pipe, const Rc<MessageBuffer>& buffer) {
        SQE entry{};
        io_uring_prep_read(&entry, pipe.as_raw_fd(), buffer->value.data(), POINTER_SIZE, UINT64_MAX);
        return UsizeFuture::with_polled(entry, pipe.as_raw_fd(), std::nullopt, IOType::Read, false,
                                        completion_resources::RcValue{Rc<RcAny>(Rc<MessageBuffer>(buffer))});
    }
    Rc<MessageBuffer> buffer;
    UsizeFuture fut;
};

// runtime_handle.rs:278-288 runtime_server (part 1 of 2: runtime_server)
Async<Result<void, Errno>> runtime_server(OwnedFd server_pipe) {
    for (;;) {
        Result<RuntimeServerRequestEnvelope, Errno> request = co_await RecvMessageFuture(server_pipe);
        if (request.is_err()) {
            co_return Err{request.error()};
        }
        switch (request.value()) {
            case RuntimeServerRequestEnvelope::Shutdown:
                co_return ok();
        }
    }
}

}  // namespace

// runtime_handle.rs:269-276 schedule_runtime_server (part 2 of 2: definition)
void schedule_runtime_server(OwnedFd server_pipe, TaskState& task_state, Uuid activity_id, Uuid tenant_id) {
    task_state.schedule_new(runtime_server(std::move(server_pipe)), activity_id, tenant_id);
}

}  // namespace kimojio
