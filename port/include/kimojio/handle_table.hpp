// Port of kimojio/src/handle_table.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
//
// HandleTable assigns unique, reusable indices to values: O(1) insert (reusing
// the most recently freed slot first), lookup and remove.
//
//   HandleTable<const char*> handle_table;
//   auto idx = handle_table.insert("hello");
//   assert(handle_table.remove(idx) == "hello");
//   assert(!handle_table.remove(idx));  // already removed
#pragma once

#include <cstddef>
#include <type_traits>
#include <functional>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <utility>
#include <variant>
#include <vector>

#include "kimojio/panic.hpp"

namespace kimojio {

template <class T>
class HandleTable;

// An index into a HandleTable. Never zero (Rust: NonZeroUsize).
// Declared before Slot (Rust declares it after): Slot holds an optional Index.
// handle_table.rs:44 Index (part 1 of 2: Index)
class Index {
public:
    // Index::from(NonZeroUsize): throws std::invalid_argument for zero.
    // handle_table.rs:54-56 Index::from
    static Index from(std::size_t non_zero) {
        if (non_zero == 0) {
            throw std::invalid_argument("kimojio::Index must be non-zero");
        }
        return Index(non_zero);
    }

    // Returns the underlying index value.
    // handle_table.rs:48-50 Index::get
    std::size_t get() const { return value_; }

    friend auto operator<=>(Index, Index) = default;
    friend std::ostream& operator<<(std::ostream& os, Index index) {
        return os << "Index(" << index.value_ << ")";
    }

private:
    template <class>
    friend class HandleTable;
    explicit Index(std::size_t value) : value_(value) {}
    std::size_t value_;
};

// A slot in the handle table, either free or containing a value.
// handle_table.rs:28-33 Slot
template <class T>
struct Slot {
    // A free slot with a pointer to the next free slot.
    struct Free {
        std::optional<Index> next_free;
    };
    // A slot containing a value.
    struct Used {
        T value;
    };
    std::variant<Free, Used> slot;
};

// What iterating a HandleTable yields: (Index, Value&) pairs, or the indexes alone.
template <class Value>
struct handle_table_item {
    using type = std::pair<Index, Value&>;
};
template <>
struct handle_table_item<void> {
    using type = Index;
};

// A table that assigns unique indices to values for O(1) insertion and lookup.
// handle_table.rs:36-40 HandleTable
template <class T>
class HandleTable {
    template <class Data, class Value>
    class Iter;

public:
    // Creates a new empty HandleTable.
    // handle_table.rs:61-67 HandleTable::new
    // handle_table.rs:187-191 HandleTable::default
    HandleTable() = default;
    // The Rust type is not Clone.
    HandleTable(const HandleTable&) = delete;
    HandleTable& operator=(const HandleTable&) = delete;
    HandleTable(HandleTable&&) = default;
    HandleTable& operator=(HandleTable&&) = default;

    // Removes all entries from the table.
    // handle_table.rs:70-74 HandleTable::clear
    void clear() {
        data_.clear();
        free_list_ = std::nullopt;
        requests_ = 0;
    }

    // Returns the number of values in the table.
    // handle_table.rs:77-79 HandleTable::len
    std::size_t len() const { return requests_; }

    // Insert a value into the vector and return its index.
    // handle_table.rs:82-84 HandleTable::insert
    Index insert(T value) {
        return insert_fn([&](Index) { return std::move(value); });
    }

    // Insert a value into the vector using a function to generate the value.
    // handle_table.rs:87-114 HandleTable::insert_fn (part 1 of 2: insert_fn)
    template <class F>
    Index insert_fn(F&& value_fn) {
        // Rust's &mut self forbids inserting from value_fn; C++ must check it at run time.
        if (inserting_) {
            throw Panic("kimojio: HandleTable::insert_fn called from its own value function");
        }
        InsertGuard guard(inserting_);
        requests_ += 1;
        if (free_list_) {
            // Reuse slot from free list.
            Index index = *free_list_;
            std::size_t offset = index.get() - 1;
            auto* free = std::get_if<typename Slot<T>::Free>(&data_[offset].slot);
            if (free == nullptr) {
                throw Panic("kimojio: HandleTable free list points at a used slot (unreachable)");
            }
            std::optional<Index> next_free = free->next_free;
            // Rust builds the value before the replace; if value_fn throws, undo the count.
            Slot<T> used{typename Slot<T>::Used{invoke_counted(value_fn, index)}};
            data_[offset] = std::move(used);
            free_list_ = next_free;
            return index;
        } else {
            // Create a new slot
            std::size_t offset = data_.size();
            Index index(offset + 1);
            data_.push_back(Slot<T>{typename Slot<T>::Used{invoke_counted(value_fn, index)}});
            return index;
        }
    }

    // Get a pointer to a value by its index; nullptr if the slot is free or out of range.
    // handle_table.rs:117-124 HandleTable::get
    const T* get(Index index) const {
        std::size_t offset = index.get() - 1;
        if (offset < data_.size()) {
            if (auto* used = std::get_if<typename Slot<T>::Used>(&data_[offset].slot)) {
                return &used->value;
            }
        }
        return nullptr;
    }

    // Remove a value from the vector by its index and return it.
    // handle_table.rs:127-144 HandleTable::remove
    std::optional<T> remove(Index index) {
        std::size_t offset = index.get() - 1;
        if (offset >= data_.size()) {
            return std::nullopt;
        }
        auto& slot = data_[offset];
        if (std::holds_alternative<typename Slot<T>::Free>(slot.slot)) {
            return std::nullopt;
        }
        requests_ -= 1;
        std::optional<Index> next_free = free_list_;
        free_list_ = index;
        std::optional<T> value(std::move(std::get_if<typename Slot<T>::Used>(&slot.slot)->value));
        slot.slot = typename Slot<T>::Free{next_free};
        return value;
    }

    // Returns true if there are no requests.
    // handle_table.rs:147-149 HandleTable::is_empty
    bool is_empty() const { return requests_ == 0; }

    // Returns a range of valid indexes, in slot order.
    // handle_table.rs:152-160 HandleTable::indexes (part 1 of 2: indexes)
    auto indexes() const { return Iter<const std::vector<Slot<T>>, void>(data_); }

    // Returns a range of (Index, const T&) pairs, in slot order.
    // handle_table.rs:162-172 HandleTable::iter
    auto iter() const { return Iter<const std::vector<Slot<T>>, const T>(data_); }

    // Returns a range of (Index, T&) pairs, in slot order.
    // handle_table.rs:174-184 HandleTable::iter_mut
    auto iter_mut() { return Iter<std::vector<Slot<T>>, T>(data_); }

private:
    // Not in Rust: the run-time form of the borrow rule insert_fn relies on.
    struct InsertGuard {
        explicit InsertGuard(bool& flag) : flag_(flag) { flag_ = true; }
        InsertGuard(const InsertGuard&) = delete;
        InsertGuard& operator=(const InsertGuard&) = delete;
        ~InsertGuard() { flag_ = false; }
        bool& flag_;
    };

    // handle_table.rs:87-114 HandleTable::insert_fn (part 2 of 2: invoke_counted)
    template <class F>
    T invoke_counted(F& value_fn, Index index) {
        try {
            return std::invoke(value_fn, index);
        } catch (...) {
            requests_ -= 1;
            throw;
        }
    }

    // A forward range over the used slots. Value = void yields indexes only.
    // handle_table.rs:152-160 HandleTable::indexes (part 2 of 2: Iter)
    template <class Data, class Value>
    class Iter {
    public:
        explicit Iter(Data& data) : data_(&data) {}
        class iterator {
        public:
            using difference_type = std::ptrdiff_t;
            using value_type = typename handle_table_item<Value>::type;
            iterator() = default;
            iterator(Data* data, std::size_t offset) : data_(data), offset_(offset) { skip_free(); }
            auto operator*() const {
                Index index(offset_ + 1);
                if constexpr (std::is_void_v<Value>) {
                    return index;
                } else {
                    auto* used = std::get_if<typename Slot<T>::Used>(&(*data_)[offset_].slot);
                    if (used == nullptr) {
                        throw Panic("kimojio: HandleTable iterator at a free slot (unreachable)");
                    }
                    return std::pair<Index, Value&>(index, used->value);
                }
            }
            iterator& operator++() {
                ++offset_;
                skip_free();
                return *this;
            }
            iterator operator++(int) {
                iterator before = *this;
                ++*this;
                return before;
            }
            bool operator==(const iterator& other) const { return offset_ == other.offset_; }

        private:
            void skip_free() {
                while (offset_ < data_->size() &&
                       std::holds_alternative<typename Slot<T>::Free>((*data_)[offset_].slot)) {
                    ++offset_;
                }
            }
            Data* data_ = nullptr;
            std::size_t offset_ = 0;
        };
        iterator begin() const { return iterator(data_, 0); }
        iterator end() const { return iterator(data_, data_->size()); }

    private:
        Data* data_;
    };

    std::vector<Slot<T>> data_;
    std::optional<Index> free_list_;  // Head of the linked list of free slots, stored as index.
    std::size_t requests_ = 0;
    bool inserting_ = false;
};

}  // namespace kimojio

// handle_table.rs:44 Index (part 2 of 2: std::hash<kimojio::Index>)
template <>
struct std::hash<kimojio::Index> {
    std::size_t operator()(kimojio::Index index) const noexcept { return std::hash<std::size_t>{}(index.get()); }
};
