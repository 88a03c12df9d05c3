// Property: generated scheduling programs give the same trace in the port and in the
// oracle (oracle/, a model written from the semantics). The port side is the real
// runtime code: a Runtime on this thread, TaskState::schedule_new, wakes through index
// wakers (the local path), abort_task, and the inner loop of block_on (prepare_cohort,
// get_ready, poll_task). Compared: every TaskScheduled and TaskRunEnd event (task index,
// state after the poll, completion) and, at the end, every task's state.
#include <rapidcheck.h>

#include <vector>

#include "kimojio/kimojio.hpp"
#include "oracle.h"
#include "props_main.hpp"

using kimojio::TaskState;

namespace {

struct Event {
    std::uint8_t kind, action;
    bool complete;
    std::uint16_t task;
    bool operator==(const Event&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Event& e) {
    return os << (e.kind == 1 ? "scheduled(" : "run_end(") << e.task
              << (e.kind == 2 ? ", action " + std::to_string(e.action) + (e.complete ? ", complete" : "") : "") << ")";
}

class Recorder final : public kimojio::TraceConfiguration {
public:
    explicit Recorder(std::vector<Event>* out) : out_(out) {}
    void trace(kimojio::EventEnvelope e) override {
        if (auto* s = std::get_if<kimojio::events::TaskScheduled>(&e.event)) {
            (void)s;
            out_->push_back({1, 0, false, e.task_index});
        } else if (auto* r = std::get_if<kimojio::events::TaskRunEnd>(&e.event)) {
            out_->push_back({2, r->action, r->complete, e.task_index});
        }
    }

private:
    std::vector<Event>* out_;
};

// One poll's behaviour, consumed in poll order by both sides.
struct Step {
    std::vector<std::uint16_t> wakes;
    std::vector<bool> cpu;  // std::vector<bool> has no data(): copied for the oracle below
    bool complete;
};

struct Script {
    const std::vector<Step>* steps;
    std::size_t next = 0;
    const Step& take() { return (*steps)[next++ % steps->size()]; }
};

// Oracle side of a poll.
struct OracleCtx {
    Script script;
    std::vector<std::uint16_t> wakes;
    std::unique_ptr<bool[]> cpu;
};
OraclePoll oracle_script(void* ctx, std::uint16_t) {
    auto* c = static_cast<OracleCtx*>(ctx);
    const Step& step = c->script.take();
    c->wakes = step.wakes;
    c->cpu.reset(new bool[step.cpu.size() + 1]);
    for (std::size_t i = 0; i < step.cpu.size(); ++i) c->cpu[i] = step.cpu[i];
    return OraclePoll{c->wakes.data(), c->cpu.get(), c->wakes.size(), step.complete};
}

// Port side of a poll: a leaf that checks for abort, makes the wakes, completes or not.
struct Scripted {
    Script* script;
    kimojio::Poll<void> poll(kimojio::Context&) {
        if (TaskState::get()->get_current_task()->get_state() == kimojio::TaskReadyState::Aborted) {
            throw kimojio::TaskAborted();
        }
        const Step& step = script->take();
        for (std::size_t i = 0; i < step.wakes.size(); ++i) {
            if (step.cpu[i]) {
                TaskStateCellRefScope scope;
                if (auto task = scope.ts()->get_task_by_index(step.wakes[i])) scope.ts()->schedule_cpu(*task);
            } else {
                kimojio::create_waker(step.wakes[i]).wake_by_ref();
            }
        }
        return step.complete ? kimojio::Poll<void>(kimojio::Ready) : kimojio::Poll<void>(kimojio::Pending);
    }
    struct TaskStateCellRefScope {
        kimojio::TaskStateCellRef ref = TaskState::get();
        TaskState* ts() { return &*ref; }
    };
};

enum class Op { Spawn, Wake, WakeCpu, Abort, High, Run };

struct Instr {
    Op op;
    std::uint16_t task;
};

}  // namespace

int main() {
    return props::run({{"port and oracle agree", [] {
        return rc::check("scheduling programs: same trace and states in the port and the oracle", [] {
            auto program = *rc::gen::container<std::vector<Instr>>(rc::gen::build<Instr>(
                rc::gen::set(&Instr::op, rc::gen::element(Op::Spawn, Op::Spawn, Op::Wake, Op::WakeCpu, Op::Abort,
                                                          Op::High, Op::Run, Op::Run)),
                rc::gen::set(&Instr::task, rc::gen::inRange<std::uint16_t>(1, 12))));
            auto steps = *rc::gen::nonEmpty(rc::gen::container<std::vector<Step>>(rc::gen::build<Step>(
                rc::gen::set(&Step::wakes, rc::gen::container<std::vector<std::uint16_t>>(
                                               rc::gen::inRange<std::uint16_t>(1, 12))),
                rc::gen::set(&Step::complete, rc::gen::arbitrary<bool>()))));
            for (auto& s : steps) s.cpu.resize(s.wakes.size(), false);
            for (auto& s : steps)
                for (std::size_t i = 0; i < s.cpu.size(); ++i) s.cpu[i] = (s.wakes[i] % 3 == 0);

            // Every case starts from a fresh TaskState, even after a failed case.
            kimojio::drop_all_tasks(TaskState::get());
            std::vector<Event> port_trace;
            Script port_script{&steps};
            OracleCtx oracle_ctx{Script{&steps}, {}, {}};
            std::unique_ptr<OracleScheduler, void (*)(OracleScheduler*)> oracle_owner(oracle_sched_new(), oracle_sched_free);
            OracleScheduler* oracle = oracle_owner.get();
            {
                kimojio::Runtime runtime(0, kimojio::Configuration().set_trace_buffer_manager(
                                                std::make_unique<Recorder>(&port_trace)));
                for (const Instr& in : program) {
                    switch (in.op) {
                        case Op::Spawn: {
                            auto task = TaskState::get()->schedule_new(Scripted{&port_script}, kimojio::Uuid::nil(),
                                                                       kimojio::Uuid::nil());
                            RC_ASSERT(oracle_sched_spawn(oracle) == task->task_index);
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
                            RC_ASSERT(oracle_sched_abort(oracle, in.task) == 0);
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
                }
                std::vector<OracleEvent> raw(oracle_sched_trace(oracle, nullptr, 0));
                oracle_sched_trace(oracle, raw.data(), raw.size());
                std::vector<Event> oracle_trace;
                for (const auto& e : raw) oracle_trace.push_back({e.kind, e.action, e.complete, e.task});
                RC_ASSERT(port_trace == oracle_trace);
                for (std::uint16_t i = 1; i < 12; ++i) {
                    auto task = TaskState::get()->get_task_by_index(i);
                    int port_state = task ? static_cast<int>((*task)->get_state()) : -1;
                    RC_ASSERT(port_state == oracle_sched_state(oracle, i));
                }
            }
        });
    }}});
}
