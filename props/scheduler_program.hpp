// A scheduling program run through the port and through the oracle, for the property
// test props_oracle and the fuzz harness fuzz/scheduler_fuzz.cpp. The port side is the
// real runtime code on this thread: a Runtime, TaskState::schedule_new, wakes through
// index wakers (local path), abort_task, and block_on's inner loop (prepare_cohort,
// get_ready, poll_task). Compared: every TaskScheduled / TaskRunEnd event and, at the
// end, the state of every task index.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "kimojio/kimojio.hpp"
#include "oracle.h"

namespace scheduler_program {

// WakeHeld: a wake through an Rc waker (kimojio::rc_waker) taken at spawn (children
// too), which holds the task itself: it reaches the task after completion and after its
// index is reused.
enum class Op { Spawn, Wake, WakeCpu, Abort, High, Run, WakeHeld };

struct Instr {
    Op op;
    std::uint16_t task;  // 1..MAX_INDEX (some never used: stale wakes); WakeHeld: spawn number, modulo spawns
};

// One poll: the wakes it makes (cpu: schedule_cpu; a task's own index: yield_io or
// yield_cpu), the children it spawns, the tasks it joins, then Ready or Pending, or a
// nop I/O and Pending. A task whose nop is in flight only polls the nop (Pending).
struct Step {
    std::vector<std::uint16_t> wakes;
    std::vector<bool> cpu;
    bool complete;
    std::size_t spawns = 0;
    std::vector<std::uint16_t> joins;  // tasks it then waits for (a join), until it completes itself
    bool nop = false;  // then it starts a nop I/O and returns Pending; it completes at the end of the loop turn
};

struct Program {
    std::vector<Instr> instrs;
    std::vector<Step> steps;  // consumed in poll order, cyclically; never empty
};

inline constexpr std::uint16_t MAX_INDEX = 11;
// Bounds on one program's work, which sets the harness's speed: with 64 children and no
// poll budget, wakes among many tasks made a few corpus inputs take 10-25 ms each (the
// scheduler harness ran 2,100 exec/s alone on one core; with these bounds 4,100-5,400
// from run to run, the same 470 edges; 5,221-5,369 with the Buffers below).
// Wakes name tasks 1..MAX_INDEX only, so children beyond that add volume, not states.
inline constexpr std::size_t MAX_CHILDREN = 16;
// Polls that follow the script; every later poll completes its task and does nothing
// else (the model's script does the same), so every program drains.
inline constexpr std::size_t POLL_BUDGET = 128;

inline std::string explain(const Program& p) {
    static const char* names[] = {"spawn", "wake", "wake_cpu", "abort", "set_high_priority", "run_cohort", "wake_held"};
    std::ostringstream os;
    os << "program:\n";
    for (const Instr& in : p.instrs) {
        os << "  " << names[static_cast<int>(in.op)];
        if (in.op == Op::WakeHeld) os << "(Rc waker of spawn " << in.task << " modulo spawns)";
        else if (in.op != Op::Spawn && in.op != Op::Run) os << "(task " << in.task << ")";
        os << "\n";
    }
    os << "polls (in poll order, cyclic; children are spawned until " << MAX_CHILDREN << " in all; after "
       << POLL_BUDGET << " polls each poll completes its task):\n";
    for (const Step& s : p.steps) {
        os << "  poll: wakes [";
        for (std::size_t i = 0; i < s.wakes.size(); ++i) os << (i ? ", " : "") << s.wakes[i] << (s.cpu[i] ? " cpu" : "");
        os << "]";
        if (s.spawns) os << ", spawns " << s.spawns;
        for (std::size_t i = 0; i < s.joins.size(); ++i) os << (i ? ", " : ", joins ") << s.joins[i];
        if (s.nop) os << ", nop I/O";
        os << " then " << (s.complete && !s.nop ? "Ready" : "Pending") << "\n";
    }
    return os.str();
}

struct Event {
    std::uint8_t kind, action;
    bool complete;
    std::uint16_t task;
    bool operator==(const Event&) const = default;
};

inline std::string to_string(const std::vector<Event>& trace) {
    std::ostringstream os;
    for (const Event& e : trace) {
        os << (e.kind == 1 ? " scheduled(" : " run_end(") << e.task;
        if (e.kind == 2) os << ", action " << int(e.action) << (e.complete ? ", complete" : "");
        os << ")";
    }
    return os.str();
}

class Recorder final : public kimojio::TraceConfiguration {
public:
    explicit Recorder(std::vector<Event>* out) : out_(out) {}
    void trace(kimojio::EventEnvelope e) override {
        if (std::holds_alternative<kimojio::events::TaskScheduled>(e.event)) {
            out_->push_back({1, 0, false, e.task_index});
        } else if (auto* r = std::get_if<kimojio::events::TaskRunEnd>(&e.event)) {
            out_->push_back({2, r->action, r->complete, e.task_index});
        }
    }

private:
    std::vector<Event>* out_;
};

using Joins = std::vector<kimojio::WaitFuture<kimojio::TaskSource>>;

struct Script {
    const std::vector<Step>* steps;
    std::vector<kimojio::Waker>* held = nullptr;  // port only: an Rc waker per task spawned, in spawn order
    std::vector<std::weak_ptr<Joins>>* joins = nullptr;  // port only: every task's joins, to break cycles at the end
    std::size_t next = 0;
    std::size_t children = 0;  // spawned inside polls so far
    const Step& take() {
        static const Step complete{{}, {}, true};
        return next < POLL_BUDGET ? (*steps)[next++ % steps->size()] : complete;
    }
    // Children of this poll: a program's polls spawn at most MAX_CHILDREN in all (each
    // poll may spawn, and joins re-wake, so the task count could grow exponentially).
    std::size_t children_of(const Step& step) {
        std::size_t n = std::min(step.spawns, MAX_CHILDREN - children);
        children += n;
        return n;
    }
};

struct OracleCtx {
    Script script;
    std::vector<std::uint16_t> wakes;
    std::unique_ptr<bool[]> cpu;  // grown, never shrunk: no allocation per poll
    std::size_t cpu_capacity = 0;
};

inline OraclePoll oracle_script(void* ctx, std::uint16_t) {
    auto* c = static_cast<OracleCtx*>(ctx);
    const Step& step = c->script.take();
    c->wakes = step.wakes;
    if (c->cpu_capacity < step.cpu.size() + 1) {
        c->cpu_capacity = 2 * (step.cpu.size() + 1);
        c->cpu.reset(new bool[c->cpu_capacity]);
    }
    for (std::size_t i = 0; i < step.cpu.size(); ++i) c->cpu[i] = step.cpu[i];
    return OraclePoll{c->wakes.data(), c->cpu.get(), c->wakes.size(), c->script.children_of(step),
                      step.joins.data(), step.joins.size(), step.nop, step.complete};
}

// The port's task: a leaf that checks for abort, makes the step's wakes, completes or not.
struct Scripted {
    Script* script;
    // The joins it made: each registered in its target's joining list until this future
    // is dropped (at completion or abort) or the target completes. Each holds its target
    // (Rc<Task>), so a task joining itself, or a join cycle, is an Rc cycle: never freed,
    // in kimojio as in Rust. run() breaks such cycles before teardown.
    std::shared_ptr<Joins> joining = nullptr;
    std::optional<kimojio::UnitFuture> nop = std::nullopt;  // a nop I/O it waits for
    kimojio::Poll<void> poll(kimojio::Context& cx) {
        if (kimojio::TaskState::get()->get_current_task()->get_state() == kimojio::TaskReadyState::Aborted) {
            throw kimojio::TaskAborted();
        }
        if (nop) {
            if (nop->poll(cx).is_pending()) return kimojio::Pending;  // woken before its I/O completed
            nop.reset();
        }
        const Step& step = script->take();
        for (std::size_t i = 0; i < step.wakes.size(); ++i) {
            if (step.cpu[i]) {
                auto ts = kimojio::TaskState::get();
                if (auto task = ts->get_task_by_index(step.wakes[i])) ts->schedule_cpu(*task);
            } else {
                kimojio::create_waker(step.wakes[i]).wake_by_ref();
            }
        }
        for (std::size_t i = 0, n = script->children_of(step); i < n; ++i) {
            auto child =
                kimojio::TaskState::get()->schedule_new(Scripted{script}, kimojio::Uuid::nil(), kimojio::Uuid::nil());
            script->held->push_back(kimojio::rc_waker::create_waker(std::move(child)));
        }
        for (std::uint16_t index : step.joins) {
            if (std::optional<kimojio::Rc<kimojio::Task>> target = kimojio::TaskState::get()->get_task_by_index(index)) {
                if (!joining) {
                    joining = std::make_shared<Joins>();
                    joining->reserve(8);  // one allocation, not one per doubling (see Buffers)
                    script->joins->push_back(joining);
                }
                joining->emplace_back(kimojio::TaskSource(std::move(*target)));
                (void)joining->back().poll(cx);  // registers: a live task is never Complete
            }
        }
        if (step.nop) {
            nop.emplace(kimojio::nop());
            if (nop->poll(cx).is_ready()) throw std::logic_error("a nop completed when it was submitted");
            return kimojio::Pending;
        }
        return step.complete ? kimojio::Poll<void>(kimojio::Ready) : kimojio::Poll<void>(kimojio::Pending);
    }
};

// What run() needs on every call, kept per thread and cleared instead of freed: the fuzz
// harness runs thousands of programs a second, and under ASan every allocation records
// a stack trace (these were half of a run's ~130 allocations).
struct Buffers {
    std::vector<Event> port_trace;
    std::vector<kimojio::Waker> held;  // an Rc waker per spawned task, in spawn order
    std::vector<std::weak_ptr<Joins>> joins;
    std::vector<OracleEvent> oracle_raw;
    std::vector<Event> oracle_trace;
    std::unique_ptr<OracleScheduler, void (*)(OracleScheduler*)> oracle{oracle_sched_new(), oracle_sched_free};
};

inline Buffers& buffers() {
    thread_local Buffers b;
    return b;
}

// Runs `p` through both; returns a description of the first difference, if any.
inline std::optional<std::string> run(const Program& p) {
    using kimojio::TaskState;
    Buffers& b = buffers();
    // The run's wakers and join lists go when it ends, after its Runtime, even if it
    // throws: as locals' would.
    struct ClearOnExit {
        Buffers& b;
        ~ClearOnExit() {
            b.held.clear();
            b.joins.clear();
        }
    } clear_on_exit{b};
    kimojio::reset_task_state(TaskState::get());  // a fresh TaskState (same rings), even after a failed run
    std::vector<Event>& port_trace = b.port_trace;
    port_trace.clear();
    std::vector<kimojio::Waker>& held = b.held;
    Script port_script{&p.steps, &held, &b.joins};
    OracleCtx oracle_ctx{Script{&p.steps}, {}, {}};
    OracleScheduler* oracle = b.oracle.get();
    oracle_sched_reset(oracle);
    std::optional<std::string> difference;
    {
        kimojio::Runtime runtime(0, kimojio::Configuration().set_trace_buffer_manager(
                                        std::make_unique<Recorder>(&port_trace)));
        for (const Instr& in : p.instrs) {
            switch (in.op) {
                case Op::Spawn: {
                    auto task =
                        TaskState::get()->schedule_new(Scripted{&port_script}, kimojio::Uuid::nil(), kimojio::Uuid::nil());
                    held.push_back(kimojio::rc_waker::create_waker(task));
                    if (oracle_sched_spawn(oracle) != task->task_index) difference = "spawn: different task index";
                    break;
                }
                case Op::WakeHeld: {
                    if (held.empty()) break;
                    held[in.task % held.size()].wake_by_ref();
                    oracle_sched_schedule_io_spawned(oracle, in.task % held.size());
                    break;
                }
                case Op::Wake:
                    kimojio::create_waker(in.task).wake_by_ref();
                    oracle_sched_schedule_io(oracle, in.task);
                    break;
                case Op::WakeCpu: {
                    auto ts = TaskState::get();
                    if (auto task = ts->get_task_by_index(in.task)) ts->schedule_cpu(*task);
                    oracle_sched_schedule_cpu(oracle, in.task);
                    break;
                }
                case Op::Abort: {
                    auto ts = TaskState::get();
                    if (auto task = ts->get_task_by_index(in.task)) ts->abort_task(*task);
                    if (oracle_sched_abort(oracle, in.task) != 0) difference = "abort: the oracle saw a Running task";
                    break;
                }
                case Op::High: {
                    auto ts = TaskState::get();
                    if (auto task = ts->get_task_by_index(in.task)) (*task)->high_priority = true;
                    oracle_sched_set_high_priority(oracle, in.task, true);
                    break;
                }
                case Op::Run: {
                    auto ts = TaskState::get();
                    ts->prepare_cohort();  // block_on's inner loop, as written there
                    while (auto ready = ts->get_ready()) ts = kimojio::poll_task(std::move(*ready), std::move(ts));
                    ts = kimojio::submit_and_complete_io_all(std::move(ts), true);  // drops completed tasks
                    std::move(ts).into_inner();
                    oracle_sched_run_cohort(oracle, oracle_script, &oracle_ctx);
                    oracle_sched_complete_io(oracle);
                    break;
                }
            }
            if (difference) break;
        }
        if (!difference) {
            std::vector<OracleEvent>& raw = b.oracle_raw;
            raw.resize(oracle_sched_trace(oracle, nullptr, 0));
            oracle_sched_trace(oracle, raw.data(), raw.size());
            std::vector<Event>& oracle_trace = b.oracle_trace;
            oracle_trace.clear();
            for (const auto& e : raw) oracle_trace.push_back({e.kind, e.action, e.complete, e.task});
            if (port_trace != oracle_trace) {
                difference = "traces differ\n  port:  " + to_string(port_trace) + "\n  oracle:" + to_string(oracle_trace);
            }
        }
        for (std::uint16_t i = 1; i <= MAX_INDEX && !difference; ++i) {
            auto task = TaskState::get()->get_task_by_index(i);
            int port_state = task ? static_cast<int>((*task)->get_state()) : -1;
            if (port_state != oracle_sched_state(oracle, i)) {
                difference = "task " + std::to_string(i) + ": port state " + std::to_string(port_state) +
                             ", oracle state " + std::to_string(oracle_sched_state(oracle, i));
            }
        }
        held.clear();
        for (const auto& joins : b.joins) {
            if (auto live = joins.lock()) live->clear();  // drops the waits: no Rc cycle is left
        }
        kimojio::reset_task_state(TaskState::get());
    }
    return difference;
}

}  // namespace scheduler_program
