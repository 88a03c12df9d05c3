// Port of kimojio/src/io_type.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f:
// the IOType enum and its Display (to_string), in Rust order.
#pragma once

#include <cstdint>

namespace kimojio {

// The type of I/O operation being performed. Used for tracing and statistics
// collection, and to name the operation in an I/O error's message.
// io_type.rs:10-37 IOType
enum class IOType : std::uint8_t {
    Read,
    Write,
    Recv,
    Send,
    Accept,
    Connect,
    Close,
    FAdvise,
    FAllocate,
    Fsync,
    Link,
    MAdvise,
    Mkdir,
    Open,
    Rename,
    Shutdown,
    Stat,
    Symlink,
    SyncFileRange,
    Unlink,
    UringCmd,
    Socket,
    Timeout,
    Nop,
    NvmeCmd,
    Unknown,
};

// io_type.rs:40-69 IOType::fmt
constexpr const char* to_string(IOType io_type) {
    switch (io_type) {
        case IOType::Read: return "read";
        case IOType::Write: return "write";
        case IOType::Recv: return "recv";
        case IOType::Send: return "send";
        case IOType::Accept: return "accept";
        case IOType::Connect: return "connect";
        case IOType::Unknown: return "unknown";
        case IOType::Close: return "close";
        case IOType::FAdvise: return "fadvise";
        case IOType::FAllocate: return "fallocate";
        case IOType::Fsync: return "fsync";
        case IOType::Link: return "link";
        case IOType::MAdvise: return "madvise";
        case IOType::Mkdir: return "mkdir";
        case IOType::Open: return "open";
        case IOType::Rename: return "rename";
        case IOType::Shutdown: return "shutdown";
        case IOType::Stat: return "stat";
        case IOType::Symlink: return "symlink";
        case IOType::SyncFileRange: return "sync_file_range";
        case IOType::Unlink: return "unlink";
        case IOType::UringCmd: return "uring_cmd";
        case IOType::Socket: return "socket";
        case IOType::Nop: return "nop";
        case IOType::Timeout: return "timeout";
        case IOType::NvmeCmd: return "nvme_cmd";
    }
    return "unknown";
}

}  // namespace kimojio
