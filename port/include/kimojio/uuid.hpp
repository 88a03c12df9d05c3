// A 16-byte activity / tenant id standing in for the uuid crate's Uuid (nil and
// random v4 only, which is all kimojio's runtime uses). Not a port of a kimojio file.
#pragma once

#include <array>
#include <cstdint>
#include <ostream>

namespace kimojio {

struct Uuid {
    std::array<std::uint8_t, 16> bytes{};

    static Uuid nil() { return Uuid{}; }
    // Random version-4 id from a per-thread generator seeded from std::random_device.
    static Uuid new_v4();
    bool is_nil() const;
    friend bool operator==(const Uuid&, const Uuid&) = default;
    friend std::ostream& operator<<(std::ostream& os, const Uuid& id);
};

}  // namespace kimojio
