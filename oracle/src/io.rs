//! The I/O half of one runtime, as a model: tasks in four slots that each run one
//! operation on two pipes, an eventfd, a memfd, a timer or an AsyncEvent, cancels and
//! aborts of the tasks that wait, `io_scope` cancel-and-wait, and what each operation
//! returns (with the bytes it read).
//!
//! Every step runs to quiescence before the next (the harness runs the loop until the
//! tasks and I/O the model says wait are all that is left), so an outcome never depends
//! on timing: within one step at most one new operation starts, so a waiting read is
//! woken by at most one write. The harness compares each step's outcomes as a set: a
//! write and the read it unblocks, or a read and its timeout, complete in an order the
//! kernel picks.
//!
//! Semantics (from io_uring, pipe(7), eventfd(2), memfd and kimojio's documented API):
//! - a read of `len` bytes takes min(len, buffered) bytes; on an empty pipe it waits
//!   (never) or fails with ETIME (a zero timeout); one reader waits per pipe;
//! - an eventfd read takes the whole counter (8 bytes) and zeroes it; at zero it waits
//!   or fails with ETIME; a write adds its value;
//! - a memfd pwrite extends the file with zeros as needed; pread reads what is there;
//! - sleep(0) succeeds; sleep(never) waits;
//! - a cancel of a waiting read or sleep ends it with ECANCELED; an abort ends the task
//!   (TaskAborted) and the kernel's completion of its I/O is only reaped;
//! - io_scope(f) where f starts a read (or an AsyncEvent wait) and returns without
//!   awaiting it: the scope's end submits, cancels and waits, so the read has its data if
//!   the pipe had some (the read completes when submitted), else ECANCELED; the wait is
//!   Ok if the event is set, else canceled;
//! - AsyncEvent: wait (for set) and wait_reset (for reset) are Ok at once if the event is
//!   in that state, else queue (one FIFO for both); set and reset wake all, set_wake_n(n)
//!   the first n (the others keep waiting even though it is set); a woken waiter re-checks:
//!   Ok if the event is in its state, else it queues again at the back (in wake order);
//!   an aborted waiter wakes all the others, which re-check.

use std::collections::VecDeque;

pub const SLOTS: usize = 4;
pub const ETIME: i32 = 62;
pub const ECANCELED: i32 = 125;
/// The outcome of a task ended by abort.
pub const ABORTED: i32 = -1000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    ReadPipe { slot: usize, pipe: usize, len: usize, zero_timeout: bool },
    WritePipe { slot: usize, pipe: usize, data: Vec<u8> },
    ReadEventfd { slot: usize, zero_timeout: bool },
    WriteEventfd { slot: usize, value: u64 },
    PwriteMemfd { slot: usize, offset: usize, data: Vec<u8> },
    PreadMemfd { slot: usize, offset: usize, len: usize },
    Sleep { slot: usize, zero: bool },
    /// `reset`: wait_reset (for the event to be reset), else wait (for it to be set).
    WaitEvent { slot: usize, reset: bool },
    /// pipe 0 or 1: a read of `len` bytes; 2: an AsyncEvent wait.
    IoScope { slot: usize, target: usize, len: usize },
    Cancel { slot: usize },
    Abort { slot: usize },
    Set,
    SetWakeN { n: usize },
    Reset,
}

/// What one task's operation returned: a byte count (and the bytes read), 0 for a unit
/// result, -errno, or ABORTED.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Outcome {
    pub slot: u8,
    pub result: i32,
    pub data: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Waiting {
    ReadPipe { pipe: usize, len: usize },
    ReadEventfd,
    Sleep,
    Event,
}

#[derive(Debug, Default)]
pub struct Io {
    pipes: [VecDeque<u8>; 2],
    eventfd: u64,
    memfd: Vec<u8>,
    event: bool,
    waiters: VecDeque<(usize, bool)>, // (slot, the state it waits for), in queue order
    slots: [Option<Waiting>; SLOTS],
    /// The outcomes of the last step.
    pub outcomes: Vec<Outcome>,
}

impl Io {
    pub fn new() -> Self {
        Self::default()
    }

    /// I/O the kernel holds at quiescence: the waiting reads and sleeps.
    pub fn in_flight(&self) -> usize {
        self.slots.iter().filter(|w| matches!(w, Some(w) if *w != Waiting::Event)).count()
    }

    pub fn pipe(&self, pipe: usize) -> Vec<u8> {
        self.pipes[pipe].iter().copied().collect()
    }

    pub fn eventfd(&self) -> u64 {
        self.eventfd
    }

    pub fn memfd(&self) -> &[u8] {
        &self.memfd
    }

    fn done(&mut self, slot: usize, result: i32, data: Vec<u8>) {
        self.slots[slot] = None;
        self.outcomes.push(Outcome { slot: slot as u8, result, data });
    }

    fn take_pipe(&mut self, pipe: usize, len: usize) -> Vec<u8> {
        let n = len.min(self.pipes[pipe].len());
        self.pipes[pipe].drain(..n).collect()
    }

    fn reader_of(&self, pipe: usize) -> Option<usize> {
        self.slots.iter().position(|w| matches!(w, Some(Waiting::ReadPipe { pipe: p, .. }) if *p == pipe))
    }

    /// Woken waiters re-check, in wake order: Ok, or back in the queue (at the back).
    fn recheck(&mut self, woken: Vec<(usize, bool)>) {
        for (slot, want) in woken {
            if self.event == want {
                self.done(slot, 0, vec![]);
            } else {
                self.waiters.push_back((slot, want));
            }
        }
    }

    fn wake_event_waiters(&mut self) {
        let woken = std::mem::take(&mut self.waiters).into_iter().collect();
        self.recheck(woken);
    }

    /// Applies one step. False: the step is not run (a start on a busy slot, a second
    /// reader of a pipe or of the eventfd, a cancel or abort of a slot with nothing to
    /// cancel): the harness skips it on the port too.
    pub fn apply(&mut self, op: &Op) -> bool {
        self.outcomes.clear();
        let start_slot = match *op {
            Op::ReadPipe { slot, .. }
            | Op::WritePipe { slot, .. }
            | Op::ReadEventfd { slot, .. }
            | Op::WriteEventfd { slot, .. }
            | Op::PwriteMemfd { slot, .. }
            | Op::PreadMemfd { slot, .. }
            | Op::Sleep { slot, .. }
            | Op::WaitEvent { slot, .. }
            | Op::IoScope { slot, .. } => Some(slot),
            _ => None,
        };
        if let Some(slot) = start_slot {
            if self.slots[slot].is_some() {
                return false;
            }
        }
        match op {
            &Op::ReadPipe { slot, pipe, len, zero_timeout } => {
                if self.reader_of(pipe).is_some() {
                    return false;
                }
                if !self.pipes[pipe].is_empty() {
                    let data = self.take_pipe(pipe, len);
                    self.done(slot, data.len() as i32, data);
                } else if zero_timeout {
                    self.done(slot, -ETIME, vec![]);
                } else {
                    self.slots[slot] = Some(Waiting::ReadPipe { pipe, len });
                }
            }
            Op::WritePipe { slot, pipe, data } => {
                self.pipes[*pipe].extend(data.iter().copied());
                self.done(*slot, data.len() as i32, vec![]);
                if let (Some(reader), false) = (self.reader_of(*pipe), self.pipes[*pipe].is_empty()) {
                    if let Some(Waiting::ReadPipe { len, .. }) = self.slots[reader] {
                        let got = self.take_pipe(*pipe, len);
                        self.done(reader, got.len() as i32, got);
                    }
                }
            }
            &Op::ReadEventfd { slot, zero_timeout } => {
                if self.slots.contains(&Some(Waiting::ReadEventfd)) {
                    return false;
                }
                if self.eventfd > 0 {
                    let value = std::mem::take(&mut self.eventfd);
                    self.done(slot, 8, value.to_le_bytes().to_vec());
                } else if zero_timeout {
                    self.done(slot, -ETIME, vec![]);
                } else {
                    self.slots[slot] = Some(Waiting::ReadEventfd);
                }
            }
            &Op::WriteEventfd { slot, value } => {
                self.eventfd += value;
                self.done(slot, 8, vec![]);
                let reader = self.slots.iter().position(|w| *w == Some(Waiting::ReadEventfd));
                if let (Some(reader), true) = (reader, self.eventfd > 0) {
                    let value = std::mem::take(&mut self.eventfd);
                    self.done(reader, 8, value.to_le_bytes().to_vec());
                }
            }
            Op::PwriteMemfd { slot, offset, data } => {
                let end = offset + data.len();
                if self.memfd.len() < end {
                    self.memfd.resize(end, 0);
                }
                self.memfd[*offset..end].copy_from_slice(data);
                self.done(*slot, data.len() as i32, vec![]);
            }
            &Op::PreadMemfd { slot, offset, len } => {
                let data: Vec<u8> = self.memfd.iter().skip(offset).take(len).copied().collect();
                self.done(slot, data.len() as i32, data);
            }
            &Op::Sleep { slot, zero } => {
                if zero {
                    self.done(slot, 0, vec![]);
                } else {
                    self.slots[slot] = Some(Waiting::Sleep);
                }
            }
            &Op::WaitEvent { slot, reset } => {
                if self.event != reset {
                    self.done(slot, 0, vec![]);
                } else {
                    self.slots[slot] = Some(Waiting::Event);
                    self.waiters.push_back((slot, !reset));
                }
            }
            &Op::IoScope { slot, target, len } => {
                if target < 2 {
                    if self.pipes[target].is_empty() {
                        self.done(slot, -ECANCELED, vec![]);
                    } else {
                        let data = self.take_pipe(target, len);
                        self.done(slot, data.len() as i32, data);
                    }
                } else {
                    let result = if self.event { 0 } else { -ECANCELED };
                    self.done(slot, result, vec![]);
                }
            }
            &Op::Cancel { slot } => match self.slots[slot] {
                Some(Waiting::Event) | None => return false,
                Some(_) => self.done(slot, -ECANCELED, vec![]),
            },
            &Op::Abort { slot } => match self.slots[slot] {
                None => return false,
                Some(waiting) => {
                    self.done(slot, ABORTED, vec![]);
                    if waiting == Waiting::Event {
                        self.waiters.retain(|&(s, _)| s != slot);
                        self.wake_event_waiters();
                    }
                }
            },
            Op::Set => {
                self.event = true;
                self.wake_event_waiters();
            }
            &Op::SetWakeN { n } => {
                self.event = true;
                let woken = (0..n).filter_map(|_| self.waiters.pop_front()).collect();
                self.recheck(woken);
            }
            Op::Reset => {
                self.event = false;
                self.wake_event_waiters();
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(slot: u8, result: i32, data: &[u8]) -> Outcome {
        Outcome { slot, result, data: data.to_vec() }
    }

    #[test]
    fn a_waiting_read_takes_what_the_next_write_brings_and_the_rest_stays() {
        let mut io = Io::new();
        assert!(io.apply(&Op::ReadPipe { slot: 0, pipe: 1, len: 2, zero_timeout: false }));
        assert!(io.outcomes.is_empty());
        assert_eq!(io.in_flight(), 1);
        assert!(!io.apply(&Op::ReadPipe { slot: 1, pipe: 1, len: 2, zero_timeout: false }), "one reader per pipe");
        assert!(io.apply(&Op::WritePipe { slot: 1, pipe: 1, data: b"abc".to_vec() }));
        assert_eq!(io.outcomes, vec![outcome(1, 3, b""), outcome(0, 2, b"ab")]);
        assert_eq!(io.pipe(1), b"c".to_vec());
        assert_eq!(io.in_flight(), 0);
    }

    #[test]
    fn zero_timeouts_fail_with_etime_and_cancels_and_aborts_end_waits() {
        let mut io = Io::new();
        io.apply(&Op::ReadEventfd { slot: 0, zero_timeout: true });
        assert_eq!(io.outcomes, vec![outcome(0, -ETIME, b"")]);
        io.apply(&Op::Sleep { slot: 0, zero: false });
        io.apply(&Op::ReadEventfd { slot: 1, zero_timeout: false });
        assert_eq!(io.in_flight(), 2);
        io.apply(&Op::Cancel { slot: 0 });
        assert_eq!(io.outcomes, vec![outcome(0, -ECANCELED, b"")]);
        assert!(!io.apply(&Op::Cancel { slot: 0 }), "nothing left to cancel");
        io.apply(&Op::Abort { slot: 1 });
        assert_eq!(io.outcomes, vec![outcome(1, ABORTED, b"")]);
        io.apply(&Op::WriteEventfd { slot: 1, value: 5 });
        io.apply(&Op::WriteEventfd { slot: 1, value: 2 });
        io.apply(&Op::ReadEventfd { slot: 2, zero_timeout: false });
        assert_eq!(io.outcomes, vec![outcome(2, 8, &7u64.to_le_bytes())]);
        assert_eq!(io.eventfd(), 0);
    }

    #[test]
    fn set_wake_one_wakes_the_first_waiter_and_an_aborted_waiter_wakes_the_rest() {
        let mut io = Io::new();
        for slot in 0..3 {
            io.apply(&Op::WaitEvent { slot, reset: false });
        }
        io.apply(&Op::Reset);
        assert!(io.outcomes.is_empty(), "reset: they re-check and wait again");
        io.apply(&Op::SetWakeN { n: 1 });
        assert_eq!(io.outcomes, vec![outcome(0, 0, b"")]);
        io.apply(&Op::Abort { slot: 1 });
        assert_eq!(io.outcomes, vec![outcome(1, ABORTED, b""), outcome(2, 0, b"")], "set: the woken waiter completes");
    }

    #[test]
    fn a_wait_reset_woken_by_set_wake_n_queues_again_at_the_back() {
        let mut io = Io::new();
        io.apply(&Op::Set);
        io.apply(&Op::WaitEvent { slot: 0, reset: true });
        io.apply(&Op::WaitEvent { slot: 1, reset: true });
        io.apply(&Op::WaitEvent { slot: 2, reset: false });
        assert_eq!(io.outcomes, vec![outcome(2, 0, b"")], "set: a wait is Ok at once");
        io.apply(&Op::SetWakeN { n: 1 });
        assert!(io.outcomes.is_empty(), "0 re-checks and queues again");
        assert_eq!(io.waiters, VecDeque::from(vec![(1, false), (0, false)]), "at the back");
        io.apply(&Op::Reset);
        assert_eq!(io.outcomes, vec![outcome(1, 0, b""), outcome(0, 0, b"")], "in queue order");
    }

    #[test]
    fn an_io_scope_cancels_a_read_of_an_empty_pipe_and_keeps_a_read_that_had_data() {
        let mut io = Io::new();
        io.apply(&Op::IoScope { slot: 0, target: 0, len: 4 });
        assert_eq!(io.outcomes, vec![outcome(0, -ECANCELED, b"")]);
        io.apply(&Op::WritePipe { slot: 0, pipe: 0, data: b"xy".to_vec() });
        io.apply(&Op::IoScope { slot: 0, target: 0, len: 4 });
        assert_eq!(io.outcomes, vec![outcome(0, 2, b"xy")]);
        io.apply(&Op::IoScope { slot: 0, target: 2, len: 0 });
        assert_eq!(io.outcomes, vec![outcome(0, -ECANCELED, b"")]);
    }

    #[test]
    fn pwrite_extends_the_memfd_with_zeros_and_pread_reads_what_is_there() {
        let mut io = Io::new();
        io.apply(&Op::PwriteMemfd { slot: 0, offset: 2, data: b"ab".to_vec() });
        io.apply(&Op::PreadMemfd { slot: 0, offset: 1, len: 8 });
        assert_eq!(io.outcomes, vec![outcome(0, 3, b"\0ab")]);
        io.apply(&Op::PreadMemfd { slot: 0, offset: 9, len: 8 });
        assert_eq!(io.outcomes, vec![outcome(0, 0, b"")]);
    }
}
