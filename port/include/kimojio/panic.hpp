// Not in Rust as a type: kimojio::Panic is the port's panic!/unreachable!/expect: an
// error in the runtime's own invariants or a misuse of its API. Its own header so the
// low-level containers (HandleTable, MutInPlaceCell) can raise it.
#pragma once

#include <stdexcept>

namespace kimojio {

// Rust's panic!: an error in the runtime's own invariants or a misuse of its API.
class Panic : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

}  // namespace kimojio
