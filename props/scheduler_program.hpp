// A scheduling program run through the port and through the oracle, for the property
// test props_oracle and the fuzz harness fuzz/scheduler_fuzz.cpp. The port side is the
// real runtime code on this thread: a Runtime, TaskState::schedule_new, wakes through
// index wakers (local path), abort_task, and block_on's inner loop (prepare_cohort,
// get_ready, poll_task). Compared: every TaskScheduled / TaskRunEnd event and, at the
// end, the state of every task index.
#pragma once

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
// yield_cpu), then the children it spawns, then Ready or Pending.
struct Step {
    std::vector<std::uint16_t> wakes;
    std::vector<bool> cpu;
    bool complete;
    std::size_t spawns = 0;
};

struct Program {
    std::vector<Instr> instrs;
    std::vector<Step> steps;  // consumed in poll order, cyclically; never empty
};

inline constexpr std::uint16_t MAX_INDEX = 11;

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
    os << "polls (in poll order, cyclic):\n";
    for (const Step& s : p.steps) {
        os << "  poll: wakes [";
        for (std::size_t i = 0; i < s.wakes.size(); ++i) os << (i ? ", " : "") << s.wakes[i] << (s.cpu[i] ? " cpu" : "");
        os << "]";
        if (s.spawns) os << ", spawns " << s.spawns;
        os << " then " << (s.complete ? "Ready" : "Pending") << "\n";
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

struct Script {
    const std::vector<Step>* steps;
    std::vector<kimojio::Waker>* held = nullptr;  // port only: an Rc waker per task spawned, in spawn order
    std::size_t next = 0;
    const Step& take() { return (*steps)[next++ % steps->size()]; }
};

struct OracleCtx {
    Script script;
    std::vector<std::uint16_t> wakes;
    std::unique_ptr<bool[]> cpu;
};

inline OraclePoll oracle_script(void* ctx, std::uint16_t) {
    auto* c = static_cast<OracleCtx*>(ctx);
    const Step& step = c->script.take();
    c->wakes = step.wakes;
    c->cpu.reset(new bool[step.cpu.size() + 1]);
    for (std::size_t i = 0; i < step.cpu.size(); ++i) c->cpu[i] = step.cpu[i];
    return OraclePoll{c->wakes.data(), c->cpu.get(), c->wakes.size(), step.spawns, step.complete};
}

// The port's task: a leaf that checks for abort, makes the step's wakes, completes or not.
struct Scripted {
    Script* script;
    kimojio::Poll<void> poll(kimojio::Context&) {
        if (kimojio::TaskState::get()->get_current_task()->get_state() == kimojio::TaskReadyState::Aborted) {
            throw kimojio::TaskAborted();
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
        for (std::size_t i = 0; i < step.spawns; ++i) {
            auto child =
                kimojio::TaskState::get()->schedule_new(Scripted{script}, kimojio::Uuid::nil(), kimojio::Uuid::nil());
            script->held->push_back(kimojio::rc_waker::create_waker(std::move(child)));
        }
        return step.complete ? kimojio::Poll<void>(kimojio::Ready) : kimojio::Poll<void>(kimojio::Pending);
    }
};

// Runs `p` through both; returns a description of the first difference, if any.
inline std::optional<std::string> run(const Program& p) {
    using kimojio::TaskState;
    kimojio::drop_all_tasks(TaskState::get());  // a fresh TaskState, even after a failed run
    std::vector<Event> port_trace;
    std::vector<kimojio::Waker> held;  // an Rc waker per spawned task, in spawn order
    Script port_script{&p.steps, &held};
    OracleCtx oracle_ctx{Script{&p.steps}, {}, {}};
    std::unique_ptr<OracleScheduler, void (*)(OracleScheduler*)> owner(oracle_sched_new(), oracle_sched_free);
    OracleScheduler* oracle = owner.get();
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
                    break;
                }
            }
            if (difference) break;
        }
        if (!difference) {
            std::vector<OracleEvent> raw(oracle_sched_trace(oracle, nullptr, 0));
            oracle_sched_trace(oracle, raw.data(), raw.size());
            std::vector<Event> oracle_trace;
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
        kimojio::drop_all_tasks(TaskState::get());
    }
    return difference;
}

}  // namespace scheduler_program
