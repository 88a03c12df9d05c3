//! Several runtimes by thread index, and wakers as (thread index, task index).
//!
//! A wake made on the owning thread of a live runtime is local: the task index is
//! looked up at once (no live task: no-op; a reused index: a spurious wake of the new
//! task). Any other wake is foreign: it is queued in the owner's pending set (a set:
//! duplicates coalesce) if that runtime is live, else dropped; the owner drains the set
//! in ascending task index at its drain point. Thread index 255 is never a runtime.

use crate::scheduler::{Poll, Scheduler};
use std::collections::{BTreeMap, BTreeSet};

pub const NO_THREAD: u8 = 255;

/// A waker's data word: bits 16..23 are the thread index, bits 0..15 the task index;
/// the other bits mean nothing.
pub fn unpack(data: u64) -> (u8, u16) {
    ((data >> 16) as u8, data as u16)
}

#[derive(Default, Debug)]
pub struct Runtime {
    pub scheduler: Scheduler,
    pending: BTreeSet<u16>,
}

#[derive(Default, Debug)]
pub struct World {
    runtimes: BTreeMap<u8, Runtime>,
}

impl World {
    pub fn new() -> Self {
        Self::default()
    }

    /// A new runtime at `thread`; false if the index is 255 or taken.
    pub fn start(&mut self, thread: u8) -> bool {
        if thread == NO_THREAD || self.runtimes.contains_key(&thread) {
            return false;
        }
        self.runtimes.insert(thread, Runtime::default());
        true
    }

    /// The runtime is gone: later wakes of its tasks are dropped.
    pub fn stop(&mut self, thread: u8) {
        self.runtimes.remove(&thread);
    }

    pub fn runtime(&mut self, thread: u8) -> Option<&mut Runtime> {
        self.runtimes.get_mut(&thread)
    }

    /// A wake of (thread, task) made on `current` (the caller's runtime thread, or
    /// NO_THREAD for a thread without one).
    pub fn wake(&mut self, current: u8, thread: u8, task: u16) {
        let runtime = match self.runtimes.get_mut(&thread) {
            Some(runtime) => runtime,
            None => return,
        };
        if current == thread {
            runtime.scheduler.schedule_io(task);
        } else {
            runtime.pending.insert(task);
        }
    }

    /// A wake through a waker whose data word is `data`.
    pub fn wake_packed(&mut self, current: u8, data: u64) {
        let (thread, task) = unpack(data);
        self.wake(current, thread, task);
    }

    /// One loop turn of `thread`'s runtime after its drain point: `script` gives each
    /// poll's wakes (as waker data words, made on this thread) and whether it completes.
    pub fn run_cohort(&mut self, thread: u8, mut script: impl FnMut(u16) -> (Vec<u64>, bool)) {
        let mut foreign = Vec::new();
        let runtime = match self.runtimes.get_mut(&thread) {
            Some(runtime) => runtime,
            None => return,
        };
        runtime.scheduler.run_cohort(|task| {
            let (wakes, complete) = script(task);
            let mut local = Vec::new();
            for data in wakes {
                match unpack(data) {
                    (owner, index) if owner == thread => local.push((index, false)),
                    _ => foreign.push(data),
                }
            }
            Poll { wakes: local, complete, ..Poll::default() }
        });
        // Applied after the cohort, which is the same as in place: nothing reads another
        // runtime's pending set during the cohort, and no runtime starts or stops.
        for data in foreign {
            self.wake_packed(thread, data);
        }
    }

    /// The owner's drain point: every pending index, ascending, as a local wake.
    pub fn drain(&mut self, thread: u8) -> Vec<u16> {
        let runtime = match self.runtimes.get_mut(&thread) {
            Some(runtime) => runtime,
            None => return vec![],
        };
        let pending: Vec<u16> = std::mem::take(&mut runtime.pending).into_iter().collect();
        for &task in &pending {
            runtime.scheduler.schedule_io(task);
        }
        pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::State;

    #[test]
    fn foreign_wakes_coalesce_and_drain_in_ascending_order() {
        let mut w = World::new();
        assert!(w.start(0));
        let s = &mut w.runtime(0).unwrap().scheduler;
        let (a, b) = (s.spawn().unwrap(), s.spawn().unwrap());
        s.run_cohort(|_| Poll::default());
        for task in [b, a, b, b, 900] {
            w.wake(NO_THREAD, 0, task);
        }
        assert_eq!(w.drain(0), vec![a, b, 900], "ascending, duplicates coalesced, stale kept until drained");
        let s = &w.runtime(0).unwrap().scheduler;
        assert_eq!(s.state(a), Some(State::Ready));
        assert_eq!(s.state(b), Some(State::Ready));
        assert!(w.drain(0).is_empty());
    }

    #[test]
    fn wakes_of_a_stopped_runtime_are_dropped_and_index_255_is_never_a_runtime() {
        let mut w = World::new();
        assert!(!w.start(NO_THREAD));
        assert!(w.start(3));
        assert!(!w.start(3), "a taken index");
        w.stop(3);
        w.wake(NO_THREAD, 3, 1);
        assert!(w.start(3));
        assert!(w.drain(3).is_empty(), "a restarted runtime starts with nothing pending");
    }

    #[test]
    fn a_cohort_wakes_its_own_tasks_at_once_and_queues_the_others() {
        let mut w = World::new();
        w.start(1);
        w.start(2);
        let a = w.runtime(1).unwrap().scheduler.spawn().unwrap();
        let b = w.runtime(2).unwrap().scheduler.spawn().unwrap();
        w.run_cohort(2, |_| (vec![], false));
        let high_bits = 0xdead_0000_0000_0000u64;
        // task a wakes b on runtime 2 and itself, with garbage in the unused bits
        w.run_cohort(1, |_| (vec![high_bits | (2 << 16) | b as u64, high_bits | (1 << 16) | a as u64], false));
        assert_eq!(w.runtime(1).unwrap().scheduler.state(a), Some(State::Ready));
        assert_eq!(w.runtime(2).unwrap().scheduler.state(b), Some(State::Suspend), "queued, not yet drained");
        assert_eq!(w.drain(2), vec![b]);
        assert_eq!(w.runtime(2).unwrap().scheduler.state(b), Some(State::Ready));
    }

    #[test]
    fn a_local_wake_is_immediate_and_a_reused_index_gets_a_spurious_wake() {
        let mut w = World::new();
        w.start(1);
        let s = &mut w.runtime(1).unwrap().scheduler;
        let a = s.spawn().unwrap();
        s.run_cohort(|_| Poll { complete: true, ..Poll::default() });
        let b = s.spawn().unwrap();
        assert_eq!(a, b);
        s.run_cohort(|_| Poll::default());
        w.wake(1, 1, a); // the old task's waker wakes the new task: allowed, spurious
        assert_eq!(w.runtime(1).unwrap().scheduler.state(b), Some(State::Ready));
    }
}
