// Port of kimojio/src/mut_in_place_cell.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
//
// Interior mutability through a callback: `use_mut(f)` gives `f` a mutable
// reference that cannot escape the call. Recursive use is caught in debug builds
// and costs nothing in release builds. Owner thread only.
#pragma once

#include <stdexcept>
#include <utility>

#include "kimojio/debug_assertions.hpp"
#include "kimojio/panic.hpp"

namespace kimojio {

namespace recursion_check {
#if KIMOJIO_DEBUG_ASSERTIONS
// mut_in_place_cell.rs:118 recursion_check::RecursionCheck (debug)
// mut_in_place_cell.rs:121-123 RecursionCheck::new (debug)
class RecursionCheck {
public:
    // mut_in_place_cell.rs:136-138 RecursionCheckGuard
    class Guard {
    public:
        explicit Guard(const RecursionCheck& check) : check_(check) {}
        Guard(const Guard&) = delete;
        Guard& operator=(const Guard&) = delete;
        // mut_in_place_cell.rs:141-143 RecursionCheckGuard::drop
        ~Guard() { check_.leave(); }

    private:
        const RecursionCheck& check_;
    };
    // mut_in_place_cell.rs:124-130 RecursionCheck::enter (debug)
    Guard enter() const {
        if (entered_) {
            throw Panic("kimojio: MutInPlaceCell failed recursion check (use_mut called recursively)");
        }
        entered_ = true;
        return Guard(*this);
    }

private:
    // mut_in_place_cell.rs:131-133 RecursionCheck::leave (debug)
    void leave() const { entered_ = false; }
    mutable bool entered_ = false;
};
#else
// mut_in_place_cell.rs:149 recursion_check::RecursionCheck (release)
// mut_in_place_cell.rs:152-154 RecursionCheck::new (release)
class RecursionCheck {
public:
    struct Guard {};
    // mut_in_place_cell.rs:155 RecursionCheck::enter (release)
    Guard enter() const { return {}; }
};
#endif
}  // namespace recursion_check

// mut_in_place_cell.rs:57-63 MutInPlaceCell
template <class T>
class MutInPlaceCell {
public:
    // mut_in_place_cell.rs:70-74 MutInPlaceCell::default
    MutInPlaceCell() : cell_() {}
    // mut_in_place_cell.rs:84-90 MutInPlaceCell::new
    explicit MutInPlaceCell(T value) : cell_(std::move(value)) {}

    // mut_in_place_cell.rs:97-113 MutInPlaceCell::use_mut
    template <class F>
    decltype(auto) use_mut(F&& f) const {
        [[maybe_unused]] auto guard = recursion_check_.enter();
        return std::forward<F>(f)(cell_);
    }

private:
    mutable T cell_;
    [[no_unique_address]] recursion_check::RecursionCheck recursion_check_;
};

}  // namespace kimojio
