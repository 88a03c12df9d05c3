// A program over several runtimes, run through the port and through the oracle's world
// model (oracle/src/world.rs), for fuzz/cross_thread_fuzz.cpp and fuzz/waker_data_fuzz.cpp.
//
// Port side: WORKERS real threads that may each host one Runtime (started, stopped and
// restarted under any thread index), PLAINS threads that never do, and the real code:
// Runtime, index wakers built from raw data words (local and foreign paths), the drain
// point, block_on's inner loop, and the eventfd sleep. Threads act one at a time: the
// driver hands an operation to its thread and waits until it is done, so one program
// always gives one trace. Compared: each runtime's TaskScheduled / TaskRunEnd events,
// its task states, and how many indexes its drains found; a refused Runtime must be
// refused by the model too; a wake must never throw (the ownership check of
// schedule_io_internal); and a counting waker's vtable calls must be the expected ones.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <semaphore>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "kimojio/kimojio.hpp"
#include "oracle.h"
#include "scheduler_program.hpp"

namespace world_program {

inline constexpr int WORKERS = 3;                  // threads that may host a runtime
inline constexpr int PLAINS = 2;                   // threads that never do
inline constexpr std::uint16_t MAX_TASK = 11;      // task indexes whose states are compared
inline constexpr std::uint8_t NO_THREAD = 255;

enum class VTable : std::uint8_t { Index, Noop, Counting };
enum class Action : std::uint8_t { WakeByRef, Wake, CloneThenWake, Drop, WakeTask };

// A waker built from a raw data word and a vtable, and what is done with it.
struct RawWake {
    std::uint64_t data;
    VTable vtable;
    Action action;
};

// The data word of the index waker of (thread index, task index): kimojio's layout,
// bits 16..23 and 0..15.
inline std::uint64_t packed_data(std::uint64_t thread_index, std::uint64_t task_index) {
    return (thread_index << 16) | task_index;
}

enum class Op : std::uint8_t { Start, Stop, Spawn, Wake, Run, Idle };

struct Instr {
    Op op;
    std::uint8_t thread;       // the acting thread: 0..WORKERS-1 workers, then plain threads
    std::uint8_t index = 0;    // Start: the runtime's thread index
    RawWake wake{};            // Wake: the waker; Idle: data is the task the plain thread wakes
    std::uint8_t plain = 0;    // Idle: the plain thread that wakes the sleeping worker
};

// One poll of a task: its wakes (made on its runtime's thread), then Ready or Pending.
struct Step {
    std::vector<RawWake> wakes;
    bool complete;
};

struct Program {
    std::vector<Instr> instrs;
    std::vector<Step> steps;  // consumed in poll order, across all runtimes, cyclically; never empty
};

// The polls' script: 1-4 steps of 0-3 wakes each (made on a runtime thread), then
// Ready or Pending. `consume_waker(in, on_plain_thread)` reads one waker.
template <class ConsumeWaker>
std::vector<Step> consume_steps(FuzzedDataProvider& in, ConsumeWaker&& consume_waker) {
    std::vector<Step> steps(in.ConsumeIntegralInRange<std::size_t>(1, 4));
    for (Step& s : steps) {
        std::size_t wakes = in.ConsumeIntegralInRange<std::size_t>(0, 3);
        for (std::size_t w = 0; w < wakes; ++w) s.wakes.push_back(consume_waker(in, false));
        s.complete = in.ConsumeBool();
    }
    return steps;
}

inline std::string describe(const RawWake& w) {
    static const char* vtables[] = {"index", "noop", "counting"};
    static const char* actions[] = {"wake_by_ref", "wake", "clone_then_wake", "drop", "wake_task"};
    std::ostringstream os;
    os << actions[static_cast<int>(w.action)] << "(" << vtables[static_cast<int>(w.vtable)] << " waker, data 0x"
       << std::hex << w.data << std::dec;
    if (w.vtable == VTable::Index) os << " = thread " << ((w.data >> 16) & 0xff) << " task " << (w.data & 0xffff);
    os << ")";
    return os.str();
}

inline std::string thread_name(std::uint8_t thread) {
    return thread < WORKERS ? "worker " + std::to_string(thread) : "plain " + std::to_string(thread - WORKERS);
}

inline std::string explain(const Program& p) {
    std::ostringstream os;
    os << "program:\n";
    for (const Instr& in : p.instrs) {
        os << "  " << thread_name(in.thread) << ": ";
        switch (in.op) {
            case Op::Start: os << "start runtime " << int(in.index); break;
            case Op::Stop: os << "stop its runtime"; break;
            case Op::Spawn: os << "spawn"; break;
            case Op::Wake: os << describe(in.wake); break;
            case Op::Run: os << "run one loop turn (drain, cohort)"; break;
            case Op::Idle:
                os << "block for completions; " << thread_name(in.plain) << " wakes task " << (in.wake.data & 0xffff)
                   << " of it";
                break;
        }
        os << "\n";
    }
    os << "polls (in poll order, cyclic):\n";
    for (const Step& s : p.steps) {
        os << "  poll:";
        for (const RawWake& w : s.wakes) os << " " << describe(w) << ";";
        os << " then " << (s.complete ? "Ready" : "Pending") << "\n";
    }
    return os.str();
}

// The counting vtable: how often each entry was called (any thread; the driver's
// hand-offs order the calls).
struct VTableCalls {
    std::uint64_t clone = 0, wake = 0, wake_by_ref = 0, drop = 0;
    bool operator==(const VTableCalls&) const = default;
};
inline std::atomic<std::uint64_t> counted_clone, counted_wake, counted_wake_by_ref, counted_drop;
inline const kimojio::RawWakerVTable COUNTING_VTABLE = {
    [](const void* data) {
        counted_clone.fetch_add(1);
        return kimojio::RawWaker{data, &COUNTING_VTABLE};
    },
    [](const void*) { counted_wake.fetch_add(1); },
    [](const void*) { counted_wake_by_ref.fetch_add(1); },
    [](const void*) { counted_drop.fetch_add(1); },
};
inline VTableCalls counted_calls() {
    return {counted_clone.load(), counted_wake.load(), counted_wake_by_ref.load(), counted_drop.load()};
}

// What a RawWake must do to the counting vtable (computed from the Waker contract).
inline VTableCalls expected_calls(const RawWake& w) {
    VTableCalls c;
    if (w.vtable != VTable::Counting) return c;
    switch (w.action) {
        case Action::WakeByRef: c.wake_by_ref = 1; c.drop = 1; break;
        case Action::Wake: c.wake = 1; break;
        case Action::CloneThenWake: c.clone = 1; c.wake = 1; c.drop = 1; break;
        case Action::Drop: c.drop = 1; break;
        case Action::WakeTask: c.wake_by_ref = 1; c.drop = 1; break;  // not ours: falls back to wake_by_ref
    }
    return c;
}

// Does `w` on the port, on the calling thread.
inline void perform(const RawWake& w) {
    using kimojio::Waker;
    const kimojio::RawWakerVTable* vtable = w.vtable == VTable::Index  ? &kimojio::index_waker_vtable()
                                            : w.vtable == VTable::Noop ? Waker::noop().vtable()
                                                                       : &COUNTING_VTABLE;
    Waker waker = Waker::from_raw(kimojio::RawWaker{reinterpret_cast<const void*>(w.data), vtable});
    switch (w.action) {
        case Action::WakeByRef: waker.wake_by_ref(); break;
        case Action::Wake: std::move(waker).wake(); break;
        case Action::CloneThenWake: {
            Waker copy = waker;
            std::move(copy).wake();
            break;
        }
        case Action::Drop: break;
        case Action::WakeTask: kimojio::wake_task(*kimojio::TaskState::get(), waker); break;
    }
}

// Does `w` on the model, as a wake made on a thread whose runtime is `current`.
inline void perform(OracleWorld* world, std::uint8_t current, const RawWake& w) {
    if (w.vtable == VTable::Index && w.action != Action::Drop) oracle_world_wake_packed(world, current, w.data);
}

// A thread that runs one job at a time for the driver. Never destroyed (see pool()).
// A job is held by reference, not copied into a std::function: no allocation per
// hand-off (ASan's allocator was a large part of a run), and post() takes only a named
// job, which the caller keeps alive until wait() returns. The hand-off is two binary
// semaphores (futex wake and wait, no mutex to re-acquire after the wake): one per
// direction, so each side sleeps on its own word.
class Thread {
public:
    Thread() : thread_([this] { loop(); }) {}

    // Starts `job` on this thread; wait() until it is done. Driver thread only.
    template <class F>
    void post(F& job) {
        job_ = &job;
        call_ = [](void* f) { (*static_cast<F*>(f))(); };
        start_.release();  // release: the job's pointer and captures before the worker's acquire
    }
    void wait() { done_.acquire(); }
    template <class F>
    void run(F&& job) {
        post(job);
        wait();
    }

private:
    void loop() {
        for (;;) {
            start_.acquire();
            call_(job_);
            done_.release();  // release: the job's effects before the driver's acquire
        }
    }
    std::binary_semaphore start_{0}, done_{0};
    void* job_ = nullptr;  // the posted job: written by post() before start_.release()
    void (*call_)(void*) = nullptr;
    std::thread thread_;
};

// Leaked on purpose: joinable threads must not be destroyed at process exit.
inline Thread* pool() {
    static Thread* threads = new Thread[WORKERS + PLAINS];
    return threads;
}

using scheduler_program::Event;

// A worker's port state; touched only on the worker's thread (or between hand-offs).
struct Worker {
    std::unique_ptr<kimojio::Runtime> runtime;
    std::uint8_t index = NO_THREAD;
    std::vector<Event> trace;
    std::uint64_t oracle_drained = 0;  // indexes the model's drains found since start
};

struct Shared {
    const std::vector<Step>* steps;
    std::size_t port_next = 0, oracle_next = 0;
    std::string violation;  // a wake that threw inside a poll
    std::vector<std::uint64_t> oracle_wakes;
};

inline void guarded(Shared& shared, const RawWake& w) {
    try {
        perform(w);
    } catch (const std::exception& e) {
        shared.violation = describe(w) + " threw: " + e.what();
    }
}

// The port's task: the next step's wakes, then Ready or Pending.
struct Scripted {
    Shared* shared;
    kimojio::Poll<void> poll(kimojio::Context&) {
        const Step& step = (*shared->steps)[shared->port_next++ % shared->steps->size()];
        for (const RawWake& w : step.wakes) guarded(*shared, w);
        return step.complete ? kimojio::Poll<void>(kimojio::Ready) : kimojio::Poll<void>(kimojio::Pending);
    }
};

inline OracleWorldPoll oracle_script(void* ctx, std::uint16_t) {
    auto* shared = static_cast<Shared*>(ctx);
    const Step& step = (*shared->steps)[shared->oracle_next++ % shared->steps->size()];
    shared->oracle_wakes.clear();
    for (const RawWake& w : step.wakes) {
        if (w.vtable == VTable::Index && w.action != Action::Drop) shared->oracle_wakes.push_back(w.data);
    }
    return OracleWorldPoll{shared->oracle_wakes.data(), shared->oracle_wakes.size(), step.complete};
}

class Driver {
public:
    explicit Driver(const Program& p) : program_(p), world_(oracle_world_new(), oracle_world_free) {
        shared_.steps = &p.steps;
    }

    // Runs the program; returns the first difference, if any. Leaves no runtime behind.
    std::optional<std::string> run() {
        for (std::size_t i = 0; i < program_.instrs.size() && !difference_; ++i) {
            step(program_.instrs[i]);
            if (!difference_ && !shared_.violation.empty()) difference_ = "a wake inside a poll: " + shared_.violation;
            if (difference_) *difference_ = "instruction " + std::to_string(i + 1) + ": " + *difference_;
        }
        for (int w = 0; w < WORKERS; ++w) {
            if (!difference_ && workers_[w].runtime) compare(w);
            stop(w);
        }
        return difference_;
    }

private:
    Thread& thread(int t) { return pool()[t]; }
    OracleWorld* world() { return world_.get(); }
    std::uint8_t current(std::uint8_t t) const { return t < WORKERS ? workers_[t].index : NO_THREAD; }

    void step(const Instr& in) {
        switch (in.op) {
            case Op::Start: start(in.thread, in.index); break;
            case Op::Stop:
                if (workers_[in.thread].runtime) {
                    compare(in.thread);
                    stop(in.thread);
                }
                break;
            case Op::Spawn: spawn(in.thread); break;
            case Op::Wake: wake(in.thread, in.wake); break;
            case Op::Run: run_turn(in.thread); break;
            case Op::Idle: idle(in.thread, in.plain, static_cast<std::uint16_t>(in.wake.data)); break;
        }
    }

    void start(int w, std::uint8_t index) {
        Worker& worker = workers_[w];
        bool hosted = static_cast<bool>(worker.runtime);
        if (!hosted) worker.trace.clear();
        std::unique_ptr<kimojio::Runtime> started;
        thread(w).run([&] {
            try {
                auto config = kimojio::Configuration().set_trace_buffer_manager(
                    std::make_unique<scheduler_program::Recorder>(&worker.trace));
                started = std::make_unique<kimojio::Runtime>(index, std::move(config));
                started->prepare_task_state(*kimojio::TaskState::get());
            } catch (const std::exception&) {
                // 255, an index a live runtime uses, or a thread that has a runtime
            }
        });
        // The model has no threads: one that already hosts a runtime refuses first.
        bool model_refused = hosted || !oracle_world_start(world(), index);
        if (model_refused != !started) {
            difference_ = "start of runtime " + std::to_string(index) + " on " + thread_name(w) +
                          (started ? ": allowed, the model refuses it" : ": refused, the model allows it");
            if (started) thread(w).run([&] { started.reset(); });
            return;
        }
        if (started) {
            worker.runtime = std::move(started);
            worker.index = index;
            worker.oracle_drained = 0;
        }
    }

    void stop(int w) {
        Worker& worker = workers_[w];
        if (!worker.runtime) return;
        thread(w).run([&] {
            kimojio::reset_task_state(kimojio::TaskState::get());  // keeps the thread's rings
            worker.runtime.reset();
        });
        oracle_world_stop(world(), worker.index);
        worker.index = NO_THREAD;
    }

    void spawn(int w) {
        Worker& worker = workers_[w];
        if (!worker.runtime) return;
        int port_index = 0;
        thread(w).run([&] {
            auto task = kimojio::TaskState::get()->schedule_new(Scripted{&shared_}, kimojio::Uuid::nil(),
                                                                kimojio::Uuid::nil());
            port_index = task->task_index;
        });
        int oracle_index = oracle_sched_spawn(oracle_world_scheduler(world(), worker.index));
        if (port_index != oracle_index) {
            difference_ = "spawn: port task index " + std::to_string(port_index) + ", model " + std::to_string(oracle_index);
        }
    }

    // A wake of no live task (stopped runtime, completed or never spawned task) must
    // change nothing: checked at once here, and at its drain by the trace comparison.
    bool stale(const RawWake& w) {
        OracleScheduler* s = oracle_world_scheduler(world(), static_cast<std::uint8_t>(w.data >> 16));
        return s == nullptr || oracle_sched_state(s, static_cast<std::uint16_t>(w.data)) == -1;
    }

    std::size_t events() const {
        std::size_t n = 0;
        for (const Worker& worker : workers_) n += worker.trace.size();
        return n;
    }

    void wake(int t, const RawWake& w) {
        VTableCalls before = counted_calls();
        bool no_live_task = w.vtable != VTable::Index || stale(w);
        std::size_t events_before = events();
        std::string error;
        thread(t).run([&] {
            try {
                perform(w);
            } catch (const std::exception& e) {
                error = e.what();
            }
        });
        if (!error.empty()) {
            difference_ = describe(w) + " on " + thread_name(t) + " threw: " + error;
            return;
        }
        if (no_live_task && events() != events_before) {
            difference_ = describe(w) + " on " + thread_name(t) + " wakes no live task, but the port scheduled one";
            return;
        }
        perform(world(), current(t), w);
        VTableCalls after = counted_calls(), expected = expected_calls(w);
        VTableCalls made{after.clone - before.clone, after.wake - before.wake, after.wake_by_ref - before.wake_by_ref,
                         after.drop - before.drop};
        if (!(made == expected)) difference_ = describe(w) + ": unexpected calls of the counting vtable";
    }

    void run_turn(int w) {
        Worker& worker = workers_[w];
        if (!worker.runtime) return;
        thread(w).run([&] {  // block_on's inner loop from its drain point, as written there
            auto ts = kimojio::drain_foreign_wakes(kimojio::TaskState::get());
            ts->prepare_cohort();
            while (auto ready = ts->get_ready()) ts = kimojio::poll_task(std::move(*ready), std::move(ts));
            ts = kimojio::submit_and_complete_io_all(std::move(ts), true);  // drops completed tasks
        });
        worker.oracle_drained += oracle_world_drain(world(), worker.index, nullptr, 0);
        oracle_world_run_cohort(world(), worker.index, oracle_script, &shared_);
        compare_traces(w);
    }

    // The worker blocks for completions (nothing is ready, nothing else is in flight);
    // only the plain thread's foreign wake, through the eventfd, can end that.
    void idle(int w, int plain, std::uint16_t task) {
        Worker& worker = workers_[w];
        if (!worker.runtime) return;
        auto block = [&] {
            kimojio::TaskStateCellRef ts = kimojio::submit_and_complete_io_all(kimojio::TaskState::get(), false);
        };
        thread(w).post(block);
        RawWake foreign_wake{packed_data(worker.index, task), VTable::Index, Action::WakeByRef};
        thread(plain).run([&] { perform(foreign_wake); });
        thread(w).wait();
        perform(world(), NO_THREAD, foreign_wake);
    }

    void compare_traces(int w) {
        Worker& worker = workers_[w];
        OracleScheduler* s = oracle_world_scheduler(world(), worker.index);
        std::vector<OracleEvent> raw(oracle_sched_trace(s, nullptr, 0));
        oracle_sched_trace(s, raw.data(), raw.size());
        std::vector<Event> model;
        for (const auto& e : raw) model.push_back({e.kind, e.action, e.complete, e.task});
        if (worker.trace != model) {
            difference_ = "runtime " + std::to_string(worker.index) + ": traces differ\n  port: " +
                          scheduler_program::to_string(worker.trace) + "\n  model:" + scheduler_program::to_string(model);
        }
    }

    void compare(int w) {
        compare_traces(w);
        if (difference_) return;
        Worker& worker = workers_[w];
        std::vector<int> states(MAX_TASK + 1, -1);
        std::uint64_t drained = 0;
        thread(w).run([&] {
            auto ts = kimojio::TaskState::get();
            for (std::uint16_t i = 1; i <= MAX_TASK; ++i) {
                if (auto task = ts->get_task_by_index(i)) states[i] = static_cast<int>((*task)->get_state());
            }
            drained = worker.runtime->foreign_wake_stats().drained;
        });
        OracleScheduler* s = oracle_world_scheduler(world(), worker.index);
        for (std::uint16_t i = 1; i <= MAX_TASK && !difference_; ++i) {
            if (states[i] != oracle_sched_state(s, i)) {
                difference_ = "runtime " + std::to_string(worker.index) + " task " + std::to_string(i) + ": port state " +
                              std::to_string(states[i]) + ", model " + std::to_string(oracle_sched_state(s, i));
            }
        }
        if (!difference_ && drained != worker.oracle_drained) {
            difference_ = "runtime " + std::to_string(worker.index) + ": drains found " + std::to_string(drained) +
                          " indexes, the model " + std::to_string(worker.oracle_drained);
        }
    }

    const Program& program_;
    std::unique_ptr<OracleWorld, void (*)(OracleWorld*)> world_;
    Shared shared_;
    Worker workers_[WORKERS];
    std::optional<std::string> difference_;
};

// Runs `p` through both; returns a description of the first difference, if any.
inline std::optional<std::string> run(const Program& p) { return Driver(p).run(); }

}  // namespace world_program
