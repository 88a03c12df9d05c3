/* C ABI of the oracle (oracle/src/ffi.rs): an executable model of kimojio's semantics.
 * Single-threaded; every object is used through the pointer its constructor returned. */
#ifndef KIMOJIO_ORACLE_H
#define KIMOJIO_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* HandleTable<u64>: 1-based indexes, LIFO reuse of freed slots. */
typedef struct OracleHandleTable OracleHandleTable;
OracleHandleTable* oracle_ht_new(void);
void oracle_ht_free(OracleHandleTable* t);
uint64_t oracle_ht_insert(OracleHandleTable* t, uint64_t value);
bool oracle_ht_get(const OracleHandleTable* t, uint64_t index, uint64_t* out);
bool oracle_ht_remove(OracleHandleTable* t, uint64_t index, uint64_t* out);
void oracle_ht_clear(OracleHandleTable* t);
uint64_t oracle_ht_len(const OracleHandleTable* t);
/* Writes up to capacity used indexes in slot order; returns how many there are. */
size_t oracle_ht_indexes(const OracleHandleTable* t, uint64_t* out, size_t capacity);

/* One runtime's scheduling. States: 1 Ready, 2 Running, 3 Suspend, 4 Aborted, 5 Complete. */
typedef struct OracleScheduler OracleScheduler;
typedef struct {
    const uint16_t* wakes;  /* task indexes woken during the poll, in order */
    const bool* wake_cpu;   /* per wake: schedule_cpu instead of schedule_io */
    size_t wake_count;
    size_t spawns;          /* then it spawns this many children */
    const uint16_t* joins;  /* then it waits for these tasks (until it completes itself) */
    size_t join_count;
    bool nop;               /* then it starts a nop I/O and returns Pending (see complete_io) */
    bool complete;          /* the poll returns Ready */
} OraclePoll;
typedef struct {
    uint8_t kind; /* 1 TaskScheduled, 2 TaskRunEnd */
    uint8_t action;
    bool complete;
    uint16_t task;
} OracleEvent;
typedef OraclePoll (*OracleScript)(void* ctx, uint16_t task);

OracleScheduler* oracle_sched_new(void);
void oracle_sched_free(OracleScheduler* s);
void oracle_sched_reset(OracleScheduler* s); /* as new, buffers kept */
int32_t oracle_sched_spawn(OracleScheduler* s); /* -1 at 65,535 live tasks */
void oracle_sched_schedule_io(OracleScheduler* s, uint16_t task);
void oracle_sched_schedule_cpu(OracleScheduler* s, uint16_t task);
/* A wake through a waker that holds the task itself (an Rc waker): the nth task spawned
 * (0-based), whatever its state and whoever has its index now. */
void oracle_sched_schedule_io_spawned(OracleScheduler* s, size_t nth);
int32_t oracle_sched_abort(OracleScheduler* s, uint16_t task); /* -1: the task is Running */
void oracle_sched_set_high_priority(OracleScheduler* s, uint16_t task, bool high);
int32_t oracle_sched_state(const OracleScheduler* s, uint16_t task); /* -1: no live task */
/* prepare_cohort, then poll every task get_ready hands out with script(ctx, task). */
void oracle_sched_run_cohort(OracleScheduler* s, OracleScript script, void* ctx);
/* The end of a loop turn: the nop I/O started in it completes, in submission order, and
 * wakes its tasks. Until then a poll of such a task does nothing (Pending). */
void oracle_sched_complete_io(OracleScheduler* s);
size_t oracle_sched_trace(const OracleScheduler* s, OracleEvent* out, size_t capacity);

/* Runtimes by thread index (0-254) and wakes as (thread, task) identities. A wake made
 * on `current` (255: a thread without a runtime) of its own runtime is local (schedule_io
 * at once); any other wake is queued in the owner's pending set if that runtime is live,
 * else dropped. A drain schedules the pending set in ascending task index. */
typedef struct OracleWorld OracleWorld;
OracleWorld* oracle_world_new(void);
void oracle_world_free(OracleWorld* w);
bool oracle_world_start(OracleWorld* w, uint8_t thread); /* false: 255 or taken */
void oracle_world_stop(OracleWorld* w, uint8_t thread);
/* The live runtime's scheduler, or NULL; valid until the next start or stop. */
OracleScheduler* oracle_world_scheduler(OracleWorld* w, uint8_t thread);
void oracle_world_wake(OracleWorld* w, uint8_t current, uint8_t thread, uint16_t task);
size_t oracle_world_drain(OracleWorld* w, uint8_t thread, uint16_t* out, size_t capacity);
/* A wake through a waker whose data word is `data`: bits 16..23 thread, 0..15 task. */
void oracle_world_wake_packed(OracleWorld* w, uint8_t current, uint64_t data);
/* One loop turn of `thread`'s runtime after its drain point: each poll's wakes are waker
 * data words made on that thread (its own: local; others: queued). */
typedef struct {
    const uint64_t* wakes;
    size_t wake_count;
    bool complete;
} OracleWorldPoll;
typedef OracleWorldPoll (*OracleWorldScript)(void* ctx, uint16_t task);
void oracle_world_run_cohort(OracleWorld* w, uint8_t thread, OracleWorldScript script, void* ctx);

/* One runtime's I/O (oracle/src/io.rs): tasks in slots 0-3 each run one operation on two
 * pipes, an eventfd, a memfd, a timer or an AsyncEvent; cancels, aborts and io_scope.
 * Each step is meant to run to quiescence before the next. */
enum {
    ORACLE_IO_READ_PIPE, ORACLE_IO_WRITE_PIPE, ORACLE_IO_READ_EVENTFD, ORACLE_IO_WRITE_EVENTFD,
    ORACLE_IO_PWRITE_MEMFD, ORACLE_IO_PREAD_MEMFD, ORACLE_IO_SLEEP, ORACLE_IO_WAIT_EVENT,
    ORACLE_IO_SCOPE, ORACLE_IO_CANCEL, ORACLE_IO_ABORT, ORACLE_IO_SET, ORACLE_IO_SET_WAKE_ONE,
    ORACLE_IO_RESET
};
#define ORACLE_IO_ABORTED (-1000) /* the outcome of a task ended by abort */
typedef struct OracleIo OracleIo;
typedef struct {
    uint8_t op, slot;
    uint8_t target;  /* pipe 0 or 1; io_scope: 2 is the AsyncEvent; wait: odd is wait_reset;
                        set_wake_one: odd is set_wake_n(2) */
    uint8_t len;     /* bytes to read, or of data to write (1-8); the eventfd write's value */
    bool zero;       /* a read's timeout of zero (else never), a sleep of zero (else never) */
    uint8_t offset;  /* memfd offset; pipe read (timeout never) and write: odd is readv / writev */
    uint8_t data[8];
} OracleIoOp;
typedef struct {
    uint8_t slot;
    int32_t result; /* byte count, 0 (unit), -errno, or ORACLE_IO_ABORTED */
    uint8_t len;    /* bytes read, in data (an eventfd read: the counter, little-endian) */
    uint8_t data[16];
} OracleIoOutcome;
OracleIo* oracle_io_new(void);
void oracle_io_free(OracleIo* io);
bool oracle_io_apply(OracleIo* io, const OracleIoOp* op); /* false: skipped */
size_t oracle_io_outcomes(const OracleIo* io, OracleIoOutcome* out, size_t capacity);
size_t oracle_io_in_flight(const OracleIo* io); /* waiting reads and sleeps */
/* Buffered bytes of pipe 0 or 1 (target 0, 1) or the memfd's contents (2). */
size_t oracle_io_contents(const OracleIo* io, uint8_t target, uint8_t* out, size_t capacity);
uint64_t oracle_io_eventfd(const OracleIo* io);

/* One runtime's sockets and files (oracle/src/io_net.rs): tasks in slots 0-3 each run one
 * operation on a socketpair (ends 0, 1), a TCP connection on loopback (end 2 the client,
 * 3 the accepted server end) or files 0, 1 in a temporary directory; cancels and aborts.
 * Steps are OracleIoOps with these kinds; their fields mean:
 *   target  the socket end (0-3), or the file (even 0, odd 1; handle h opens name h)
 *   len     bytes to recv / pread (1-16), or of data to send / write / pwrite (1-8)
 *   zero    recv: a timeout of zero (socketpair ends only; else never); shutdown: SHUT_RD
 *           (else SHUT_WR); connect: to a bound port nobody listens on; open: O_CREAT
 *   offset  pwrite / pread offset; open: odd adds O_EXCL
 * Outcomes are OracleIoOutcomes (a connect, accept, open, shutdown, close, fsync or
 * unlink that succeeds: 0). */
enum {
    ORACLE_NET_SEND, ORACLE_NET_RECV, ORACLE_NET_SHUTDOWN, ORACLE_NET_CLOSE, ORACLE_NET_CONNECT,
    ORACLE_NET_ACCEPT, ORACLE_NET_BIND_IN_USE, ORACLE_NET_OPEN, ORACLE_NET_WRITE, ORACLE_NET_PWRITE,
    ORACLE_NET_PREAD, ORACLE_NET_FSYNC, ORACLE_NET_UNLINK, ORACLE_NET_CLOSE_FILE, ORACLE_NET_CANCEL,
    ORACLE_NET_ABORT
};
typedef struct OracleNet OracleNet;
OracleNet* oracle_net_new(void);
void oracle_net_free(OracleNet* net);
bool oracle_net_apply(OracleNet* net, const OracleIoOp* op); /* false: skipped */
size_t oracle_net_outcomes(const OracleNet* net, OracleIoOutcome* out, size_t capacity);
size_t oracle_net_in_flight(const OracleNet* net); /* waiting recvs and accepts */
/* 0-3: bytes queued at that end; 4-5: file 0, 1 by name; 6-7: what handle 0, 1 has open.
 * SIZE_MAX: no descriptor at that end, no such name, the handle is not open. */
size_t oracle_net_contents(const OracleNet* net, uint8_t what, uint8_t* out, size_t capacity);
int64_t oracle_net_position(const OracleNet* net, uint8_t file); /* -1: not open */

#ifdef __cplusplus
}
#endif

#endif
