// Property: HandleTable behaves as a slot vector with a LIFO free list (the model):
// same index from every insert, same value from every get/remove, same len, and
// iteration in slot order. Stateful: random command sequences, shrunk on failure.
#include <rapidcheck/state.h>

#include <optional>
#include <utility>
#include <vector>

#include "kimojio/handle_table.hpp"
#include "props_main.hpp"

namespace {

struct Model {
    std::vector<std::optional<int>> slots;  // slot i holds index i + 1
    std::vector<std::size_t> free;          // LIFO: back() is reused first

    std::size_t next_index() const { return free.empty() ? slots.size() + 1 : free.back(); }
    std::size_t len() const {
        std::size_t n = 0;
        for (const auto& s : slots) n += s.has_value();
        return n;
    }
};

using Sut = kimojio::HandleTable<int>;
using Cmd = rc::state::Command<Model, Sut>;

std::size_t any_index(const Model& m) { return *rc::gen::inRange<std::size_t>(1, m.slots.size() + 3); }

struct Insert : Cmd {
    int value = *rc::gen::arbitrary<int>();
    void apply(Model& m) const override {
        std::size_t index = m.next_index();
        if (m.free.empty()) {
            m.slots.emplace_back(value);
        } else {
            m.free.pop_back();
            m.slots[index - 1] = value;
        }
    }
    void run(const Model& m, Sut& sut) const override {
        // invariant: LIFO reuse -- the most recently freed index is handed out first
        RC_ASSERT(sut.insert(value).get() == m.next_index());
        RC_ASSERT(sut.len() == m.len() + 1);
    }
    void show(std::ostream& os) const override { os << "insert(" << value << ")"; }
};

struct Remove : Cmd {
    std::size_t index;
    explicit Remove(const Model& m) : index(any_index(m)) {}
    void apply(Model& m) const override {
        if (index <= m.slots.size() && m.slots[index - 1]) {
            m.slots[index - 1].reset();
            m.free.push_back(index);
        }
    }
    void run(const Model& m, Sut& sut) const override {
        std::optional<int> expected = index <= m.slots.size() ? m.slots[index - 1] : std::nullopt;
        RC_ASSERT(sut.remove(kimojio::Index::from(index)) == expected);  // get after remove: gone
        RC_ASSERT(sut.get(kimojio::Index::from(index)) == nullptr);
    }
    void show(std::ostream& os) const override { os << "remove(" << index << ")"; }
};

struct Get : Cmd {
    std::size_t index;
    explicit Get(const Model& m) : index(any_index(m)) {}
    void run(const Model& m, Sut& sut) const override {
        const int* got = sut.get(kimojio::Index::from(index));
        std::optional<int> expected = index <= m.slots.size() ? m.slots[index - 1] : std::nullopt;
        std::optional<int> actual = got != nullptr ? std::optional<int>(*got) : std::nullopt;
        RC_ASSERT(actual == expected);
    }
    void show(std::ostream& os) const override { os << "get(" << index << ")"; }
};

struct Clear : Cmd {
    void apply(Model& m) const override { m = Model{}; }
    void run(const Model&, Sut& sut) const override {
        sut.clear();
        RC_ASSERT(sut.is_empty());
    }
    void show(std::ostream& os) const override { os << "clear()"; }
};

struct Iterate : Cmd {
    void run(const Model& m, Sut& sut) const override {
        // invariant: iteration yields exactly the used slots, in slot order
        std::vector<std::pair<std::size_t, int>> expected;
        for (std::size_t i = 0; i < m.slots.size(); ++i)
            if (m.slots[i]) expected.emplace_back(i + 1, *m.slots[i]);
        std::vector<std::pair<std::size_t, int>> got;
        for (auto [index, value] : sut.iter()) got.emplace_back(index.get(), value);
        RC_ASSERT(got == expected);
        std::size_t n = 0;
        for (auto index : sut.indexes()) RC_ASSERT(index.get() == expected[n++].first);
        RC_ASSERT(sut.len() == m.len());
        RC_ASSERT(sut.is_empty() == (m.len() == 0));
    }
    void show(std::ostream& os) const override { os << "iterate()"; }
};

}  // namespace

int main() {
    return props::run({{"HandleTable matches the LIFO slot model", [] {
                            return rc::check("HandleTable matches the LIFO slot model", [] {
                                Model model;
                                Sut sut;
                                rc::state::check(model, sut,
                                                 rc::state::gen::execOneOfWithArgs<Insert, Insert, Remove, Get, Clear,
                                                                                   Iterate>());
                            });
                        }}});
}
