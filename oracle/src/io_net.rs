//! Sockets and files of one runtime, as a model: tasks in four slots that each run one
//! operation on a socketpair, a TCP connection over loopback, or two files in a temporary
//! directory; cancels and aborts of the tasks that wait; what each operation returns (with
//! the bytes it read) and the data left.
//!
//! As in [`crate::io`], every step runs to quiescence before the next, so an outcome never
//! depends on timing. For TCP, quiescence includes "the bytes sent have reached the peer's
//! receive queue" (the harness waits until SIOCINQ says so): loopback delivers later than
//! the send returns.
//!
//! Socket ends: 0 and 1 are a socketpair (AF_UNIX, SOCK_STREAM); 2 is the TCP client and 3
//! the server end of the one connection a program makes to its listener on 127.0.0.1. An
//! end has a descriptor from the start (0, 1), from its connect (2) or accept (3), until a
//! close (0, 1 only); an operation on an end without one fails with EBADF (the harness keeps
//! each end at a fixed descriptor number, so a closed one is never reused). Semantics (from
//! socket(7), unix(7), tcp(7), shutdown(2) and the kernel's af_unix and tcp code):
//! - send of n bytes: EPIPE if this end shut down writing, or the peer shut down reading
//!   (AF_UNIX) or closed; else the peer's queue grows by n. The runtime ignores SIGPIPE.
//! - recv of len bytes takes min(len, queued) across sends; on an empty queue: a pending
//!   error (ECONNRESET, once), else 0 if reading is shut down (own SHUT_RD, peer SHUT_WR or
//!   close), else it waits (a zero timeout, socketpair only: ETIME). One waiter per end.
//! - shutdown(SHUT_WR): this end's writes and the peer's reads end (the peer reads the
//!   queue, then 0); SHUT_RD (socketpair only): this end's reads and the peer's writes.
//!   TCP shuts down writing once per end (a second one can fail with ENOTCONN, depending on
//!   when the peer's FIN arrives): a repeat is skipped.
//! - close of a socketpair end (not while a recv waits on it): the peer's reads and writes
//!   end; if the closed end had unread bytes the peer's next recv of an empty queue fails
//!   with ECONNRESET once.
//! - connect to the listener: Ok, once per program; it completes a waiting accept. To a
//!   bound port nobody listens on: ECONNREFUSED. bind to the listener's address:
//!   EADDRINUSE. accept: Ok if the connection is made, else it waits.
//!
//! Files: names 0 and 1 in the temporary directory, and handles 0 and 1, handle h opened on
//! name h (O_RDWR, at fixed descriptor numbers too):
//! - open: skipped if the handle is open; EEXIST with O_CREAT|O_EXCL on an existing name,
//!   ENOENT without O_CREAT on a missing one; else Ok (a new empty file for O_CREAT), at
//!   position 0.
//! - write at the position (which moves), pwrite at an offset (both extend with zeros as
//!   needed), pread at an offset (min(len, size - offset) bytes, 0 past the end), fsync,
//!   close: EBADF on a handle that is not open. unlink: ENOENT if the name is missing; the
//!   open handle keeps the file.

use std::collections::VecDeque;

use crate::io::{Outcome, ABORTED, ECANCELED, ETIME, SLOTS};

pub const ENOENT: i32 = 2;
pub const EBADF: i32 = 9;
pub const EEXIST: i32 = 17;
pub const EPIPE: i32 = 32;
pub const EADDRINUSE: i32 = 98;
pub const ECONNRESET: i32 = 104;
pub const ECONNREFUSED: i32 = 111;

pub const ENDS: usize = 4;
pub const FILES: usize = 2;
const CLIENT: usize = 2;
const SERVER: usize = 3;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetOp {
    Send { slot: usize, end: usize, data: Vec<u8> },
    /// A zero timeout applies to the socketpair's ends only.
    Recv { slot: usize, end: usize, len: usize, zero_timeout: bool },
    /// `write`: SHUT_WR, else SHUT_RD.
    Shutdown { slot: usize, end: usize, write: bool },
    Close { slot: usize, end: usize },
    /// `refused`: to the bound port nobody listens on.
    Connect { slot: usize, refused: bool },
    Accept { slot: usize },
    BindInUse { slot: usize },
    Open { slot: usize, file: usize, create: bool, excl: bool },
    Write { slot: usize, file: usize, data: Vec<u8> },
    Pwrite { slot: usize, file: usize, offset: usize, data: Vec<u8> },
    Pread { slot: usize, file: usize, offset: usize, len: usize },
    Fsync { slot: usize, file: usize },
    Unlink { slot: usize, file: usize },
    CloseFile { slot: usize, file: usize },
    Cancel { slot: usize },
    Abort { slot: usize },
}

#[derive(Clone, Debug, Default)]
struct End {
    open: bool,
    /// Bytes the peer sent that this end has not received.
    queue: VecDeque<u8>,
    rd_shut: bool,
    wr_shut: bool,
    error: Option<i32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Waiting {
    Recv { end: usize, len: usize },
    Accept,
}

#[derive(Debug)]
pub struct IoNet {
    ends: [End; ENDS],
    connected: bool,
    inodes: Vec<Vec<u8>>,
    names: [Option<usize>; FILES],
    /// (inode, position) of each open handle.
    handles: [Option<(usize, usize)>; FILES],
    slots: [Option<Waiting>; SLOTS],
    /// The outcomes of the last step.
    pub outcomes: Vec<Outcome>,
}

impl Default for IoNet {
    fn default() -> Self {
        let mut ends: [End; ENDS] = Default::default();
        ends[0].open = true;
        ends[1].open = true;
        Self { ends, connected: false, inodes: vec![], names: [None; FILES], handles: [None; FILES], slots: [None; SLOTS], outcomes: vec![] }
    }
}

fn peer(end: usize) -> usize {
    end ^ 1
}

fn write_at(file: &mut Vec<u8>, offset: usize, data: &[u8]) {
    if file.len() < offset + data.len() {
        file.resize(offset + data.len(), 0);
    }
    file[offset..offset + data.len()].copy_from_slice(data);
}

impl IoNet {
    pub fn new() -> Self {
        Self::default()
    }

    /// I/O the kernel holds at quiescence: the waiting recvs and accepts.
    pub fn in_flight(&self) -> usize {
        self.slots.iter().filter(|w| w.is_some()).count()
    }

    /// The bytes queued at an end that has a descriptor.
    pub fn queue(&self, end: usize) -> Option<Vec<u8>> {
        let e = &self.ends[end];
        if e.open {
            Some(e.queue.iter().copied().collect())
        } else {
            None
        }
    }

    /// The contents of the file named `file`, if it exists.
    pub fn file(&self, file: usize) -> Option<&[u8]> {
        self.names[file].map(|i| self.inodes[i].as_slice())
    }

    /// The contents of the file handle `file` has open, and its position.
    pub fn handle(&self, file: usize) -> Option<(&[u8], usize)> {
        self.handles[file].map(|(i, pos)| (self.inodes[i].as_slice(), pos))
    }

    fn done(&mut self, slot: usize, result: i32, data: Vec<u8>) {
        self.slots[slot] = None;
        self.outcomes.push(Outcome { slot: slot as u8, result, data });
    }

    fn waiter(&self, w: Waiting) -> Option<usize> {
        self.slots.iter().position(|s| *s == Some(w))
    }

    fn recv_waiter(&self, end: usize) -> Option<(usize, usize)> {
        self.slots.iter().enumerate().find_map(|(slot, s)| match *s {
            Some(Waiting::Recv { end: e, len }) if e == end => Some((slot, len)),
            _ => None,
        })
    }

    /// What a recv of `len` at `end` returns now, or None: it waits.
    fn try_recv(&mut self, end: usize, len: usize) -> Option<(i32, Vec<u8>)> {
        let e = &mut self.ends[end];
        if !e.queue.is_empty() {
            let n = len.min(e.queue.len());
            let data: Vec<u8> = e.queue.drain(..n).collect();
            Some((n as i32, data))
        } else if let Some(error) = e.error.take() {
            Some((-error, vec![]))
        } else if e.rd_shut {
            Some((0, vec![]))
        } else {
            None
        }
    }

    /// A waiting recv at `end` re-checks after a send, shutdown or close reached it.
    fn wake_recv(&mut self, end: usize) {
        if let Some((slot, len)) = self.recv_waiter(end) {
            if let Some((result, data)) = self.try_recv(end, len) {
                self.done(slot, result, data);
            }
        }
    }

    /// Applies one step. False: the step is not run (a start on a busy slot, a second
    /// waiter on an end or on the listener, a repeat TCP shutdown or SHUT_RD on TCP, a
    /// second connection, a close of an end a recv waits on or of a TCP end, an open of an
    /// open handle, a cancel or abort of a slot with nothing to cancel): the harness skips
    /// it on the port too.
    pub fn apply(&mut self, op: &NetOp) -> bool {
        self.outcomes.clear();
        let start_slot = match *op {
            NetOp::Cancel { .. } | NetOp::Abort { .. } => None,
            NetOp::Send { slot, .. }
            | NetOp::Recv { slot, .. }
            | NetOp::Shutdown { slot, .. }
            | NetOp::Close { slot, .. }
            | NetOp::Connect { slot, .. }
            | NetOp::Accept { slot }
            | NetOp::BindInUse { slot }
            | NetOp::Open { slot, .. }
            | NetOp::Write { slot, .. }
            | NetOp::Pwrite { slot, .. }
            | NetOp::Pread { slot, .. }
            | NetOp::Fsync { slot, .. }
            | NetOp::Unlink { slot, .. }
            | NetOp::CloseFile { slot, .. } => Some(slot),
        };
        if let Some(slot) = start_slot {
            if self.slots[slot].is_some() {
                return false;
            }
        }
        match op {
            NetOp::Send { slot, end, data } => {
                let (slot, end) = (*slot, *end);
                let (e, p) = (&self.ends[end], &self.ends[peer(end)]);
                if !e.open {
                    self.done(slot, -EBADF, vec![]);
                } else if e.wr_shut || (end < CLIENT && (p.rd_shut || !p.open)) {
                    self.done(slot, -EPIPE, vec![]);
                } else {
                    self.ends[peer(end)].queue.extend(data.iter().copied());
                    self.done(slot, data.len() as i32, vec![]);
                    self.wake_recv(peer(end));
                }
            }
            &NetOp::Recv { slot, end, len, zero_timeout } => {
                if !self.ends[end].open {
                    self.done(slot, -EBADF, vec![]);
                } else if self.recv_waiter(end).is_some() {
                    return false;
                } else if let Some((result, data)) = self.try_recv(end, len) {
                    self.done(slot, result, data);
                } else if zero_timeout && end < CLIENT {
                    self.done(slot, -ETIME, vec![]);
                } else {
                    self.slots[slot] = Some(Waiting::Recv { end, len });
                }
            }
            &NetOp::Shutdown { slot, end, write } => {
                if !self.ends[end].open {
                    self.done(slot, -EBADF, vec![]);
                    return true;
                }
                if end >= CLIENT && (!write || self.ends[end].wr_shut) {
                    return false;
                }
                // SHUT_WR ends this end's writes and the peer's reads; SHUT_RD the reverse.
                let (writer, reader) = if write { (end, peer(end)) } else { (peer(end), end) };
                self.ends[writer].wr_shut = true;
                self.ends[reader].rd_shut = true;
                self.done(slot, 0, vec![]);
                self.wake_recv(reader);
            }
            &NetOp::Close { slot, end } => {
                if end >= CLIENT || self.recv_waiter(end).is_some() {
                    return false;
                }
                if !self.ends[end].open {
                    self.done(slot, -EBADF, vec![]);
                    return true;
                }
                let unread = !self.ends[end].queue.is_empty();
                self.ends[end] = End::default();
                let p = &mut self.ends[peer(end)];
                p.rd_shut = true;
                p.wr_shut = true;
                if unread {
                    p.error = Some(ECONNRESET);
                }
                self.done(slot, 0, vec![]);
                self.wake_recv(peer(end));
            }
            &NetOp::Connect { slot, refused } => {
                if refused {
                    self.done(slot, -ECONNREFUSED, vec![]);
                } else if self.connected {
                    return false;
                } else {
                    self.connected = true;
                    self.ends[CLIENT].open = true;
                    self.done(slot, 0, vec![]);
                    if let Some(acceptor) = self.waiter(Waiting::Accept) {
                        self.ends[SERVER].open = true;
                        self.done(acceptor, 0, vec![]);
                    }
                }
            }
            &NetOp::Accept { slot } => {
                if self.ends[SERVER].open || self.waiter(Waiting::Accept).is_some() {
                    return false;
                }
                if self.connected {
                    self.ends[SERVER].open = true;
                    self.done(slot, 0, vec![]);
                } else {
                    self.slots[slot] = Some(Waiting::Accept);
                }
            }
            &NetOp::BindInUse { slot } => self.done(slot, -EADDRINUSE, vec![]),
            &NetOp::Open { slot, file, create, excl } => {
                if self.handles[file].is_some() {
                    return false;
                }
                match self.names[file] {
                    Some(_) if create && excl => return self.finish(slot, -EEXIST),
                    Some(inode) => self.handles[file] = Some((inode, 0)),
                    None if !create => return self.finish(slot, -ENOENT),
                    None => {
                        self.inodes.push(vec![]);
                        self.names[file] = Some(self.inodes.len() - 1);
                        self.handles[file] = Some((self.inodes.len() - 1, 0));
                    }
                }
                self.done(slot, 0, vec![]);
            }
            NetOp::Write { slot, file, data } => match self.handles[*file] {
                None => self.done(*slot, -EBADF, vec![]),
                Some((inode, pos)) => {
                    write_at(&mut self.inodes[inode], pos, data);
                    self.handles[*file] = Some((inode, pos + data.len()));
                    self.done(*slot, data.len() as i32, vec![]);
                }
            },
            NetOp::Pwrite { slot, file, offset, data } => match self.handles[*file] {
                None => self.done(*slot, -EBADF, vec![]),
                Some((inode, _)) => {
                    write_at(&mut self.inodes[inode], *offset, data);
                    self.done(*slot, data.len() as i32, vec![]);
                }
            },
            &NetOp::Pread { slot, file, offset, len } => match self.handles[file] {
                None => self.done(slot, -EBADF, vec![]),
                Some((inode, _)) => {
                    let data: Vec<u8> = self.inodes[inode].iter().skip(offset).take(len).copied().collect();
                    self.done(slot, data.len() as i32, data);
                }
            },
            &NetOp::Fsync { slot, file } => {
                let result = if self.handles[file].is_some() { 0 } else { -EBADF };
                self.done(slot, result, vec![]);
            }
            &NetOp::Unlink { slot, file } => {
                let result = if self.names[file].take().is_some() { 0 } else { -ENOENT };
                self.done(slot, result, vec![]);
            }
            &NetOp::CloseFile { slot, file } => {
                let result = if self.handles[file].take().is_some() { 0 } else { -EBADF };
                self.done(slot, result, vec![]);
            }
            &NetOp::Cancel { slot } => match self.slots[slot] {
                None => return false,
                Some(_) => self.done(slot, -ECANCELED, vec![]),
            },
            &NetOp::Abort { slot } => match self.slots[slot] {
                None => return false,
                Some(_) => self.done(slot, ABORTED, vec![]),
            },
        }
        true
    }

    fn finish(&mut self, slot: usize, result: i32) -> bool {
        self.done(slot, result, vec![]);
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
    fn a_waiting_recv_takes_the_next_send_and_shut_wr_gives_the_peer_eof_after_the_data() {
        let mut n = IoNet::new();
        n.apply(&NetOp::Recv { slot: 0, end: 1, len: 2, zero_timeout: false });
        assert_eq!(n.in_flight(), 1);
        n.apply(&NetOp::Send { slot: 1, end: 0, data: b"abc".to_vec() });
        assert_eq!(n.outcomes, vec![outcome(1, 3, b""), outcome(0, 2, b"ab")]);
        n.apply(&NetOp::Shutdown { slot: 1, end: 0, write: true });
        n.apply(&NetOp::Recv { slot: 0, end: 1, len: 8, zero_timeout: true });
        assert_eq!(n.outcomes, vec![outcome(0, 1, b"c")]);
        n.apply(&NetOp::Recv { slot: 0, end: 1, len: 8, zero_timeout: true });
        assert_eq!(n.outcomes, vec![outcome(0, 0, b"")], "EOF, not ETIME");
        n.apply(&NetOp::Send { slot: 0, end: 0, data: b"x".to_vec() });
        assert_eq!(n.outcomes, vec![outcome(0, -EPIPE, b"")]);
        n.apply(&NetOp::Send { slot: 0, end: 1, data: b"y".to_vec() });
        assert_eq!(n.outcomes, vec![outcome(0, 1, b"")], "the other direction still works");
    }

    #[test]
    fn closing_an_end_with_unread_bytes_resets_the_peer_once_and_a_closed_end_is_ebadf() {
        let mut n = IoNet::new();
        n.apply(&NetOp::Send { slot: 0, end: 1, data: b"z".to_vec() });
        n.apply(&NetOp::Recv { slot: 1, end: 1, len: 4, zero_timeout: false });
        assert!(!n.apply(&NetOp::Close { slot: 2, end: 1 }), "a recv waits on it");
        n.apply(&NetOp::Close { slot: 2, end: 0 });
        assert_eq!(n.outcomes, vec![outcome(2, 0, b""), outcome(1, -ECONNRESET, b"")]);
        n.apply(&NetOp::Recv { slot: 1, end: 1, len: 4, zero_timeout: false });
        assert_eq!(n.outcomes, vec![outcome(1, 0, b"")]);
        n.apply(&NetOp::Send { slot: 1, end: 1, data: b"q".to_vec() });
        assert_eq!(n.outcomes, vec![outcome(1, -EPIPE, b"")]);
        n.apply(&NetOp::Recv { slot: 1, end: 0, len: 4, zero_timeout: false });
        assert_eq!(n.outcomes, vec![outcome(1, -EBADF, b"")]);
        n.apply(&NetOp::Close { slot: 1, end: 0 });
        assert_eq!(n.outcomes, vec![outcome(1, -EBADF, b"")]);
    }

    #[test]
    fn an_accept_waits_for_the_connect_and_data_flows_both_ways() {
        let mut n = IoNet::new();
        n.apply(&NetOp::Send { slot: 0, end: CLIENT, data: b"a".to_vec() });
        assert_eq!(n.outcomes, vec![outcome(0, -EBADF, b"")], "not connected yet");
        n.apply(&NetOp::Accept { slot: 0 });
        assert!(n.outcomes.is_empty());
        n.apply(&NetOp::Connect { slot: 1, refused: true });
        assert_eq!(n.outcomes, vec![outcome(1, -ECONNREFUSED, b"")]);
        n.apply(&NetOp::Connect { slot: 1, refused: false });
        assert_eq!(n.outcomes, vec![outcome(1, 0, b""), outcome(0, 0, b"")]);
        n.apply(&NetOp::Send { slot: 0, end: SERVER, data: b"hi".to_vec() });
        n.apply(&NetOp::Recv { slot: 0, end: CLIENT, len: 8, zero_timeout: true });
        assert_eq!(n.outcomes, vec![outcome(0, 2, b"hi")]);
        n.apply(&NetOp::Recv { slot: 0, end: CLIENT, len: 8, zero_timeout: true });
        assert!(n.outcomes.is_empty(), "a zero timeout waits on TCP");
        n.apply(&NetOp::Shutdown { slot: 1, end: SERVER, write: true });
        assert_eq!(n.outcomes, vec![outcome(1, 0, b""), outcome(0, 0, b"")]);
        assert!(!n.apply(&NetOp::Shutdown { slot: 1, end: SERVER, write: true }), "once per TCP end");
        n.apply(&NetOp::Send { slot: 1, end: SERVER, data: b"x".to_vec() });
        assert_eq!(n.outcomes, vec![outcome(1, -EPIPE, b"")]);
    }

    #[test]
    fn files_open_exclusively_read_short_at_the_end_and_survive_unlink_while_open() {
        let mut n = IoNet::new();
        n.apply(&NetOp::Open { slot: 0, file: 0, create: false, excl: false });
        assert_eq!(n.outcomes, vec![outcome(0, -ENOENT, b"")]);
        n.apply(&NetOp::Open { slot: 0, file: 0, create: true, excl: true });
        n.apply(&NetOp::Write { slot: 0, file: 0, data: b"ab".to_vec() });
        n.apply(&NetOp::Pwrite { slot: 0, file: 0, offset: 4, data: b"c".to_vec() });
        n.apply(&NetOp::Write { slot: 0, file: 0, data: b"d".to_vec() });
        n.apply(&NetOp::Pread { slot: 0, file: 0, offset: 1, len: 16 });
        assert_eq!(n.outcomes, vec![outcome(0, 4, b"bd\0c")]);
        n.apply(&NetOp::CloseFile { slot: 0, file: 0 });
        n.apply(&NetOp::Open { slot: 0, file: 0, create: true, excl: true });
        assert_eq!(n.outcomes, vec![outcome(0, -EEXIST, b"")]);
        n.apply(&NetOp::Open { slot: 0, file: 0, create: true, excl: false });
        n.apply(&NetOp::Unlink { slot: 0, file: 0 });
        n.apply(&NetOp::Unlink { slot: 0, file: 0 });
        assert_eq!(n.outcomes, vec![outcome(0, -ENOENT, b"")]);
        assert_eq!(n.file(0), None);
        assert_eq!(n.handle(0), Some((&b"abd\0c"[..], 0)), "reopened at position 0");
        n.apply(&NetOp::CloseFile { slot: 0, file: 0 });
        n.apply(&NetOp::Fsync { slot: 0, file: 0 });
        assert_eq!(n.outcomes, vec![outcome(0, -EBADF, b"")]);
    }
}
