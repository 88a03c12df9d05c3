// Port of the IOType enum of kimojio/src/io_type.rs at qbradley/kimojio-rs
// 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f, limited to the operations ported here.
#pragma once

#include <cstdint>

namespace kimojio {

enum class IOType : std::uint8_t {
    Read,
    Write,
    Close,
    Nop,
    Timeout,
};

}  // namespace kimojio
