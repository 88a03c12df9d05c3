// The foreign-wake handshake against the C++20 memory model itself, not a machine or a
// scheduler: kimojio/foreign_wake.hpp runs once single-threaded against recording atomics
// (props/model/recording_atomics.hpp), which yields every memory order as written there;
// litmus programs of the handshake's races are built from those orders and the exhaustive
// checker in props/model/cpp20_model.hpp asks whether a lost wake is an allowed outcome.
//
// Each litmus is checked three ways: its path (the reads that lead the threads where the
// race is) is allowed, its bad outcome is forbidden with the header's orders, and the bad
// outcome is allowed with every order relaxed (so the check could fail). First the
// checker itself is checked against classic litmus tests whose C++20 outcomes are known.
// Relacy (handshake_model.cpp) cannot see these races: its RMWs and seq_cst operations
// follow its interleaving.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "kimojio/foreign_wake.hpp"
#include "props/model/cpp20_model.hpp"

namespace {

using cpp20::Execution;
using cpp20::Kind;
using cpp20::Program;
using std::memory_order;
constexpr memory_order rlx = std::memory_order_relaxed;
constexpr memory_order acq = std::memory_order_acquire;
constexpr memory_order rel = std::memory_order_release;
constexpr memory_order sc = std::memory_order_seq_cst;

int failures = 0;

void expect(bool ok, const std::string& what) {
    std::printf("%s: %s\n", ok ? "ok" : "FAILED", what.c_str());
    if (!ok) ++failures;
}

// --- the checker against known C++20 outcomes ---------------------------------------

// Message passing: T0 writes data then flag, T1 reads flag (new) then data (old)?
bool message_passing(memory_order data_w, memory_order flag_w, memory_order flag_r, bool fences) {
    Program p(2);  // 0: data, 1: flag
    int dw = p.add(0, Kind::store, 0, data_w, "data=1");
    if (fences) p.add(0, Kind::fence, 0, rel, "fence");
    int fw = p.add(0, Kind::store, 1, flag_w, "flag=1");
    int fr = p.add(1, Kind::load, 1, flag_r, "flag?");
    if (fences) p.add(1, Kind::fence, 0, acq, "fence");
    int dr = p.add(1, Kind::load, 0, rlx, "data?");
    (void)dw;
    return p.allowed([&](const Execution& x) { return x.rf[fr] == fw && x.rf[dr] == 0; });
}

// Store buffering: both threads store then load the other's object; both read the old?
bool store_buffering(memory_order store, memory_order load, bool sc_fences) {
    Program p(2);
    p.add(0, Kind::store, 0, store, "x=1");
    if (sc_fences) p.add(0, Kind::fence, 0, sc, "fence");
    int r0 = p.add(0, Kind::load, 1, load, "y?");
    p.add(1, Kind::store, 1, store, "y=1");
    if (sc_fences) p.add(1, Kind::fence, 0, sc, "fence");
    int r1 = p.add(1, Kind::load, 0, load, "x?");
    return p.allowed([&](const Execution& x) { return x.rf[r0] == 1 && x.rf[r1] == 0; });
}

// Independent reads of independent writes: do two readers see the writes in opposite orders?
bool iriw(memory_order w, memory_order r) {
    Program p(2);
    int wx = p.add(0, Kind::store, 0, w, "x=1");
    int wy = p.add(1, Kind::store, 1, w, "y=1");
    int a = p.add(2, Kind::load, 0, r, "x?"), b = p.add(2, Kind::load, 1, r, "y?");
    int c = p.add(3, Kind::load, 1, r, "y?"), d = p.add(3, Kind::load, 0, r, "x?");
    return p.allowed([&](const Execution& x) { return x.rf[a] == wx && x.rf[b] == 1 && x.rf[c] == wy && x.rf[d] == 0; });
}

// Release sequence: T0 writes data, then flag (release); T1 increments flag (relaxed RMW,
// or a relaxed store when `rmw` is false); T2 reads T1's flag (acquire), then old data?
bool release_sequence(bool rmw) {
    Program p(2);
    p.add(0, Kind::store, 0, rlx, "data=1");
    p.add(0, Kind::store, 1, rel, "flag=1");
    int mid = p.add(1, rmw ? Kind::rmw : Kind::store, 1, rlx, rmw ? "flag+=1" : "flag=2");
    int fr = p.add(2, Kind::load, 1, acq, "flag?");
    int dr = p.add(2, Kind::load, 0, rlx, "data?");
    return p.allowed([&](const Execution& x) { return x.rf[fr] == mid && x.rf[dr] == 0 && (!rmw || x.rf[mid] == 3); });
}

void check_the_checker() {
    expect(message_passing(rlx, rlx, rlx, false), "checker: message passing, relaxed: allowed");
    expect(!message_passing(rlx, rel, acq, false), "checker: message passing, release/acquire: forbidden");
    expect(!message_passing(rlx, rlx, rlx, true), "checker: message passing, relaxed with release/acquire fences: forbidden");
    expect(store_buffering(rlx, rlx, false), "checker: store buffering, relaxed: allowed");
    expect(store_buffering(rel, acq, false), "checker: store buffering, release stores / acquire loads: allowed");
    expect(!store_buffering(sc, sc, false), "checker: store buffering, seq_cst: forbidden");
    expect(store_buffering(sc, acq, false), "checker: store buffering, seq_cst stores / acquire loads: allowed");
    expect(!store_buffering(rlx, rlx, true), "checker: store buffering, relaxed with seq_cst fences: forbidden");
    expect(iriw(rel, acq), "checker: IRIW, release/acquire: allowed");
    expect(!iriw(sc, sc), "checker: IRIW, seq_cst: forbidden");
    expect(!release_sequence(true), "checker: a relaxed RMW continues a release sequence");
    expect(release_sequence(false), "checker: a relaxed store of another thread ends it (C++20)");
    {  // read-read coherence: one thread reads the new value, then the old one
        Program p(1);
        int w = p.add(0, Kind::store, 0, rlx, "x=1");
        int a = p.add(1, Kind::load, 0, rlx, "x?"), b = p.add(1, Kind::load, 0, rlx, "x?");
        expect(!p.allowed([&](const Execution& x) { return x.rf[a] == w && x.rf[b] == 0; }),
               "checker: read-read coherence, relaxed: new then old is forbidden");
    }
    {  // load buffering: C++20 allows it for relaxed atomics
        Program p(2);
        int r0 = p.add(0, Kind::load, 0, rlx, "x?");
        int w0 = p.add(0, Kind::store, 1, rlx, "y=1");
        int r1 = p.add(1, Kind::load, 1, rlx, "y?");
        int w1 = p.add(1, Kind::store, 0, rlx, "x=1");
        expect(p.allowed([&](const Execution& x) { return x.rf[r0] == w1 && x.rf[r1] == w0; }),
               "checker: load buffering, relaxed: allowed");
    }
    {  // two RMWs of one object cannot both read the initial value
        Program p(1);
        int a = p.add(0, Kind::rmw, 0, rlx, "x+=1"), b = p.add(1, Kind::rmw, 0, rlx, "x+=1");
        expect(!p.allowed([&](const Execution& x) { return x.rf[a] == 0 && x.rf[b] == 0; }),
               "checker: RMW atomicity: two increments never both read 0");
    }
}

// --- the header's memory orders, recorded --------------------------------------------

struct NoEventfd {
    void write_one() const {}
};
using Queue = kimojio::BasicForeignWakeQueue<NoEventfd, 8192>;

struct Orders {
    memory_order push_fence, push_bitmap_load, push_bitmap_rmw, push_summary_load, push_summary_rmw, push_top_load,
        push_top_rmw, push_sleeping_load;
    memory_order drain_top_load, drain_top_rmw, drain_summary_rmw, drain_bitmap_rmw, drain_fence;
    memory_order sleep_store, sleep_top_load, sleep_count_rmw, stats_count_load;
};

Orders all_relaxed() {
    return Orders{rlx, rlx, rlx, rlx, rlx, rlx, rlx, rlx, rlx, rlx, rlx, rlx, rlx, rlx, rlx, rlx, rlx};
}

[[noreturn]] void shape_changed(const char* what, const std::vector<recording::Op>& ops) {
    std::fprintf(stderr, "%s no longer has the shape the litmus programs model (%zu atomic operations):\n", what, ops.size());
    for (const auto& op : ops) std::fprintf(stderr, "  object %p kind %d order %d\n", op.object, static_cast<int>(op.kind), static_cast<int>(op.order));
    std::fprintf(stderr, "Update props/model/memory_model.cpp's litmus programs to the new code.\n");
    std::exit(2);
}

// Runs `f` and returns the atomic operations it made.
template <class F>
std::vector<recording::Op> record(F&& f) {
    recording::log().clear();
    f();
    return recording::log();
}

bool is(const recording::Op& op, const void* object, Kind kind) {
    return op.object == object && static_cast<int>(op.kind) == static_cast<int>(kind);
}

Orders record_orders() {
    static Queue queue{NoEventfd{}};
    // 70: bitmap word 1, summary word 0 bit 1, top bit 0; all three levels empty.
    auto push = record([] { queue.push(70); });
    if (push.size() != 8 || push[0].object != nullptr) shape_changed("push() of a first wake", push);
    const void* bitmap = push[1].object;
    const void* summary = push[3].object;
    const void* top = push[5].object;
    const void* sleeping = push[7].object;
    if (!is(push[1], bitmap, Kind::load) || !is(push[2], bitmap, Kind::rmw) || !is(push[3], summary, Kind::load) ||
        !is(push[4], summary, Kind::rmw) || !is(push[5], top, Kind::load) || !is(push[6], top, Kind::rmw) ||
        !is(push[7], sleeping, Kind::load)) {
        shape_changed("push() of a first wake", push);
    }
    auto drain = record([] { queue.drain([](std::uint16_t) {}); });
    if (drain.size() < 5 || !is(drain[0], top, Kind::load) || !is(drain[1], top, Kind::rmw) ||
        !is(drain[2], summary, Kind::rmw) || !is(drain[3], bitmap, Kind::rmw) || !is(drain[4], nullptr, Kind::fence)) {
        shape_changed("drain() of one pending index", drain);
    }
    auto sleep = record([] { (void)queue.prepare_to_sleep(); });
    if (sleep.size() != 3 || !is(sleep[0], sleeping, Kind::store) || !is(sleep[1], top, Kind::load) ||
        sleep[2].kind != recording::Kind::rmw) {
        shape_changed("prepare_to_sleep() with nothing pending", sleep);
    }
    const void* sleeps = sleep[2].object;
    auto stats = record([] { (void)queue.stats(); });
    memory_order stats_count_load = rlx;
    bool found = false;
    for (const auto& op : stats) {
        if (is(op, sleeps, Kind::load)) stats_count_load = op.order, found = true;
    }
    if (!found) shape_changed("stats()", stats);
    return Orders{push[0].order,  push[1].order,  push[2].order,  push[3].order,  push[4].order,  push[5].order,
                  push[6].order,  push[7].order,  drain[0].order, drain[1].order, drain[2].order, drain[3].order,
                  drain[4].order, sleep[0].order, sleep[1].order, sleep[2].order, stats_count_load};
}

// --- litmus programs of the handshake --------------------------------------------------

struct Litmus {
    std::string name;
    Program program;
    std::function<bool(const Execution&)> path;  // the threads take the paths modelled
    std::function<bool(const Execution&)> bad;   // ... and a wake is lost (implies path)
};

// A pusher's first wake of an empty word and summary word, up to `upto` (the object ids
// give bitmap, summary, top, sleeping). Returns the event ids in program order.
std::vector<int> first_push(Program& p, int t, const Orders& o, int bitmap, int summary, int top, int sleeping, int upto) {
    const struct {
        Kind kind;
        int object;
        memory_order order;
        const char* name;
    } steps[] = {{Kind::fence, 0, o.push_fence, "fence"},
                 {Kind::load, bitmap, o.push_bitmap_load, "bitmap?"},
                 {Kind::rmw, bitmap, o.push_bitmap_rmw, "bitmap|=bit"},
                 {Kind::load, summary, o.push_summary_load, "summary?"},
                 {Kind::rmw, summary, o.push_summary_rmw, "summary|=bit"},
                 {Kind::load, top, o.push_top_load, "top?"},
                 {Kind::rmw, top, o.push_top_rmw, "top|=bit"},
                 {Kind::load, sleeping, o.push_sleeping_load, "sleeping?"}};
    std::vector<int> ids;
    for (int i = 0; i < upto; ++i) ids.push_back(p.add(t, steps[i].kind, steps[i].object, steps[i].order, steps[i].name));
    return ids;
}

// The path of first_push(..., 7) on an empty queue: every check reads the initial value.
bool published_from_empty(const Execution& x, const std::vector<int>& a, int word, int summary, int top) {
    return x.rf[a[1]] == word && x.rf[a[3]] == summary && x.rf[a[4]] == summary && x.rf[a[5]] == top;
}

// The owner's drain of the one word pusher A published: top, summary word, bitmap word.
struct Drain {
    int load0, xtop, xsum, xword;
    // It finds A's top bit and takes A's bits at each level.
    bool takes(const Execution& x, const std::vector<int>& a) const {
        return x.rf[load0] == a[6] && x.rf[xtop] == a[6] && x.rf[xsum] == a[4] && x.rf[xword] == a[2];
    }
};

Drain drain_one_word(Program& p, int t, const Orders& o, int word, int summary, int top) {
    Drain d{p.add(t, Kind::load, top, o.drain_top_load, "top?"), p.add(t, Kind::rmw, top, o.drain_top_rmw, "top=0"),
            p.add(t, Kind::rmw, summary, o.drain_summary_rmw, "summary=0"),
            p.add(t, Kind::rmw, word, o.drain_bitmap_rmw, "bitmap=0")};
    p.add(t, Kind::fence, 0, o.drain_fence, "fence");
    return d;
}

// Pusher A published word a (bitmap, summary, top bits); the owner's drain takes the top
// bit and the summary word, then A's word; pusher B's first bit of word b (same summary
// word) reads the drain's cleared summary word but the top word from before the drain:
// B's summary bit is left under a cleared top bit and nobody publishes it again.
Litmus summary_bit_under_cleared_top(const Orders& o) {
    Litmus l{"a summary bit left under a cleared top bit", Program(5), {}, {}};
    enum { word_a, word_b, summary, top, sleeping };
    Program& p = l.program;
    auto a = first_push(p, 0, o, word_a, summary, top, sleeping, 7);
    Drain d = drain_one_word(p, 1, o, word_a, summary, top);
    auto b = first_push(p, 2, o, word_b, summary, top, sleeping, 6);
    l.path = [=](const Execution& x) {
        return published_from_empty(x, a, word_a, summary, top) && d.takes(x, a) && x.rf[b[1]] == word_b &&
               (x.rf[b[4]] == summary || x.rf[b[4]] == d.xsum);  // B: the summary word is empty
    };
    l.bad = [=, path = l.path](const Execution& x) { return path(x) && x.rf[b[4]] == d.xsum && x.rf[b[5]] == a[6]; };
    return l;
}

// Pusher A published word w; the drain takes top, summary and word w; pusher B's first
// bit of word w reads the drain's cleared word but the summary word from before the
// drain: B's bit is left under a cleared summary bit.
Litmus bitmap_bit_under_cleared_summary(const Orders& o) {
    Litmus l{"a bitmap bit left under a cleared summary bit", Program(4), {}, {}};
    enum { word, summary, top, sleeping };
    Program& p = l.program;
    auto a = first_push(p, 0, o, word, summary, top, sleeping, 7);
    Drain d = drain_one_word(p, 1, o, word, summary, top);
    auto b = first_push(p, 2, o, word, summary, top, sleeping, 4);
    l.path = [=](const Execution& x) {
        return published_from_empty(x, a, word, summary, top) && d.takes(x, a) &&
               x.rf[b[2]] == d.xword;  // B's bit is the word's first after the drain
    };
    l.bad = [=, path = l.path](const Execution& x) { return path(x) && x.rf[b[3]] == a[4]; };
    return l;
}

// The Dekker pair: a first wake (every level empty) reads `sleeping` false while the
// owner, having set it, finds nothing pending and blocks.
Litmus sleeper_missed(const Orders& o) {
    Litmus l{"the owner blocks while a first wake sees no sleeper", Program(4), {}, {}};
    enum { word, summary, top, sleeping };
    Program& p = l.program;
    auto a = first_push(p, 0, o, word, summary, top, sleeping, 8);
    p.add(1, Kind::store, sleeping, o.sleep_store, "sleeping=1");
    int pending = p.add(1, Kind::load, top, o.sleep_top_load, "top?");
    l.path = [=](const Execution& x) { return x.rf[a[1]] == word && x.rf[a[3]] == summary && x.rf[a[5]] == top; };
    l.bad = [=, path = l.path](const Execution& x) { return path(x) && x.rf[pending] == top && x.rf[a[7]] == sleeping; };
    return l;
}

// The poll that the drain of a waker's bit leads to must see what the waker stored
// before wake(). An already-pending waker finds the bit (set by an earlier pusher) and
// returns at once; a first waker sets it (there the fence pair alone would do, whatever
// the RMWs' orders).
Litmus waker_data(const Orders& o, bool already_pending) {
    Litmus l{already_pending ? "a poll after the drain misses an already-pending waker's store"
                             : "a poll after the drain misses a first waker's store",
             Program(2), {}, {}};
    enum { word, data };
    Program& p = l.program;
    int earlier = already_pending ? p.add(0, Kind::rmw, word, o.push_bitmap_rmw, "bitmap|=bit") : -1;
    p.add(1, Kind::store, data, rlx, "data=1");
    p.add(1, Kind::fence, 0, o.push_fence, "fence");
    int check = p.add(1, Kind::load, word, o.push_bitmap_load, "bitmap?");
    int first = already_pending ? earlier : p.add(1, Kind::rmw, word, o.push_bitmap_rmw, "bitmap|=bit");
    int xword = p.add(2, Kind::rmw, word, o.drain_bitmap_rmw, "bitmap=0");
    p.add(2, Kind::fence, 0, o.drain_fence, "fence");
    int poll = p.add(2, Kind::load, data, rlx, "data?");
    int check_reads = already_pending ? earlier : word;  // the set bit, or the empty word
    l.path = [=](const Execution& x) { return x.rf[check] == check_reads && x.rf[xword] == first; };
    l.bad = [=, path = l.path](const Execution& x) { return path(x) && x.rf[poll] == data; };
    return l;
}

// A waker that read the owner's sleep count (stats(), acquire), then makes a first wake,
// must see `sleeping` set and write the eventfd.
Litmus counted_sleep_missed(const Orders& o) {
    Litmus l{"a waker that saw the sleep counted misses the sleeper", Program(5), {}, {}};
    enum { word, summary, top, sleeping, sleeps };
    Program& p = l.program;
    p.add(0, Kind::store, sleeping, o.sleep_store, "sleeping=1");
    int pending = p.add(0, Kind::load, top, o.sleep_top_load, "top?");
    int counted = p.add(0, Kind::rmw, sleeps, o.sleep_count_rmw, "sleeps+=1");
    int seen = p.add(1, Kind::load, sleeps, o.stats_count_load, "sleeps?");
    auto a = first_push(p, 1, o, word, summary, top, sleeping, 8);
    l.path = [=](const Execution& x) {
        return x.rf[seen] == counted && x.rf[pending] == top && x.rf[a[1]] == word && x.rf[a[3]] == summary &&
               x.rf[a[5]] == top;
    };
    l.bad = [=, path = l.path](const Execution& x) { return path(x) && x.rf[a[7]] == sleeping; };
    return l;
}

std::vector<Litmus> litmus_programs(const Orders& o) {
    std::vector<Litmus> all;
    all.push_back(summary_bit_under_cleared_top(o));
    all.push_back(bitmap_bit_under_cleared_summary(o));
    all.push_back(sleeper_missed(o));
    all.push_back(waker_data(o, true));
    all.push_back(waker_data(o, false));
    all.push_back(counted_sleep_missed(o));
    return all;
}

void check_the_handshake(const Orders& header) {
    std::vector<Litmus> relaxed = litmus_programs(all_relaxed());
    std::vector<Litmus> as_written = litmus_programs(header);
    for (std::size_t i = 0; i < as_written.size(); ++i) {
        Litmus& l = as_written[i];
        expect(l.program.allowed(l.path), "handshake: the path of \"" + l.name + "\" is reachable");
        Execution witness;
        bool lost = l.program.allowed(l.bad, &witness);
        expect(!lost, "handshake, foreign_wake.hpp's orders: \"" + l.name + "\" is forbidden");
        if (lost) std::printf("%s", l.program.describe(witness).c_str());
        expect(relaxed[i].program.allowed(relaxed[i].bad), "handshake, every order relaxed: \"" + l.name + "\" is allowed");
    }
}

// The two orders ci/mutation/equivalent.txt calls stronger than needed: with either
// weakened to relaxed every litmus above is still forbidden.
void check_the_equivalence_claims(const Orders& header) {
    Orders top = header;
    top.drain_top_rmw = rlx;
    Orders sleeps = header;
    sleeps.sleep_count_rmw = rlx;
    for (const auto& [what, orders] : {std::pair{"drain's top exchange relaxed", top}, std::pair{"prepare_to_sleep's count relaxed", sleeps}}) {
        bool none = true;
        for (Litmus& l : litmus_programs(orders)) none = none && !l.program.allowed(l.bad);
        expect(none, std::string("equivalent: with ") + what + ", every lost wake above is still forbidden");
    }
}

}  // namespace

int main() {
    check_the_checker();
    Orders header = record_orders();
    check_the_handshake(header);
    check_the_equivalence_claims(header);
    if (failures != 0) {
        std::printf("%d check(s) FAILED\n", failures);
        return 1;
    }
    std::printf("all checks passed\n");
    return 0;
}
