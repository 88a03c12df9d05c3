// Adapted from kimojio/src/runtime_handle.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f:
// RuntimeHandle and the runtime-server task that Runtime::block_on starts, as far as
// shutdown. open_channel / OpenRequest (RPC into a runtime) are not ported.
#pragma once

#include <cstdint>

#include "kimojio/owned_fd.hpp"
#include "kimojio/pipe.hpp"  // bipipe, which the runtime server uses
#include "kimojio/uuid.hpp"

namespace kimojio {

class TaskState;

// runtime_handle.rs:162-165 RuntimeServerRequestEnvelope
enum class RuntimeServerRequestEnvelope : std::uint64_t {
    // Ask the runtime server task to return (sent when block_on's main task ends).
    Shutdown = 0x5348555444574e31ull,  // "SHUTDWN1": any other word is rejected
};

// A handle to a runtime's server task. Copy = clone (dup of the socket).
// close_sync may be called from any thread.
// runtime_handle.rs:43-45 RuntimeHandle
class RuntimeHandle {
public:
    // runtime_handle.rs:48-52 RuntimeHandle::new
    explicit RuntimeHandle(OwnedFd client_pipe) : client_pipe(std::move(client_pipe)) {}
    RuntimeHandle(const RuntimeHandle& other) : client_pipe(other.client_pipe.try_clone()) {}
    RuntimeHandle(RuntimeHandle&&) noexcept = default;
    RuntimeHandle& operator=(RuntimeHandle&&) noexcept = default;

    // runtime_handle.rs:54-56 RuntimeHandle::into_inner
    OwnedFd into_inner() && { return std::move(client_pipe); }

    // Tell the server task to stop. Errors (the runtime is gone) are ignored, as in Rust.
    // runtime_handle.rs:95-98 RuntimeHandle::close_sync (part 1 of 2: declaration)
    void close_sync() const;

private:
    OwnedFd client_pipe;
};

// runtime_handle.rs:269-276 schedule_runtime_server (part 1 of 2: declaration)
void schedule_runtime_server(OwnedFd server_pipe, TaskState& task_state, Uuid activity_id, Uuid tenant_id);

}  // namespace kimojio
