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

#ifdef __cplusplus
}
#endif

#endif
