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
class RecursionCheck {
public:
    class Guard {
    public:
        explicit Guard(const RecursionCheck& check) : check_(check) {}
        Guard(const Guard&) = delete;
        Guard& operator=(const Guard&) = delete;
        ~Guard() { check_.leave(); }

    private:
        const RecursionCheck& check_;
    };
    Guard enter() const {
        if (entered_) {
            throw Panic("kimojio: MutInPlaceCell failed recursion check (use_mut called recursively)");
        }
        entered_ = true;
        return Guard(*this);
    }

private:
    void leave() const { entered_ = false; }
    mutable bool entered_ = false;
};
#else
class RecursionCheck {
public:
    struct Guard {};
    Guard enter() const { return {}; }
};
#endif
}  // namespace recursion_check

template <class T>
class MutInPlaceCell {
public:
    MutInPlaceCell() : cell_() {}
    explicit MutInPlaceCell(T value) : cell_(std::move(value)) {}

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
