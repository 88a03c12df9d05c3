// Port of the tests in kimojio/src/handle_table.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
#include <doctest/doctest.h>

#include <algorithm>
#include <ranges>
#include <cstddef>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "kimojio/handle_table.hpp"

using kimojio::HandleTable;
using kimojio::Index;

namespace {

template <class T>
std::vector<Index> collect_indexes(const HandleTable<T>& handle_table) {
    std::vector<Index> indexes;
    for (Index index : handle_table.indexes()) {
        indexes.push_back(index);
    }
    return indexes;
}

// Rust collects (Index, &T); the pointer keeps the "reference into the table" part.
template <class T>
std::vector<std::pair<Index, const T*>> collect_items(const HandleTable<T>& handle_table) {
    std::vector<std::pair<Index, const T*>> items;
    for (auto [index, value] : handle_table.iter()) {
        items.emplace_back(index, &value);
    }
    return items;
}

}  // namespace

// handle_table.rs:199-210 test_insert_and_iter
TEST_CASE("test_insert_and_iter") {
    HandleTable<int> handle_table;
    std::vector<int> values{10, 20, 30, 40, 50};
    std::vector<Index> indices;
    for (int v : values) {
        indices.push_back(handle_table.insert(v));
    }
    const int expected[] = {10, 20, 30, 40, 50};
    for (std::size_t i = 0; i < indices.size(); ++i) {
        std::optional<int> stored = handle_table.remove(indices[i]);
        REQUIRE(stored.has_value());
        CHECK(*stored == expected[i]);
    }
}

// handle_table.rs:213-223 test_remove
TEST_CASE("test_remove") {
    HandleTable<int> handle_table;
    Index idx1 = handle_table.insert(100);
    Index idx2 = handle_table.insert(200);
    // Remove first value.
    CHECK(handle_table.remove(idx1) == std::optional<int>(100));
    // Remove second value.
    CHECK(handle_table.remove(idx2) == std::optional<int>(200));
    // Removing again returns None.
    CHECK(handle_table.remove(idx1) == std::nullopt);
}

// handle_table.rs:226-243 test_reuse_slot
TEST_CASE("test_reuse_slot") {
    HandleTable<int> handle_table;
    Index idx1 = handle_table.insert(1);
    Index idx2 = handle_table.insert(2);
    Index idx3 = handle_table.insert(3);
    // Remove middle element.
    CHECK(handle_table.remove(idx2) == std::optional<int>(2));
    // Removing again returns None.
    CHECK(handle_table.remove(idx2) == std::nullopt);
    // Insert new value, should reuse free slot.
    Index idx_new = handle_table.insert(4);
    CHECK(idx_new == idx2);
    // Verify correct values.
    CHECK(handle_table.remove(idx_new) == std::optional<int>(4));
    CHECK(handle_table.remove(idx3) == std::optional<int>(3));
    CHECK(handle_table.remove(idx2) == std::nullopt);
    CHECK(handle_table.remove(idx1) == std::optional<int>(1));
}

namespace {

// Counts the destruction of live values only: a moved-from Dropper holds a null
// counter, so the temporaries C++ moves create are not counted.
// handle_table.rs:249-251 test_drop::Dropper
class Dropper {
public:
    explicit Dropper(std::size_t* drop_count) : drop_count(drop_count) {}
    Dropper(const Dropper&) = delete;
    Dropper& operator=(const Dropper&) = delete;
    Dropper(Dropper&& other) noexcept : drop_count(std::exchange(other.drop_count, nullptr)) {}
    Dropper& operator=(Dropper&& other) noexcept {
        if (this != &other) {
            drop();
            drop_count = std::exchange(other.drop_count, nullptr);
        }
        return *this;
    }
    // handle_table.rs:254-256 test_drop::Dropper::drop (part 1 of 2: ~Dropper)
    ~Dropper() { drop(); }

private:
    // handle_table.rs:254-256 test_drop::Dropper::drop (part 2 of 2: drop)
    void drop() {
        if (drop_count != nullptr) {
            *drop_count += 1;
            drop_count = nullptr;
        }
    }
    std::size_t* drop_count;
};

}  // namespace

// handle_table.rs:246-279 test_drop
TEST_CASE("test_drop") {
    std::size_t drop_count = 0;

    {
        HandleTable<Dropper> handle_table;
        // Insert many values.
        for (int i = 0; i < 100; ++i) {
            handle_table.insert(Dropper(&drop_count));
        }
        // Not in Rust: moving values into the table destroys nothing live.
        CHECK(drop_count == 0);
        // Remove a few values.
        for (std::size_t i = 0; i < 100; i += 10) {
            std::optional<Dropper> removed = handle_table.remove(Index::from(i + 1));
            REQUIRE(removed.has_value());
        }
        // Not in Rust: each removed value has been dropped.
        CHECK(drop_count == 10);
        // Insert one new value.
        handle_table.insert(Dropper(&drop_count));
    }

    CHECK(drop_count == 101);
}

// handle_table.rs:282-290 test_new_and_default
TEST_CASE("test_new_and_default") {
    // Rust's new() and Default::default() are both the default constructor here.
    HandleTable<int> handle_table1;
    HandleTable<int> handle_table2{};

    CHECK(handle_table1.len() == 0);
    CHECK(handle_table2.len() == 0);
    CHECK(handle_table1.is_empty());
    CHECK(handle_table2.is_empty());
}

// handle_table.rs:293-319 test_clear
TEST_CASE("test_clear") {
    HandleTable<std::string_view> handle_table;

    // Insert some values
    Index idx1 = handle_table.insert("value1");
    Index idx2 = handle_table.insert("value2");
    Index idx3 = handle_table.insert("value3");

    CHECK(handle_table.len() == 3);
    CHECK_FALSE(handle_table.is_empty());

    // Clear the table
    handle_table.clear();

    CHECK(handle_table.len() == 0);
    CHECK(handle_table.is_empty());

    // Previous indices should not be accessible
    CHECK(handle_table.get(idx1) == nullptr);
    CHECK(handle_table.get(idx2) == nullptr);
    CHECK(handle_table.get(idx3) == nullptr);

    // Should be able to insert new values
    Index new_idx = handle_table.insert("new_value");
    CHECK(handle_table.len() == 1);
    REQUIRE(handle_table.get(new_idx) != nullptr);
    CHECK(*handle_table.get(new_idx) == "new_value");
}

// handle_table.rs:322-355 test_len_and_is_empty
TEST_CASE("test_len_and_is_empty") {
    HandleTable<int> handle_table;

    // Initially empty
    CHECK(handle_table.len() == 0);
    CHECK(handle_table.is_empty());

    // Add some items
    Index idx1 = handle_table.insert(10);
    CHECK(handle_table.len() == 1);
    CHECK_FALSE(handle_table.is_empty());

    Index idx2 = handle_table.insert(20);
    CHECK(handle_table.len() == 2);
    CHECK_FALSE(handle_table.is_empty());

    Index idx3 = handle_table.insert(30);
    CHECK(handle_table.len() == 3);
    CHECK_FALSE(handle_table.is_empty());

    // Remove one item
    (void)handle_table.remove(idx2);
    CHECK(handle_table.len() == 2);
    CHECK_FALSE(handle_table.is_empty());

    // Remove remaining items
    (void)handle_table.remove(idx1);
    CHECK(handle_table.len() == 1);
    CHECK_FALSE(handle_table.is_empty());

    (void)handle_table.remove(idx3);
    CHECK(handle_table.len() == 0);
    CHECK(handle_table.is_empty());
}

// handle_table.rs:358-380 test_get
TEST_CASE("test_get") {
    HandleTable<std::string_view> handle_table;

    // Test get on empty table
    Index invalid_idx = Index::from(1);
    CHECK(handle_table.get(invalid_idx) == nullptr);

    // Insert values and test get
    Index idx1 = handle_table.insert("hello");
    Index idx2 = handle_table.insert("world");

    REQUIRE(handle_table.get(idx1) != nullptr);
    CHECK(*handle_table.get(idx1) == "hello");
    REQUIRE(handle_table.get(idx2) != nullptr);
    CHECK(*handle_table.get(idx2) == "world");

    // Remove one value and test get
    (void)handle_table.remove(idx1);
    CHECK(handle_table.get(idx1) == nullptr);
    REQUIRE(handle_table.get(idx2) != nullptr);
    CHECK(*handle_table.get(idx2) == "world");

    // Test get with out-of-bounds index
    Index out_of_bounds = Index::from(100);
    CHECK(handle_table.get(out_of_bounds) == nullptr);
}

// handle_table.rs:383-400 test_insert_fn
TEST_CASE("test_insert_fn") {
    HandleTable<std::string> handle_table;

    // Test insert_fn with function that uses the index
    Index idx1 = handle_table.insert_fn([](Index index) { return "value_at_" + std::to_string(index.get()); });
    REQUIRE(handle_table.get(idx1) != nullptr);
    CHECK(*handle_table.get(idx1) == "value_at_1");

    Index idx2 = handle_table.insert_fn([](Index index) { return "value_at_" + std::to_string(index.get()); });
    REQUIRE(handle_table.get(idx2) != nullptr);
    CHECK(*handle_table.get(idx2) == "value_at_2");

    // Remove first value and insert another using insert_fn
    (void)handle_table.remove(idx1);
    Index idx3 = handle_table.insert_fn([](Index index) { return "reused_slot_" + std::to_string(index.get()); });

    // Should reuse the first slot
    CHECK(idx3 == idx1);
    REQUIRE(handle_table.get(idx3) != nullptr);
    CHECK(*handle_table.get(idx3) == "reused_slot_1");
}

// handle_table.rs:403-432 test_indexes
TEST_CASE("test_indexes") {
    HandleTable<std::string_view> handle_table;

    // Empty table should have no indexes
    CHECK(collect_indexes(handle_table).empty());

    // Insert some values
    Index idx1 = handle_table.insert("a");
    Index idx2 = handle_table.insert("b");
    Index idx3 = handle_table.insert("c");

    std::vector<Index> indexes = collect_indexes(handle_table);
    std::sort(indexes.begin(), indexes.end());
    CHECK(indexes == std::vector<Index>{idx1, idx2, idx3});

    // Remove middle value
    (void)handle_table.remove(idx2);
    indexes = collect_indexes(handle_table);
    std::sort(indexes.begin(), indexes.end());
    CHECK(indexes == std::vector<Index>{idx1, idx3});

    // Add new value (should reuse slot)
    Index idx4 = handle_table.insert("d");
    CHECK(idx4 == idx2);  // Should reuse idx2's slot

    indexes = collect_indexes(handle_table);
    std::sort(indexes.begin(), indexes.end());
    CHECK(indexes == std::vector<Index>{idx1, idx2, idx3});  // idx4 == idx2, so we have 1, 2, 3
}

// handle_table.rs:435-456 test_iter
TEST_CASE("test_iter") {
    HandleTable<int> handle_table;
    auto by_index = [](const auto& a, const auto& b) { return a.first < b.first; };
    auto matches = [&](const std::vector<std::pair<Index, const int*>>& items,
                       const std::vector<std::pair<Index, int>>& expected) {
        if (items.size() != expected.size()) {
            return false;
        }
        for (std::size_t i = 0; i < items.size(); ++i) {
            // Same index, same value, and a reference to the value stored in the table.
            if (items[i].first != expected[i].first || *items[i].second != expected[i].second ||
                items[i].second != handle_table.get(expected[i].first)) {
                return false;
            }
        }
        return true;
    };

    // Empty table
    CHECK(collect_items(handle_table).empty());

    // Insert values
    Index idx1 = handle_table.insert(10);
    Index idx2 = handle_table.insert(20);
    Index idx3 = handle_table.insert(30);

    auto items = collect_items(handle_table);
    std::sort(items.begin(), items.end(), by_index);
    CHECK(matches(items, {{idx1, 10}, {idx2, 20}, {idx3, 30}}));

    // Remove one value
    (void)handle_table.remove(idx2);
    items = collect_items(handle_table);
    std::sort(items.begin(), items.end(), by_index);
    CHECK(matches(items, {{idx1, 10}, {idx3, 30}}));
}

// handle_table.rs:459-485 test_iter_mut
TEST_CASE("test_iter_mut") {
    HandleTable<int> handle_table;

    // Insert values
    Index idx1 = handle_table.insert(10);
    Index idx2 = handle_table.insert(20);
    Index idx3 = handle_table.insert(30);

    // Modify values through iter_mut
    for (auto [index, value] : handle_table.iter_mut()) {
        (void)index;
        value += 1;
    }

    // Check modified values
    REQUIRE(handle_table.get(idx1) != nullptr);
    CHECK(*handle_table.get(idx1) == 11);
    REQUIRE(handle_table.get(idx2) != nullptr);
    CHECK(*handle_table.get(idx2) == 21);
    REQUIRE(handle_table.get(idx3) != nullptr);
    CHECK(*handle_table.get(idx3) == 31);

    // Remove one value and modify again
    (void)handle_table.remove(idx2);
    for (auto [index, value] : handle_table.iter_mut()) {
        (void)index;
        value *= 2;
    }

    REQUIRE(handle_table.get(idx1) != nullptr);
    CHECK(*handle_table.get(idx1) == 22);
    REQUIRE(handle_table.get(idx3) != nullptr);
    CHECK(*handle_table.get(idx3) == 62);
}

// handle_table.rs:488-516 test_index_methods
TEST_CASE("test_index_methods") {
    Index idx = Index::from(42);
    CHECK(idx.get() == 42);

    // Test From trait
    Index idx_from = Index::from(123);
    CHECK(idx_from.get() == 123);

    // Test Index traits (Copy, Clone, Debug, Eq, Hash, Ord, PartialOrd, PartialEq)
    Index idx1 = Index::from(1);
    Index idx2 = Index::from(2);
    Index idx1_copy = idx1;
    Index idx1_clone(idx1);

    CHECK(idx1 == idx1_copy);
    CHECK(idx1 == idx1_clone);
    CHECK(idx1 != idx2);
    CHECK(idx1 < idx2);
    CHECK(idx2 > idx1);

    // Test Debug
    std::ostringstream debug;
    debug << idx1;
    CHECK(debug.str() == "Index(1)");
    // Test Hash (basic test that it doesn't panic)
    std::unordered_map<Index, std::string_view> map;
    map.emplace(idx1, "value1");
    map.emplace(idx2, "value2");
    auto found = map.find(idx1);
    REQUIRE(found != map.end());
    CHECK(found->second == "value1");
}

// handle_table.rs:519-555 test_edge_cases
TEST_CASE("test_edge_cases") {
    HandleTable<std::string_view> handle_table;

    // Test removing non-existent index
    Index fake_idx = Index::from(999);
    CHECK(handle_table.remove(fake_idx) == std::nullopt);

    // Test multiple removes of same index
    Index idx = handle_table.insert("value");
    CHECK(handle_table.remove(idx) == std::optional<std::string_view>("value"));
    CHECK(handle_table.remove(idx) == std::nullopt);
    CHECK(handle_table.remove(idx) == std::nullopt);

    // Test get after remove
    CHECK(handle_table.get(idx) == nullptr);

    // Test complex reuse scenario
    Index idx1 = handle_table.insert("1");
    Index idx2 = handle_table.insert("2");
    Index idx3 = handle_table.insert("3");

    // Remove in specific order to test free list
    (void)handle_table.remove(idx1);
    (void)handle_table.remove(idx3);

    // New inserts should reuse in LIFO order (last removed first)
    Index idx_new1 = handle_table.insert("4");
    CHECK(idx_new1 == idx3);  // Most recently freed

    Index idx_new2 = handle_table.insert("5");
    CHECK(idx_new2 == idx1);  // Earlier freed

    // Verify values
    REQUIRE(handle_table.get(idx2) != nullptr);
    CHECK(*handle_table.get(idx2) == "2");
    REQUIRE(handle_table.get(idx_new1) != nullptr);
    CHECK(*handle_table.get(idx_new1) == "4");
    REQUIRE(handle_table.get(idx_new2) != nullptr);
    CHECK(*handle_table.get(idx_new2) == "5");
}

// Not in Rust (NonZeroUsize::new(0) is None there): Index::from rejects zero.
TEST_CASE("index_from_zero_throws") {
    CHECK_THROWS_AS(Index::from(0), std::invalid_argument);
    CHECK_NOTHROW(Index::from(1));
}

TEST_CASE("indexes, iter and iter_mut are standard forward ranges") {
    kimojio::HandleTable<int> table;
    static_assert(std::ranges::forward_range<decltype(table.indexes())>);
    static_assert(std::ranges::forward_range<decltype(table.iter())>);
    static_assert(std::ranges::forward_range<decltype(table.iter_mut())>);
    table.insert(1);
    table.insert(2);
    auto second = table.insert(3);
    table.remove(kimojio::Index::from(2));
    CHECK(std::ranges::distance(table.indexes()) == 2);
    auto indexes = table.indexes();
    CHECK(std::ranges::find(indexes, second) != indexes.end());
}

// ---- issue 15 / issue 12 item 7: review fixes ----
#include <type_traits>

#include "kimojio/mut_in_place_cell.hpp"
#include "kimojio/panic.hpp"

TEST_CASE("HandleTable is movable but not copyable, as the Rust type is not Clone") {
    CHECK_FALSE(std::is_copy_constructible_v<kimojio::HandleTable<int>>);
    CHECK_FALSE(std::is_copy_assignable_v<kimojio::HandleTable<int>>);
    CHECK(std::is_move_constructible_v<kimojio::HandleTable<int>>);
}

TEST_CASE("insert_fn called from its own value function is a Panic and leaves the table usable") {
    kimojio::HandleTable<int> table;
    for (bool with_free_slot : {false, true}) {
        CAPTURE(with_free_slot);
        if (with_free_slot) {
            table.remove(table.insert(7));
        }
        std::size_t before = table.len();
        CHECK_THROWS_AS(table.insert_fn([&](kimojio::Index) { return static_cast<int>(table.insert(1).get()); }),
                        kimojio::Panic);
        CHECK(table.len() == before);
        kimojio::Index index = table.insert(5);
        REQUIRE(table.get(index) != nullptr);
        CHECK(*table.get(index) == 5);
        table.remove(index);
    }
}

#if KIMOJIO_DEBUG_ASSERTIONS  // the recursion check, as in Rust, exists in debug builds only
TEST_CASE("MutInPlaceCell::use_mut called recursively is a kimojio::Panic") {
    kimojio::MutInPlaceCell<int> cell(0);
    CHECK_THROWS_AS(cell.use_mut([&](int&) { cell.use_mut([](int&) {}); }), kimojio::Panic);
    cell.use_mut([](int& value) { value = 1; });  // the guard was released
}
#endif
