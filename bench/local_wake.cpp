// Local wake micro-benchmarks (Google Benchmark): the index waker against the Rc<Task>
// waker of task_ref.rs at 35865d7 (kimojio::rc_waker, the baseline), on one runtime.
//
//   BM_self_wake/<waker>: a task wakes itself with wake_by_ref and returns Pending; one
//     iteration = wake + schedule + one turn of the real event loop + one poll.
//   BM_clone_drop/<waker>: copy a waker and destroy the copy.
#include <benchmark/benchmark.h>

#include "kimojio/kimojio.hpp"

namespace {

enum class Kind { Index, Rc };

struct SelfWake {
    benchmark::State* state;
    Kind kind;
    kimojio::Poll<void> poll(kimojio::Context& cx) {
        if (!state->KeepRunning()) return kimojio::Ready;
        if (kind == Kind::Index) {
            cx.waker().wake_by_ref();  // the waker poll_task made for this task
        } else {
            // the baseline: an Rc waker for this task, as the pre-feature poll_task made
            kimojio::Waker waker = kimojio::rc_waker::create_waker(kimojio::TaskState::get()->get_current_task());
            waker.wake_by_ref();
        }
        return kimojio::Pending;
    }
};

void BM_self_wake(benchmark::State& state, Kind kind) {
    kimojio::Runtime runtime(0, kimojio::Configuration());
    auto result = runtime.block_on(SelfWake{&state, kind});
    if (!result) state.SkipWithError("runtime shut down");
}

struct NeverReady {
    kimojio::Poll<void> poll(kimojio::Context&) { return kimojio::Pending; }
};

void BM_clone_drop(benchmark::State& state, Kind kind) {
    kimojio::Runtime runtime(0, kimojio::Configuration());
    kimojio::Rc<kimojio::Task> task = kimojio::TaskState::get()->schedule_new(NeverReady{}, kimojio::Uuid::nil(),
                                                                              kimojio::Uuid::nil());
    kimojio::Waker waker = kind == Kind::Index ? kimojio::create_waker(task->task_index)
                                               : kimojio::rc_waker::create_waker(task);
    for (auto _ : state) {
        kimojio::Waker copy = waker;
        benchmark::DoNotOptimize(copy.data());
    }
    kimojio::TaskState::get()->tasks.clear();
    kimojio::TaskState::get()->fill_ready_task_list_io.clear();
    kimojio::TaskState::get()->task_count = 0;
}

}  // namespace

BENCHMARK_CAPTURE(BM_self_wake, index, Kind::Index);
BENCHMARK_CAPTURE(BM_self_wake, rc, Kind::Rc);
BENCHMARK_CAPTURE(BM_clone_drop, index, Kind::Index);
BENCHMARK_CAPTURE(BM_clone_drop, rc, Kind::Rc);

BENCHMARK_MAIN();
