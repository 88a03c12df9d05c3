// Model of Rust's std::rc::Rc: a non-atomic, intrusive strong count. Only the
// owning thread may touch an Rc (Rust: Rc is !Send). No weak references: kimojio
// never uses Rc::downgrade on the types ported here.
// Not a port of a kimojio file.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

namespace kimojio {

template <class T>
class Rc;

// Base of every type held in an Rc. Copying or assigning the object never copies
// the count (Rust: `*Rc::get_mut(&mut rc).unwrap() = value` keeps the allocation's count).
class RcCounted {
protected:
    RcCounted() = default;
    RcCounted(const RcCounted&) noexcept {}
    RcCounted& operator=(const RcCounted&) noexcept { return *this; }
    ~RcCounted() = default;

private:
    template <class>
    friend class Rc;
    mutable std::size_t rc_strong_ = 1;
};

template <class T>
class Rc {
public:
    template <class... Args>
    static Rc make(Args&&... args) {
        return Rc(new T(std::forward<Args>(args)...));
    }

    Rc(const Rc& other) noexcept : ptr_(other.ptr_) { ++ptr_->rc_strong_; }
    // Upcast (Rust: unsizing coercion Rc<Concrete> -> Rc<dyn Trait>).
    template <class U>
        requires std::is_convertible_v<U*, T*>
    Rc(Rc<U>&& other) noexcept : ptr_(std::exchange(other.ptr_, nullptr)) {}
    Rc(Rc&& other) noexcept : ptr_(std::exchange(other.ptr_, nullptr)) {}
    Rc& operator=(Rc other) noexcept {
        std::swap(ptr_, other.ptr_);
        return *this;
    }
    // Always inlined (performance): GCC otherwise sometimes calls it out of line in a large
    // translation unit, for a null test and a decrement.
    [[gnu::always_inline]] ~Rc() {
        if (ptr_ != nullptr && --ptr_->rc_strong_ == 0) {
            destroy(ptr_);
        }
    }

    T* operator->() const noexcept { return ptr_; }
    T& operator*() const noexcept { return *ptr_; }

    // Rc::into_raw: the returned pointer owns one strong count.
    static const T* into_raw(Rc&& rc) noexcept { return std::exchange(rc.ptr_, nullptr); }
    // Rc::from_raw: takes over the strong count owned by `ptr`.
    static Rc from_raw(const T* ptr) noexcept { return Rc(const_cast<T*>(ptr)); }
    // Rc::increment_strong_count
    static void increment_strong_count(const T* ptr) noexcept { ++ptr->rc_strong_; }
    static std::size_t strong_count(const Rc& rc) noexcept { return rc.ptr_->rc_strong_; }
    static const T* as_ptr(const Rc& rc) noexcept { return rc.ptr_; }
    static bool ptr_eq(const Rc& a, const Rc& b) noexcept { return a.ptr_ == b.ptr_; }
    // Rc::get_mut: the value when this Rc is the only owner, else nullptr.
    static T* get_mut(Rc& rc) noexcept { return rc.ptr_->rc_strong_ == 1 ? rc.ptr_ : nullptr; }

private:
    template <class>
    friend class Rc;
    explicit Rc(T* ptr) noexcept : ptr_(ptr) {}
    // Out of line, so the inlined destructor is a null test and a decrement (a moved-from
    // Rc costs no call).
    [[gnu::noinline]] static void destroy(T* ptr) noexcept { delete ptr; }
    T* ptr_;
};

}  // namespace kimojio
