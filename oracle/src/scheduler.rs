//! One runtime's scheduling, as a model: task states, the three ready lists, the cohort
//! swap, get_ready's io/cpu alternation, high-priority inheritance, abort, completion,
//! spawns from inside a poll, joins (joiners woken at completion), a nop I/O that wakes
//! its task at the end of the loop turn, and the trace events each step emits.
//!
//! States: Ready (in a ready list), Running (being polled), Suspend (waiting),
//! Aborted (abort requested; its next poll ends it), Complete (never polled again).

use crate::handle_table::HandleTable;
use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum State {
    Ready = 1,
    Running = 2,
    Suspend = 3,
    Aborted = 4,
    Complete = 5,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A task was put in the io ready lists (spawn, wake, abort of a suspended task).
    Scheduled { task: u16 },
    /// A poll ended; `action` is the state afterwards.
    RunEnd { task: u16, action: u8, complete: bool },
}

/// What a task does in one poll: the wakes it makes (by task index; `cpu` picks
/// schedule_cpu), the children it spawns, the tasks it starts to join (it waits for
/// each until it completes itself), then whether it returns Ready. With `nop` it then
/// starts a nop I/O instead and returns Pending; until the I/O completes (at the end of
/// the loop turn, see complete_io) a poll of the task does nothing but return Pending.
#[derive(Clone, Debug, Default)]
pub struct Poll {
    pub wakes: Vec<(u16, bool)>,
    pub spawns: usize,
    pub joins: Vec<u16>,
    pub nop: bool,
    pub complete: bool,
}

#[derive(Clone, Debug)]
struct Task {
    index: u16,
    state: State,
    high_priority: bool,
    joiners: Vec<usize>, // tasks waiting for this one to complete, in registration order
    nop_in_flight: bool,
}

#[derive(Debug, Default)]
pub struct Scheduler {
    tasks: Vec<Task>,              // every task ever spawned (lists may outlive the table entry)
    table: HandleTable<usize>,     // task index -> position in `tasks`
    fill: VecDeque<usize>,
    cohort: VecDeque<usize>,
    cpu: VecDeque<usize>,
    last_ready_cpu: bool,
    current: Option<usize>,
    io_in_flight: Vec<usize>, // tasks whose nop I/O is in flight, in submission order
    pub trace: Vec<Event>,
    poll_buffer: Poll, // reused by every poll (run_cohort_into): no allocation per poll
}

impl Scheduler {
    pub fn new() -> Self {
        Self::default()
    }

    /// Back to the state of `new()`, keeping every buffer's capacity: the fuzz harness
    /// reuses one scheduler for all its inputs (no allocation per input once warm).
    pub fn reset(&mut self) {
        // Exhaustive: a new field fails to compile here until reset handles it.
        let Scheduler { tasks, table, fill, cohort, cpu, last_ready_cpu, current, io_in_flight, trace, poll_buffer } =
            self;
        tasks.clear();
        table.clear();
        fill.clear();
        cohort.clear();
        cpu.clear();
        *last_ready_cpu = false;
        *current = None;
        io_in_flight.clear();
        trace.clear();
        let Poll { wakes, spawns, joins, nop, complete } = poll_buffer;
        wakes.clear();
        joins.clear();
        (*spawns, *nop, *complete) = (0, false, false);
    }

    pub fn task_count(&self) -> usize {
        self.table.len()
    }

    fn id(&self, index: u16) -> Option<usize> {
        self.table.get(index as usize).copied()
    }

    /// State of the live task with this index (None: no such task).
    pub fn state(&self, index: u16) -> Option<State> {
        self.id(index).map(|id| self.tasks[id].state)
    }

    pub fn set_high_priority(&mut self, index: u16, high: bool) {
        if let Some(id) = self.id(index) {
            self.tasks[id].high_priority = high;
        }
    }

    fn schedule_internal(&mut self, id: usize) {
        self.trace.push(Event::Scheduled { task: self.tasks[id].index });
        let inherit = self.current.map_or(false, |c| self.tasks[c].high_priority);
        if inherit {
            self.cohort.push_back(id)
        } else {
            self.fill.push_back(id)
        }
    }

    /// Returns the new task's index; None at 65,535 live tasks (indexes are 16-bit).
    pub fn spawn(&mut self) -> Option<u16> {
        if self.table.len() >= 65535 {
            return None;
        }
        let id = self.tasks.len();
        let index = self.table.insert(id) as u16;
        self.tasks.push(Task { index, state: State::Ready, high_priority: false, joiners: vec![], nop_in_flight: false });
        self.schedule_internal(id);
        Some(index)
    }

    fn schedule_io_id(&mut self, id: usize) {
        if matches!(self.tasks[id].state, State::Running | State::Suspend) {
            self.tasks[id].state = State::Ready;
            self.schedule_internal(id);
        }
    }

    /// A wake of the task with this index: no live task (a stale index) is a no-op.
    pub fn schedule_io(&mut self, index: u16) {
        if let Some(id) = self.id(index) {
            self.schedule_io_id(id);
        }
    }

    /// A wake through a waker that holds the task itself (kimojio's Rc waker): the
    /// `nth` task spawned (0-based), whatever its state and whoever has its index now.
    pub fn schedule_io_spawned(&mut self, nth: usize) {
        if nth < self.tasks.len() {
            self.schedule_io_id(nth);
        }
    }

    pub fn schedule_cpu(&mut self, index: u16) {
        if let Some(id) = self.id(index) {
            if matches!(self.tasks[id].state, State::Running | State::Suspend) {
                self.tasks[id].state = State::Ready;
                self.cpu.push_back(id);
            }
        }
    }

    /// Err(()) when the task aborts itself (it is Running): that throws in the task.
    pub fn abort(&mut self, index: u16) -> Result<(), ()> {
        let id = match self.id(index) {
            Some(id) => id,
            None => return Ok(()),
        };
        match self.tasks[id].state {
            State::Suspend => {
                self.tasks[id].state = State::Aborted;
                self.schedule_internal(id);
            }
            State::Ready => self.tasks[id].state = State::Aborted,
            State::Running => return Err(()),
            State::Aborted | State::Complete => {}
        }
        Ok(())
    }

    pub fn prepare_cohort(&mut self) {
        if self.cohort.is_empty() {
            std::mem::swap(&mut self.cohort, &mut self.fill);
        }
    }

    fn make_running(&mut self, id: usize) {
        if !matches!(self.tasks[id].state, State::Aborted | State::Complete) {
            self.tasks[id].state = State::Running;
        }
    }

    /// The next task to poll: the io cohort first; after a cpu task, None once (so I/O
    /// is submitted); then the cpu list. Returns the task index.
    pub fn get_ready(&mut self) -> Option<u16> {
        if let Some(id) = self.cohort.pop_front() {
            self.make_running(id);
            self.last_ready_cpu = false;
            return Some(self.tasks[id].index);
        }
        if self.last_ready_cpu {
            self.last_ready_cpu = false;
            return None;
        }
        let id = self.cpu.pop_front();
        self.last_ready_cpu = id.is_some();
        id.map(|id| {
            self.make_running(id);
            self.tasks[id].index
        })
    }

    /// Polls the task get_ready just returned (by list position, so a stale index that
    /// was reused is still the old task). A Complete task is skipped; an Aborted one ends
    /// (its first abort-checking leaf throws). Only a real poll asks `script`.
    fn poll_id(&mut self, id: usize, script: &mut impl FnMut(u16, &mut Poll)) {
        let state = self.tasks[id].state;
        if state == State::Complete {
            return;
        }
        let complete = if state == State::Aborted {
            true
        } else if self.tasks[id].nop_in_flight {
            false // it polls its I/O, which has not completed: Pending, nothing else
        } else {
            // Taken out while its lists are read, put back with their capacity.
            let mut poll = std::mem::take(&mut self.poll_buffer);
            script(self.tasks[id].index, &mut poll);
            self.current = Some(id);
            for &(index, cpu) in &poll.wakes {
                if cpu {
                    self.schedule_cpu(index)
                } else {
                    self.schedule_io(index)
                }
            }
            for _ in 0..poll.spawns {
                self.spawn(); // a child of a high-priority task joins the current cohort
            }
            for &index in &poll.joins {
                if let Some(target) = self.id(index) {
                    self.tasks[target].joiners.push(id); // a live task is never Complete
                }
            }
            self.current = None;
            if poll.nop {
                self.tasks[id].nop_in_flight = true;
                self.io_in_flight.push(id);
            }
            let complete = poll.complete && !poll.nop;
            self.poll_buffer = poll;
            complete
        };
        if complete {
            // Its future goes first, and with it its own waits on other tasks.
            for task in &mut self.tasks {
                task.joiners.retain(|&joiner| joiner != id);
            }
            self.tasks[id].state = State::Complete;
            // Then its joiners are woken, in registration order, with it still current
            // (so a high-priority task's joiners join the current cohort).
            self.current = Some(id);
            for joiner in std::mem::take(&mut self.tasks[id].joiners) {
                self.schedule_io_id(joiner);
            }
            self.current = None;
            let index = self.tasks[id].index;
            self.table.remove(index as usize);
        } else {
            self.tasks[id].high_priority = false;
            if self.tasks[id].state == State::Running {
                self.tasks[id].state = State::Suspend;
            }
        }
        let t = &self.tasks[id];
        self.trace.push(Event::RunEnd { task: t.index, action: t.state as u8, complete });
    }

    /// The end of a loop turn: the nop I/O submitted during it completes, in submission
    /// order, and each wakes its task (no task is current, so into the fill list).
    pub fn complete_io(&mut self) {
        for id in std::mem::take(&mut self.io_in_flight) {
            self.tasks[id].nop_in_flight = false;
            self.schedule_io_id(id);
        }
    }

    /// One loop turn after completions and the drain point: prepare the cohort, then
    /// poll every task get_ready hands out, each with the next script entry for it.
    pub fn run_cohort(&mut self, mut script: impl FnMut(u16) -> Poll) {
        self.run_cohort_into(|task, poll| *poll = script(task));
    }

    /// As run_cohort, the script filling a Poll the scheduler keeps (the script
    /// sets every field; the lists keep their capacity across polls).
    pub fn run_cohort_into(&mut self, mut script: impl FnMut(u16, &mut Poll)) {
        self.prepare_cohort();
        loop {
            // get_ready by position: the list entry, not a table lookup
            let before = (self.cohort.front().copied(), self.cpu.front().copied(), self.last_ready_cpu);
            let index = match self.get_ready() {
                Some(index) => index,
                None => break,
            };
            let id = match before {
                (Some(id), _, _) => id,
                (None, Some(id), false) => id,
                _ => unreachable!("get_ready returned a task from an empty list"),
            };
            debug_assert_eq!(self.tasks[id].index, index);
            self.poll_id(id, &mut script);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_gives_the_state_of_a_new_scheduler() {
        let mut s = Scheduler::new();
        let (a, b) = (s.spawn().unwrap(), s.spawn().unwrap());
        s.set_high_priority(a, true);
        s.run_cohort(|task| Poll { wakes: vec![(a, true)], joins: vec![a], nop: task == b, ..Poll::default() });
        s.schedule_cpu(b);
        assert_ne!(format!("{s:?}"), format!("{:?}", Scheduler::new()), "the run left state behind");
        s.reset();
        assert_eq!(format!("{s:?}"), format!("{:?}", Scheduler::new()));
        assert_eq!(s.spawn(), Some(1), "indexes start over");
    }

    #[test]
    fn a_held_waker_of_a_completed_task_does_nothing_even_after_its_index_is_reused() {
        let mut s = Scheduler::new();
        let a = s.spawn().unwrap();
        s.run_cohort(|_| Poll { wakes: vec![], complete: true, ..Poll::default() });
        let b = s.spawn().unwrap();
        assert_eq!(a, b, "the index is reused");
        s.run_cohort(|_| Poll::default());
        s.schedule_io_spawned(0);
        assert_eq!(s.state(b), Some(State::Suspend), "the old task is Complete: ignored");
        s.schedule_io_spawned(1);
        assert_eq!(s.state(b), Some(State::Ready));
    }

    #[test]
    fn joiners_are_woken_in_order_when_the_task_completes_unless_they_completed_first() {
        let mut s = Scheduler::new();
        let (target, a, b, c) = (s.spawn().unwrap(), s.spawn().unwrap(), s.spawn().unwrap(), s.spawn().unwrap());
        // a and b join the target (polled in that order); c joins it and completes at once
        s.run_cohort(|task| match task {
            t if t == a || t == b => Poll { joins: vec![target], ..Poll::default() },
            t if t == c => Poll { joins: vec![target], complete: true, ..Poll::default() },
            _ => Poll::default(),
        });
        s.trace.clear();
        s.schedule_io(target);
        s.run_cohort(|_| Poll { complete: true, ..Poll::default() });
        assert_eq!(
            s.trace,
            vec![
                Event::Scheduled { task: target },
                Event::Scheduled { task: a },
                Event::Scheduled { task: b },
                Event::RunEnd { task: target, action: State::Complete as u8, complete: true },
            ],
            "a and b in registration order; c's wait went with it"
        );
    }

    #[test]
    fn a_task_waiting_for_its_nop_is_polled_for_nothing_until_the_io_completes() {
        let mut s = Scheduler::new();
        let (a, b) = (s.spawn().unwrap(), s.spawn().unwrap());
        s.set_high_priority(b, true);
        let mut script_calls = vec![];
        // a starts a nop (and would complete, but waits for its I/O); b, polled next with
        // high priority, wakes a into the same cohort: a is polled again, for nothing
        s.run_cohort(|task| {
            script_calls.push(task);
            if task == a {
                Poll { nop: true, complete: true, ..Poll::default() }
            } else {
                Poll { wakes: vec![(a, false)], ..Poll::default() }
            }
        });
        assert_eq!(script_calls, vec![a, b], "a's second poll did not ask the script");
        assert_eq!(s.state(a), Some(State::Suspend));
        s.complete_io();
        assert_eq!(s.state(a), Some(State::Ready), "the completion wakes it");
        s.run_cohort(|_| Poll { complete: true, ..Poll::default() });
        assert_eq!(s.state(a), None, "now its script runs again");
    }

    #[test]
    fn a_child_spawned_by_a_high_priority_task_runs_in_the_same_cohort() {
        for high in [true, false] {
            let mut s = Scheduler::new();
            let parent = s.spawn().unwrap();
            s.set_high_priority(parent, high);
            let mut polls = vec![];
            s.run_cohort(|task| {
                polls.push(task);
                Poll { spawns: usize::from(task == parent), ..Poll::default() }
            });
            let child = parent + 1;
            if high {
                assert_eq!(polls, vec![parent, child], "the child ran in its parent's cohort");
                assert_eq!(s.state(child), Some(State::Suspend));
            } else {
                assert_eq!(polls, vec![parent], "the child waits for the next cohort");
                assert_eq!(s.state(child), Some(State::Ready));
            }
        }
    }

    fn pending() -> Poll {
        Poll::default()
    }

    #[test]
    fn spawn_schedules_in_spawn_order_and_runs_once_per_cohort() {
        let mut s = Scheduler::new();
        let (a, b) = (s.spawn().unwrap(), s.spawn().unwrap());
        s.run_cohort(|_| pending());
        assert_eq!(s.state(a), Some(State::Suspend));
        assert_eq!(s.state(b), Some(State::Suspend));
        assert_eq!(
            s.trace,
            vec![
                Event::Scheduled { task: 1 },
                Event::Scheduled { task: 2 },
                Event::RunEnd { task: 1, action: 3, complete: false },
                Event::RunEnd { task: 2, action: 3, complete: false },
            ]
        );
    }

    #[test]
    fn a_wake_during_the_cohort_waits_for_the_next_unless_high_priority() {
        let mut s = Scheduler::new();
        let (a, b) = (s.spawn().unwrap(), s.spawn().unwrap());
        s.run_cohort(|_| pending());
        s.schedule_io(a);
        s.trace.clear();
        // a wakes b: b goes to the fill list, so it does not run in this cohort
        s.run_cohort(|i| if i == a { Poll { wakes: vec![(b, false)], complete: false, ..Poll::default() } } else { pending() });
        assert_eq!(s.state(b), Some(State::Ready));
        // now a is high priority: b joins the running cohort
        s.schedule_io(a);
        s.set_high_priority(a, true);
        s.run_cohort(|i| if i == a { Poll { wakes: vec![(b, false)], complete: false, ..Poll::default() } } else { pending() });
        assert_eq!(s.state(b), Some(State::Suspend), "b ran in the same cohort");
    }

    #[test]
    fn cpu_tasks_alternate_with_io_turns() {
        let mut s = Scheduler::new();
        let (a, b) = (s.spawn().unwrap(), s.spawn().unwrap());
        s.run_cohort(|_| pending());
        s.schedule_cpu(a);
        s.schedule_cpu(b);
        s.prepare_cohort();
        assert_eq!(s.get_ready(), Some(a));
        assert_eq!(s.get_ready(), None, "after a cpu task, back to the loop");
        assert_eq!(s.get_ready(), Some(b));
    }

    #[test]
    fn complete_and_aborted_tasks_end_and_stale_indexes_are_no_ops() {
        let mut s = Scheduler::new();
        let (a, b) = (s.spawn().unwrap(), s.spawn().unwrap());
        s.run_cohort(|i| Poll { wakes: vec![], complete: i == a, ..Poll::default() });
        assert_eq!(s.state(a), None, "completed: out of the table");
        s.schedule_io(a); // stale: nothing happens
        assert!(s.abort(b).is_ok());
        assert_eq!(s.state(b), Some(State::Aborted));
        s.run_cohort(|_| Poll { wakes: vec![], complete: false, ..Poll::default() });
        assert_eq!(s.state(b), None, "an aborted task ends at its next poll");
        assert_eq!(s.task_count(), 0);
        let c = s.spawn().unwrap();
        assert_eq!(c, b, "LIFO reuse of the freed index");
    }

    #[test]
    fn a_task_completing_while_on_the_cpu_list_is_not_polled_again() {
        let mut s = Scheduler::new();
        let a = s.spawn().unwrap();
        s.run_cohort(|_| Poll { wakes: vec![(a, true)], complete: true, ..Poll::default() });
        s.trace.clear();
        s.run_cohort(|_| panic!("a completed task was polled"));
        assert!(s.trace.is_empty());
    }
}
