// Property: TaskState scheduling without I/O matches a model of the Rust semantics.
// Invariants checked after every command: states move only along legal transitions of
// TaskReadyState; a task is in at most one ready list, at most once; the lists equal
// the model's; get_ready never makes a Complete or Aborted task Running; scheduling
// never trips the ownership assertion of schedule_io_internal.
#include <rapidcheck/state.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <vector>

#include "kimojio/task_state_cell.hpp"
#include "props_main.hpp"

using kimojio::Rc;
using kimojio::Task;
using kimojio::TaskReadyState;
using kimojio::TaskState;
using S = TaskReadyState;

namespace {

const bool never = false;
struct Never {
    kimojio::Poll<void> poll(kimojio::Context&) { return kimojio::Pending; }
};

struct Model {
    std::vector<S> state;  // by spawn order (task id)
    std::vector<bool> high_priority;
    std::deque<std::size_t> fill, cohort, cpu;
    bool last_ready_cpu = false;
    std::optional<std::size_t> current;  // set while a simulated poll runs

    void schedule_internal(std::size_t id) {
        bool high = current && high_priority[*current];
        (high ? cohort : fill).push_back(id);
    }
    void schedule_io(std::size_t id) {
        if (state[id] == S::Running || state[id] == S::Suspend) {
            state[id] = S::Ready;
            schedule_internal(id);
        }
    }
    void schedule_cpu(std::size_t id) {
        if (state[id] == S::Running || state[id] == S::Suspend) {
            state[id] = S::Ready;
            cpu.push_back(id);
        }
    }
    std::optional<std::size_t> get_ready() {
        if (!cohort.empty()) {
            std::size_t id = cohort.front();
            cohort.pop_front();
            if (state[id] != S::Aborted && state[id] != S::Complete) state[id] = S::Running;
            last_ready_cpu = false;
            return id;
        }
        if (last_ready_cpu) {
            last_ready_cpu = false;
            return std::nullopt;
        }
        if (!cpu.empty()) {
            std::size_t id = cpu.front();
            cpu.pop_front();
            if (state[id] != S::Aborted && state[id] != S::Complete) state[id] = S::Running;
            last_ready_cpu = true;
            return id;
        }
        last_ready_cpu = false;
        return std::nullopt;
    }
};

struct Sut {
    kimojio::TaskStateCell cell{TaskState()};
    std::vector<Rc<Task>> tasks;
};

using Cmd = rc::state::Command<Model, Sut>;

std::vector<std::size_t> ids(const kimojio::VecDeque<Rc<Task>>& list, const Sut& sut) {
    std::vector<std::size_t> out;
    for (const auto& t : list) {
        auto it = std::find_if(sut.tasks.begin(), sut.tasks.end(), [&](const Rc<Task>& x) { return Rc<Task>::ptr_eq(x, t); });
        out.push_back(static_cast<std::size_t>(it - sut.tasks.begin()));
    }
    return out;
}

// One step of TaskReadyState: Ready -> Running (get_ready) | Aborted (abort);
// Running -> Suspend (Pending) | Ready (woke itself) | Complete; Suspend -> Ready
// (wake) | Aborted (abort); Aborted -> Complete. Complete never moves.
bool edge(S from, S to) {
    switch (from) {
        case S::Ready: return to == S::Running || to == S::Aborted;
        case S::Running: return to == S::Suspend || to == S::Ready || to == S::Complete;
        case S::Suspend: return to == S::Ready || to == S::Aborted;
        case S::Aborted: return to == S::Complete;
        default: return false;
    }
}

// A command may take several steps: legal means reachable along the edges above.
bool legal(S from, S to) {
    std::vector<S> frontier{from};
    std::vector<S> seen{from};
    while (!frontier.empty()) {
        S s = frontier.back();
        frontier.pop_back();
        if (s == to) return true;
        for (S next : {S::Ready, S::Running, S::Suspend, S::Aborted, S::Complete}) {
            if (edge(s, next) && std::find(seen.begin(), seen.end(), next) == seen.end()) {
                seen.push_back(next);
                frontier.push_back(next);
            }
        }
    }
    return false;
}

// Compares the implementation with the model after `m` (the model before the command
// is `before`): lists, states, legal transitions, no task listed twice.
void check_invariants(const Model& before, const Model& m, Sut& sut) {
    auto ts = sut.cell.borrow_mut();
    RC_ASSERT(ids(ts->fill_ready_task_list_io, sut) == std::vector<std::size_t>(m.fill.begin(), m.fill.end()));
    RC_ASSERT(ids(ts->ready_task_list_io, sut) == std::vector<std::size_t>(m.cohort.begin(), m.cohort.end()));
    RC_ASSERT(ids(ts->ready_task_list_cpu, sut) == std::vector<std::size_t>(m.cpu.begin(), m.cpu.end()));
    std::vector<int> listed(m.state.size(), 0);
    for (auto* list : {&m.fill, &m.cohort, &m.cpu})
        for (std::size_t id : *list) ++listed[id];
    for (std::size_t id = 0; id < m.state.size(); ++id) {
        RC_ASSERT(sut.tasks[id]->get_state() == m.state[id]);
        RC_ASSERT(listed[id] <= 1);  // in at most one ready list, at most once
        if (id < before.state.size()) RC_ASSERT(legal(before.state[id], m.state[id]));
    }
}

struct Spawn : Cmd {
    bool high = *rc::gen::arbitrary<bool>();
    void apply(Model& m) const override {
        m.state.push_back(S::Ready);
        m.high_priority.push_back(high);
        m.fill.push_back(m.state.size() - 1);
    }
    void run(const Model& m, Sut& sut) const override {
        {
            auto ts = sut.cell.borrow_mut();
            sut.tasks.push_back(ts->schedule_new(Never{}, kimojio::Uuid::nil(), kimojio::Uuid::nil()));
            sut.tasks.back()->high_priority = high;
        }
        Model after = m;
        apply(after);
        check_invariants(m, after, sut);
    }
    void show(std::ostream& os) const override { os << "spawn(high=" << high << ")"; }
};

struct Wake : Cmd {
    std::size_t id;
    bool cpu = *rc::gen::arbitrary<bool>();
    explicit Wake(const Model& m) : id(*rc::gen::inRange<std::size_t>(0, m.state.size())) {}
    bool preconditions(const Model& m) const { return id < m.state.size(); }
    void checkPreconditions(const Model& m) const override { RC_PRE(preconditions(m)); }
    void apply(Model& m) const override { cpu ? m.schedule_cpu(id) : m.schedule_io(id); }
    void run(const Model& m, Sut& sut) const override {
        {
            auto ts = sut.cell.borrow_mut();
            cpu ? ts->schedule_cpu(sut.tasks[id]) : ts->schedule_io(sut.tasks[id]);
        }
        Model after = m;
        apply(after);
        check_invariants(m, after, sut);
    }
    void show(std::ostream& os) const override { os << (cpu ? "schedule_cpu(" : "schedule_io(") << id << ")"; }
};

struct Abort : Cmd {
    std::size_t id;
    explicit Abort(const Model& m) : id(*rc::gen::inRange<std::size_t>(0, m.state.size())) {}
    void checkPreconditions(const Model& m) const override {
        RC_PRE(id < m.state.size());
        RC_PRE(m.state[id] != S::Running);  // only a running task aborts itself (and throws)
    }
    void apply(Model& m) const override {
        if (m.state[id] == S::Suspend) {
            m.state[id] = S::Aborted;
            m.schedule_internal(id);
        } else if (m.state[id] == S::Ready) {
            m.state[id] = S::Aborted;
        }
    }
    void run(const Model& m, Sut& sut) const override {
        {
            auto ts = sut.cell.borrow_mut();
            ts->abort_task(sut.tasks[id]);
        }
        Model after = m;
        apply(after);
        check_invariants(m, after, sut);
    }
    void show(std::ostream& os) const override { os << "abort(" << id << ")"; }
};

// One loop step: prepare_cohort, get_ready, and a simulated poll of the task returned:
// it wakes `other` (maybe itself, i.e. yield), then returns Pending or completes.
struct RunOne : Cmd {
    bool complete = *rc::gen::arbitrary<bool>();
    std::optional<std::size_t> wakes;
    bool wake_cpu = *rc::gen::arbitrary<bool>();
    explicit RunOne(const Model& m) {
        if (!m.state.empty() && *rc::gen::arbitrary<bool>())
            wakes = *rc::gen::inRange<std::size_t>(0, m.state.size());
    }
    void checkPreconditions(const Model& m) const override { RC_PRE((!wakes || *wakes < m.state.size())); }
    static void step(Model& m, std::optional<std::size_t> got, bool complete, std::optional<std::size_t> wakes,
                     bool wake_cpu) {
        if (!got || m.state[*got] == S::Complete) return;  // poll_task skips Complete tasks
        std::size_t id = *got;
        if (m.state[id] == S::Aborted) {
            m.state[id] = S::Complete;  // the aborted task throws TaskAborted at its next leaf: done
            return;
        }
        m.current = id;
        if (wakes) wake_cpu ? m.schedule_cpu(*wakes) : m.schedule_io(*wakes);
        m.current.reset();
        if (complete) {
            m.state[id] = S::Complete;
        } else if (m.state[id] == S::Running) {
            m.state[id] = S::Suspend;
        }
    }
    void apply(Model& m) const override {
        if (m.cohort.empty()) std::swap(m.cohort, m.fill);
        auto got = m.get_ready();
        step(m, got, complete, wakes, wake_cpu);
    }
    void run(const Model& m, Sut& sut) const override {
        Model expected = m;
        if (expected.cohort.empty()) std::swap(expected.cohort, expected.fill);
        auto expected_id = expected.get_ready();
        std::optional<Rc<Task>> got;
        {
            auto ts = sut.cell.borrow_mut();
            ts->prepare_cohort();
            got = ts->get_ready();
        }
        RC_ASSERT(got.has_value() == expected_id.has_value());
        if (got) {
            RC_ASSERT(Rc<Task>::ptr_eq(*got, sut.tasks[*expected_id]));
            Rc<Task> task = *got;
            // never polled again once Complete; Aborted is handed out but never made Running
            S s = task->get_state();
            RC_ASSERT((s != S::Running || (m.state[*expected_id] != S::Complete && m.state[*expected_id] != S::Aborted)));
            if (s == S::Aborted) {
                kimojio::TaskState::complete_task(sut.cell, *task);
            } else if (s != S::Complete) {
                {
                    auto ts = sut.cell.borrow_mut();
                    ts->current_task = task;
                    if (wakes) wake_cpu ? ts->schedule_cpu(sut.tasks[*wakes]) : ts->schedule_io(sut.tasks[*wakes]);
                    ts->current_task = std::nullopt;
                }
                if (complete) {
                    kimojio::TaskState::complete_task(sut.cell, *task);
                } else if (task->get_state() == S::Running) {
                    task->set_state(S::Suspend);
                }
            }
        }
        Model after = m;
        apply(after);
        check_invariants(m, after, sut);
    }
    void show(std::ostream& os) const override {
        os << "run_one(wakes=" << (wakes ? std::to_string(*wakes) : "-") << (wake_cpu ? " cpu" : " io")
           << ", complete=" << complete << ")";
    }
};

}  // namespace

int main() {
    return props::run({{"TaskState matches the scheduling model", [] {
                            return rc::check("TaskState matches the scheduling model", [] {
                                Model model;
                                Sut sut;
                                rc::state::check(model, sut,
                                                 rc::state::gen::execOneOfWithArgs<Spawn, Spawn, Wake, Wake, Abort,
                                                                                   RunOne, RunOne, RunOne>());
                            });
                        }}});
}
