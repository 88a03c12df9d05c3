//! The C ABI (oracle/include/oracle.h) that fuzz and property tests link.
//! Every function takes the pointer its constructor returned; none is thread-safe.

use crate::handle_table::HandleTable;
use crate::io::{Io, Op as IoOp, Outcome, SLOTS};
use crate::io_net::{IoNet, NetOp, ENDS, FILES};
use crate::scheduler::{Event, Poll, Scheduler};
use crate::world::World;

pub struct OracleHandleTable(HandleTable<u64>);

#[no_mangle]
pub extern "C" fn oracle_ht_new() -> *mut OracleHandleTable {
    Box::into_raw(Box::new(OracleHandleTable(HandleTable::new())))
}

/// # Safety
/// `t` comes from oracle_ht_new and is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn oracle_ht_free(t: *mut OracleHandleTable) {
    drop(Box::from_raw(t));
}

/// # Safety
/// `t` comes from oracle_ht_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_ht_insert(t: *mut OracleHandleTable, value: u64) -> u64 {
    (*t).0.insert(value) as u64
}

/// # Safety
/// `t` comes from oracle_ht_new; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn oracle_ht_get(t: *const OracleHandleTable, index: u64, out: *mut u64) -> bool {
    match (*t).0.get(index as usize) {
        Some(v) => {
            *out = *v;
            true
        }
        None => false,
    }
}

/// # Safety
/// `t` comes from oracle_ht_new; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn oracle_ht_remove(t: *mut OracleHandleTable, index: u64, out: *mut u64) -> bool {
    match (*t).0.remove(index as usize) {
        Some(v) => {
            *out = v;
            true
        }
        None => false,
    }
}

/// # Safety
/// `t` comes from oracle_ht_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_ht_clear(t: *mut OracleHandleTable) {
    (*t).0.clear()
}

/// # Safety
/// `t` comes from oracle_ht_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_ht_len(t: *const OracleHandleTable) -> u64 {
    (*t).0.len() as u64
}

/// Writes up to `capacity` used indexes (slot order); returns how many there are.
/// # Safety
/// `t` comes from oracle_ht_new; `out` has room for `capacity` values.
#[no_mangle]
pub unsafe extern "C" fn oracle_ht_indexes(t: *const OracleHandleTable, out: *mut u64, capacity: usize) -> usize {
    let all = (*t).0.indexes();
    for (i, index) in all.iter().take(capacity).enumerate() {
        *out.add(i) = *index as u64;
    }
    all.len()
}

/// Transparent: the world hands out its runtimes' schedulers as `*mut OracleScheduler`.
#[repr(transparent)]
pub struct OracleScheduler(Scheduler);

#[repr(C)]
pub struct OraclePoll {
    pub wakes: *const u16,
    pub wake_cpu: *const bool,
    pub wake_count: usize,
    pub spawns: usize,
    pub joins: *const u16,
    pub join_count: usize,
    pub nop: bool,
    pub complete: bool,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct OracleEvent {
    /// 1 = TaskScheduled, 2 = TaskRunEnd
    pub kind: u8,
    pub action: u8,
    pub complete: bool,
    pub task: u16,
}

pub type OracleScript = extern "C" fn(ctx: *mut core::ffi::c_void, task: u16) -> OraclePoll;

#[no_mangle]
pub extern "C" fn oracle_sched_new() -> *mut OracleScheduler {
    Box::into_raw(Box::new(OracleScheduler(Scheduler::new())))
}

/// Back to the state of oracle_sched_new, keeping the buffers (no allocation per input).
/// # Safety
/// `s` comes from oracle_sched_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_sched_reset(s: *mut OracleScheduler) {
    (*s).0.reset()
}

/// # Safety
/// `s` comes from oracle_sched_new and is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn oracle_sched_free(s: *mut OracleScheduler) {
    drop(Box::from_raw(s));
}

/// The new task's index, or -1 at 65,535 live tasks.
/// # Safety
/// `s` comes from oracle_sched_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_sched_spawn(s: *mut OracleScheduler) -> i32 {
    (*s).0.spawn().map_or(-1, i32::from)
}

/// # Safety
/// `s` comes from oracle_sched_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_sched_schedule_io(s: *mut OracleScheduler, task: u16) {
    (*s).0.schedule_io(task)
}

/// A wake through a waker holding the `nth` task spawned (0-based), whatever its state.
/// # Safety
/// `s` comes from oracle_sched_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_sched_schedule_io_spawned(s: *mut OracleScheduler, nth: usize) {
    (*s).0.schedule_io_spawned(nth)
}

/// # Safety
/// `s` comes from oracle_sched_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_sched_schedule_cpu(s: *mut OracleScheduler, task: u16) {
    (*s).0.schedule_cpu(task)
}

/// 0, or -1 if the task is Running (aborting itself throws in the task).
/// # Safety
/// `s` comes from oracle_sched_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_sched_abort(s: *mut OracleScheduler, task: u16) -> i32 {
    if (*s).0.abort(task).is_ok() {
        0
    } else {
        -1
    }
}

/// # Safety
/// `s` comes from oracle_sched_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_sched_set_high_priority(s: *mut OracleScheduler, task: u16, high: bool) {
    (*s).0.set_high_priority(task, high)
}

/// The state (1 Ready .. 5 Complete) of the live task with this index, or -1.
/// # Safety
/// `s` comes from oracle_sched_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_sched_state(s: *const OracleScheduler, task: u16) -> i32 {
    (*s).0.state(task).map_or(-1, |st| st as i32)
}

/// # Safety
/// `s` comes from oracle_sched_new; `script` returns arrays valid until its next call.
#[no_mangle]
pub unsafe extern "C" fn oracle_sched_run_cohort(s: *mut OracleScheduler, script: OracleScript, ctx: *mut core::ffi::c_void) {
    (*s).0.run_cohort_into(|task, poll: &mut Poll| {
        let p = script(ctx, task);
        poll.wakes.clear();
        poll.wakes.extend((0..p.wake_count).map(|i| (*p.wakes.add(i), *p.wake_cpu.add(i))));
        poll.joins.clear();
        poll.joins.extend((0..p.join_count).map(|i| *p.joins.add(i)));
        poll.spawns = p.spawns;
        poll.nop = p.nop;
        poll.complete = p.complete;
    });
}

/// The end of a loop turn: the nop I/O started during it completes and wakes its tasks.
/// # Safety
/// `s` comes from oracle_sched_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_sched_complete_io(s: *mut OracleScheduler) {
    (*s).0.complete_io()
}

/// Writes up to `capacity` trace events (oldest first); returns how many there are.
/// # Safety
/// `s` comes from oracle_sched_new; `out` has room for `capacity` events.
#[no_mangle]
pub unsafe extern "C" fn oracle_sched_trace(s: *const OracleScheduler, out: *mut OracleEvent, capacity: usize) -> usize {
    let trace = &(*s).0.trace;
    for (i, e) in trace.iter().take(capacity).enumerate() {
        *out.add(i) = match *e {
            Event::Scheduled { task } => OracleEvent { kind: 1, action: 0, complete: false, task },
            Event::RunEnd { task, action, complete } => OracleEvent { kind: 2, action, complete, task },
        };
    }
    trace.len()
}

pub struct OracleWorld(World);

#[no_mangle]
pub extern "C" fn oracle_world_new() -> *mut OracleWorld {
    Box::into_raw(Box::new(OracleWorld(World::new())))
}

/// # Safety
/// `w` comes from oracle_world_new and is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn oracle_world_free(w: *mut OracleWorld) {
    drop(Box::from_raw(w));
}

/// False if `thread` is 255 or a live runtime already has it.
/// # Safety
/// `w` comes from oracle_world_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_world_start(w: *mut OracleWorld, thread: u8) -> bool {
    (*w).0.start(thread)
}

/// # Safety
/// `w` comes from oracle_world_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_world_stop(w: *mut OracleWorld, thread: u8) {
    (*w).0.stop(thread)
}

/// The live runtime's scheduler, or null; valid until the next start or stop.
/// # Safety
/// `w` comes from oracle_world_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_world_scheduler(w: *mut OracleWorld, thread: u8) -> *mut OracleScheduler {
    match (*w).0.runtime(thread) {
        Some(runtime) => &mut runtime.scheduler as *mut Scheduler as *mut OracleScheduler,
        None => core::ptr::null_mut(),
    }
}

/// A wake of (thread, task) made on `current` (255: a thread without a runtime).
/// # Safety
/// `w` comes from oracle_world_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_world_wake(w: *mut OracleWorld, current: u8, thread: u8, task: u16) {
    (*w).0.wake(current, thread, task)
}

/// The drain point of `thread`: writes up to `capacity` drained indexes (ascending);
/// returns how many there were.
/// # Safety
/// `w` comes from oracle_world_new; `out` has room for `capacity` values.
#[no_mangle]
pub unsafe extern "C" fn oracle_world_drain(w: *mut OracleWorld, thread: u8, out: *mut u16, capacity: usize) -> usize {
    let drained = (*w).0.drain(thread);
    for (i, task) in drained.iter().take(capacity).enumerate() {
        *out.add(i) = *task;
    }
    drained.len()
}

/// # Safety
/// `w` comes from oracle_world_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_world_wake_packed(w: *mut OracleWorld, current: u8, data: u64) {
    (*w).0.wake_packed(current, data)
}

#[repr(C)]
pub struct OracleWorldPoll {
    pub wakes: *const u64,
    pub wake_count: usize,
    pub complete: bool,
}

pub type OracleWorldScript = extern "C" fn(ctx: *mut core::ffi::c_void, task: u16) -> OracleWorldPoll;

/// # Safety
/// `w` comes from oracle_world_new; `script` returns an array valid until its next call.
#[no_mangle]
pub unsafe extern "C" fn oracle_world_run_cohort(
    w: *mut OracleWorld,
    thread: u8,
    script: OracleWorldScript,
    ctx: *mut core::ffi::c_void,
) {
    (*w).0.run_cohort(thread, |task| {
        let p = script(ctx, task);
        ((0..p.wake_count).map(|i| *p.wakes.add(i)).collect(), p.complete)
    });
}

pub struct OracleIo(Io);

#[repr(C)]
pub struct OracleIoOp {
    /// 0 read pipe .. 13 reset: the order of oracle.h's ORACLE_IO_* constants.
    pub op: u8,
    pub slot: u8,
    /// The pipe (0, 1), or for io_scope 2: the AsyncEvent.
    pub target: u8,
    /// Bytes to read, or of `data` to write; the eventfd write's value.
    pub len: u8,
    /// A timeout of zero (reads), a sleep of zero.
    pub zero: bool,
    pub offset: u8,
    pub data: [u8; 8],
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct OracleIoOutcome {
    pub slot: u8,
    pub result: i32,
    pub len: u8,
    pub data: [u8; 16],
}

#[no_mangle]
pub extern "C" fn oracle_io_new() -> *mut OracleIo {
    Box::into_raw(Box::new(OracleIo(Io::new())))
}

/// # Safety
/// `io` comes from oracle_io_new and is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn oracle_io_free(io: *mut OracleIo) {
    drop(Box::from_raw(io));
}

/// Applies one step; false if the model skips it (the harness skips it too).
/// # Safety
/// `io` comes from oracle_io_new; `op` is readable.
#[no_mangle]
pub unsafe extern "C" fn oracle_io_apply(io: *mut OracleIo, op: *const OracleIoOp) -> bool {
    let o = &*op;
    let (slot, pipe) = (o.slot as usize % SLOTS, o.target as usize % 2);
    let data = o.data[..(o.len as usize).min(8)].to_vec();
    let op = match o.op {
        0 => IoOp::ReadPipe { slot, pipe, len: o.len as usize, zero_timeout: o.zero },
        1 => IoOp::WritePipe { slot, pipe, data },
        2 => IoOp::ReadEventfd { slot, zero_timeout: o.zero },
        3 => IoOp::WriteEventfd { slot, value: o.len as u64 },
        4 => IoOp::PwriteMemfd { slot, offset: o.offset as usize, data },
        5 => IoOp::PreadMemfd { slot, offset: o.offset as usize, len: o.len as usize },
        6 => IoOp::Sleep { slot, zero: o.zero },
        7 => IoOp::WaitEvent { slot, reset: o.target % 2 == 1 },
        8 => IoOp::IoScope { slot, target: o.target as usize % 3, len: o.len as usize },
        9 => IoOp::Cancel { slot },
        10 => IoOp::Abort { slot },
        11 => IoOp::Set,
        12 => IoOp::SetWakeN { n: 1 + (o.target as usize % 2) },
        _ => IoOp::Reset,
    };
    (*io).0.apply(&op)
}

/// The last step's outcomes (in the model's order); returns how many there are.
/// # Safety
/// `io` comes from oracle_io_new; `out` has room for `capacity` outcomes.
#[no_mangle]
pub unsafe extern "C" fn oracle_io_outcomes(io: *const OracleIo, out: *mut OracleIoOutcome, capacity: usize) -> usize {
    copy_outcomes(&(*io).0.outcomes, out, capacity)
}

unsafe fn copy_outcomes(outcomes: &[Outcome], out: *mut OracleIoOutcome, capacity: usize) -> usize {
    for (i, o) in outcomes.iter().take(capacity).enumerate() {
        let mut data = [0u8; 16];
        let n = o.data.len().min(16);
        data[..n].copy_from_slice(&o.data[..n]);
        *out.add(i) = OracleIoOutcome { slot: o.slot, result: o.result, len: n as u8, data };
    }
    outcomes.len()
}

unsafe fn copy_bytes(bytes: &[u8], out: *mut u8, capacity: usize) -> usize {
    for (i, b) in bytes.iter().take(capacity).enumerate() {
        *out.add(i) = *b;
    }
    bytes.len()
}

/// I/O the kernel holds at quiescence (waiting reads and sleeps).
/// # Safety
/// `io` comes from oracle_io_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_io_in_flight(io: *const OracleIo) -> usize {
    (*io).0.in_flight()
}

/// What is buffered in pipe 0 or 1 (target 0, 1) or in the memfd (2): writes up to
/// `capacity` bytes, returns how many there are.
/// # Safety
/// `io` comes from oracle_io_new; `out` has room for `capacity` bytes.
#[no_mangle]
pub unsafe extern "C" fn oracle_io_contents(io: *const OracleIo, target: u8, out: *mut u8, capacity: usize) -> usize {
    let bytes = if target < 2 { (*io).0.pipe(target as usize) } else { (*io).0.memfd().to_vec() };
    copy_bytes(&bytes, out, capacity)
}

/// The eventfd's counter.
/// # Safety
/// `io` comes from oracle_io_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_io_eventfd(io: *const OracleIo) -> u64 {
    (*io).0.eventfd()
}

/// Sockets and files (io_net.rs); the steps are OracleIoOps with oracle.h's ORACLE_NET_*
/// kinds.
pub struct OracleNet(IoNet);

#[no_mangle]
pub extern "C" fn oracle_net_new() -> *mut OracleNet {
    Box::into_raw(Box::new(OracleNet(IoNet::new())))
}

/// # Safety
/// `net` comes from oracle_net_new and is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn oracle_net_free(net: *mut OracleNet) {
    drop(Box::from_raw(net));
}

/// Applies one step; false if the model skips it (the harness skips it too).
/// # Safety
/// `net` comes from oracle_net_new; `op` is readable.
#[no_mangle]
pub unsafe extern "C" fn oracle_net_apply(net: *mut OracleNet, op: *const OracleIoOp) -> bool {
    let o = &*op;
    let (slot, end, file) = (o.slot as usize % SLOTS, o.target as usize % ENDS, o.target as usize % FILES);
    let (len, offset) = (o.len as usize, o.offset as usize);
    let data = o.data[..len.min(8)].to_vec();
    let op = match o.op {
        0 => NetOp::Send { slot, end, data },
        1 => NetOp::Recv { slot, end, len, zero_timeout: o.zero },
        2 => NetOp::Shutdown { slot, end, write: !o.zero },
        3 => NetOp::Close { slot, end },
        4 => NetOp::Connect { slot, refused: o.zero },
        5 => NetOp::Accept { slot },
        6 => NetOp::BindInUse { slot },
        7 => NetOp::Open { slot, file, create: o.zero, excl: offset % 2 == 1 },
        8 => NetOp::Write { slot, file, data },
        9 => NetOp::Pwrite { slot, file, offset, data },
        10 => NetOp::Pread { slot, file, offset, len },
        11 => NetOp::Fsync { slot, file },
        12 => NetOp::Unlink { slot, file },
        13 => NetOp::CloseFile { slot, file },
        14 => NetOp::Cancel { slot },
        _ => NetOp::Abort { slot },
    };
    (*net).0.apply(&op)
}

/// The last step's outcomes (in the model's order); returns how many there are.
/// # Safety
/// `net` comes from oracle_net_new; `out` has room for `capacity` outcomes.
#[no_mangle]
pub unsafe extern "C" fn oracle_net_outcomes(net: *const OracleNet, out: *mut OracleIoOutcome, capacity: usize) -> usize {
    copy_outcomes(&(*net).0.outcomes, out, capacity)
}

/// I/O the kernel holds at quiescence (waiting recvs and accepts).
/// # Safety
/// `net` comes from oracle_net_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_net_in_flight(net: *const OracleNet) -> usize {
    (*net).0.in_flight()
}

/// What: 0-3 the bytes queued at that socket end, 4-5 the contents of file 0, 1 (by name),
/// 6-7 the contents of the file handle 0, 1 has open. Writes up to `capacity` bytes and
/// returns how many there are, or SIZE_MAX: the end has no descriptor, the name does not
/// exist, the handle is not open.
/// # Safety
/// `net` comes from oracle_net_new; `out` has room for `capacity` bytes.
#[no_mangle]
pub unsafe extern "C" fn oracle_net_contents(net: *const OracleNet, what: u8, out: *mut u8, capacity: usize) -> usize {
    let n = &(*net).0;
    let what = what as usize;
    let bytes = if what < ENDS {
        n.queue(what)
    } else if what < ENDS + FILES {
        n.file(what - ENDS).map(|b| b.to_vec())
    } else {
        n.handle((what - ENDS - FILES) % FILES).map(|(b, _)| b.to_vec())
    };
    match bytes {
        Some(bytes) => copy_bytes(&bytes, out, capacity),
        None => usize::MAX,
    }
}

/// The position of file handle 0 or 1, or -1 if it is not open.
/// # Safety
/// `net` comes from oracle_net_new.
#[no_mangle]
pub unsafe extern "C" fn oracle_net_position(net: *const OracleNet, file: u8) -> i64 {
    match (*net).0.handle(file as usize % FILES) {
        Some((_, pos)) => pos as i64,
        None => -1,
    }
}
