// Properties of wakers:
//  1. any interleaving of clone / drop / wake / wake_by_ref / will_wake / assignment
//     behaves as Rust's std::task contract says: every waker is released exactly once
//     (by wake or by drop), wake_by_ref never releases, clones of one waker will_wake
//     each other and not another's;
//  2. index wakers, local path: a wake of a live suspended task leads to exactly one
//     poll in the next loop iteration, however often it was woken; a stale index
//     (a completed task, or one never used) is a no-op.
#include <vector>

#include "kimojio/kimojio.hpp"
#include "props_main.hpp"

using kimojio::Async;
using kimojio::RawWaker;
using kimojio::RawWakerVTable;
using kimojio::Waker;

namespace {

struct Counts {
    int clones = 0, wakes = 0, by_ref = 0, drops = 0;
    bool operator==(const Counts&) const = default;
};

extern const RawWakerVTable COUNTING;
const RawWakerVTable COUNTING = {
    [](const void* d) {
        static_cast<Counts*>(const_cast<void*>(d))->clones++;
        return RawWaker{d, &COUNTING};
    },
    [](const void* d) { static_cast<Counts*>(const_cast<void*>(d))->wakes++; },
    [](const void* d) { static_cast<Counts*>(const_cast<void*>(d))->by_ref++; },
    [](const void* d) { static_cast<Counts*>(const_cast<void*>(d))->drops++; },
};

enum class Op { Clone, Drop, Wake, WakeByRef, WillWake, Assign };

bool waker_contract() {
    return rc::check("waker ops follow the std::task contract", [](const std::vector<std::tuple<int, unsigned, unsigned>>& ops) {
        Counts base[2];
        Counts model[2];
        {
            std::vector<Waker> pool;
            std::vector<int> owner;
            for (int b = 0; b < 2; ++b) {
                pool.push_back(Waker::from_raw(RawWaker{&base[b], &COUNTING}));
                owner.push_back(b);
            }
            for (auto [kind, x, y] : ops) {
                if (pool.empty()) break;
                std::size_t i = x % pool.size(), j = y % pool.size();
                switch (static_cast<Op>(((kind % 6) + 6) % 6)) {
                    case Op::Clone:
                        pool.push_back(pool[i]);
                        owner.push_back(owner[i]);
                        model[owner[i]].clones++;
                        break;
                    case Op::Drop:
                        model[owner[i]].drops++;
                        pool.erase(pool.begin() + i);
                        owner.erase(owner.begin() + i);
                        break;
                    case Op::Wake:
                        model[owner[i]].wakes++;
                        std::move(pool[i]).wake();  // consumed: its destructor does not drop
                        pool.erase(pool.begin() + i);
                        owner.erase(owner.begin() + i);
                        break;
                    case Op::WakeByRef:
                        model[owner[i]].by_ref++;
                        pool[i].wake_by_ref();
                        break;
                    case Op::WillWake:
                        RC_ASSERT(pool[i].will_wake(pool[j]) == (owner[i] == owner[j]));
                        break;
                    case Op::Assign:
                        if (owner[i] != owner[j]) {  // clone_from: a clone only when it would wake another task
                            model[owner[j]].clones++;
                            model[owner[i]].drops++;
                        }
                        pool[i] = pool[j];
                        owner[i] = owner[j];
                        break;
                }
                RC_ASSERT(base[0] == model[0]);
                RC_ASSERT(base[1] == model[1]);
            }
        }
        for (const Counts& c : base) {
            RC_ASSERT(1 + c.clones == c.wakes + c.drops);  // every waker released exactly once
        }
    });
}

struct Probe {
    std::vector<int> polls;
    std::vector<std::uint16_t> index;
    bool stop = false;
};

struct CountPolls {
    Probe* p;
    std::size_t i;
    kimojio::Poll<void> poll(kimojio::Context&) {
        p->polls[i]++;
        return p->stop ? kimojio::Poll<void>(kimojio::Ready) : kimojio::Poll<void>(kimojio::Pending);
    }
};

Async<void> probe_task(Probe* p, std::size_t i) {
    p->index[i] = kimojio::TaskState::get()->get_current_task()->task_index;
    co_await CountPolls{p, i};
}

Async<void> quick() { co_return; }

Async<void> local_wakes(std::size_t tasks, std::vector<std::vector<unsigned>> rounds) {
    Probe p;
    p.polls.assign(tasks, 0);
    p.index.assign(tasks, 0);
    std::vector<kimojio::JoinHandle<void>> handles;
    for (std::size_t i = 0; i < tasks; ++i) handles.push_back(kimojio::spawn(probe_task(&p, i)));
    auto done = kimojio::spawn(quick());
    co_await done;  // a completed task: its index is stale (until reused by a spawn)
    co_await kimojio::yield_io();
    std::uint16_t stale = kimojio::TaskState::get()->tasks.len() + 1000;
    for (const auto& round : rounds) {
        std::vector<int> before = p.polls;
        std::vector<bool> woken(tasks, false);
        for (unsigned w : round) {
            if (w % 5 == 4) {
                kimojio::create_waker(stale + static_cast<std::uint16_t>(w % 7)).wake_by_ref();  // never a task
                continue;
            }
            std::size_t i = w % tasks;
            woken[i] = true;
            kimojio::create_waker(p.index[i]).wake_by_ref();
        }
        co_await kimojio::yield_io();
        for (std::size_t i = 0; i < tasks; ++i) {
            RC_ASSERT(p.polls[i] - before[i] == (woken[i] ? 1 : 0));  // exactly one poll per wake batch
        }
    }
    p.stop = true;
    for (std::size_t i = 0; i < tasks; ++i) kimojio::create_waker(p.index[i]).wake_by_ref();
    for (auto& h : handles) co_await h;
}

bool local_wake_once_per_iteration() {
    return rc::check("a local wake of a suspended task: exactly one poll per loop iteration; stale index: no-op",
                     [](const std::vector<std::vector<unsigned>>& rounds) {
                         std::size_t tasks = *rc::gen::inRange<std::size_t>(1, 17);
                         kimojio::Runtime runtime(0, kimojio::Configuration());
                         auto result = runtime.block_on(local_wakes(tasks, rounds));
                         RC_ASSERT(result.has_value());
                         std::move(*result).value();  // rethrows an RC_ASSERT failure from inside the task
                     });
}

}  // namespace

int main() {
    return props::run({{"waker contract", waker_contract}, {"local wakes", local_wake_once_per_iteration}});
}
