// Model of Rust's std::collections::VecDeque: a growable ring buffer (not a port of a
// kimojio file). The ready lists use it instead of std::deque (see PORTING.md
// "Performance deviations"): push_back / pop_front are an index update and a move, a
// swap is three words, and moving one leaves the source empty without allocating.
// T must be nothrow-movable. Owner thread only, like the TaskState that holds it.
#pragma once

#include <bit>
#include <cstddef>
#include <iterator>
#include <new>
#include <type_traits>
#include <utility>

namespace kimojio {

template <class T>
class VecDeque {
    static_assert(std::is_nothrow_move_constructible_v<T>, "VecDeque needs a nothrow move");

public:
    template <bool Const>
    class Iter {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using pointer = std::conditional_t<Const, const T*, T*>;
        using reference = std::conditional_t<Const, const T&, T&>;
        using Owner = std::conditional_t<Const, const VecDeque, VecDeque>;

        Iter() = default;
        Iter(Owner* owner, std::size_t i) : owner_(owner), i_(i) {}
        reference operator*() const { return owner_->at(i_); }
        pointer operator->() const { return &owner_->at(i_); }
        reference operator[](difference_type n) const { return owner_->at(i_ + n); }
        Iter& operator++() { ++i_; return *this; }
        Iter operator++(int) { Iter t = *this; ++i_; return t; }
        Iter& operator--() { --i_; return *this; }
        Iter operator--(int) { Iter t = *this; --i_; return t; }
        Iter& operator+=(difference_type n) { i_ += n; return *this; }
        Iter& operator-=(difference_type n) { i_ -= n; return *this; }
        friend Iter operator+(Iter it, difference_type n) { return it += n; }
        friend Iter operator+(difference_type n, Iter it) { return it += n; }
        friend Iter operator-(Iter it, difference_type n) { return it -= n; }
        friend difference_type operator-(const Iter& a, const Iter& b) {
            return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
        }
        friend bool operator==(const Iter& a, const Iter& b) { return a.i_ == b.i_; }
        friend auto operator<=>(const Iter& a, const Iter& b) { return a.i_ <=> b.i_; }

    private:
        friend class VecDeque;
        Owner* owner_ = nullptr;
        std::size_t i_ = 0;
    };
    using iterator = Iter<false>;
    using const_iterator = Iter<true>;

    VecDeque() = default;
    VecDeque(const VecDeque&) = delete;
    VecDeque& operator=(const VecDeque&) = delete;
    VecDeque(VecDeque&& other) noexcept
        : buf_(std::exchange(other.buf_, nullptr)),
          cap_(std::exchange(other.cap_, 0)),
          head_(std::exchange(other.head_, 0)),
          len_(std::exchange(other.len_, 0)) {}
    VecDeque& operator=(VecDeque&& other) noexcept {
        if (this != &other) {
            VecDeque old(std::move(*this));
            swap(other);
        }
        return *this;
    }
    ~VecDeque() {
        clear();
        ::operator delete(buf_);
    }

    bool empty() const { return len_ == 0; }
    std::size_t size() const { return len_; }
    // How many elements fit before the next allocation (Rust: VecDeque::capacity).
    std::size_t capacity() const { return cap_; }
    // Makes room for at least `additional` more elements in one allocation (Rust:
    // VecDeque::reserve; with_capacity is reserve on an empty one).
    void reserve(std::size_t additional) {
        if (cap_ - len_ < additional) grow_to(std::bit_ceil(len_ + additional));
    }
    T& front() { return buf_[head_]; }
    const T& front() const { return buf_[head_]; }

    void push_back(T value) { emplace_back(std::move(value)); }
    template <class... Args>
    T& emplace_back(Args&&... args) {
        if (len_ == cap_) {
            grow();
        }
        T* slot = ::new (static_cast<void*>(&buf_[(head_ + len_) & (cap_ - 1)])) T(std::forward<Args>(args)...);
        len_ += 1;
        return *slot;
    }
    void pop_front() {
        buf_[head_].~T();
        head_ = (head_ + 1) & (cap_ - 1);
        len_ -= 1;
    }
    // Keeps the buffer (Rust: clear keeps the capacity).
    void clear() {
        while (len_ > 0) {
            pop_front();
        }
        head_ = 0;
    }
    // Removes the element at `pos`, shifting the later ones down; returns the iterator
    // to the element that followed it.
    iterator erase(iterator pos) {
        std::size_t i = pos.i_;
        for (std::size_t j = i; j + 1 < len_; ++j) {
            at(j) = std::move(at(j + 1));
        }
        at(len_ - 1).~T();
        len_ -= 1;
        return iterator(this, i);
    }
    void swap(VecDeque& other) noexcept {
        std::swap(buf_, other.buf_);
        std::swap(cap_, other.cap_);
        std::swap(head_, other.head_);
        std::swap(len_, other.len_);
    }
    friend void swap(VecDeque& a, VecDeque& b) noexcept { a.swap(b); }

    iterator begin() { return iterator(this, 0); }
    iterator end() { return iterator(this, len_); }
    const_iterator begin() const { return const_iterator(this, 0); }
    const_iterator end() const { return const_iterator(this, len_); }

private:
    T& at(std::size_t i) { return buf_[(head_ + i) & (cap_ - 1)]; }
    const T& at(std::size_t i) const { return buf_[(head_ + i) & (cap_ - 1)]; }
    [[gnu::noinline]] void grow() { grow_to(cap_ == 0 ? 16 : cap_ * 2); }
    void grow_to(std::size_t cap) {
        T* buf = static_cast<T*>(::operator new(cap * sizeof(T)));
        for (std::size_t i = 0; i < len_; ++i) {
            ::new (static_cast<void*>(&buf[i])) T(std::move(at(i)));
            at(i).~T();
        }
        ::operator delete(buf_);
        buf_ = buf;
        cap_ = cap;
        head_ = 0;
    }

    T* buf_ = nullptr;
    std::size_t cap_ = 0;  // 0 or a power of two
    std::size_t head_ = 0;
    std::size_t len_ = 0;
};

}  // namespace kimojio
