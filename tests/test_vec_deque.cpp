// kimojio::VecDeque (kimojio/vec_deque.hpp), the ring buffer of the ready lists: FIFO
// order across growth and wrap-around, erase, move and swap, reserve.
#include <doctest/doctest.h>

#include <memory>
#include <vector>

#include "kimojio/vec_deque.hpp"

using kimojio::VecDeque;

namespace {
std::vector<int> items(const VecDeque<std::unique_ptr<int>>& d) {
    std::vector<int> out;
    for (const auto& p : d) out.push_back(*p);
    return out;
}
}  // namespace

TEST_CASE("VecDeque keeps FIFO order across wrap-around and growth") {
    VecDeque<std::unique_ptr<int>> d;
    int next = 0, expect = 0;
    // Interleave pushes and pops so the head moves round the buffer while it grows.
    for (int round = 0; round < 200; ++round) {
        for (int i = 0; i < 3; ++i) d.push_back(std::make_unique<int>(next++));
        CHECK(*d.front() == expect);
        d.pop_front();
        ++expect;
    }
    CHECK(d.size() == static_cast<std::size_t>(next - expect));
    std::vector<int> want;
    for (int i = expect; i < next; ++i) want.push_back(i);
    CHECK(items(d) == want);
}

TEST_CASE("VecDeque erase shifts the later elements down, a move leaves the source empty, swap exchanges") {
    VecDeque<std::unique_ptr<int>> d;
    for (int i = 0; i < 20; ++i) d.push_back(std::make_unique<int>(i));
    for (int i = 0; i < 10; ++i) d.pop_front();  // head is now mid-buffer
    for (int i = 20; i < 25; ++i) d.push_back(std::make_unique<int>(i));
    auto it = d.erase(d.begin() + 1);
    CHECK(**it == 12);
    CHECK(items(d) == std::vector<int>{10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24});

    VecDeque<std::unique_ptr<int>> moved = std::move(d);
    CHECK(d.empty());
    CHECK(moved.size() == 14);
    d.push_back(std::make_unique<int>(99));  // the moved-from deque is usable
    swap(d, moved);
    CHECK(items(d).front() == 10);
    CHECK(items(moved) == std::vector<int>{99});
    d.clear();
    CHECK(d.empty());
    d.push_back(std::make_unique<int>(5));
    CHECK(items(d) == std::vector<int>{5});
}

TEST_CASE("VecDeque reserve makes room in one allocation and keeps a wrapped-around order") {
    VecDeque<std::unique_ptr<int>> d;
    CHECK(d.capacity() == 0);
    d.reserve(100);
    std::size_t reserved = d.capacity();
    CHECK(reserved >= 100);
    for (int i = 0; i < 100; ++i) d.push_back(std::make_unique<int>(i));
    CHECK(d.capacity() == reserved);  // no growth within the reserved room
    d.reserve(reserved - 100);        // already there: nothing changes
    CHECK(d.capacity() == reserved);
    // Wrap the head round, then reserve past the capacity: the order survives the move.
    for (int i = 0; i < 90; ++i) d.pop_front();
    for (int i = 100; i < 100 + static_cast<int>(reserved) - 20; ++i) d.push_back(std::make_unique<int>(i));
    d.reserve(d.capacity());
    CHECK(d.capacity() >= 2 * reserved - 10);
    std::vector<int> expected;
    for (int i = 90; i < 100 + static_cast<int>(reserved) - 20; ++i) expected.push_back(i);
    CHECK(items(d) == expected);
}
