// An exhaustive checker of the C++20 memory model ([intro.races], [atomics.order] as
// amended by P0668) for small straight-line programs of atomic operations: "is this
// outcome allowed?" It enumerates every candidate execution (a reads-from write for each
// read, a modification order per object) and keeps those the standard admits:
//
//   happens-before  = (sequenced-before | synchronizes-with)+, acyclic; synchronizes-with
//                     from a release write, or a release fence before any write, to an
//                     acquire read, or an acquire fence after any read, that reads from
//                     the write's release sequence (the write and the RMWs right after it);
//   coherence       write-write, read-read, read-write, write-read, against happens-before;
//   RMW atomicity   an RMW reads the write right before it in modification order;
//   S               one total order of the seq_cst operations and fences exists that
//                   respects strongly-happens-before and the four coherence-ordered-before
//                   conditions of [atomics.order]/4 (checked as: their union is acyclic).
//
// Why this exists next to Relacy: Relacy orders the RMWs of one object by its
// interleaving, so an RMW always reads every RMW that ran before it, and its seq_cst
// operations follow the interleaving too. Bugs of a memory order that only the C++
// model (or a weak machine) exhibits, e.g. message passing through two RMW chains with a
// relaxed writer, pass there; here the modification order is free.
// Not modelled: consume, non-atomic data (no races are reported), out-of-thin-air rules
// (C++20 has none; load buffering is allowed), values (programs are straight-line: an
// outcome is a predicate over which write each read reads from).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace cpp20 {

enum class Kind { load, store, rmw, fence };

struct Event {
    int thread;  // -1: an initial write (happens before everything)
    Kind kind;
    int object;  // unused for a fence
    std::memory_order order;
    std::string name;
};

// Which write each read reads from (rf[e], -1 for a non-read) and each event's position in
// its object's modification order (mo[e], -1 for a non-write).
struct Execution {
    std::vector<int> rf;
    std::vector<int> mo;
};

class Program {
public:
    explicit Program(int objects) : objects_(objects) {
        for (int o = 0; o < objects; ++o) events_.push_back({-1, Kind::store, o, std::memory_order_relaxed, "init"});
    }
    // Appends an event to `thread`'s program order; returns its id (the initial write of
    // object o is id o).
    int add(int thread, Kind kind, int object, std::memory_order order, std::string name) {
        events_.push_back({thread, kind, object, order, std::move(name)});
        return static_cast<int>(events_.size()) - 1;
    }
    const std::vector<Event>& events() const { return events_; }

    // Is there a consistent execution for which `outcome` holds? On success `witness` (if
    // given) holds one.
    bool allowed(const std::function<bool(const Execution&)>& outcome, Execution* witness = nullptr) const {
        const int n = static_cast<int>(events_.size());
        std::vector<std::vector<int>> writes(objects_);  // per object, the non-initial writes
        std::vector<int> reads;
        for (int e = objects_; e < n; ++e) {
            if (is_write(e)) writes[events_[e].object].push_back(e);
            if (is_read(e)) reads.push_back(e);
        }
        for (auto& w : writes) std::sort(w.begin(), w.end());
        Execution x{std::vector<int>(n, -1), std::vector<int>(n, -1)};
        bool found = false;
        // Every modification order (the initial write first), then every reads-from.
        std::function<void(int)> per_object = [&](int o) {
            if (found) return;
            if (o == objects_) {
                for_each_rf(reads, 0, x, [&] {
                    if (!found && outcome(x) && consistent(x)) {
                        found = true;
                        if (witness) *witness = x;
                    }
                });
                return;
            }
            std::vector<int> order = writes[o];
            do {
                x.mo[o] = 0;
                for (std::size_t i = 0; i < order.size(); ++i) x.mo[order[i]] = static_cast<int>(i) + 1;
                per_object(o + 1);
            } while (!found && std::next_permutation(order.begin(), order.end()));
        };
        per_object(0);
        return found;
    }

    // One line per read: "name <- write".
    std::string describe(const Execution& x) const {
        std::string s;
        for (std::size_t e = 0; e < events_.size(); ++e) {
            if (x.rf[e] >= 0) s += "  " + label(static_cast<int>(e)) + " reads " + label(x.rf[e]) + "\n";
        }
        return s;
    }

private:
    using Relation = std::vector<std::vector<bool>>;

    std::string label(int e) const {
        const Event& v = events_[e];
        return v.thread < 0 ? "init(" + std::to_string(v.object) + ")" : "T" + std::to_string(v.thread) + "." + v.name;
    }
    bool is_read(int e) const { return events_[e].kind == Kind::load || events_[e].kind == Kind::rmw; }
    bool is_write(int e) const { return events_[e].kind == Kind::store || events_[e].kind == Kind::rmw; }
    bool is_fence(int e) const { return events_[e].kind == Kind::fence; }
    bool is_sc(int e) const { return events_[e].thread >= 0 && events_[e].order == std::memory_order_seq_cst; }
    bool releases(int e) const {
        auto o = events_[e].order;
        return events_[e].thread >= 0 && events_[e].kind != Kind::load &&
               (o == std::memory_order_release || o == std::memory_order_acq_rel || o == std::memory_order_seq_cst);
    }
    bool acquires(int e) const {
        auto o = events_[e].order;
        return events_[e].kind != Kind::store && (o == std::memory_order_acquire || o == std::memory_order_consume ||
                                                  o == std::memory_order_acq_rel || o == std::memory_order_seq_cst);
    }
    bool sequenced_before(int a, int b) const {
        if (events_[a].thread < 0) return events_[b].thread >= 0;  // initial writes come first
        return events_[a].thread == events_[b].thread && a < b;
    }
    bool same_object(int a, int b) const { return !is_fence(a) && !is_fence(b) && events_[a].object == events_[b].object; }
    bool mo_before(const Execution& x, int a, int b) const { return same_object(a, b) && x.mo[a] >= 0 && x.mo[b] >= 0 && x.mo[a] < x.mo[b]; }

    void for_each_rf(const std::vector<int>& reads, std::size_t i, Execution& x, const std::function<void()>& visit) const {
        if (i == reads.size()) return visit();
        int r = reads[i];
        for (int w = 0; w < static_cast<int>(events_.size()); ++w) {
            if (w == r || !is_write(w) || !same_object(w, r)) continue;
            // RMW atomicity: an RMW reads the write right before it in modification order.
            if (events_[r].kind == Kind::rmw && x.mo[w] != x.mo[r] - 1) continue;
            x.rf[r] = w;
            for_each_rf(reads, i + 1, x, visit);
        }
        x.rf[r] = -1;
    }

    static void close(Relation& r) {
        const std::size_t n = r.size();
        for (std::size_t k = 0; k < n; ++k)
            for (std::size_t i = 0; i < n; ++i)
                if (r[i][k])
                    for (std::size_t j = 0; j < n; ++j)
                        if (r[k][j]) r[i][j] = true;
    }
    static bool acyclic(Relation r) {
        close(r);
        for (std::size_t i = 0; i < r.size(); ++i)
            if (r[i][i]) return false;
        return true;
    }

    // Is w2 in the release sequence headed by w1 (w1 itself, then the RMWs right after it)?
    bool in_release_sequence(const Execution& x, int w1, int w2) const {
        if (w1 == w2) return true;
        if (!mo_before(x, w1, w2)) return false;
        for (int e = 0; e < static_cast<int>(events_.size()); ++e) {
            if (mo_before(x, w1, e) && !mo_before(x, w2, e) && events_[e].kind != Kind::rmw) return false;
        }
        return true;
    }

    bool consistent(const Execution& x) const {
        const int n = static_cast<int>(events_.size());
        Relation sb(n, std::vector<bool>(n)), sw = sb, hb = sb;
        for (int a = 0; a < n; ++a)
            for (int b = 0; b < n; ++b) sb[a][b] = sequenced_before(a, b);
        // synchronizes-with: for a read r of the release sequence of a write w, from w (if
        // release) or a release fence before w, to r (if acquire) or an acquire fence after r.
        for (int r = 0; r < n; ++r) {
            if (x.rf[r] < 0) continue;
            for (int w = 0; w < n; ++w) {
                if (!is_write(w) || !same_object(w, r) || events_[w].thread < 0 || !in_release_sequence(x, w, x.rf[r])) continue;
                for (int a = 0; a < n; ++a) {
                    if (!(a == w ? releases(w) : is_fence(a) && releases(a) && sb[a][w])) continue;
                    for (int b = 0; b < n; ++b) {
                        if (b == r ? acquires(r) : is_fence(b) && acquires(b) && sb[r][b]) sw[a][b] = true;
                    }
                }
            }
        }
        for (int a = 0; a < n; ++a)
            for (int b = 0; b < n; ++b) hb[a][b] = sb[a][b] || sw[a][b];
        close(hb);
        for (int a = 0; a < n; ++a)
            if (hb[a][a]) return false;
        // Coherence ([intro.races]/14-17), with the write each read reads.
        for (int a = 0; a < n; ++a) {
            for (int b = 0; b < n; ++b) {
                if (!hb[a][b] || !same_object(a, b)) continue;
                if (is_write(a) && is_write(b) && !mo_before(x, a, b)) return false;                       // write-write
                if (is_read(a) && is_write(b) && !mo_before(x, x.rf[a], b)) return false;                  // read-write
                if (is_write(a) && is_read(b) && x.rf[b] != a && !mo_before(x, a, x.rf[b])) return false;  // write-read
                if (is_read(a) && is_read(b) && x.rf[b] != x.rf[a] && !mo_before(x, x.rf[a], x.rf[b])) return false;  // read-read
            }
        }
        // coherence-ordered-before ([atomics.order]/3), closed through modifications.
        Relation cob(n, std::vector<bool>(n));
        for (int a = 0; a < n; ++a) {
            for (int b = 0; b < n; ++b) {
                if (a == b || !same_object(a, b)) continue;
                cob[a][b] = (is_write(a) && x.rf[b] == a) || mo_before(x, a, b) || (is_read(a) && mo_before(x, x.rf[a], b));
            }
        }
        for (int k = 0; k < n; ++k) {
            if (!is_write(k)) continue;
            for (int i = 0; i < n; ++i)
                if (cob[i][k])
                    for (int j = 0; j < n; ++j)
                        if (cob[k][j]) cob[i][j] = true;
        }
        // strongly happens before ([intro.races]/12): sb, sw between seq_cst operations,
        // sb;hb;sb, transitively.
        Relation sb_hb(n, std::vector<bool>(n)), shb = sb_hb;
        for (int a = 0; a < n; ++a)
            for (int c = 0; c < n; ++c)
                if (sb[a][c])
                    for (int d = 0; d < n; ++d)
                        if (hb[c][d]) sb_hb[a][d] = true;
        for (int a = 0; a < n; ++a) {
            for (int b = 0; b < n; ++b) {
                shb[a][b] = sb[a][b] || (sw[a][b] && is_sc(a) && is_sc(b) && !is_fence(a) && !is_fence(b));
                for (int d = 0; d < n && !shb[a][b]; ++d) shb[a][b] = sb_hb[a][d] && sb[d][b];
            }
        }
        close(shb);
        // The constraints on S ([atomics.order]/4) over the seq_cst operations and fences.
        Relation s(n, std::vector<bool>(n));
        for (int a = 0; a < n; ++a)
            for (int b = 0; b < n; ++b)
                if (is_sc(a) && is_sc(b) && shb[a][b]) s[a][b] = true;
        for (int a = 0; a < n; ++a) {
            for (int b = 0; b < n; ++b) {
                if (!cob[a][b]) continue;
                if (is_sc(a) && is_sc(b)) s[a][b] = true;  // 4.1
                for (int f = 0; f < n; ++f) {
                    if (!is_fence(f) || !is_sc(f)) continue;
                    if (is_sc(a) && hb[b][f]) s[a][f] = true;  // 4.2
                    if (hb[f][a] && is_sc(b)) s[f][b] = true;  // 4.3
                    for (int g = 0; g < n; ++g)
                        if (is_fence(g) && is_sc(g) && hb[f][a] && hb[b][g]) s[f][g] = true;  // 4.4
                }
            }
        }
        return acyclic(s);
    }

    int objects_;
    std::vector<Event> events_;
};

}  // namespace cpp20
