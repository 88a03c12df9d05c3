"""Regenerates the item table of PORTING.md: finds each C++ item's lines by pattern.

Run after moving code: python3 ci/porting/gen_table.py && python3 ci/porting/anchors.py &&
python3 ci/porting/gen_table.py && python3 ci/check_porting.py (anchors.py writes the Rust
anchor comments at the places of the table; the second run moves the ranges past them).
"""
import re
import sys
import os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from locate import ROOT, h, s, t  # noqa: E402

P, A, O = 'ported', 'adapted', 'omitted'


def j(*refs):
    return '; '.join(refs)


HT = 'handle_table.hpp'
ht_after_class = r'^class HandleTable \{'


def test_row(rs, name, lines, file, extra=None, status=P, notes=''):
    refs = [t(file, r'^TEST_CASE\("%s"\)' % name, mode='line')]
    if extra:
        refs.insert(0, extra)
    return ('`%s`' % name, '%s:%s' % (rs, lines), j(*refs), status, notes)


tables = []

# ---------------------------------------------------------------- handle_table.rs
rows = [
    ('`Slot`', 'handle_table.rs:28-33', h(HT, r'^struct Slot \{'), A,
     'enum -> struct holding `std::variant<Free, Used>`'),
    ('`HandleTable`', 'handle_table.rs:36-40', h(HT, r'^class HandleTable \{'), P,
     'fields `data_`, `free_list_`, `requests_`; not copyable (Rust: not `Clone`); `inserting_` guards re-entrant `insert_fn`'),
    ('`Index`', 'handle_table.rs:44', j(h(HT, r'^class Index \{'), h(HT, r'struct std::hash<kimojio::Index>')), A,
     '`NonZeroUsize` -> `std::size_t` kept non-zero; derives -> `operator<=>`, `operator<<` (Debug `Index(n)`), `std::hash`; declared before `Slot`'),
    ('`Index::get`', 'handle_table.rs:48-50', h(HT, r'std::size_t get\(\) const'), P, ''),
    ('`Index::from`', 'handle_table.rs:54-56', h(HT, r'static Index from\('), A,
     '`From<NonZeroUsize>` -> `Index::from(std::size_t)`, throws `std::invalid_argument` for 0'),
    ('`HandleTable::new`', 'handle_table.rs:61-67', h(HT, r'HandleTable\(\) = default;'), P,
     'C++: HandleTable (default constructor)'),
    ('`HandleTable::clear`', 'handle_table.rs:70-74', h(HT, r'void clear\(\)', after=ht_after_class), P, ''),
    ('`HandleTable::len`', 'handle_table.rs:77-79', h(HT, r'std::size_t len\(\) const'), P, ''),
    ('`HandleTable::insert`', 'handle_table.rs:82-84', h(HT, r'Index insert\(T value\)'), P, ''),
    ('`HandleTable::insert_fn`', 'handle_table.rs:87-114', j(h(HT, r'Index insert_fn\('), h(HT, r'T invoke_counted\(')), A,
     'if `value_fn` throws, `invoke_counted` restores the count (Rust leaves `requests` incremented after a panic); a re-entrant call from `value_fn` throws kimojio::Panic (Rust: the borrow checker); copy deleted (not `Clone`); C++: insert_fn, invoke_counted'),
    ('`HandleTable::get`', 'handle_table.rs:117-124', h(HT, r'const T\* get\(Index index\) const'), A,
     '`Option<&T>` -> `const T*` (nullptr = None)'),
    ('`HandleTable::remove`', 'handle_table.rs:127-144', h(HT, r'std::optional<T> remove\(Index index\)'), P, ''),
    ('`HandleTable::is_empty`', 'handle_table.rs:147-149', h(HT, r'bool is_empty\(\) const'), P, ''),
    ('`HandleTable::indexes`', 'handle_table.rs:152-160', j(h(HT, r'auto indexes\(\) const'), h(HT, r'^    class Iter \{')), A,
     '`impl Iterator` -> standard forward range `Iter<Data, void>` (element type from `handle_table_item`); C++: indexes, Iter'),
    ('`HandleTable::iter`', 'handle_table.rs:162-172', h(HT, r'auto iter\(\) const'), A,
     '`impl Iterator<(Index, &T)>` -> forward range of `std::pair<Index, const T&>`'),
    ('`HandleTable::iter_mut`', 'handle_table.rs:174-184', h(HT, r'auto iter_mut\(\)'), A,
     '`impl Iterator<(Index, &mut T)>` -> forward range of `std::pair<Index, T&>`'),
    ('`HandleTable::default`', 'handle_table.rs:187-191', h(HT, r'HandleTable\(\) = default;'), P,
     'impl Default: the same default constructor as `new`'),
]
HTT = 'test_handle_table.cpp'
for name, lines in [
    ('test_insert_and_iter', '199-210'), ('test_remove', '213-223'), ('test_reuse_slot', '226-243'),
    ('test_drop', '246-279'), ('test_new_and_default', '282-290'), ('test_clear', '293-319'),
    ('test_len_and_is_empty', '322-355'), ('test_get', '358-380'), ('test_insert_fn', '383-400'),
    ('test_indexes', '403-432'), ('test_iter', '435-456'), ('test_iter_mut', '459-485'),
    ('test_index_methods', '488-516'), ('test_edge_cases', '519-555'),
]:
    notes = ''
    if name == 'test_index_methods':
        notes = '`Index(NonZeroUsize::new(n))` -> `Index::from(n)`; Debug -> `operator<<`; HashMap -> `std::unordered_map`'
    if name == 'test_drop':
        rows.append(test_row('handle_table.rs', name, lines, HTT, status=A,
                             notes='two extra checks (nothing dropped by the inserts, 10 dropped by the removes)'))
        rows.append(('`test_drop::Dropper`', 'handle_table.rs:249-251', t(HTT, r'^class Dropper \{'), A,
                     'local struct -> move-only class before the TEST_CASE; a moved-from Dropper is not counted'))
        rows.append(('`test_drop::Dropper::drop`', 'handle_table.rs:254-256', j(t(HTT, r'~Dropper\(\)'), t(HTT, r'void drop\(\) \{')), A,
                     '`impl Drop` -> destructor calling `drop()`, which counts only a live value'))
        continue
    rows.append(test_row('handle_table.rs', name, lines, HTT, notes=notes))
tables.append(('handle_table.rs', 'port/include/kimojio/handle_table.hpp (header only); tests in tests/test_handle_table.cpp.', rows))

# ---------------------------------------------------------------- task_state_cell.rs
TSC = 'task_state_cell.hpp'
rows = [
    ('`TaskStateCell`', 'task_state_cell.rs:20-24', h(TSC, r'^class TaskStateCell \{'), A,
     '`UnsafeCell<TaskState>` -> `TaskState` member (mutable through the ref); `borrowed` flag only when `KIMOJIO_DEBUG_ASSERTIONS` (= cfg(debug_assertions)); not copyable'),
    ('`TaskStateCell::new`', 'task_state_cell.rs:27-33', h(TSC, r'explicit TaskStateCell\(TaskState value\)'), P,
     'C++: TaskStateCell (constructor)'),
    ('`TaskStateCell::borrow_mut`', 'task_state_cell.rs:35-49',
     j(h(TSC, r'TaskStateCellRef borrow_mut\(\);'), h(TSC, r'^inline TaskStateCellRef TaskStateCell::borrow_mut\(\)')), A,
     'panic -> throws kimojio::Panic("TaskStateCell borrowed recursively") (debug builds only, as in Rust)'),
    ('`TaskStateCellRef`', 'task_state_cell.rs:52-55', h(TSC, r'^class TaskStateCellRef \{'), A,
     'lifetime-bound borrow guard -> move-only class holding two pointers; move constructor/assignment added (with debug assertions: they null the source; without: defaulted, trivially movable, a performance deviation, see Performance deviations)'),
    ('`TaskStateCellRef::into_inner`', 'task_state_cell.rs:58-60', h(TSC, r'TaskStateCell& into_inner\(\) &&'), A,
     'by-value `self` -> rvalue-qualified member; ends the borrow (Rust: drop of `self`) and returns `TaskStateCell&`'),
    ('`TaskStateCellRef::deref`', 'task_state_cell.rs:66-68', h(TSC, r'const TaskState\* operator->\(\) const', mode=2), A,
     'Deref -> the const `operator->` / `operator*` (return a const `TaskState`); C++: operator'),
    ('`TaskStateCellRef::deref_mut`', 'task_state_cell.rs:72-74', h(TSC, r'TaskState\* operator->\(\) \{', mode=2), A,
     'DerefMut -> the non-const `operator->` / `operator*`; a const borrow gives a const `TaskState` (Deref only); C++: operator'),
    ('`TaskStateCellRef::drop`', 'task_state_cell.rs:79-81',
     j(h(TSC, r'~TaskStateCellRef\(\)'), h(TSC, r'void release\(\) noexcept')), A,
     'cfg(debug_assertions) Drop -> destructor calling `release()`, which clears the flag under `KIMOJIO_DEBUG_ASSERTIONS` (without debug assertions the destructor is defaulted, as Rust has no Drop there); C++: TaskStateCellRef, release'),
]
tables.append(('task_state_cell.rs', 'port/include/kimojio/task_state_cell.hpp (header only).', rows))

# ---------------------------------------------------------------- task_ref.rs
TRH, TRC = 'task_ref.hpp', 'task_ref.cpp'
rows = [
    ('`wake_task`', 'task_ref.rs:12-19', j(h(TRH, r'^void wake_task\('), s(TRC, r'^void wake_task\(')), P, ''),
    ('`VTABLE`', 'task_ref.rs:21-49',
     j(s(TRC, r'extern const RawWakerVTable VTABLE;'), s(TRC, r'^constexpr RawWakerVTable VTABLE = \{')), A,
     'the four closures (clone, wake, wake_by_ref, drop) -> captureless lambdas in a `constexpr` `RawWakerVTable` (anonymous namespace); `task_ref_vtable()` (task_ref.hpp, task_ref.cpp) exposes it for tests'),
    ('`clone_waker_task`', 'task_ref.rs:51-61', j(s(TRC, r'^Rc<Task> clone_waker_task\(const void\* task\);'), s(TRC, r'^Rc<Task> clone_waker_task\(const void\* task\) \{')), A,
     '`Rc::increment_strong_count` + `Rc::from_raw` on `kimojio::Rc<Task>` (non-atomic intrusive count)'),
    ('`consume_waker_task`', 'task_ref.rs:63-68', j(s(TRC, r'^Rc<Task> consume_waker_task\(const void\* task\);'), s(TRC, r'^Rc<Task> consume_waker_task\(const void\* task\) \{')), A,
     '`Rc::from_raw` on `kimojio::Rc<Task>`'),
    ('`create_waker`', 'task_ref.rs:70-78', j(h(TRH, r'^Waker create_waker\('), s(TRC, r'^Waker create_waker\(')), P,
     '`std::task::Waker::from_raw` -> `kimojio::Waker::from_raw` (std_task.hpp)'),
]
tables.append(('task_ref.rs', 'port/include/kimojio/task_ref.hpp, port/src/task_ref.cpp, namespace `kimojio::rc_waker`: the `Rc<Task>` waker of 35865d7, kept only as the benchmark baseline (`bench/`, `self_wake rc`). The runtime uses the Phase 1 index waker below.', rows))

# ---------------------------------------------------------------- task_ref.rs, Phase 1 (the waker the runtime uses)
P1 = 'task_ref.rs@39e0933'
IWH, IWC = 'index_waker.hpp', 'index_waker.cpp'
rows = [
    ('`KIMOJIO_THREAD_INDEX`', P1 + ':13', s(IWC, r'^thread_local std::uint8_t KIMOJIO_THREAD_INDEX'), A,
     '`thread_local!` of `Cell<u8>` -> a plain `thread_local std::uint8_t` (anonymous namespace); `u8::MAX` -> `NO_THREAD_INDEX`; `kimojio_thread_index()` reads it'),
    ('`set_kimojio_thread_index`', P1 + ':18-32', j(h(IWH, r'^void set_kimojio_thread_index\('), s(IWC, r'^void set_kimojio_thread_index\(')), A,
     'throws std::runtime_error if this thread already has a Runtime (upstream accepts the same index twice: one TaskState per thread serves one runtime)'),
    ('`reset_kimojio_thread_index`', P1 + ':35-37', j(h(IWH, r'^void reset_kimojio_thread_index\('), s(IWC, r'^void reset_kimojio_thread_index\(')), A,
     'called by `~Runtime`, not at the end of `block_on`'),
    ('`pack_waker_data`', P1 + ':42-45', j(h(IWH, r'^const void\* pack_waker_data\('), s(IWC, r'^const void\* pack_waker_data\(')), P, ''),
    ('`unpack_waker_data`', P1 + ':48-53', j(h(IWH, r'^WakerIdentity unpack_waker_data\('), s(IWC, r'^WakerIdentity unpack_waker_data\(')), A,
     'tuple -> `WakerIdentity`'),
    ('`wake_task`', P1 + ':64-79', j(h(IWH, r'^void wake_task\('), s(IWC, r'^void wake_task\(')), A,
     'also requires this thread to have a runtime (255 never matches); the lookup is `local_wake`, out of line so the disassembly check can name it'),
    ('`clone_waker`', P1 + ':88-91', s(IWC, r'^RawWaker clone_waker\('), P, ''),
    ('`wake_waker`', P1 + ':98-102', s(IWC, r'^void wake_waker\('), P, ''),
    ('`wake_by_ref_waker`', P1 + ':115-135', s(IWC, r'^void wake_by_ref_waker\('), A,
     'the cross-thread branch calls `foreign_wake` (ForeignWakeRegistry::wake, Phase 2) instead of panicking'),
    ('`drop_waker`', P1 + ':141-143', s(IWC, r'^void drop_waker\('), P, ''),
    ('`VTABLE`', P1 + ':145-146', j(s(IWC, r'^extern const RawWakerVTable VTABLE;'), s(IWC, r'^constexpr RawWakerVTable VTABLE = \{')), P,
     '`index_waker_vtable()` exposes it'),
    ('`create_waker`', P1 + ':156-167', j(h(IWH, r'^Waker create_waker\('), s(IWC, r'^Waker create_waker\(')), A,
     'throws kimojio::Panic on a thread without a runtime (upstream: `debug_assert!`)'),
    ('`test_waker_send_sync`', '-', '-', O, 'Send + Sync are not C++ properties; tests/test_cross_thread.cpp clones, wakes and drops from other threads instead'),
]
tables.append(('task_ref.rs (Phase 1: the index waker the runtime uses)', 'port/include/kimojio/index_waker.hpp, port/src/index_waker.cpp: `task_ref.rs` on branch `feature/cross-thread-waker_phase1` at 39e0933 (Rust lines `task_ref.rs@39e0933:...`), plus the Phase 2 foreign path (foreign_wake.hpp, not in upstream).', rows))

# ---------------------------------------------------------------- task.rs
TH, TC = 'task.hpp', 'task.cpp'
CH = 'completion.hpp'
ts_after = r'^class TaskState \{'
task_after = r'^class Task : public RcCounted'
ring_after = r'^class Ring \{'
es_after = r'^struct EnterStats \{'


def dd(decl_pat, def_pat, after=ts_after):
    return j(h(TH, decl_pat, after=after), s(TC, def_pat))


rows = [
    ('`Entry128`', 'task.rs:17-18', h(CH, r'^struct SQE : io_uring_sqe \{'), A,
     'cfg(feature="io_uring_cmd") `squeue::Entry128 as SQE` -> `#if KIMOJIO_IO_URING_CMD` (CMake option, off by default as upstream): `struct SQE`, an `io_uring_sqe` (so the `io_uring_prep_*` helpers take it) and 64 more bytes (`big_sqe`); `SQE entry{}` zero-fills both halves, as Rust\'s `Entry` -> `Entry128` conversion; C++: SQE'),
    ('`Entry32`', 'task.rs:17-18', h(CH, r'^struct CQE \{', nth=0), A,
     'cfg(feature="io_uring_cmd") `cqueue::Entry32 as CQE` -> `#if KIMOJIO_IO_URING_CMD`: the copy of the CQE also holds its 16 extra bytes (`big_cqe`); C++: CQE'),
    ('`SQE`', 'task.rs:21', h(CH, r'^using SQE = io_uring_sqe;'), A,
     '`squeue::Entry` -> liburing `io_uring_sqe` (without `KIMOJIO_IO_URING_CMD`)'),
    ('`CQE`', 'task.rs:21', h(CH, r'^struct CQE \{', nth=1), A,
     '`cqueue::Entry` -> a copy {user_data, res, flags} (`io_uring_cqe` ends in a flexible array; without `KIMOJIO_IO_URING_CMD`)'),
    ('`IoUring`', 'task.rs:23', h(TH, r'std::unique_ptr<io_uring> ring_;'), A,
     'type alias of `rustix_uring::IoUring<SQE, CQE>` -> liburing `struct io_uring` held by `Ring`; C++: io_uring'),
    ('`IO_URING_SUBMISSION_ENTRIES`', 'task.rs:37', h(TH, r'IO_URING_SUBMISSION_ENTRIES = 128'), P, '`inline constexpr`'),
    ('`MAX_COMPLETION_POOL_ENTRIES`', 'task.rs:40', h(TH, r'MAX_COMPLETION_POOL_ENTRIES = 4096'), P, '`inline constexpr`'),
    ('`TaskReadyState`', 'task.rs:46-53', h(TH, r'^enum class TaskReadyState'), P, '`enum class : std::uint8_t`'),
    ('`FutureOrResult`', 'task.rs:57-74', h(TH, r'^class FutureOrResult '), A,
     'trait object -> abstract class with virtual `poll` / `result`; performance deviation (see Performance deviations): allocated from the per-thread block pool'),
    ('`FutureOrResult::poll`', 'task.rs:60', h(TH, r'virtual Poll<void> poll\(Context& cx\) = 0;'), A,
     '`Pin<&mut Self>` -> pure virtual member (`Box<dyn>` never moves)'),
    ('`FutureOrResult::result`', 'task.rs:70-73', h(TH, r'virtual std::optional<Result<void, std::exception_ptr>> result\(void\* value\) = 0;'), A,
     'unsafe `*mut ()` out-pointer -> `void*` to a `std::optional<Output>`; panic payload `Box<dyn Any + Send>` -> `std::exception_ptr`'),
    ('`TaskFuture`', 'task.rs:81-89', h(TH, r'^class TaskFuture final'), A,
     'pin_project enum (task.rs:76-90) -> final class over `std::variant<FutureState, ResultState>`; the generated `TaskFutureProj` / `TaskFutureProjReplace` are not needed'),
    ('`TaskFuture::poll`', 'task.rs:93-122', h(TH, r'Poll<void> poll\(Context& cx\) override'), A,
     '`catch_unwind` -> `try`/`catch (...)` storing `std::current_exception()`; panic -> throws kimojio::Panic'),
    ('`TaskFuture::result`', 'task.rs:124-143', h(TH, r'std::optional<Result<void, std::exception_ptr>> result\(void\* out_value\) override'), A,
     '`out_value.write(value)` -> emplace into the `std::optional<Output>`'),
    ('`Task`', 'task.rs:146-180', j(h(TH, r'^class Task : public RcCounted'), h(TH, r'Task\(TaskFuturePtr future')), A,
     'Rc<Task> -> kimojio::Rc<Task> (non-atomic intrusive count, `RcCounted` base); `Cell<T>` fields -> plain members; `Pin<Box<dyn FutureOrResult>>` -> `TaskFuturePtr` (`std::unique_ptr<FutureOrResult, TaskFutureDeleter>`); constructor added; `ready`, `io_scope_completions` private as in Rust; performance deviation (see Performance deviations): allocated from the block pool, freed whole by a destroying `operator delete` (`block_size`)'),
    ('`IoScopeCompletions`', 'task.rs:183-186', h(TH, r'^struct IoScopeCompletions \{'), P,
     'declared before `Task` (held by value); derive(Default) -> aggregate'),
    ('`Task::replace_io_scope_completions`', 'task.rs:189-197',
     dd(r'replace_io_scope_completions\(', r'^std::optional<IoScopeCompletions> Task::replace_io_scope_completions\(', after=task_after), P, ''),
    ('`Task::register_io`', 'task.rs:199-205', dd(r'void register_io\(', r'^void Task::register_io\(', after=task_after), P, ''),
    ('`Task::cancel_io_scope_completions`', 'task.rs:207-228',
     dd(r'void cancel_io_scope_completions\(', r'^void Task::cancel_io_scope_completions\(', after=task_after), A,
     '`expect` -> throws kimojio::Panic; `drain(..)` -> `std::exchange` the vector out, then iterate (an exception leaves it empty, as Drain does; test: tests/test_operations.cpp "an exception inside cancel_io_scope_completions ...")'),
    ('`Task::register_wait`', 'task.rs:230-236', dd(r'void register_wait\(', r'^void Task::register_wait\(', after=task_after), P, ''),
    ('`Task::new`', 'task.rs:238-262', h(TH, r'static Rc<Task> new_\('), A,
     'name: `new` is a C++ keyword -> `new_` (C++: new_); `Box::pin(TaskFuture)` + `Rc::new` -> performance deviation (see Performance deviations): one pooled block holding the Task and its `TaskFuture<F>` (over-aligned futures: `std::make_unique<TaskFuture<F>>` + `Rc<Task>::make`)'),
    ('`Task::poll`', 'task.rs:264-266', h(TH, r'Poll<void> poll\(Context& cx\) const \{'), P, ''),
    ('`Task::result`', 'task.rs:268-282', h(TH, r'std::optional<Result<T, std::exception_ptr>> result\(\) const'), A,
     '`MaybeUninit<T>` -> `std::optional<T>`'),
    ('`Task::get_state`', 'task.rs:285-287', h(TH, r'TaskReadyState get_state\(\) const'), P, '#[inline(always)] dropped (defined in the class)'),
    ('`Task::set_state`', 'task.rs:290-292', h(TH, r'void set_state\(TaskReadyState state\)'), P, '#[inline(always)] dropped (defined in the class)'),
    ('`TraceBuffer`', 'task.rs:296-301', h(TH, r'^struct TraceBuffer \{'), P,
     '`Option<Box<dyn TraceConfiguration>>` -> `std::unique_ptr<TraceConfiguration>`; `tracing()` added (performance: callers build events only when it is true)'),
    ('`TraceBuffer::write_event`', 'task.rs:305-313', h(TH, r'void write_event\(std::uint16_t task_index, Events event\) const \{', after=r'^struct TraceBuffer'), P,
     '#[inline(always)] dropped'),
    ('`Ring`', 'task.rs:316', h(TH, r'^class Ring \{'), A,
     'tuple struct over `rustix_uring::IoUring` -> move-only class owning a liburing `io_uring`; destructor calls `io_uring_queue_exit`; `wait_cqe_timeout` added for the teardown'),
    ('`Ring::new`', 'task.rs:319-331', dd(r'explicit Ring\(bool iopoll\);', r'^Ring::Ring\(bool iopoll\)', after=ring_after), A,
     'C++: Ring; `build(..).unwrap()` panic -> throws `std::system_error` naming io_uring_setup; feature `setup_single_issuer` (off by default upstream) not ported; with `KIMOJIO_IO_URING_CMD` both rings get `IORING_SETUP_SQE128 | IORING_SETUP_CQE32` (Rust: the builder of `IoUring<Entry128, Entry32>`)'),
    ('`Ring::submit_and_wait`', 'task.rs:335-352', dd(r'std::size_t submit_and_wait\(std::size_t want\);', r'^std::size_t Ring::submit_and_wait\(', after=ring_after), A,
     'panic on EBADF/EFAULT/... -> throws `std::system_error`'),
    ('`Ring::register_probe`', 'task.rs:354-358', dd(r'Probe register_probe\(\);', r'^Probe Ring::register_probe\(\)', after=ring_after), A,
     '`rustix_uring::Probe` -> `Probe` (`unique_ptr<io_uring_probe>`, task.hpp) from `io_uring_get_probe_ring`; unwrap -> throws `std::system_error`'),
    ('`Ring::get_completion_count`', 'task.rs:360-362', h(TH, r'std::size_t get_completion_count\(\) \{', after=ring_after), P,
     '`completion().len()` -> `io_uring_cq_ready`; #[inline(always)] kept (defined in the class)'),
    ('`Ring::get_next_cqe`', 'task.rs:365-367', h(TH, r'std::optional<CQE> get_next_cqe\(\) \{', after=ring_after), A,
     'copies the CQE, then `io_uring_cqe_seen`; #[inline(always)] kept (defined in the class); performance deviation (see Performance deviations): an empty CQ that needs no kernel entry returns nullopt before `io_uring_peek_cqe`; with `KIMOJIO_IO_URING_CMD` the copy includes `big_cqe`'),
    ('`Ring::submit`', 'task.rs:370-379', h(TH, r'void submit\(std::span<const SQE> entries\) \{', after=ring_after), A,
     '`push_multiple` -> all-or-nothing space check + `io_uring_get_sqe` copies; `expect` -> throws kimojio::Panic; #[inline(always)] kept (defined in the class); with `KIMOJIO_IO_URING_CMD` each copy is 128 bytes (memcpy: assigning to the `io_uring_sqe` would copy 64)'),
    ('`EnterStats` (no-op)', 'task.rs:387', '-', O,
     'cfg(all(not(test), not(feature="enter_stats"))) no-op variant; enter_stats: always-on counters, see Deviations'),
    ('`EnterStats::new` (no-op)', 'task.rs:390-392', '-', O, 'no-op variant; enter_stats: always-on counters, see Deviations'),
    ('`EnterStats::start` (no-op)', 'task.rs:394', '-', O, 'no-op variant; enter_stats: always-on counters, see Deviations'),
    ('`EnterStats::stop` (no-op)', 'task.rs:395', '-', O, 'no-op variant; enter_stats: always-on counters, see Deviations'),
    ('`EnterStats::report` (no-op)', 'task.rs:396', '-', O, 'no-op variant; enter_stats: always-on counters, see Deviations'),
    ('`EnterStats`', 'task.rs:404-410', h(TH, r'^struct EnterStats \{'), A,
     'enter_stats: always-on counters, see Deviations (Rust: cfg(any(test, feature="enter_stats"))); field `start` -> `start_ticks` (clashes with `start()`)'),
    ('`EnterStats::new`', 'task.rs:413-421', h(TH, r'^struct EnterStats \{'), A,
     'C++: EnterStats; `new` -> default member initializers'),
    ('`EnterStats::start`', 'task.rs:422-424', h(TH, r'void start\(\) \{', after=es_after), A, 'performance deviation (see Performance deviations): reads the clock only when `KIMOJIO_ENTER_STATS` is set'),
    ('`EnterStats::stop`', 'task.rs:425-431', h(TH, r'void stop\(\) \{', after=es_after), A, 'always counts; performance deviation (see Performance deviations): sum, min and max only when `KIMOJIO_ENTER_STATS` is set'),
    ('`EnterStats::report`', 'task.rs:432-446', dd(r'void report\(const char\* msg\) const;', r'^void EnterStats::report\(', after=es_after), A,
     'prints only when env `KIMOJIO_ENTER_STATS` is set (Rust prints only with feature enter_stats); avg printed as sum/count (Rust prints sum*count)'),
    ('`EnterStats::default`', 'task.rs:449-453', h(TH, r'^struct EnterStats \{'), A,
     'impl Default; C++: EnterStats (default member initializers)'),
    ('`TaskState`', 'task.rs:457-522', j(h(TH, r'^class TaskState \{'), s(TC, r'^TaskState::TaskState\(TaskState&&\) noexcept = default;', mode=2), s(TC, r'^TaskState::~TaskState\(\) \{')), A,
     'field `fault` (cfg(feature="fault_injection"), off by default upstream) only with the CMake option `KIMOJIO_FAULT_INJECTION` (`#if KIMOJIO_FAULT_INJECTION`, config.hpp); move constructor/assignment defined in task.cpp; the destructor drops the fields in Rust\'s declaration order (see Deviations: drop order of TaskState); `VecDeque` fields -> `kimojio::VecDeque` (vec_deque.hpp, a ring buffer like Rust\'s; a performance deviation, see Performance deviations)'),
    ('`TASK_STATE`', 'task.rs:524-526', s(TC, r'^static TaskStateCell& task_state_cell\(\)'), A,
     'thread_local! -> block-scope `thread_local` in `task_state_cell()`, so a failing io_uring_setup throws to the caller and is retried by the next `get()`'),
    ('`TaskState::new`', 'task.rs:529-556', dd(r'^    TaskState\(\);', r'^TaskState::TaskState\(\) :'), A,
     'C++: TaskState (constructor); `fault` (with `KIMOJIO_FAULT_INJECTION`) starts empty by its default initializer; ring setup failure throws `std::system_error`; beyond upstream, `TaskState(Ring, Ring, Probe)` builds the same fresh state around idle rings (for `reset_task_state`)'),
    ('`TaskState::inject_fault`', 'task.rs:558-561', h(TH, r'void inject_fault\(std::size_t operation, Errno fault_value\)', after=ts_after), P, 'cfg(feature="fault_injection") -> `#if KIMOJIO_FAULT_INJECTION` (CMake option, off by default as upstream); the parameter is `fault_value` (C++: `fault` is the field)'),
    ('`TaskState::get`', 'task.rs:563-570',
     j(h(TH, r'static TaskStateCellRef get\(\);', after=ts_after), h(TSC, r'^inline TaskStateCellRef TaskState::get\(\)')), A,
     'throws `std::system_error` if the thread local cannot be created (io_uring unavailable); performance deviation '
     '(see Performance deviations): inline, a constinit thread-local pointer read first, the block-scope thread local '
     '(`TaskState::get_slow` in task.cpp, not in Rust) only on a thread\'s first call'),
    ('`TaskState::get_task_count`', 'task.rs:573-575', h(TH, r'std::size_t get_task_count\(\) const', after=ts_after), P, '#[inline(always)] dropped'),
    ('`TaskState::get_completion_count`', 'task.rs:578-584', h(TH, r'std::size_t get_completion_count\(bool iopoll\) \{', after=ts_after), P, '#[inline(always)] kept (defined in the class)'),
    ('`TaskState::get_next_cqe`', 'task.rs:587-593', h(TH, r'std::optional<CQE> get_next_cqe\(bool iopoll\) \{', after=ts_after), P, '#[inline(always)] kept (defined in the class)'),
    ('`TaskState::get_current_task`', 'task.rs:596-598', dd(r'Rc<Task> get_current_task\(\) const;', r'^Rc<Task> TaskState::get_current_task\(\) const'), A,
     '`unwrap` -> throws kimojio::Panic; #[inline(always)] dropped'),
    ('`TaskState::get_current_thread_id`', 'task.rs:601-603', h(TH, r'std::thread::id get_current_thread_id\(\) const'), P, '`ThreadId` -> `std::thread::id`'),
    ('`TaskState::get_next_tag`', 'task.rs:606-610', h(TH, r'std::uint32_t get_next_tag\(\) \{'), P, '`u32::wrapping_add` -> unsigned wrap-around'),
    ('`TaskState::get_current_activity_id`', 'task.rs:613-618', dd(r'Uuid get_current_activity_id\(\) const;', r'^Uuid TaskState::get_current_activity_id\(\) const'), P,
     '`unwrap_or_default` -> `Uuid::nil()`'),
    ('`TaskState::get_current_tenant_id`', 'task.rs:621-626', dd(r'Uuid get_current_tenant_id\(\) const;', r'^Uuid TaskState::get_current_tenant_id\(\) const'), P,
     '`unwrap_or_default` -> `Uuid::nil()`'),
    ('`TaskState::set_current_activity_id_and_tenant_id`', 'task.rs:628-637',
     dd(r'void set_current_activity_id_and_tenant_id\(', r'^void TaskState::set_current_activity_id_and_tenant_id\('), P, ''),
    ('`TaskState::any_ready`', 'task.rs:639-643', h(TH, r'bool any_ready\(\) const \{', after=ts_after), P, 'defined in the class (performance: asked every loop turn)'),
    ('`TaskState::shutdown`', 'task.rs:651-653', h(TH, r'void shutdown\(\) \{'), P, ''),
    ('`TaskState::schedule_new`', 'task.rs:655-679', j(h(TH, r'Rc<Task> schedule_new\(F future'), h(TH, r'static void throw_too_many_tasks\(\);'), s(TC, r'^void TaskState::throw_too_many_tasks\(\)')), A,
     'throws `std::runtime_error` when 65,535 tasks are live (Rust silently truncates the index to u16); C++: schedule_new, throw_too_many_tasks'),
    ('`TaskState::schedule_io_internal`', 'task.rs:681-710', dd(r'void schedule_io_internal\(Rc<Task> task\);', r'^void TaskState::schedule_io_internal\('), A,
     '`assert_eq!` -> throws kimojio::Panic (active in release builds too); performance deviation (see Performance deviations): TaskScheduled is built only when a trace sink is configured'),
    ('`TaskState::schedule_io`', 'task.rs:712-732', dd(r'void schedule_io\(Rc<Task> task\);', r'^void TaskState::schedule_io\('), A,
     'panic -> throws kimojio::Panic'),
    ('`TaskState::schedule_cpu`', 'task.rs:734-754', dd(r'void schedule_cpu\(Rc<Task> task\);', r'^void TaskState::schedule_cpu\('), A,
     'panic -> throws kimojio::Panic'),
    ('`TaskState::submit`', 'task.rs:757-759', h(TH, r'void submit\(std::span<const SQE> entries\) \{'), P, '#[inline(always)] dropped'),
    ('`TaskState::submit_poll`', 'task.rs:762-764', h(TH, r'void submit_poll\(std::span<const SQE> entries\) \{'), P, '#[inline(always)] dropped'),
    ('`TaskState::complete_task`', 'task.rs:766-780', dd(r'static TaskStateCellRef complete_task\(', r'^TaskStateCellRef TaskState::complete_task\('), A,
     '`debug_assert!` -> throws kimojio::Panic under `KIMOJIO_DEBUG_ASSERTIONS`; `&Task` -> `Task&`'),
    ('`TaskState::prepare_cohort`', 'task.rs:782-792', dd(r'void prepare_cohort\(\);', r'^void TaskState::prepare_cohort\(\)'), P, ''),
    ('`TaskState::get_ready`', 'task.rs:794-821', dd(r'std::optional<Rc<Task>> get_ready\(\);', r'^std::optional<Rc<Task>> TaskState::get_ready\(\)'), P, ''),
    ('`TaskState::write_event`', 'task.rs:824-826', h(TH, r'void write_event\(std::uint16_t task_index, Events event\) const \{', after=ts_after), P, '#[inline(always)] dropped'),
    ('`TaskState::abort_task`', 'task.rs:828-851', dd(r'void abort_task\(Rc<Task> task\);', r'^void TaskState::abort_task\('), A,
     'panic!("Task aborted") -> throws kimojio::TaskAborted; `unreachable!` -> throws kimojio::Panic'),
    ('`TaskState::return_completion`', 'task.rs:853-865', h(TH, r'void return_completion\(Rc<Completion> completion\) \{', after=ts_after), A,
     '`debug_assert!` on `Rc::weak_count` dropped: kimojio::Rc has no weak references; defined in the class (performance: two calls per I/O operation)'),
    ('`TaskState::new_completion`', 'task.rs:867-876', dd(r'Rc<Completion> new_completion\(const SQE& entry,', r'^Rc<Completion> TaskState::new_completion\('), A,
     '`Rc::get_mut(..).expect` -> `Rc::get_mut` + throws kimojio::Panic; performance deviation: takes the Completion\'s fields and refills a pooled one in place (`Completion::refill`) instead of move-assigning a built Completion (see Performance deviations)'),
    ('`TaskState::default`', 'task.rs:879-883', dd(r'^    TaskState\(\);', r'^TaskState::TaskState\(\) :'), P,
     'impl Default; C++: TaskState (the same constructor as `new`)'),
]
tables.append(('task.rs', 'port/include/kimojio/task.hpp (declarations, templates, inline members), port/src/task.cpp (the other bodies, same order).', rows))

# ---------------------------------------------------------------- runtime.rs
RH, RC = 'runtime.hpp', 'runtime.cpp'
RT = 'test_runtime.cpp'
rows = [
    ('`poll_task`', 'runtime.rs:19-76', j(h(RH, r'^TaskStateCellRef poll_task\('), s(RC, r'^TaskStateCellRef poll_task\(')), A,
     'the waker and context live in a block around the poll (Rust drops them at the end of the function); performance deviation (see Performance deviations): the clock and `sched_getcpu` are read and TaskRunEnd built only when a trace sink is configured'),
    ('`RingEventTraceInfo`', 'runtime.rs:78-85', h(RH, r'^struct RingEventTraceInfo \{'), P, ''),
    ('`process_completions`', 'runtime.rs:87-195', j(h(RH, r'^TaskStateCellRef process_completions\('), s(RC, r'^TaskStateCellRef process_completions\(')), A,
     'panic -> throws kimojio::Panic; `big_cqe: *cqe.big_cqe()` (cfg(feature="io_uring_cmd")) -> `#if KIMOJIO_IO_URING_CMD`, `Completed{result, cqe->big_cqe}`; performance deviation (see Performance deviations): the completion hint, RingEnterEnd and IoEnd are computed only when a trace sink is configured'),
    ('`submit_and_complete_io_all`', 'runtime.rs:197-224', j(h(RH, r'^TaskStateCellRef submit_and_complete_io_all\('), s(RC, r'^TaskStateCellRef submit_and_complete_io_all\(')), A,
     '`mem::take` -> move + `clear()`; performance deviation (see Performance deviations): returns at once, taking the two ring tags, when neither call could do anything else; with no IOPOLL I/O in flight the IOPOLL call is replaced by the tag it would take'),
    ('`submit_and_complete_io`', 'runtime.rs:233-295', j(h(RH, r'^TaskStateCellRef submit_and_complete_io\('), s(RC, r'^TaskStateCellRef submit_and_complete_io\(')), A,
     'block expression -> immediately invoked lambda; performance deviation (see Performance deviations): no `submit_and_wait` call (and no enter stats) when `Ring::needs_enter` says liburing would not enter the kernel, and then no `process_completions` if no CQE is ready; `any_ready` read after the IOPOLL early return; the clock is read only when tracing'),
    ('`Runtime`', 'runtime.rs:297-301', h(RH, r'^class Runtime \{'), P, ''),
    ('`Runtime::new`', 'runtime.rs:304-318', j(h(RH, r'Runtime\(std::uint8_t thread_index, Configuration configuration\);'), s(RC, r'^Runtime::Runtime\(')), A,
     'C++: Runtime (constructor); creates the socket pair before borrowing the TaskState; throws `std::system_error` if io_uring is unavailable'),
    ('`Runtime::get_handle`', 'runtime.rs:320-322', j(h(RH, r'RuntimeHandle get_handle\(\) const;'), s(RC, r'^RuntimeHandle Runtime::get_handle\(\) const')), A,
     '`try_clone().unwrap()` -> `try_clone()` throwing `std::system_error`'),
    ('`Runtime::block_on`', 'runtime.rs:328-411', j(h(RH, r'block_on\(Fut main\) \{'), h(RH, r'void prepare_task_state\('), h(RH, r'^class MainFuture \{'), h(RH, r'^void drop_all_tasks\('), s(RC, r'^static void teardown\('), s(RC, r'^void drop_all_tasks\(')), A,
     'size `assert!` -> `static_assert`; async block + scopeguard -> `MainFuture`; `mem::take` teardown -> `drop_all_tasks` (also cancels and reaps in-flight I/O, see Deviations: teardown); an exception from the loop drops all tasks and rethrows; the TaskState setup at its start is `Runtime::prepare_task_state` (public: the fuzz harnesses drive the loop one step at a time); `teardown` is `drop_all_tasks` with the choice of keeping the rings (`reset_task_state`, beyond upstream, see Deviations: teardown); C++: block_on, prepare_task_state, MainFuture, teardown, drop_all_tasks'),
    test_row('runtime.rs', 'task_spawn_panic_test', '421-441', RT, extra=t(RT, r'^Async<void> task_spawn_panic_test\(\)'), status=A,
             notes='#[crate::test] async fn -> coroutine + TEST_CASE; `panic!("abort!")` -> `throw std::runtime_error("abort!")`'),
    test_row('runtime.rs', 'test_thread_spawn_panic', '444-463', RT, status=A,
             notes='`std::thread::spawn` + `join` -> `std::async` + `get()`; panic -> exception'),
    ('`test_thread_spawn_panic::test_spawn`', 'runtime.rs:445-453', t(RT, r'auto test_spawn = \[\]\(bool panic\)'), A,
     'nested fn -> lambda'),
    test_row('runtime.rs', 'test_dangerous_task_drop', '466-488', RT, extra=t(RT, r'^Async<void> test_dangerous_task_drop\('), status=A,
             notes='scopeguard -> `Guard` destructor; also checks the guard ran and the TaskState is empty afterwards'),
    test_row('runtime.rs', 'test_busy_poll_always', '491-504', RT, status=A,
             notes='`run_test_with_handle` -> `test_support::run_test` with a Configuration'),
    test_row('runtime.rs', 'test_busy_poll_never', '507-520', RT, status=A,
             notes='`run_test_with_handle` -> `test_support::run_test` with a Configuration'),
    test_row('runtime.rs', 'test_in_flight_io_accounting_with_linked_timeouts', '529-568', RT,
             extra=t(RT, r'^Async<void> test_in_flight_io_accounting_with_linked_timeouts\(\)'), status=A,
             notes='`join_all` -> `test_support::JoinAll`; readers kept until the round ends'),
    test_row('runtime.rs', 'test_busy_poll_until', '571-594', RT, status=A,
             notes='`run_test_with_handle` -> `test_support::run_test` with a Configuration'),
]
tables.append(('runtime.rs', 'port/include/kimojio/runtime.hpp (declarations, `block_on`), port/src/runtime.cpp; tests in tests/test_runtime.cpp.', rows))

# ================================================================ lean-on files
lean = []

MI = 'mut_in_place_cell.hpp'
rows = [
    ('`MutInPlaceCell`', 'mut_in_place_cell.rs:57-63', h(MI, r'^class MutInPlaceCell \{'), A,
     '`UnsafeCell<T>` -> `mutable T`; the `PhantomData<*const T>` !Send marker has no C++ equivalent (owner thread only by contract)'),
    ('`MutInPlaceCell::default`', 'mut_in_place_cell.rs:70-74', h(MI, r'MutInPlaceCell\(\) : cell_\(\)'), P, 'C++: MutInPlaceCell'),
    ('`MutInPlaceCell::new`', 'mut_in_place_cell.rs:84-90', h(MI, r'explicit MutInPlaceCell\(T value\)'), P, 'C++: MutInPlaceCell'),
    ('`MutInPlaceCell::use_mut`', 'mut_in_place_cell.rs:97-113', h(MI, r'decltype\(auto\) use_mut\('), P, '#[inline(always)] dropped'),
    ('`recursion_check::RecursionCheck` (debug)', 'mut_in_place_cell.rs:118', h(MI, r'^class RecursionCheck \{', nth=0), A,
     'cfg(debug_assertions) -> `#if KIMOJIO_DEBUG_ASSERTIONS`; `Cell<bool>` -> `mutable bool`'),
    ('`RecursionCheck::new` (debug)', 'mut_in_place_cell.rs:121-123', h(MI, r'^class RecursionCheck \{', nth=0), P, 'C++: RecursionCheck (default member initializer)'),
    ('`RecursionCheck::enter` (debug)', 'mut_in_place_cell.rs:124-130', h(MI, r'Guard enter\(\) const \{', nth=0), A,
     '`assert!` panic -> throws kimojio::Panic'),
    ('`RecursionCheck::leave` (debug)', 'mut_in_place_cell.rs:131-133', h(MI, r'void leave\(\) const'), P, ''),
    ('`RecursionCheckGuard`', 'mut_in_place_cell.rs:136-138', h(MI, r'^    class Guard \{'), P, 'C++: Guard (nested class)'),
    ('`RecursionCheckGuard::drop`', 'mut_in_place_cell.rs:141-143', h(MI, r'~Guard\(\)'), P, 'C++: Guard (destructor)'),
    ('`recursion_check::RecursionCheck` (release)', 'mut_in_place_cell.rs:149', h(MI, r'^class RecursionCheck \{', nth=1), P, ''),
    ('`RecursionCheck::new` (release)', 'mut_in_place_cell.rs:152-154', h(MI, r'^class RecursionCheck \{', nth=1), P, 'C++: RecursionCheck (implicit constructor)'),
    ('`RecursionCheck::enter` (release)', 'mut_in_place_cell.rs:155', h(MI, r'Guard enter\(\) const \{ return \{\}; \}'), P, 'returns an empty `Guard`'),
    ('everything else in mut_in_place_cell.rs', '-', '-', O, 'not needed by the five modules (Debug impl, Send impl, tests)'),
]
lean.append(('mut_in_place_cell.rs', 'port/include/kimojio/mut_in_place_cell.hpp.', rows))

AE, AEC, WL = 'async_event.hpp', 'async_event.cpp', 'wait_list.hpp'
AET = 'test_async_event.cpp'
ae_after = r'^class AsyncEvent \{'
wf_after = r'^class WaitFuture \{'
rows = [
    ('`AsyncEvent`', 'async_event.rs:44-47', h(AE, r'^class AsyncEvent \{'), P, '`Cell<bool>` -> `mutable bool`; not copyable (Rust: !Send, !Sync)'),
    ('`AsyncEvent::new`', 'async_event.rs:54-56', h(AE, r'AsyncEvent\(\) = default;'), P, 'C++: AsyncEvent'),
    ('`AsyncEvent::with_state`', 'async_event.rs:59-64', h(AE, r'explicit AsyncEvent\(bool state\)'), A, 'C++: AsyncEvent (constructor from bool)'),
    ('`AsyncEvent::set`', 'async_event.rs:67-70', j(h(AE, r'void set\(\) const;'), s(AEC, r'^void AsyncEvent::set\(\) const')), P, ''),
    ('`AsyncEvent::is_set`', 'async_event.rs:73-75', h(AE, r'bool is_set\(\) const'), P, ''),
    ('`AsyncEvent::set_wake_one`', 'async_event.rs:88-90', h(AE, r'void set_wake_one\(\) const'), P, ''),
    ('`AsyncEvent::set_wake_n`', 'async_event.rs:104-113', j(h(AE, r'void set_wake_n\(std::size_t count\) const;'), s(AEC, r'^void AsyncEvent::set_wake_n\(')), P, ''),
    ('`AsyncEvent::reset`', 'async_event.rs:117-120', j(h(AE, r'void reset\(\) const;'), s(AEC, r'^void AsyncEvent::reset\(\) const')), P, ''),
    ('`AsyncEvent::wait`', 'async_event.rs:129-136', j(h(AE, r'WaitAsyncEventFuture wait\(\) const;'), h(AE, r'^inline WaitAsyncEventFuture AsyncEvent::wait\(\) const')), P, ''),
    ('`AsyncEvent::wait_reset`', 'async_event.rs:194-201', j(h(AE, r'WaitAsyncEventFuture wait_reset\(\) const;'), h(AE, r'^inline WaitAsyncEventFuture AsyncEvent::wait_reset\(\) const')), P, ''),
    ('`AsyncEvent::any_waiting`', 'async_event.rs:205-207', h(AE, r'bool any_waiting\(\) const \{'), P, ''),
    ('`WaitAsyncEventFuture`', 'async_event.rs:211-214', h(AE, r'^class WaitAsyncEventFuture \{'), P, 'pin_project struct -> class'),
    ('`WaitAsyncEventFuture::poll`', 'async_event.rs:220-226', h(AE, r'Poll<Result<void, CanceledError>> poll\(Context& cx\)', after=r'^class WaitAsyncEventFuture \{'), P, ''),
    ('`WaitAsyncEventFuture::is_terminated`', 'async_event.rs:230-232', h(AE, r'bool is_terminated\(\) const', after=r'^class WaitAsyncEventFuture \{'), P, 'FusedFuture -> member'),
    ('`WaitData`', 'async_event.rs:236-244', h(WL, r'^class WaitData : public RcCounted'), A,
     'in wait_list.hpp (Task holds a WaitList by value); `canceled: Cell<bool>` -> `bool`; intrusive `LinkedListLink` -> small struct; constructor added; performance deviation (see Performance deviations): allocated from the per-thread block pool'),
    ('`WaitDataAdapter`', 'async_event.rs:246', j(h(WL, r'^class WaitDataList \{'), s(AEC, r'^WaitDataList::~WaitDataList\(\)'), s(AEC, r'^void WaitDataList::push_back\('), s(AEC, r'^std::optional<Rc<WaitData>> WaitDataList::pop_front\(\)'), s(AEC, r'^Rc<WaitData> WaitDataList::remove\(')), A,
     'intrusive_adapter + `LinkedList<WaitDataAdapter>` -> `WaitDataList`, an intrusive list holding one strong count per linked WaitData; C++: WaitDataList'),
    ('`WaitData::set_waker`', 'async_event.rs:249-253', j(h(WL, r'void set_waker\(Context& cx\) const;'), s(AEC, r'^void WaitData::set_waker\(')), P, ''),
    ('`WaitSource`', 'async_event.rs:256-261', h(WL, r'^concept WaitSource ='), A, 'trait -> concept; `register` -> `register_` (C++ keyword)'),
    ('`AsyncEventSource`', 'async_event.rs:263-266', h(AE, r'^struct AsyncEventSource \{'), P, '`&AsyncEvent` -> `const AsyncEvent*`'),
    ('`AsyncEventSource::is_complete`', 'async_event.rs:269-271', h(AE, r'bool is_complete\(\) const', after=r'^struct AsyncEventSource'), P, ''),
    ('`AsyncEventSource::wake_all`', 'async_event.rs:273-275', h(AE, r'void wake_all\(\) const', after=r'^struct AsyncEventSource'), P, ''),
    ('`AsyncEventSource::register`', 'async_event.rs:277-281', h(AE, r'void register_\(', after=r'^struct AsyncEventSource'), P, 'name: `register` is a C++ keyword -> `register_` (C++: register_)'),
    ('`AsyncEventSource::unregister`', 'async_event.rs:283-285', h(AE, r'void unregister\(', after=r'^struct AsyncEventSource'), P, ''),
    ('`WaitList`', 'async_event.rs:289-291', h(WL, r'^class WaitList \{'), P, 'in wait_list.hpp; derive(Default) -> default constructor'),
    ('`WaitList::new`', 'async_event.rs:294-298', h(WL, r'WaitList\(\) = default;'), P, 'C++: WaitList'),
    ('`WaitList::any_waiting`', 'async_event.rs:302-304', j(h(WL, r'bool any_waiting\(\) const;'), s(AEC, r'^bool WaitList::any_waiting\(\) const')), P, ''),
    ('`WaitList::wake_one`', 'async_event.rs:306-333', j(h(WL, r'bool wake_one\(\) const;'), s(AEC, r'^bool WaitList::wake_one\(\) const')), P, ''),
    ('`WaitList::wake_all`', 'async_event.rs:335-337', j(h(WL, r'void wake_all\(\) const;', after=r'^class WaitList \{'), s(AEC, r'^void WaitList::wake_all\(\) const')), P, ''),
    ('`WaitList::register`', 'async_event.rs:339-347', j(h(WL, r'void register_\(', after=r'^class WaitList \{'), s(AEC, r'^void WaitList::register_\(')), P,
     'name: `register` is a C++ keyword -> `register_` (C++: register_)'),
    ('`WaitList::unregister`', 'async_event.rs:349-359', j(h(WL, r'void unregister\(', after=r'^class WaitList \{'), s(AEC, r'^void WaitList::unregister\(')), P,
     '`cursor_mut_from_ptr(..).remove()` -> `WaitDataList::remove`'),
    ('`TaskSource`', 'async_event.rs:368-370', h(AE, r'^struct TaskSource \{'), A, 'field `task` -> `task_` (clashes with `task()`)'),
    ('`TaskSource::new`', 'async_event.rs:373-375', h(AE, r'explicit TaskSource\(Rc<Task> task\)'), P, 'C++: TaskSource'),
    ('`TaskSource::task`', 'async_event.rs:377-379', h(AE, r'Rc<Task> task\(\) const'), P, ''),
    ('`TaskSource::is_complete`', 'async_event.rs:383-385', h(AE, r'bool is_complete\(\) const', after=r'^struct TaskSource'), P, ''),
    ('`TaskSource::wake_all`', 'async_event.rs:387-389', h(AE, r'void wake_all\(\) const', after=r'^struct TaskSource'), P, ''),
    ('`TaskSource::register`', 'async_event.rs:391-395', h(AE, r'void register_\(', after=r'^struct TaskSource'), P, 'C++: register_'),
    ('`TaskSource::unregister`', 'async_event.rs:397-399', h(AE, r'void unregister\(', after=r'^struct TaskSource'), P, ''),
    ('`WaitFuture`', 'async_event.rs:402-405', h(AE, r'^class WaitFuture \{'), A, 'move constructor added (moved-from future is inert)'),
    ('`WaitFuture::new`', 'async_event.rs:408-413', h(AE, r'explicit WaitFuture\(Source source\)'), P, 'C++: WaitFuture'),
    ('`WaitFuture::source`', 'async_event.rs:415-417', h(AE, r'const Source\* source\(\) const'), A, '`Option<&Source>` -> `const Source*`'),
    ('`WaitFuture::poll`', 'async_event.rs:423-483', h(AE, r'Poll<Result<Source, CanceledError>> poll\(Context& cx\)', after=wf_after), A,
     'panic!("Task aborted") -> throws kimojio::TaskAborted; other panic -> kimojio::Panic'),
    ('`WaitFuture::is_terminated`', 'async_event.rs:487-489', h(AE, r'bool is_terminated\(\) const', after=wf_after), P, ''),
    ('`WaitFuture::drop`', 'async_event.rs:493-499', h(AE, r'~WaitFuture\(\)'), A,
     'Fix: a wait that a wake already took off the list (not linked) and whose source is complete calls '
     '`wake_all` instead of `unregister`, so the wake it swallowed (a lock or semaphore `set_wake_one`) reaches '
     'the other waiters; in Rust a waiter woken and then dropped before its next poll (a lost select) leaves '
     'them asleep on a free lock (C++-only test `async_lock_woken_waiter_dropped` fails without it); '
     'C++: WaitFuture (destructor)'),
    test_row('async_event.rs', 'event_test_set_reset', '517-525', AET, extra=t(AET, r'^Async<void> event_test_set_reset_body\(\)'), status=A,
             notes='`run_test` -> a Runtime in the TEST_CASE; C++: event_test_set_reset_body'),
    test_row('async_event.rs', 'event_test_wait', '528-551', AET, extra=t(AET, r'^Async<void> event_test_wait_body\(\)'), status=A,
             notes='`Rc<Cell<usize>>` -> `std::shared_ptr<std::size_t>`; spawned closure -> `event_test_wait_task`; C++: event_test_wait_body'),
    test_row('async_event.rs', 'event_test_set_wake_n', '554-587', AET, extra=t(AET, r'^Async<void> event_test_set_wake_n_body\(\)'), status=A,
             notes='spawned closure -> `event_test_set_wake_n_task`; C++: event_test_set_wake_n_body'),
    ('`wait_for_n`', 'async_event.rs:589-597', t(AET, r'^Async<void> wait_for_n\('), A, 'bare `panic!()` -> doctest `FAIL`'),
    ('`AsyncEvent::wait_with_deadline`', 'async_event.rs:146-176', h('async_oneshot.hpp', r'^inline Async<Result<void, TimeoutError>> wait_with_deadline\('), A,
     'member -> free function `detail::wait_with_deadline(event, deadline)` in async_oneshot.hpp (its first user); `futures::select!` -> `detail::WaitOrSleep`'),
    ('everything else in async_event.rs', '-', '-', O,
     'not needed yet (`wait_with_timeout`, Debug impls, static assertions, the other tests)'),
]
lean.append(('async_event.rs', 'port/include/kimojio/async_event.hpp, port/include/kimojio/wait_list.hpp (WaitData, WaitSource, WaitList), port/src/async_event.cpp; tests in tests/test_async_event.cpp.', rows))

ER = 'errors.hpp'
rows = [
    ('`ChannelError`', 'errors.rs:9-13', h(ER, r'^enum class ChannelError \{'), P, 'derive(PartialEq, Eq, Clone, Copy, Debug) -> `enum class`'),
    ('`From<ChannelError> for Errno`', 'errors.rs:23-31', h(ER, r'^\[\[noreturn\]\] inline void throw_error\(ChannelError e\)'), A,
     'the Errno is thrown as `std::system_error` (EPIPE, ECANCELED, ETIME) by `throw_error`, which `Result::value()` calls on an error; C++: throw_error'),
    ('`From<CanceledError> for ChannelError`', 'errors.rs:33-37', h(ER, r'^inline ChannelError channel_error_from\(CanceledError\)'), A, 'the `?` conversion -> an explicit call; C++: channel_error_from'),
    ('`From<TimeoutError> for ChannelError`', 'errors.rs:39-46', h(ER, r'^inline ChannelError channel_error_from\(TimeoutError e\)'), A, 'the `?` conversion -> an explicit call; C++: channel_error_from'),
    ('everything else in errors.rs', '-', '-', O, 'Display impls (C++: exception messages), the errors of modules not ported yet'),
]
lean.append(('errors.rs', 'port/include/kimojio/errors.hpp (header only).', rows))

LIB = 'lib.cpp'
KH = 'kimojio.hpp'
rows = [
    ('`MAX_TASK_STACK_SIZE`', 'lib.rs:101', h(CH, r'MAX_TASK_STACK_SIZE = 65536'), P, '`inline constexpr`'),
    ('`CompletionState`', 'lib.rs:103-126', j(h(CH, r'^namespace completion_state \{'), h(CH, r'^using CompletionState =')), A,
     'enum -> `std::variant` of structs in `namespace completion_state`; the io_uring_cmd fields under `#if KIMOJIO_IO_URING_CMD`: `Idle::entry` is the 128-byte `SQE`, `Completed::big_cqe` (zero by default, as Rust\'s `[0; 2]` in `cancel`); C++: completion_state, CompletionState'),
    ('`Completion`', 'lib.rs:128-136', h(CH, r'^class Completion : public RcCounted'), A, 'constructor added; held in kimojio::Rc'),
    ('`CompletionResources`', 'lib.rs:139-145', j(h(CH, r'^namespace completion_resources \{'), h(CH, r'^using CompletionResources =')), A,
     'enum -> `std::variant`; `Box<dyn Any>` / `Rc<dyn Any>` -> `BoxAny` / `RcAny` holders; C++: completion_resources, CompletionResources'),
    ('`Completion::cancel`', 'lib.rs:148-183', j(h(CH, r'void cancel\(TaskState& task_state\) const;'), s(LIB, r'^void Completion::cancel\(')), A,
     '`self: &Rc<Self>` -> const member, user_data = `this`; `AsyncCancel` -> `io_uring_prep_cancel`'),
    ('`run`', 'lib.rs:190-198', h(KH, r'^auto run\('), P, ''),
    ('`run_with_configuration`', 'lib.rs:272-290', h(KH, r'^auto run_with_configuration\('), A,
     'the kernel-version check (< 5.15 panics) is omitted: a refused io_uring_setup throws `std::system_error` naming 5.15'),
    ('everything else in lib.rs', '-', '-', O,
     'not needed by the five modules (re-exports -> kimojio.hpp includes; `run_test*`, `TestTraceConfiguration`, `try_clone_owned_fd`, `tls_version`)'),
]
lean.append(('lib.rs', 'port/include/kimojio/completion.hpp, port/src/lib.cpp, port/include/kimojio/kimojio.hpp.', rows))

RF = 'ring_future.hpp'
rows = [
    ('`UnitFuture`', 'ring_future.rs:41', h(RF, r'^using UnitFuture ='), P, 'lifetime parameter dropped'),
    ('`UsizeFuture`', 'ring_future.rs:45', h(RF, r'^using UsizeFuture ='), P, 'lifetime parameter dropped'),
    ('`OwnedFdFuture`', 'ring_future.rs:49', h(RF, r'^using OwnedFdFuture ='), P, 'lifetime parameter dropped'),
    ('`UringCmdFuture`', 'ring_future.rs:51-52', h(RF, r'^using UringCmdFuture ='), A,
     'cfg(feature="io_uring_cmd") -> `#if KIMOJIO_IO_URING_CMD`; lifetime parameter dropped; output `UringCmdResult` instead of `[u64; 2]` (see `ResultToCqe::make_success`)'),
    ('`MakeResult`', 'ring_future.rs:54-56', h(RF, r'// MakeResult policies', mode=14), A,
     'trait -> policy structs with `Output` and a static `make_success(u32)` (the `cqe` argument, unused but by `ResultToCqe`, is passed to that one only: `RingFuture::poll`)'),
    ('`RingFuture`', 'ring_future.rs:58-61', h(RF, r'^class RingFuture \{'), A, '`RingFuture<T, C>` -> `RingFuture<C>` with `T = C::Output`; move-only'),
    ('`RingFuture::new`', 'ring_future.rs:64-78', h(RF, r'static RingFuture new_\('), A, 'C++: new_ (`new` is a C++ keyword)'),
    ('`RingFuture::with_polled`', 'ring_future.rs:80-128', h(RF, r'static RingFuture with_polled\('), A,
     '`current_task.unwrap()` -> `get_current_task()` (throws kimojio::Panic); performance deviation (see Performance deviations): IoStart is built only when a trace sink is configured'),
    ('`RingFuture::cancel`', 'ring_future.rs:130-135', h(RF, r'void cancel\(\) const \{'), P, ''),
    ('`RingFuture::is_io_poll`', 'ring_future.rs:139-145', h(RF, r'bool is_io_poll\(\) const'), P, 'IsIoPoll trait -> member'),
    ('`RingFuture::poll`', 'ring_future.rs:151-284', h(RF, r'Poll<Result<T, Errno>> poll\(Context& cx\)'), A,
     'cfg(feature="fault_injection") block under `#if KIMOJIO_FAULT_INJECTION`, its error named with the operation and fd like every I/O error; panic!("Task aborted") -> throws kimojio::TaskAborted; other panics -> kimojio::Panic; with `KIMOJIO_IO_URING_CMD`, `ResultToCqe` gets the completion\'s `big_cqe` and the link-timeout SQE\'s second half is zeroed (Rust: `.into()` an `Entry128`); performance deviation (see Performance deviations): an entry without a timeout is written straight into the SQ (`Ring::submit_one`)'),
    ('`RingFuture::drop`', 'ring_future.rs:288-350', h(RF, r'~RingFuture\(\)'), A,
     'C++: RingFuture (destructor); FutureCanceled event only when there is a current task (Rust unwraps)'),
    ('`pending_io_with_borrowed_resources`', 'ring_future.rs:308-329', h(RF, r'auto pending_io_with_borrowed_resources ='), A, 'nested fn -> lambda'),
    ('`RingFuture::is_terminated`', 'ring_future.rs:354-362', h(RF, r'bool is_terminated\(\) const'), P, 'FusedFuture -> member'),
    ('`ResultToUnit`', 'ring_future.rs:365', h(RF, r'^struct ResultToUnit \{'), P, ''),
    ('`ResultToUnit::make_success`', 'ring_future.rs:368', h(RF, r'static void make_success'), P, ''),
    ('`ResultToUsize`', 'ring_future.rs:371', h(RF, r'^struct ResultToUsize \{'), P, ''),
    ('`ResultToUsize::make_success`', 'ring_future.rs:374-376', h(RF, r'static std::size_t make_success'), P, ''),
    ('`ResultToOwnedFd`', 'ring_future.rs:379', h(RF, r'^struct ResultToOwnedFd \{'), P, ''),
    ('`ResultToOwnedFd::make_success`', 'ring_future.rs:382-387', h(RF, r'static OwnedFd make_success'), P, ''),
    ('`ResultToCqe`', 'ring_future.rs:391', h(RF, r'^struct ResultToCqe \{'), A,
     'cfg(feature="io_uring_cmd") -> `#if KIMOJIO_IO_URING_CMD`; `Output` is `UringCmdResult`'),
    ('`ResultToCqe::make_success`', 'ring_future.rs:395-397', h(RF, r'static UringCmdResult make_success'), A,
     'returns `UringCmdResult{res, big_cqe}`: Rust returns only `*cqe`, the 16 extra CQE bytes where NVMe passthrough completes, and drops the result, which is the answer of the other `uring_cmd` users (socket commands such as SIOCINQ)'),
    ('everything else in ring_future.rs', '-', '-', O,
     'not needed by the five modules (tests)'),
]
lean.append(('ring_future.rs', 'port/include/kimojio/ring_future.hpp (header only).', rows))

CF = 'configuration.hpp'
rows = [
    ('`Configuration`', 'configuration.rs:13-26', h(CF, r'^class Configuration \{'), P, 'derive(Default) -> default member initializers'),
    ('`BusyPoll`', 'configuration.rs:32-42', h(CF, r'^struct BusyPoll \{'), A,
     'enum with data -> struct {`Kind`, `std::chrono::microseconds`} with factories `Never()`, `Always()`, `Until(d)`'),
    ('`BusyPoll::from`', 'configuration.rs:45-50', h(CF, r'static BusyPoll from\('), A, '`From<Option<Duration>>` -> static `from`'),
    ('`Configuration::new`', 'configuration.rs:55-57', h(CF, r'Configuration\(\) = default;'), P, 'C++: Configuration'),
    ('`Configuration::set_trace_buffer_manager`', 'configuration.rs:60-66', h(CF, r'set_trace_buffer_manager\('), A, 'by-value builder -> rvalue-qualified member'),
    ('`Configuration::set_busy_poll`', 'configuration.rs:69-72', h(CF, r'Configuration&& set_busy_poll\('), A, 'by-value builder -> rvalue-qualified member'),
    ('everything else in configuration.rs', '-', '-', O, 'not needed by the five modules (`configuration_default_test`)'),
]
lean.append(('configuration.rs', 'port/include/kimojio/configuration.hpp.', rows))

TRC_ = 'tracing.hpp'
rows = [
    ('`EventEnvelope`', 'tracing.rs:8-15', h(TRC_, r'^struct EventEnvelope \{'), P, ''),
    ('`Events`', 'tracing.rs:18-75', j(h(TRC_, r'^namespace events \{'), h(TRC_, r'^using Events =')), A,
     'enum -> `std::variant` of structs in `namespace events`; `TlsError` (cfg(feature="tls")) omitted; C++: events, Events'),
    ('`TraceConfiguration`', 'tracing.rs:80-83', h(TRC_, r'^class TraceConfiguration \{'), A, 'trait -> abstract class; `Send` bound not expressed'),
    ('`TraceConfiguration::trace`', 'tracing.rs:82', h(TRC_, r'virtual void trace\('), A, '`&self` -> non-const virtual'),
    ('everything else in tracing.rs', '-', '-', O, 'only `Events::TlsError` (cfg(feature="tls"))'),
]
lean.append(('tracing.rs', 'port/include/kimojio/tracing.hpp.', rows))

US = 'uring_stats.hpp'
rows = [
    ('`URingStats`', 'uring_stats.rs:13-26', h(US, r'^struct URingStats \{'), A, '`Cell<u64>` -> `std::uint64_t` (owner thread only)'),
    ('`URingStats::new`', 'uring_stats.rs:30-32', h(US, r'^struct URingStats \{'), P, 'C++: URingStats (default member initializers)'),
    ('`URingStats::increment_in_flight_io`', 'uring_stats.rs:35-40', h(US, r'void increment_in_flight_io\('), P, '#[inline(always)] dropped'),
    ('`URingStats::decrement_in_flight_io`', 'uring_stats.rs:43-45', h(US, r'void decrement_in_flight_io\('), P, '#[inline(always)] dropped'),
    ('`URingStats::increment_in_flight_io_poll`', 'uring_stats.rs:48-54', h(US, r'void increment_in_flight_io_poll\('), P, '#[inline(always)] dropped'),
    ('`URingStats::decrement_in_flight_io_poll`', 'uring_stats.rs:57-60', h(US, r'void decrement_in_flight_io_poll\('), P, '#[inline(always)] dropped'),
    ('`URingStats::increment_tasks_polled_io`', 'uring_stats.rs:63-65', h(US, r'void increment_tasks_polled_io\('), P, '#[inline(always)] dropped'),
    ('`URingStats::increment_tasks_polled_cpu`', 'uring_stats.rs:68-70', h(US, r'void increment_tasks_polled_cpu\('), P, '#[inline(always)] dropped'),
    ('everything else in uring_stats.rs', '-', '-', O, 'nothing else (derive(Clone) is the implicit copy)'),
]
lean.append(('uring_stats.rs', 'port/include/kimojio/uring_stats.hpp.', rows))

RHH, RHC = 'runtime_handle.hpp', 'runtime_handle.cpp'
rows = [
    ('`RuntimeHandle`', 'runtime_handle.rs:43-45', h(RHH, r'^class RuntimeHandle \{'), A,
     '`MessagePipe<RuntimeServerRequestEnvelope, ()>` -> the client `OwnedFd`; Clone -> copy constructor (dup)'),
    ('`RuntimeHandle::new`', 'runtime_handle.rs:48-52', h(RHH, r'explicit RuntimeHandle\(OwnedFd client_pipe\)'), P, 'C++: RuntimeHandle'),
    ('`RuntimeHandle::into_inner`', 'runtime_handle.rs:54-56', h(RHH, r'OwnedFd into_inner\(\) &&'), P, ''),
    ('`RuntimeHandle::close_sync`', 'runtime_handle.rs:95-98', j(h(RHH, r'void close_sync\(\) const;'), s(RHC, r'^void RuntimeHandle::close_sync\(\) const')), A,
     'sends the `Shutdown` tag word with `send(MSG_NOSIGNAL)` instead of a boxed envelope pointer; errors ignored as in Rust'),
    ('`RuntimeServerRequestEnvelope`', 'runtime_handle.rs:162-165', h(RHH, r'^enum class RuntimeServerRequestEnvelope'), A,
     'only `Shutdown` (a 64-bit tag word); `Open(OpenRequest)` not ported'),
    ('`schedule_runtime_server`', 'runtime_handle.rs:269-276', j(h(RHH, r'^void schedule_runtime_server\('), s(RHC, r'^void schedule_runtime_server\(')), P, ''),
    ('`runtime_server`', 'runtime_handle.rs:278-288', j(s(RHC, r'^Async<Result<void, Errno>> runtime_server\('), s(RHC, r'^class RecvMessageFuture \{')), A,
     'coroutine; `MessagePipe::recv_message` -> `RecvMessageFuture` (reads one tag word); Open requests not ported; C++: runtime_server, RecvMessageFuture'),
    ('everything else in runtime_handle.rs', '-', '-', O,
     'not needed by the five modules (`open_channel*`, `RuntimeClientPipe*`, `OpenRequest*`, `create_open_request`, `invoke_loop`, tests)'),
]
lean.append(('runtime_handle.rs', 'port/include/kimojio/runtime_handle.hpp, port/src/runtime_handle.cpp.', rows))

OH, OC = 'operations.hpp', 'operations.cpp'
OT = 'test_operations.cpp'
ONC = 'operations_net.cpp'
ONT = 'test_operations_net.cpp'
OFC = 'operations_fs.cpp'
OFT = 'test_operations_fs.cpp'
PATH_NOTE = '`&CStr` -> `std::string_view`, copied and owned by the Completion (`completion_resources::Box`), so dropping the future does not wait; an embedded NUL throws `std::invalid_argument`'
fs_rows = [
    ('`open`', 'operations.rs:86-97', j(h(OH, r'^OwnedFdFuture open\('), s(OFC, r'^OwnedFdFuture open\(')), A,
     PATH_NOTE + '; `OFlags` / `Mode` -> `int` / `mode_t` (libc constants)'),
    ('`link`', 'operations.rs:105-113', j(h(OH, r'^UnitFuture link\('), s(OFC, r'^UnitFuture link\(')), A, PATH_NOTE),
    ('`symlink`', 'operations.rs:121-129', j(h(OH, r'^UnitFuture symlink\('), s(OFC, r'^UnitFuture symlink\(')), A, PATH_NOTE),
    ('`mkdir`', 'operations.rs:137-147', j(h(OH, r'^UnitFuture mkdir\('), s(OFC, r'^UnitFuture mkdir\(')), A, PATH_NOTE + '; `Mode` -> `mode_t`'),
    ('`rmdir`', 'operations.rs:155-165', j(h(OH, r'^UnitFuture rmdir\('), s(OFC, r'^UnitFuture rmdir\(')), A, PATH_NOTE),
    ('`stat`', 'operations.rs:173-177', j(h(OH, r'^Async<Result<struct statx, Errno>> stat\('), s(OFC, r'^Async<Result<struct statx, Errno>> stat\(')), A,
     '`async fn` -> returns an `Async` coroutine owning the checked path copy and the `struct statx` (`MaybeUninit<Statx>` -> zero-initialized `struct statx`); borrowed by `stat_internal`, so dropping it waits as in Rust'),
    ('`stat_internal`', 'operations.rs:179-187', s(OFC, r'^UnitFuture stat_internal\('), A, '`&CStr` -> `const char*` (the coroutine\'s checked copy); mask 0 as rustix_uring\'s default'),
    ('`fstat`', 'operations.rs:196-200', j(h(OH, r'^Async<Result<struct statx, Errno>> fstat\('), s(OFC, r'^Async<Result<struct statx, Errno>> fstat\(')), A,
     '`async fn` -> `Async` coroutine; ' + '`&impl AsFd` -> `BorrowedFd`'),
    ('`fstat_internal`', 'operations.rs:204-211', s(OFC, r'^UnitFuture fstat_internal\('), A, 'traces and names the fd (Rust passes -1)'),
    ('`unlink`', 'operations.rs:219-227', j(h(OH, r'^UnitFuture unlink\('), s(OFC, r'^UnitFuture unlink\(')), A, PATH_NOTE),
    ('`rename`', 'operations.rs:235-243', j(h(OH, r'^UnitFuture rename\('), s(OFC, r'^UnitFuture rename\(')), A, PATH_NOTE),
    ('`fadvise`', 'operations.rs:251-261', j(h(OH, r'^UnitFuture fadvise\('), s(OFC, r'^UnitFuture fadvise\(')), A, '`&impl AsFd` -> `BorrowedFd`' + '; `Advice` -> `int` (POSIX_FADV_*); `len as u32` kept'),
    ('`madvise`', 'operations.rs:269-276', j(h(OH, r'^UnitFuture madvise\('), s(OFC, r'^UnitFuture madvise\(')), A, '`*const c_void` -> `const void*`; `Advice` -> `int` (MADV_*); `len as u32` kept'),
    ('`fallocate`', 'operations.rs:285-296', j(h(OH, r'^UnitFuture fallocate\('), s(OFC, r'^UnitFuture fallocate\(')), A, '`&impl AsFd` -> `BorrowedFd`'),
]
net_rows_1 = [
    ('`socket`', 'operations.rs:304-331', j(h(OH, r'^Async<Result<OwnedFd, Errno>> socket\('), s(ONC, r'^Async<Result<OwnedFd, Errno>> socket\(')), A,
     '`async fn` -> `Async` coroutine; `AddressFamily` / `SocketType` / `Option<Protocol>` -> `int` / `int` / `std::optional<int>` (libc constants); the probe is `io_uring_opcode_supported(IORING_OP_SOCKET)`; the fallback `::socket` error names the operation'),
    ('`accept`', 'operations.rs:340-348', j(h(OH, r'^OwnedFdFuture accept\('), s(ONC, r'^OwnedFdFuture accept\(')), A, '`&impl AsFd` -> `BorrowedFd`'),
    ('`shutdown`', 'operations.rs:356-364', j(h(OH, r'^UnitFuture shutdown\('), s(ONC, r'^UnitFuture shutdown\(')), A, '`&impl AsFd` -> `BorrowedFd`'),
]
net_rows_2 = [
    ('`bind`', 'operations.rs:402-404', j(h(OH, r'^Result<void, Errno> bind\('), s(ONC, r'^Result<void, Errno> bind\(')), A,
     '`rustix::net::bind` -> `::bind` on the sockaddr of a `SocketAddr` (v4, v6 or unix; `raw_sockaddr`); the error names the operation and fd'),
    ('`listen`', 'operations.rs:412-414', j(h(OH, r'^Result<void, Errno> listen\('), s(ONC, r'^Result<void, Errno> listen\(')), A, '`rustix::net::listen` -> `::listen`'),
    ('`sockaddr_from_socketaddr`', 'operations.rs:416-425', s(ONC, r'^sockaddr_in sockaddr_from_socketaddr\('), A, 'zero-initialized struct filled field by field (`sin_zero` zero)'),
    ('`sockaddr6_from_socketaddrv6`', 'operations.rs:427-437', s(ONC, r'^sockaddr_in6 sockaddr6_from_socketaddrv6\('), P, ''),
    ('`sockaddr_from_socketaddr_unix`', 'operations.rs:449-482', s(ONC, r'^std::pair<sockaddr_un, std::size_t> sockaddr_from_socketaddr_unix\('), A,
     'the `i8`/`u8` cfg and the impossible-address panic are gone (`SocketAddrUnix` is a path or an abstract name by construction)'),
    ('`connect_unix`', 'operations.rs:490-501', j(h(OH, r'^Async<Result<void, Errno>> connect_unix\('), s(ONC, r'^Async<Result<void, Errno>> connect_unix\(')), A,
     '`async fn` -> `Async` coroutine owning the address (the sockaddr is in its frame, borrowed by the SQE)'),
    ('`connect`', 'operations.rs:509-537', j(h(OH, r'^Async<Result<void, Errno>> connect\('), s(ONC, r'^Async<Result<void, Errno>> connect\(')), A,
     '`async fn` -> `Async` coroutine; the `match` on V4 / V6 -> `raw_sockaddr`, which also takes a unix address (as connect_unix)'),
]
fs_rows_2 = [
    ('`fsync`', 'operations.rs:372-375', j(h(OH, r'^UnitFuture fsync\('), s(OFC, r'^UnitFuture fsync\(')), A, '`&impl AsFd` -> `BorrowedFd`'),
    ('`sync_file_range`', 'operations.rs:384-394', j(h(OH, r'^UnitFuture sync_file_range\('), s(OFC, r'^UnitFuture sync_file_range\(')), A, '`&impl AsFd` -> `BorrowedFd`'),
    ('`writev`', 'operations.rs:546-552', j(h(OH, r'^ErrnoOrFuture<UsizeFuture> writev\('), s(OC, r'^ErrnoOrFuture<UsizeFuture> writev\(')), A,
     '`&[IoSlice]` -> `std::span<const iovec>`; `Option<u64>` -> `std::optional<std::uint64_t>`'),
    ('`writev_with_deadline`', 'operations.rs:560-581', j(h(OH, r'^ErrnoOrFuture<UsizeFuture> writev_with_deadline\('), s(OC, r'^ErrnoOrFuture<UsizeFuture> writev_with_deadline\(')), A,
     '`Instant` -> `std::chrono::steady_clock::time_point`; the TIMEDOUT error names the operation and fd'),
    ('`writev_with_timeout`', 'operations.rs:589-606', j(h(OH, r'^UsizeFuture writev_with_timeout\('), s(OC, r'^UsizeFuture writev_with_timeout\(')), A,
     '`&[IoSlice]` -> `std::span<const iovec>`'),
]
rows = fs_rows + net_rows_1 + fs_rows_2[:2] + net_rows_2 + fs_rows_2[2:] + [
    ('`write`', 'operations.rs:614-616', j(h(OH, r'^UsizeFuture write\('), s(OC, r'^UsizeFuture write\(')), A,
     'returns `UsizeFuture` directly (Rust: `ErrnoOrFuture` via `write_with_deadline`, not ported)'),
    ('`write_with_deadline`', 'operations.rs:624-644', j(h(OH, r'^ErrnoOrFuture<UsizeFuture> write_with_deadline\('), s(OC, r'^ErrnoOrFuture<UsizeFuture> write_with_deadline\(')), A,
     '`Instant` -> `std::chrono::steady_clock::time_point`; the TIMEDOUT error names the operation and fd'),
    ('`write_with_timeout`', 'operations.rs:652-666', j(h(OH, r'^UsizeFuture write_with_timeout\('), s(OC, r'^UsizeFuture write_with_timeout\(')), A,
     '`&impl AsFd` -> `BorrowedFd`; `&[u8]` -> `std::span<const char>`; `Duration` -> `std::chrono::nanoseconds`'),
    ('`send`', 'operations.rs:674-689', j(h(OH, r'^UsizeFuture send\('), s(ONC, r'^UsizeFuture send\(')), A, '`SendFlags` -> `int` (MSG_*); `&[u8]` -> `std::span<const char>`'),
    ('`recv`', 'operations.rs:697-712', j(h(OH, r'^UsizeFuture recv\('), s(ONC, r'^UsizeFuture recv\(')), A, '`RecvFlags` -> `int` (MSG_*); `&mut [u8]` -> `std::span<char>`'),
    ('`recvmsg`', 'operations.rs:720-736', j(h(OH, r'^UsizeFuture recvmsg\('), s(ONC, r'^UsizeFuture recvmsg\(')), A, '`&mut MsgHdr` -> `msghdr*`; `RecvFlags` -> `int`'),
    ('`sendmsg`', 'operations.rs:744-759', j(h(OH, r'^UsizeFuture sendmsg\('), s(ONC, r'^UsizeFuture sendmsg\(')), A, '`&mut MsgHdr` -> `const msghdr*`; `SendFlags` -> `int`'),
    ('`pwrite_polled`', 'operations.rs:772-789', j(h(OH, r'^UsizeFuture pwrite_polled\('), s(OC, r'^UsizeFuture pwrite_polled\(')), A, '`impl AsFd` -> `BorrowedFd`; `&[u8]` -> `std::span<const char>`'),
    ('`pwrite`', 'operations.rs:800-802', j(h(OH, r'^UsizeFuture pwrite\('), s(OC, r'^UsizeFuture pwrite\(')), A, '`&impl AsFd` -> `BorrowedFd`'),
    ('`readv`', 'operations.rs:811-821', j(h(OH, r'^UsizeFuture readv\('), s(OC, r'^UsizeFuture readv\(')), A, '`&[iovec]` -> `std::span<const iovec>`'),
    ('`read`', 'operations.rs:829-831', j(h(OH, r'^UsizeFuture read\('), s(OC, r'^UsizeFuture read\(')), P, ''),
    ('`read_with_deadline`', 'operations.rs:839-859', j(h(OH, r'^ErrnoOrFuture<UsizeFuture> read_with_deadline\('), s(OC, r'^ErrnoOrFuture<UsizeFuture> read_with_deadline\(')), A,
     '`Instant` -> `std::chrono::steady_clock::time_point`; the TIMEDOUT error names the operation and fd'),
    ('`read_with_timeout`', 'operations.rs:867-881', j(h(OH, r'^UsizeFuture read_with_timeout\('), s(OC, r'^UsizeFuture read_with_timeout\(')), A,
     '`&impl AsFd` -> `BorrowedFd`; `&mut [u8]` -> `std::span<char>`'),
    ('`pread_polled`', 'operations.rs:894-911', j(h(OH, r'^UsizeFuture pread_polled\('), s(OC, r'^UsizeFuture pread_polled\(')), A, '`impl AsFd` -> `BorrowedFd`; `&mut [u8]` -> `std::span<char>`'),
    ('`pread`', 'operations.rs:920-922', j(h(OH, r'^UsizeFuture pread\('), s(OC, r'^UsizeFuture pread\(')), A, '`&impl AsFd` -> `BorrowedFd`'),
    ('`close`', 'operations.rs:930-935', j(h(OH, r'^UnitFuture close\('), s(OC, r'^UnitFuture close\(')), P, '`ManuallyDrop` -> `into_raw_fd()`'),
    ('`nop`', 'operations.rs:943-945', j(h(OH, r'^UnitFuture nop\(\);'), s(OC, r'^UnitFuture nop\(\) \{')), P, ''),
    ('`uring_cmd`', 'operations.rs:955-964', j(h(OH, r'^UringCmdFuture uring_cmd\('), s(OC, r'^UringCmdFuture uring_cmd\(')), A,
     'cfg(feature="io_uring_cmd") -> `#if KIMOJIO_IO_URING_CMD` (CMake option `-DKIMOJIO_IO_URING_CMD=ON`; ci/test builds and runs tests/test_uring_cmd.cpp in build/fault, on socket commands: no NVMe device here); `&impl AsFd` -> `BorrowedFd`; `[u8; 80]` -> `const std::array<std::uint8_t, 80>&`; `opcode::UringCmd80` -> the file-local `uring_cmd80` (liburing 2.3 has no helper); completes with `UringCmdResult` (see `ResultToCqe::make_success`)'),
    ('`uring_cmd_polled`', 'operations.rs:972-983', j(h(OH, r'^UringCmdFuture uring_cmd_polled\('), s(OC, r'^UringCmdFuture uring_cmd_polled\(')), A,
     'as `uring_cmd`, on the IOPOLL ring (the kernel refuses a command there unless the driver can poll: EOPNOTSUPP for a socket, tested)'),
    ('`yield_io`', 'operations.rs:991-995', j(h(OH, r'^SetYieldCpuFuture yield_io\(\);'), s(OC, r'^SetYieldCpuFuture yield_io\(\)')), P, ''),
    ('`yield_cpu`', 'operations.rs:1004-1008', j(h(OH, r'^SetYieldCpuFuture yield_cpu\(\);'), s(OC, r'^SetYieldCpuFuture yield_cpu\(\)')), P, ''),
    ('`YieldFutureState`', 'operations.rs:1011-1016', h(OH, r'^enum class YieldFutureState'), P, ''),
    ('`SetYieldCpuFuture`', 'operations.rs:1018-1020', h(OH, r'^class SetYieldCpuFuture \{'), P, ''),
    ('`SetYieldCpuFuture::poll`', 'operations.rs:1025-1052', j(h(OH, r'Poll<void> poll\(Context& cx\);'), s(OC, r'^Poll<void> SetYieldCpuFuture::poll\(')), A,
     'panic!("Task aborted") -> throws kimojio::TaskAborted; other panic -> kimojio::Panic'),
    ('`SetYieldCpuFuture::is_terminated`', 'operations.rs:1056-1058', h(OH, r'bool is_terminated\(\) const', after=r'^class SetYieldCpuFuture'), P, ''),
    ('`sleep`', 'operations.rs:1066-1080', j(h(OH, r'^SleepFuture sleep\('), s(OC, r'^SleepFuture sleep\(')), A,
     '`Box<Timespec>` -> `BoxAnyOf<Timespec>` owned by the Completion'),
    ('`SleepFuture`', 'operations.rs:1083-1086', h(OH, r'^class SleepFuture \{'), P, ''),
    ('`SleepFuture::cancel`', 'operations.rs:1090-1092', h(OH, r'void cancel\(\) const', after=r'^class SleepFuture'), P, ''),
    ('`SleepFuture::poll`', 'operations.rs:1098-1107', j(h(OH, r'Poll<Result<void, Errno>> poll\(Context& cx\);', after=r'^class SleepFuture'), s(OC, r'^Poll<Result<void, Errno>> SleepFuture::poll\(')), A,
     'panic -> throws kimojio::Panic'),
    ('`SleepFuture::is_terminated`', 'operations.rs:1111-1113', h(OH, r'bool is_terminated\(\) const', after=r'^class SleepFuture'), P, ''),
    ('`with_timeout_warning`', 'operations.rs:1119-1142', j(h(OH, r'^TimeoutWarningFuture<F, W> with_timeout_warning\('), h(OH, r'^class TimeoutWarningFuture \{')), A,
     '`async fn` with `select!` -> `TimeoutWarningFuture`: polls the future, then the timer (created on first poll); after the warning only the future; C++: with_timeout_warning, TimeoutWarningFuture'),
    ('`write_event`', 'operations.rs:1148-1152', j(h(OH, r'^void write_event\('), s(OC, r'^void write_event\(')), A, '`unwrap` -> `get_current_task()` (throws kimojio::Panic)'),
    ('`log`', 'operations.rs:1158-1165', j(h(OH, r'^void log\('), s(OC, r'^void log\(')), A,
     '`fmt::Arguments` -> `std::string_view`; `print!` -> `std::cout` (the thread id as `std::thread::id` prints it)'),
    ('`TaskIdentity`', 'operations.rs:1169-1176', h(OH, r'^struct TaskIdentity \{'), P, ''),
    ('`task_identity`', 'operations.rs:1182-1202', j(h(OH, r'^TaskIdentity task_identity\(\);'), s(OC, r'^TaskIdentity task_identity\(\)')), P, ''),
    ('`get_activity_id`', 'operations.rs:1209-1212', j(h(OH, r'^Uuid get_activity_id\(\);'), s(OC, r'^Uuid get_activity_id\(\)')), P, ''),
    ('`get_tenant_id`', 'operations.rs:1219-1222', j(h(OH, r'^Uuid get_tenant_id\(\);'), s(OC, r'^Uuid get_tenant_id\(\)')), P, ''),
    ('`set_activity_id_and_tenant_id`', 'operations.rs:1228-1231', j(h(OH, r'^void set_activity_id_and_tenant_id\('), s(OC, r'^void set_activity_id_and_tenant_id\(')), P, ''),
    ('`set_high_priority`', 'operations.rs:1236-1244', j(h(OH, r'^void set_high_priority\('), s(OC, r'^void set_high_priority\(')), A,
     '`unwrap` -> `get_current_task()` (throws kimojio::Panic)'),
    ('`spawn_task`', 'operations.rs:1248-1259', h(OH, r'spawn_task\(Fut future\) \{'), P, ''),
    ('`TaskHandle`', 'operations.rs:1262-1266', h(OH, r'^class TaskHandle \{'), A, 'pin_project struct -> move-only class; `is_complete()` added'),
    ('`TaskHandle::new`', 'operations.rs:1270-1275', h(OH, r'explicit TaskHandle\(Rc<Task> task\)'), P, 'C++: TaskHandle'),
    ('`TaskHandle::wait`', 'operations.rs:1278-1280', h(OH, r'TaskWaitFuture wait\(\) const'), P, ''),
    ('`TaskHandle::abort`', 'operations.rs:1285-1288', h(OH, r'void abort\(\) const \{'), P, ''),
    ('`TaskHandle::is_terminated`', 'operations.rs:1295-1297', h(OH, r'bool is_terminated\(\) const', after=r'^class TaskHandle \{'), P, ''),
    ('`TaskHandle::poll`', 'operations.rs:1303-1315', h(OH, r'Poll<Result<T, TaskHandleError>> poll\(Context& cx\)'), A, '`expect("Task result")` -> throws kimojio::Panic'),
    ('`operations::WaitFuture`', 'operations.rs:1322-1325', h(OH, r'^class TaskWaitFuture \{'), A, 'C++: TaskWaitFuture (name clash with async_event WaitFuture)'),
    ('`operations::WaitFuture::new`', 'operations.rs:1329-1332', h(OH, r'explicit TaskWaitFuture\(Rc<Task> task\)'), P, 'C++: TaskWaitFuture'),
    ('`operations::WaitFuture::is_terminated`', 'operations.rs:1336-1338', h(OH, r'bool is_terminated\(\) const', after=r'^class TaskWaitFuture'), P, ''),
    ('`operations::WaitFuture::poll`', 'operations.rs:1344-1350', h(OH, r'Poll<Result<void, CanceledError>> poll\(Context& cx\)', after=r'^class TaskWaitFuture'), P, ''),
    ('`shutdown_loop`', 'operations.rs:1357-1360', j(h(OH, r'^void shutdown_loop\(\);'), s(OC, r'^void shutdown_loop\(\)')), P, ''),
    ('`version_prefix`', 'operations.rs:1363-1370', s(OC, r'^std::string_view version_prefix\('), P, ''),
    ('`parse_version`', 'operations.rs:1375-1381', j(h(OH, r'^std::optional<std::pair<std::uint32_t, std::uint32_t>> parse_version\('), s(OC, r'^std::optional<std::pair<std::uint32_t, std::uint32_t>> parse_version\(')), A,
     '`Result<_, ParseIntError>` -> `std::optional`; `parse::<u32>` -> `std::from_chars` over the whole piece; declared in the header for its test'),
    ('`kernel_version`', 'operations.rs:1385-1392', j(h(OH, r'^std::pair<std::uint32_t, std::uint32_t> kernel_version\('), s(OC, r'^std::pair<std::uint32_t, std::uint32_t> kernel_version\(')), A,
     '`rustix::system::uname` -> `uname(2)`'),
    ('`io_scope_drain_futures_void`', 'operations.rs:1400-1405', h(OH, r'^Async<Result<void, E>> io_scope_drain_futures_void\('), A,
     '`impl Stream` -> a type satisfying the concept `kimojio::Stream` (stream.hpp, with `FuturesUnordered`, not in upstream: Rust takes them from the futures crate); the accumulator `|_, _| ()` is a `Unit` lambda that `io_scope_drain_futures` never calls for a `void` accumulator'),
    ('`io_scope_drain_futures`', 'operations.rs:1413-1440', h(OH, r'^Async<Result<Acc, E>> io_scope_drain_futures\('), A,
     '`async fn` -> `Async` coroutine; `stream.next().await` -> `co_await next(stream)`; a `void` accumulator (the `_void` form) folds nothing; tests in tests/test_io_scope_drain.cpp (upstream has none: its copyfile example is the use they follow)'),
    ('`io_scope_cancel`', 'operations.rs:1448-1456', j(h(OH, r'^void io_scope_cancel\(\);', nth=1), s(OC, r'^void io_scope_cancel\(\) \{')), P, ''),
    ('`io_scope_cancel_and_wait_internal`', 'operations.rs:1471-1506', j(h(OH, r'^void io_scope_cancel_and_wait_internal\('), s(OC, r'^void io_scope_cancel_and_wait_internal\(')), P,
     'declared in the header (used by the template `IoScopeFuture`)'),
    ('`io_scope`', 'operations.rs:1512-1528', j(h(OH, r'^IoScopeFuture<F> io_scope\('), h(OH, r'^class IoScopeFuture \{')), A,
     '`AsyncFnOnce` + `.map(..)` -> takes the future, returns `IoScopeFuture`; C++: io_scope, IoScopeFuture'),
    ('`CatchUnwindFuture`', 'operations.rs:1532-1535', h(OH, r'Poll<future_output_t<F>> poll\(Context& cx\) \{', after=r'^class IoScopeFuture'), A,
     'folded into `IoScopeFuture::poll` (`try`/`catch (...)`); C++: CatchUnwindFuture'),
    ('`CatchUnwindFuture::poll`', 'operations.rs:1541-1548', h(OH, r'Poll<future_output_t<F>> poll\(Context& cx\) \{', after=r'^class IoScopeFuture'), A,
     '`catch_unwind` -> `try`/`catch (...)`, rethrown after the scope is closed'),
    ('`retain_incomplete`', 'operations.rs:1551-1568', s(OC, r'^void retain_incomplete\('), P, '`swap_remove` -> swap with back + `pop_back`'),
    ('`ErrnoOrFuture`', 'operations.rs:1574-1577', h(OH, r'^class ErrnoOrFuture \{'), A,
     'pin_project enum -> class over `std::variant<Errno, Fut>` with `Error` / `Future` factories; declared before its users'),
    ('`ErrnoOrFuture::poll`', 'operations.rs:1583-1588', h(OH, r'Poll<Output> poll\(Context& cx\)', after=r'^class ErrnoOrFuture'), P, ''),
    ('`ErrnoOrFuture::is_io_poll`', 'operations.rs:1592-1597', h(OH, r'bool is_io_poll\(\) const', after=r'^class ErrnoOrFuture'), P, ''),
    ('`ErrnoOrFuture::is_terminated`', 'operations.rs:1601-1606', h(OH, r'bool is_terminated\(\) const', after=r'^class ErrnoOrFuture'), P, ''),
    ('`IsIoPoll`', 'operations.rs:1610-1612', h(OH, r'^concept IsIoPoll ='), A, 'trait -> concept (`is_io_poll() const`)'),
    ('`submit`', 'operations.rs:1632-1637', h(OH, r'^SubmitFuture<F> submit\('), P, ''),
    ('`SubmitFuture`', 'operations.rs:1643-1646', h(OH, r'^class SubmitFuture \{'), A, 'pin_project struct -> class'),
    ('`SubmitFuture::poll`', 'operations.rs:1652-1669', h(OH, r'Poll<future_output_t<F>> poll\(Context& cx\)', after=r'^class SubmitFuture'), P, ''),
    ('`inject_fault`', 'operations.rs:1676-1680', h(OH, r'^inline void inject_fault\('), P, 'cfg(feature="fault_injection") -> `#if KIMOJIO_FAULT_INJECTION` (CMake option `-DKIMOJIO_FAULT_INJECTION=ON`; ci/test builds and runs its tests in build/fault)'),
    test_row('operations.rs', 'unix_domain_socket_test', '1833-1867', ONT, extra=t(ONT, r'^Async<void> unix_domain_socket_test\(\)'), status=A,
             notes='the abstract name gets the process id (ctest runs test binaries in parallel); `expect` -> `.value()`'),
    test_row('operations.rs', 'recv_timeout_test', '1870-1911', ONT, extra=t(ONT, r'^Async<void> recv_timeout_test\(\)'), status=A,
             notes='as unix_domain_socket_test'),
    test_row('operations.rs', 'parse_version_test', '1914-1936', OT, status=A, notes='`unwrap()` -> `.value()`; `is_err()` -> `!has_value()`'),
    test_row('operations.rs', 'test_cancel_sleep_with_io_scope', '2070-2091', OT, extra=t(OT, r'^Async<void> test_cancel_sleep_with_io_scope\(\)'), status=A,
             notes='`futures::select!` with `default` -> `PollOnce`; the `.map(..)` to a string -> checks the error is `Errno::CANCELED`'),
    test_row('operations.rs', 'test_cancel_wait_with_io_scope', '2093-2110', OT, extra=t(OT, r'^Async<void> test_cancel_wait_with_io_scope\(\)'), status=A,
             notes='`futures::select!` with `default` -> `PollOnce`; the event is a `shared_ptr` (the scope coroutine outlives the statement)'),
    test_row('operations.rs', 'test_nested_io_scope_wait', '2112-2153', OT, extra=t(OT, r'^Async<void> test_nested_io_scope_wait\(\)'), status=A,
             notes='as test_cancel_wait_with_io_scope'),
    test_row('operations.rs', 'test_nested_io_scope', '2155-2188', OT, extra=t(OT, r'^Async<void> test_nested_io_scope\(\)'), status=A,
             notes='`futures::select!` with `default` -> `PollOnce`'),
    test_row('operations.rs', 'test_cancel_too_many_pending_io', '2190-2215', OT, extra=t(OT, r'^Async<void> test_cancel_too_many_pending_io\(\)'), status=A,
             notes='the lazy `map` iterator of nops -> a `make_nops` lambda called after the scope (nops made inside it would be cancelled with it); `join_all` -> `test_support::JoinAll`'),
    test_row('operations.rs', 'test_overflow_via_submit', '2218-2227', OT, extra=t(OT, r'^Async<void> test_overflow_via_submit\(\)'), status=P),
    test_row('operations.rs', 'file_tests', '2329-2387', OFT, extra=t(OFT, r'^Async<void> file_tests\(\)'), status=A,
             notes='a `mkdtemp` directory instead of the fixed `/tmp/kimojio-test`; `c"..."` -> `std::string`; the `close` futures are awaited (Rust drops them unpolled, leaking the fd)'),
    test_row('operations.rs', 'test_inject_fault', '2304-2326', 'test_fault_injection.cpp', extra=t('test_fault_injection.cpp', r'^Async<void> test_inject_fault\(\)'), status=A,
             notes='built only with `KIMOJIO_FAULT_INJECTION`; `assert_eq!(.., Err(..))` -> `.error() ==`, `Ok(())` -> `.is_ok()`; C++-only cases check the error names the operation and fd, and a fault on an in-flight read cancels it'),
    ('everything else in operations.rs', '-', '-', O,
     '`OperationFuture` (a trait alias; C++ states such bounds as concepts, e.g. `IsIoPoll`) and the tests of upstream-only machinery'),
]
lean.append(('operations.rs', 'port/include/kimojio/operations.hpp, port/src/operations.cpp, port/src/operations_fs.cpp (the file operations), port/src/operations_net.cpp (the socket operations); tests in tests/test_operations.cpp, tests/test_operations_fs.cpp, tests/test_operations_net.cpp.', rows))

IOH = 'io_type.hpp'
rows = [
    ('`IOType`', 'io_type.rs:10-37', h(IOH, r'^enum class IOType'), P, 'all 26 variants, in Rust order'),
    ('`IOType::fmt`', 'io_type.rs:40-69', h(IOH, r'^constexpr const char\* to_string\(IOType'), A,
     '`Display` -> `to_string(IOType)` returning the same names (also used in I/O error messages); C++: to_string'),
    test_row('io_type.rs', 'test_io_type_display', '75-105', 'test_new_user.cpp', status=A,
             notes='`format!("{}", ..)` -> `to_string(..)`'),
]
lean.append(('io_type.rs', 'port/include/kimojio/io_type.hpp.', rows))


# ================================================================ render
# ================================================================ further modules (issue 13, part 1)
further = []
AO, AOT = 'async_oneshot.hpp', 'test_async_oneshot.cpp'
snd_after, rcv_after, ch_after = r'^class SenderOneshot \{', r'^class ReceiverOneshot \{', r'^class OneshotChannel : public RcCounted'


def ao_test(name, lines, notes=''):
    return test_row('async_oneshot.rs', name, lines, AOT, extra=t(AOT, r'^Async<void> %s\(\)' % name), status=A,
                    notes='`#[crate::test]` -> a Runtime in the TEST_CASE; C++: %s%s' % (name, ('; ' + notes) if notes else ''))


rows = [
    ('`oneshot`', 'async_oneshot.rs:8-16', h(AO, r'^std::pair<SenderOneshot<T>, ReceiverOneshot<T>> oneshot\(\)'), P, ''),
    ('`SenderOneshot`', 'async_oneshot.rs:18-20', h(AO, r'^class SenderOneshot \{'), A, 'move-only; `std::optional<Rc>` so a moved-from sender holds nothing'),
    ('`SenderOneshot::send`', 'async_oneshot.rs:26-28', h(AO, r'Result<void, T> send\(T value\) \{', after=snd_after), A,
     '`self` by value -> the sender gives up its channel (closed as Rust drops `self`); a second send throws kimojio::Panic'),
    ('`SenderOneshot::drop`', 'async_oneshot.rs:32-34', h(AO, r'~SenderOneshot\(\)'), P, 'C++: SenderOneshot (destructor)'),
    ('`SenderOneshot::fmt`', 'async_oneshot.rs:38-42', h(AO, r'operator<<\(std::ostream& os, const SenderOneshot& s\)'), A, 'Debug -> `operator<<`; C++: operator'),
    ('`ReceiverOneshot`', 'async_oneshot.rs:45-47', h(AO, r'^class ReceiverOneshot \{'), A, 'move-only; `std::optional<Rc>`'),
    ('`ReceiverOneshot::recv`', 'async_oneshot.rs:53-55', h(AO, r'Async<Result<T, ChannelError>> recv\(\) \{', after=rcv_after), A,
     '`self` by value -> the receiver moves into the coroutine (`recv_owned`), closed when it ends'),
    ('`ReceiverOneshot::recv_with_deadline`', 'async_oneshot.rs:62-64', h(AO, r'Async<Result<T, ChannelError>> recv_with_deadline\(std::optional<Instant> deadline\) \{', after=rcv_after), A,
     'as `recv`'),
    ('`ReceiverOneshot::try_recv`', 'async_oneshot.rs:69-71', h(AO, r'Result<std::optional<T>, ChannelError> try_recv\(\) const \{', after=rcv_after), P, ''),
    ('`ReceiverOneshot::drop`', 'async_oneshot.rs:75-77', h(AO, r'~ReceiverOneshot\(\)'), P, 'C++: ReceiverOneshot (destructor)'),
    ('`ReceiverOneshot::fmt`', 'async_oneshot.rs:81-85', h(AO, r'operator<<\(std::ostream& os, const ReceiverOneshot& r\)'), A, 'Debug -> `operator<<`; C++: operator'),
    ('`OneshotChannel`', 'async_oneshot.rs:88-92', h(AO, r'^class OneshotChannel : public RcCounted'), A, '`Cell<bool>` -> `mutable bool`; not copyable (waiters point at its event)'),
    ('`OneshotChannel::new`', 'async_oneshot.rs:95-101', h(AO, r'OneshotChannel\(\) : value'), P, 'C++: OneshotChannel'),
    ('`OneshotChannel::send`', 'async_oneshot.rs:103-110', h(AO, r'Result<void, T> send\(T v\) const \{', after=ch_after), P, ''),
    ('`OneshotChannel::recv`', 'async_oneshot.rs:112-119', h(AO, r'Async<Result<T, ChannelError>> recv\(\) const \{', after=ch_after), P, '`?` -> explicit error returns'),
    ('`OneshotChannel::recv_with_deadline`', 'async_oneshot.rs:121-128', h(AO, r'Async<Result<T, ChannelError>> recv_with_deadline\(std::optional<Instant> deadline\) const \{', after=ch_after), P, '`?` -> explicit error returns'),
    ('`OneshotChannel::try_recv`', 'async_oneshot.rs:130-138', h(AO, r'Result<std::optional<T>, ChannelError> try_recv\(\) const \{', after=ch_after), P, ''),
    ('`OneshotChannel::close`', 'async_oneshot.rs:140-143', h(AO, r'void close\(\) const \{', after=ch_after), P, ''),
    ao_test('oneshot_recv_before_send', '152-161'),
    ao_test('oneshot_recv_after_send', '164-168'),
    ao_test('oneshot_recv_and_send_dropped', '171-175'),
    ao_test('oneshot_send_dropped_before_recv', '178-182'),
    ao_test('oneshot_recv_with_deadline_success', '185-198'),
    ao_test('oneshot_recv_with_deadline_timeout', '201-209'),
    ao_test('oneshot_recv_with_deadline_no_deadline', '212-221'),
    ao_test('oneshot_recv_with_deadline_closed_channel', '224-233'),
    ao_test('oneshot_try_recv_available', '236-243'),
    ao_test('oneshot_try_recv_not_available', '246-250'),
    ao_test('oneshot_try_recv_closed', '253-258'),
    ao_test('oneshot_try_recv_multiple_attempts', '261-280'),
    ao_test('oneshot_debug_sender', '283-294'),
    ao_test('oneshot_debug_receiver', '297-313'),
    ao_test('oneshot_debug_closed_sender', '316-325'),
    ao_test('oneshot_debug_closed_receiver', '328-337'),
    ao_test('oneshot_channel_recv_with_deadline_direct', '339-348'),
    ao_test('oneshot_channel_recv_with_deadline_success_direct', '351-366'),
]
further.append(('async_oneshot.rs', 'port/include/kimojio/async_oneshot.hpp (header only); tests in tests/test_async_oneshot.cpp (plus C++-only tests of moved-from ends and closed-value errors).', rows))


def further_test(rs, test_file, name, lines, notes='', why='`#[crate::test]` -> a Runtime in the TEST_CASE'):
    """A ported test: its coroutine body and its TEST_CASE."""
    extra = t(test_file, r'^Async<void> %s\(\)' % name)
    return test_row(rs, name, lines, test_file, extra=extra, status=A,
                    notes='%s; C++: %s%s' % (why, name, ('; ' + notes) if notes else ''))


NOT_SEND = 'Send/Sync are not C++ properties: owner-thread only, said in the header comment'

# ---------------------------------------------------------------- async_lock.rs
AL, ALT = 'async_lock.hpp', 'test_async_lock.cpp'
al_after, alr_after = r'^class AsyncLock \{', r'^class AsyncLockRef \{'
rows = [
    ('`AsyncLock`', 'async_lock.rs:30-33', h(AL, al_after), A,
     '`UnsafeCell<T>` -> `mutable T`; not copyable or movable (waiters point at its event)'),
    ('`const_assert!(AsyncLock: !Send & !Sync)`', 'async_lock.rs:36', '-', O, NOT_SEND),
    ('`AsyncLock::new`', 'async_lock.rs:40-48', h(AL, r'explicit AsyncLock\(T value\)'), P, 'C++: AsyncLock (constructor)'),
    ('`AsyncLock::try_lock`', 'async_lock.rs:52-59', h(AL, r'std::optional<AsyncLockRef<T>> try_lock\(\) const \{'), P, ''),
    ('`AsyncLock::lock_with_deadline`', 'async_lock.rs:64-75', h(AL, r'lock_with_deadline\(std::optional<Instant> deadline\) const \{'), P,
     '`?` -> explicit error return; `ok_or` -> explicit check'),
    ('`AsyncLock::lock_with_timeout`', 'async_lock.rs:80-86', h(AL, r'lock_with_timeout\(std::optional<std::chrono::nanoseconds> timeout\) const \{'), P,
     '`Duration` -> `std::chrono::nanoseconds`'),
    ('`AsyncLock::lock`', 'async_lock.rs:91-97', h(AL, r'Async<Result<AsyncLockRef<T>, CanceledError>> lock\(\) const \{'), P, '`?` -> explicit error return'),
    ('`AsyncLock::default`', 'async_lock.rs:101-103', h(AL, r'^    AsyncLock\(\)$'), A,
     '`impl<T: Default> Default` -> a default constructor `requires std::default_initializable<T>`; C++: AsyncLock'),
    ('`AsyncLockRef`', 'async_lock.rs:110-112', h(AL, alr_after), A,
     '`&\'a AsyncLock` -> `const AsyncLock*`; move-only, a moved-from guard releases nothing and its access throws kimojio::Panic'),
    ('`AsyncLockRef::deref`', 'async_lock.rs:117-120', h(AL, r'const T& operator\*\(\) const', mode=2), A,
     'Deref -> const `operator*` / `operator->`; C++: operator'),
    ('`AsyncLockRef::deref_mut`', 'async_lock.rs:124-127', h(AL, r'^    T& operator\*\(\)', mode=2), A,
     'DerefMut -> non-const `operator*` / `operator->`; C++: operator'),
    ('`AsyncLockRef::drop`', 'async_lock.rs:131-133', h(AL, r'~AsyncLockRef\(\)'), P, 'C++: AsyncLockRef (destructor)'),
    ('`AsyncLockRef::borrow`', 'async_lock.rs:137-139', h(AL, r'const T& borrow\(\) const'), A, '`Borrow<T>` -> a `borrow()` member'),
    ('`AsyncLockRef::borrow_mut`', 'async_lock.rs:143-145', h(AL, r'T& borrow_mut\(\)'), A, '`BorrowMut<T>` -> a `borrow_mut()` member'),
    further_test('async_lock.rs', ALT, 'async_lock_test', '158-178', '`Rc` -> `std::shared_ptr`; spawned closure -> `async_lock_test_task`; `drop(x)` -> a moved-to local'),
    further_test('async_lock.rs', ALT, 'async_timeout_test', '181-204', 'spawned closure -> `async_timeout_other`; also checks the error is `Timeout`'),
    further_test('async_lock.rs', ALT, 'lock_from_parallel_futures', '211-230', '`futures::join!` -> test_support::JoinAll of two `Async<void>`'),
]
further.append(('async_lock.rs', 'port/include/kimojio/async_lock.hpp (header only); tests in tests/test_async_lock.cpp (plus C++-only tests of try_lock, moved-from guards, an aborted and a canceled waiter).', rows))

# ---------------------------------------------------------------- async_semaphore.rs
AS, AST = 'async_semaphore.hpp', 'test_async_semaphore.cpp'
rows = [
    ('`AsyncSemaphore`', 'async_semaphore.rs:31-34', h(AS, r'^class AsyncSemaphore : public RcCounted'), A,
     '`Cell<usize>` -> `mutable std::size_t`; `RcCounted` base so `kimojio::Rc<AsyncSemaphore>` works (TaskPool); not copyable or movable'),
    ('`const_assert!(AsyncSemaphore: !Send & !Sync)`', 'async_semaphore.rs:37', '-', O, NOT_SEND),
    ('`AsyncSemaphore::new`', 'async_semaphore.rs:41-50', h(AS, r'explicit AsyncSemaphore\(std::size_t initial_count\)'), P, 'C++: AsyncSemaphore (constructor)'),
    ('`AsyncSemaphore::acquire`', 'async_semaphore.rs:54-64', h(AS, r'Async<Result<void, CanceledError>> acquire\(\) const \{'), P, '`?` -> explicit error return'),
    ('`AsyncSemaphore::release`', 'async_semaphore.rs:67-70', h(AS, r'void release\(\) const \{'), P, ''),
    further_test('async_semaphore.rs', AST, 'semaphore_test', '80-109',
                 '`Rc<Cell<i32>>` -> `std::shared_ptr<int>`; spawned closure -> `semaphore_task`',
                 why='`#[test]` + `run_test(name, async {..})` -> a coroutine body run by test_support::run_test'),
]
further.append(('async_semaphore.rs', 'port/include/kimojio/async_semaphore.hpp (header only); tests in tests/test_async_semaphore.cpp (plus C++-only tests of an aborted waiter and a canceled acquire).', rows))

# ---------------------------------------------------------------- cancellation_token.rs
CT, CTT = 'cancellation_token.hpp', 'test_cancellation_token.cpp'
rows = [
    ('`CancellationToken`', 'cancellation_token.rs:39-41', h(CT, r'^class CancellationToken \{'), A,
     '`#[derive(Debug)]` omitted; `#[derive(Default)]` -> the default constructor (same as `new`); not copyable or movable'),
    ('`CancellationToken::new`', 'cancellation_token.rs:45-48', h(CT, r'CancellationToken\(\) = default;'), P, 'C++: CancellationToken (default constructor)'),
    ('`CancellationToken::is_cancelled`', 'cancellation_token.rs:52-54', h(CT, r'bool is_cancelled\(\) const'), P, ''),
    ('`CancellationToken::cancel`', 'cancellation_token.rs:59-61', h(CT, r'void cancel\(\) const'), P, ''),
    ('`CancellationToken::cancelled`', 'cancellation_token.rs:69-71', h(CT, r'WaitAsyncEventFuture cancelled\(\) const'), P, ''),
    further_test('cancellation_token.rs', CTT, 'test_cancellation_token', '83-101',
                 'shadowed `token` -> a nested scope for the first part; `Rc` -> `std::shared_ptr`; spawned closure -> `cancel_task`'),
    further_test('cancellation_token.rs', CTT, 'test_cancel_select', '104-120',
                 '`select!` with `default` -> `SelectOrDefault` (polls the future once)'),
]
further.append(('cancellation_token.rs', 'port/include/kimojio/cancellation_token.hpp (header only); tests in tests/test_cancellation_token.cpp (plus a C++-only test that cancel wakes every waiter).', rows))

# ---------------------------------------------------------------- task_pool.rs
TP, TPT = 'task_pool.hpp', 'test_task_pool.cpp'
rows = [
    ('`TaskPool`', 'task_pool.rs:15-17', h(TP, r'^class TaskPool \{'), A,
     '`#[derive(Clone)]` -> the implicit copy (copies share one `Rc<AsyncSemaphore>`)'),
    ('`TaskPool::new`', 'task_pool.rs:22-26', h(TP, r'explicit TaskPool\(std::size_t max_tasks\)'), P, 'C++: TaskPool (constructor)'),
    ('`TaskPool::spawn_task`', 'task_pool.rs:30-43',
     j(h(TP, r'spawn_task\(Fut main\) const \{'), h(TP, r'static Async<Result<TaskHandle<future_output_t<Fut>>, CanceledError>> spawn_task_owned\(')), A,
     '`&self` borrowed by the future -> the coroutine `spawn_task_owned` owns a copy of the pool, so the pool may be destroyed first; the spawned `async move` block -> `run_guarded`, `scopeguard::guard` -> its local `ReleaseGuard`; C++: spawn_task, spawn_task_owned'),
    further_test('task_pool.rs', TPT, 'task_pool_test_sequential', '54-121',
                 'spawned closures -> `sequential_background`, `count_then_wait`, `panicking_task` (`panic!` -> a thrown std::runtime_error), `count_only`; inner `async fn spin` -> `spin`'),
    further_test('task_pool.rs', TPT, 'task_pool_test_parallel', '124-167',
                 'spawned closures -> `parallel_outer`, `count_then_wait`; inner `async fn spin` -> `spin`'),
]
further.append(('task_pool.rs', 'port/include/kimojio/task_pool.hpp (header only); tests in tests/test_task_pool.cpp (plus C++-only tests: an aborted task frees its slot, the pool may go before its futures).', rows))

# ---------------------------------------------------------------- async_reader_writer_lock.rs
RW, RWT = 'async_reader_writer_lock.hpp', 'test_async_reader_writer_lock.cpp'
rw_after, wr_after, rr_after = r'^class AsyncReaderWriterLock \{', r'^class WriteRef \{', r'^class ReadRef \{'
rows = [
    ('`AsyncReaderWriterLock`', 'async_reader_writer_lock.rs:29-35', h(RW, rw_after), A,
     '`UnsafeCell<T>` -> `mutable T`, `Cell` fields -> `mutable` members; not copyable or movable (waiters point at its events)'),
    ('`const_assert!(AsyncReaderWriterLock: !Send & !Sync)`', 'async_reader_writer_lock.rs:38', '-', O, NOT_SEND),
    ('`AsyncReaderWriterLock::new`', 'async_reader_writer_lock.rs:42-54', h(RW, r'explicit AsyncReaderWriterLock\(T value\)'), P,
     'C++: AsyncReaderWriterLock (constructor)'),
    ('`AsyncReaderWriterLock::lock_write`', 'async_reader_writer_lock.rs:58-69',
     j(h(RW, r'Async<Result<WriteRef<T>, CanceledError>> lock_write\(\) const \{'), h(RW, r'struct PassOnWake \{')), A,
     '`?` -> explicit error return. Fix: a lock_write that ends without the lock (aborted, canceled, dropped) wakes the readers and one writer (`PassOnWake`, a local guard); `WriteRef::drop` wakes one waiting writer and no reader, so in Rust, when that writer is aborted, the readers sleep on a free lock (C++-only test `aborted_writer_wakes_readers` fails without it; found by props_task_primitives); C++: lock_write, PassOnWake'),
    ('`AsyncReaderWriterLock::lock_read`', 'async_reader_writer_lock.rs:75-85', h(RW, r'Async<Result<ReadRef<T>, CanceledError>> lock_read\(\) const \{'), P,
     '`?` -> explicit error return'),
    ('`AsyncReaderWriterLock::assert_valid`', 'async_reader_writer_lock.rs:87-91', h(RW, r'void assert_valid\(\) const \{'), A,
     '`debug_assert!` -> throws kimojio::Panic when `KIMOJIO_DEBUG_ASSERTIONS`'),
    ('`AsyncReaderWriterLock::default`', 'async_reader_writer_lock.rs:95-97', h(RW, r'^    AsyncReaderWriterLock\(\)$'), A,
     '`impl<T: Default> Default` -> a default constructor `requires std::default_initializable<T>`; C++: AsyncReaderWriterLock'),
    ('`WriteRef`', 'async_reader_writer_lock.rs:101-103', h(RW, wr_after), A,
     '`&\'a AsyncReaderWriterLock` -> `const AsyncReaderWriterLock*`; move-only, a moved-from guard releases nothing and its access throws kimojio::Panic'),
    ('`WriteRef::deref`', 'async_reader_writer_lock.rs:108-111', h(RW, r'const T& operator\*\(\) const', after=wr_after, mode=2), A,
     'Deref -> const `operator*` / `operator->`; C++: operator'),
    ('`WriteRef::deref_mut`', 'async_reader_writer_lock.rs:115-118', h(RW, r'^    T& operator\*\(\)', after=wr_after, mode=2), A,
     'DerefMut -> non-const `operator*` / `operator->`; C++: operator'),
    ('`WriteRef::drop`', 'async_reader_writer_lock.rs:122-134', j(h(RW, r'~WriteRef\(\)'), h(RW, r'void drop\(\) \{', after=wr_after)), A,
     'Drop -> destructor calling `drop()`, which does nothing for a moved-from guard; C++: WriteRef, drop'),
    ('`ReadRef`', 'async_reader_writer_lock.rs:138-140', h(RW, rr_after), A,
     '`&\'a AsyncReaderWriterLock` -> `const AsyncReaderWriterLock*`; move-only, a moved-from guard releases nothing and its access throws kimojio::Panic'),
    ('`ReadRef::upgrade`', 'async_reader_writer_lock.rs:146-151',
     j(h(RW, r'Async<Result<WriteRef<T>, CanceledError>> upgrade\(\) &&'), h(RW, r'static Async<Result<WriteRef<T>, CanceledError>> upgrade_owned\(ReadRef self\)')), A,
     '`self` by value -> `&&`-qualified, the guard moves into the coroutine `upgrade_owned`. Fix: the read lock is given up (Rust: `mem::forget(self)`) before the wait, not after; Rust drops `self` when `lock_write` fails or the future is dropped (task aborted), subtracting the reader twice and letting a writer in beside a live reader (C++-only test `aborted_upgrade_releases_read_once` fails with the Rust order); C++: upgrade, upgrade_owned'),
    ('`ReadRef::deref`', 'async_reader_writer_lock.rs:157-160', h(RW, r'const T& operator\*\(\) const', after=rr_after, mode=2), A,
     'Deref -> const `operator*` / `operator->`; C++: operator'),
    ('`ReadRef::drop`', 'async_reader_writer_lock.rs:164-173', j(h(RW, r'~ReadRef\(\)'), h(RW, r'void drop\(\) \{', after=rr_after)), A,
     'Drop -> destructor calling `drop()`, which does nothing for a moved-from or upgraded guard; C++: ReadRef, drop'),
    ('`spawn` (test helper)', 'async_reader_writer_lock.rs:185-198', t(RWT, r'^Async<TaskHandle<void>> spawn\('), A,
     '`impl AsyncFnOnce(&Lock)` -> a template parameter `F` (a function or a coroutine lambda) owned by the spawned coroutine `spawned`'),
    further_test('async_reader_writer_lock.rs', RWT, 'readers_block_writer_test', '201-220', 'the async closure -> `write_5`'),
    further_test('async_reader_writer_lock.rs', RWT, 'writer_blocks_readers_test', '223-249', 'the async closure -> a coroutine lambda capturing `counter`'),
    further_test('async_reader_writer_lock.rs', RWT, 'writer_blocks_writer_test', '252-269', '`Default::default()` -> `std::make_shared<Lock>()`; the async closure -> `write_5`'),
    further_test('async_reader_writer_lock.rs', RWT, 'simple_upgrade', '272-280', ''),
    further_test('async_reader_writer_lock.rs', RWT, 'many_readers_can_upgrade', '283-314',
                 '`HashSet` -> `std::unordered_set`; spawned closure -> `upgrade_and_insert`'),
]
further.append(('async_reader_writer_lock.rs', 'port/include/kimojio/async_reader_writer_lock.hpp (header only); tests in tests/test_async_reader_writer_lock.cpp (plus C++-only tests: an aborted upgrade gives its read lock back once, moved-from guards).', rows))

# ---------------------------------------------------------------- async_channel.rs
CH, CHT = 'async_channel.hpp', 'test_async_channel.cpp'
su, ru, cu = r'^class SenderUnbounded \{', r'^class ReceiverUnbounded \{', r'^class AsyncChannelUnbounded : public RcCounted'
sb, rb, cb = r'^class Sender \{', r'^class Receiver \{', r'^class AsyncChannel : public RcCounted'
OWNED = 'Rust borrows `&self` for the whole future -> the coroutine `%s` owns a reference to the channel, so the end may be destroyed first'
rows = [
    ('`async_channel_unbounded`', 'async_channel.rs:11-19', h(CH, r'async_channel_unbounded\(\) \{'), A, 'returns `std::pair`'),
    ('`async_channel_unbounded_with_capacity`', 'async_channel.rs:25-35', h(CH, r'async_channel_unbounded_with_capacity\(std::size_t capacity\) \{'), A,
     'returns `std::pair`; reserves room for `capacity` messages (see `AsyncChannelUnbounded::with_capacity`)'),
    ('`SenderUnbounded`', 'async_channel.rs:40-42', h(CH, su), A, '`std::optional<Rc>`: a moved-from sender holds nothing, is not counted, and its use throws kimojio::Panic'),
    ('`SenderUnbounded::send`', 'async_channel.rs:47-49', h(CH, r'Result<void, T> send\(T message\) const \{', after=su), P, ''),
    ('`SenderUnbounded::close`', 'async_channel.rs:53-55', h(CH, r'void close\(\) const \{', after=su), P, ''),
    ('`SenderUnbounded::is_empty`', 'async_channel.rs:58-60', h(CH, r'bool is_empty\(\) const \{', after=su), P, ''),
    ('`SenderUnbounded::len`', 'async_channel.rs:63-65', h(CH, r'std::size_t len\(\) const \{', after=su), P, ''),
    ('`SenderUnbounded::clone`', 'async_channel.rs:69-73', h(CH, r'SenderUnbounded\(const SenderUnbounded& other\)'), A,
     'Clone -> copy constructor (and copy assignment); moves added; C++: SenderUnbounded'),
    ('`SenderUnbounded::drop`', 'async_channel.rs:77-79', h(CH, r'~SenderUnbounded\(\)'), P, 'C++: SenderUnbounded (destructor)'),
    ('`ReceiverUnbounded`', 'async_channel.rs:83-85', h(CH, ru), A, 'move-only; `std::optional<Rc>`; no Drop (as in Rust)'),
    ('`ReceiverUnbounded::try_recv`', 'async_channel.rs:90-92', h(CH, r'Result<std::optional<T>, ChannelError> try_recv\(\) const \{', after=ru), P, ''),
    ('`ReceiverUnbounded::recv`', 'async_channel.rs:96-98', h(CH, r'Async<Result<T, ChannelError>> recv\(\) const \{', after=ru), A, OWNED % 'recv_owned'),
    ('`ReceiverUnbounded::recv_with_deadline`', 'async_channel.rs:102-104', h(CH, r'Async<Result<T, ChannelError>> recv_with_deadline\(std::optional<Instant> deadline\) const \{', after=ru), A,
     OWNED % 'recv_owned'),
    ('`ChannelQueue`', 'async_channel.rs:107-110', h(CH, r'^struct ChannelQueue \{'), A, '`VecDeque` -> `kimojio::VecDeque` (can reserve), or `std::deque` for a `T` whose move may throw (VecDeque needs a nothrow move)'),
    ('`AsyncChannelUnbounded`', 'async_channel.rs:112-116', h(CH, cu), A,
     '`Cell<usize>` -> `mutable std::size_t`; `RcCounted` base (held in `kimojio::Rc`); not copyable or movable'),
    ('`const_assert!(AsyncChannelUnbounded: !Send & !Sync)`', 'async_channel.rs:119', '-', O, NOT_SEND),
    ('`AsyncChannelUnbounded::new`', 'async_channel.rs:122-124', h(CH, r'AsyncChannelUnbounded\(\) : AsyncChannelUnbounded\(0\)'), P, 'C++: AsyncChannelUnbounded (default constructor)'),
    ('`AsyncChannelUnbounded::with_capacity`', 'async_channel.rs:126-135', j(h(CH, r'explicit AsyncChannelUnbounded\(std::size_t'), h(CH, r'static typename ChannelQueue<T>::Items items_with_capacity\(')), A,
     'a constructor (the type is not movable); `VecDeque::with_capacity` -> `VecDeque::reserve` (`items_with_capacity`; unused with the `std::deque` of a throwing-move `T`); C++: AsyncChannelUnbounded, items_with_capacity'),
    ('`AsyncChannelUnbounded::send`', 'async_channel.rs:137-141', h(CH, r'Result<void, T> send\(T message\) const \{', after=cu), P, '`?` -> explicit error return'),
    ('`AsyncChannelUnbounded::is_empty`', 'async_channel.rs:143-145', h(CH, r'bool is_empty\(\) const \{', after=cu), P, ''),
    ('`AsyncChannelUnbounded::len`', 'async_channel.rs:147-149', h(CH, r'std::size_t len\(\) const \{', after=cu), P, ''),
    ('`AsyncChannelUnbounded::try_recv`', 'async_channel.rs:151-153', h(CH, r'Result<std::optional<T>, ChannelError> try_recv\(\) const \{', after=cu), P, ''),
    ('`AsyncChannelUnbounded::recv`', 'async_channel.rs:155-163', h(CH, r'Async<Result<T, ChannelError>> recv\(std::optional<Instant> deadline\) const \{', after=cu), P,
     '`?` -> explicit error returns; `wait_with_deadline` -> `detail::wait_with_deadline`'),
    ('`AsyncChannelUnbounded::close`', 'async_channel.rs:165-168', h(CH, r'void close\(\) const \{', after=cu), P, ''),
    ('`AsyncChannelUnbounded::push_back`', 'async_channel.rs:170-175', h(CH, r'Result<void, T> push_back\(T message\) const \{', after=cu), P, ''),
    ('`AsyncChannelUnbounded::pop_front`', 'async_channel.rs:177-187', h(CH, r'Result<std::optional<T>, ChannelError> pop_front\(\) const \{', after=cu), P,
     '`match (closed, pop_front())` -> if / else if / else'),
    ('`AsyncChannelUnbounded::increment_sender_count`', 'async_channel.rs:189-192', h(CH, r'void increment_sender_count\(\) const \{', after=cu), P, ''),
    ('`AsyncChannelUnbounded::decrement_sender_count`', 'async_channel.rs:194-201', h(CH, r'void decrement_sender_count\(\) const \{', after=cu), P, ''),
    ('`AsyncChannelUnbounded::default`', 'async_channel.rs:205-207', h(CH, r'AsyncChannelUnbounded\(\) : AsyncChannelUnbounded\(0\)'), P,
     'impl Default: the same default constructor as `new`; C++: AsyncChannelUnbounded'),
    ('`async_channel`', 'async_channel.rs:216-224', h(CH, r'std::pair<Sender<T>, Receiver<T>> async_channel\(\) \{'), A, 'returns `std::pair`'),
    ('`Sender`', 'async_channel.rs:228-230', h(CH, sb), A, '`std::optional<Rc>`: a moved-from sender holds nothing, is not counted, and its use throws kimojio::Panic'),
    ('`Sender::send`', 'async_channel.rs:237-239', h(CH, r'Async<Result<void, T>> send\(T message\) const \{', after=sb), A, OWNED % 'send_owned'),
    ('`Sender::try_send`', 'async_channel.rs:241-243', h(CH, r'Result<void, SendError<T>> try_send\(T message\) const \{', after=sb), P, ''),
    ('`Sender::clone`', 'async_channel.rs:247-251', h(CH, r'Sender\(const Sender& other\)'), A, 'Clone -> copy constructor (and copy assignment); moves added; C++: Sender'),
    ('`Sender::drop`', 'async_channel.rs:255-257', h(CH, r'~Sender\(\)'), P, 'C++: Sender (destructor)'),
    ('`Receiver`', 'async_channel.rs:261-263', h(CH, rb), A, 'move-only; `std::optional<Rc>`: a moved-from receiver does not close the channel'),
    ('`Receiver::try_recv`', 'async_channel.rs:267-269', h(CH, r'Result<std::optional<T>, ChannelError> try_recv\(\) const \{', after=rb), P, ''),
    ('`Receiver::recv`', 'async_channel.rs:273-275', h(CH, r'Async<Result<T, ChannelError>> recv\(\) const \{', after=rb), A, OWNED % 'recv_owned'),
    ('`const_assert!(Receiver: !Clone)`', 'async_channel.rs:279', h(CH, r'Receiver\(const Receiver&\) = delete;', mode=2), A,
     'the copy constructor and copy assignment are deleted; C++: Receiver'),
    ('`Receiver::drop`', 'async_channel.rs:282-284', h(CH, r'~Receiver\(\)'), P, 'C++: Receiver (destructor)'),
    ('`AsyncChannelValue`', 'async_channel.rs:287-290', h(CH, r'^struct AsyncChannelValue \{'), P, ''),
    ('`AsyncChannel`', 'async_channel.rs:292-296', h(CH, cb), A,
     '`Cell<usize>` -> `mutable std::size_t`; `RcCounted` base (held in `kimojio::Rc`); not copyable or movable'),
    ('`const_assert!(AsyncChannel: !Send & !Sync)`', 'async_channel.rs:299', '-', O, NOT_SEND),
    ('`SendError`', 'async_channel.rs:302-305', h(CH, r'^namespace send_error \{', after=r'^struct AsyncChannelValue \{'), A,
     'enum with data -> `std::variant<send_error::ChannelClosed<T>, send_error::ChannelFull<T>>` (alias declared at the top); PartialEq -> `operator==`; Copy/Clone/Debug omitted; `send_error::throw_error` gives `value()` a clear exception (EPIPE / EAGAIN); placed before `AsyncChannel`, whose methods use it; C++: send_error'),
    ('`AsyncChannel::new`', 'async_channel.rs:308-317', h(CH, r'AsyncChannel\(\) : item'), P, 'C++: AsyncChannel (default constructor)'),
    ('`AsyncChannel::send`', 'async_channel.rs:319-332', j(h(CH, r'Async<Result<void, T>> send\(T message\) const \{', after=cb), h(CH, r'struct SpaceOrClosedSource \{')), A,
     'Fix: a send blocked on a full channel also wakes when the channel closes (`SpaceOrClosedSource`: has_item reset, or closed) and returns its message; Rust waits for `has_item.wait_reset()` only, which never comes once the receiver is dropped, so it waits forever (C++-only test `blocked_send_sees_receiver_drop` fails with the Rust wait); C++: send, SpaceOrClosedSource'),
    ('`AsyncChannel::try_send`', 'async_channel.rs:334-349', h(CH, r'Result<void, SendError<T>> try_send\(T message\) const \{', after=cb), P, '`?` -> explicit error return'),
    ('`AsyncChannel::try_recv`', 'async_channel.rs:351-362', h(CH, r'Result<std::optional<T>, ChannelError> try_recv\(\) const \{', after=cb), P, ''),
    ('`AsyncChannel::recv`', 'async_channel.rs:364-372', h(CH, r'Async<Result<T, ChannelError>> recv\(\) const \{', after=cb), P, '`?` -> explicit error returns'),
    ('`AsyncChannel::close`', 'async_channel.rs:374-377', h(CH, r'void close\(\) const \{', after=cb), P, ''),
    ('`AsyncChannel::increment_sender_count`', 'async_channel.rs:379-382', h(CH, r'void increment_sender_count\(\) const \{', after=cb), P, ''),
    ('`AsyncChannel::decrement_sender_count`', 'async_channel.rs:384-391', h(CH, r'void decrement_sender_count\(\) const \{', after=cb), P, ''),
    ('`AsyncChannel::default`', 'async_channel.rs:395-397', h(CH, r'AsyncChannel\(\) : item'), P, 'impl Default: the same default constructor as `new`; C++: AsyncChannel'),
    ('`AsyncBiChannel` (test helper)', 'async_channel.rs:411-414', t(CHT, r'^struct AsyncBiChannel \{'), A, '`#[derive(Default)]` omitted (unused)'),
    ('`AsyncBiChannel::new` (test helper)', 'async_channel.rs:417-430', t(CHT, r'static std::pair<AsyncBiChannel, AsyncBiChannel> new_\(\)'), A, 'C++: new_ (keyword)'),
    ('`AsyncBiChannel::send` (test helper)', 'async_channel.rs:432-434', t(CHT, r'Async<kimojio::Result<void, T>> send\(T message\) const'), P, ''),
    ('`AsyncBiChannel::recv` (test helper)', 'async_channel.rs:435-437', t(CHT, r'Async<kimojio::Result<T, ChannelError>> recv\(\) const'), P, ''),
    ('`AsyncBiChannel::try_recv` (test helper)', 'async_channel.rs:438-440', t(CHT, r'kimojio::Result<std::optional<T>, ChannelError> try_recv\(\) const'), P, ''),
    further_test('async_channel.rs', CHT, 'channel_test', '444-467', 'spawned closure -> `echo_server`; `expect` -> `value()`'),
    further_test('async_channel.rs', CHT, 'channel_test_try', '470-506', 'spawned closure -> `try_echo_server`'),
    further_test('async_channel.rs', CHT, 'unbounded_channel_test', '509-542', 'spawned closure -> `unbounded_echo`'),
    further_test('async_channel.rs', CHT, 'test_recv_when_sender_dropped', '545-554', '`drop(x)` -> a moved-to local'),
    further_test('async_channel.rs', CHT, 'test_send_when_receiver_dropped', '556-560', ''),
    further_test('async_channel.rs', CHT, 'test_async_channel_recv_when_sender_dropped', '563-575', 'shadowed bindings -> a nested scope for the first part'),
    further_test('async_channel.rs', CHT, 'test_async_channel_unbounded_with_capacity', '578-590', ''),
    further_test('async_channel.rs', CHT, 'test_sender_unbounded_close_and_status', '593-628', ''),
    further_test('async_channel.rs', CHT, 'test_receiver_unbounded_try_recv', '631-651', ''),
    further_test('async_channel.rs', CHT, 'test_receiver_unbounded_recv_with_deadline', '654-680',
                 'spawned closures -> `send_456`, `recv_456`; also checks the error is `Timeout`'),
    further_test('async_channel.rs', CHT, 'test_sender_unbounded_clone', '683-705', '`clone()` -> a copy'),
    further_test('async_channel.rs', CHT, 'test_sender_clone', '708-734', '`clone()` -> a copy; spawned closures -> `send_one`, `recv_two_sorted`'),
    further_test('async_channel.rs', CHT, 'test_sender_clone_drop_behavior', '737-757', '`clone()` -> a copy'),
    further_test('async_channel.rs', CHT, 'test_multiple_sender_unbounded_clones', '760-794', '`clone()` -> a copy'),
    further_test('async_channel.rs', CHT, 'test_channel_try_send_error_variants', '797-823', '`match` + `panic!` -> `CHECK(expected == got)`'),
]
further.append(('async_channel.rs', 'port/include/kimojio/async_channel.hpp (header only); tests in tests/test_async_channel.cpp (plus C++-only tests: a blocked send sees the receiver drop, a canceled send, an aborted receiver, moved-from ends, move-only messages, a pending recv outliving both ends, the errors value() throws).', rows))


# ---------------------------------------------------------------- pipe.rs (issue 14)
PH, PC, PT = 'pipe.hpp', 'pipe.cpp', 'test_pipe.cpp'
rows = [
    ('`bipipe`', 'pipe.rs:28-36', j(h(PH, r'^std::pair<OwnedFd, OwnedFd> bipipe\(\);'), s(PC, r'^std::pair<OwnedFd, OwnedFd> bipipe\(\) \{')), A,
     '`unwrap` -> throws std::system_error naming bipipe and what to do (EMFILE/ENFILE); `SocketFlags::empty()` -> `SOCK_CLOEXEC` (a library should not leak descriptors into exec\'d programs)'),
    ('`pipe`', 'pipe.rs:41-50', j(h(PH, r'^Result<std::pair<OwnedFd, OwnedFd>, Errno> pipe\(\);'), s(PC, r'^Result<std::pair<OwnedFd, OwnedFd>, Errno> pipe\(\) \{')), A,
     '`pipe2(fds, 0)` -> `pipe2(fds, O_CLOEXEC)` (as bipipe); the Errno names `pipe2`'),
    further_test('pipe.rs', PT, 'pipe_test', '61-93',
                 '`IoSlice` / `iovec` arrays -> `std::array<iovec, 2>`, the shrinking slice -> `std::span<iovec>`; the partial-buffer branch also sets `amount = 0` (upstream leaves it, so a short read would index past the end); checks the bytes that arrived (upstream only unwraps)'),
]
further.append(('pipe.rs', 'port/include/kimojio/pipe.hpp, port/src/pipe.cpp; tests in tests/test_pipe.cpp (plus C++-only tests: end of stream, EPIPE after the reader closes, close-on-exec, EMFILE at the descriptor limit).', rows))

# ---------------------------------------------------------------- socket_helpers.rs (issue 14)
SH, SC = 'socket_helpers.hpp', 'socket_helpers.cpp'
SH_OPT = '`rustix::net::sockopt::set_*` -> `setsockopt(2)` (`set_int_option`), whose Errno names the option and the fd'
rows = [
    ('`create_server_socket`', 'socket_helpers.rs:13-25',
     j(h(SH, r'^Async<Result<OwnedFd, Errno>> create_server_socket\('), s(SC, r'^Async<Result<OwnedFd, Errno>> create_server_socket\(')), A,
     '`async fn` -> `Async` coroutine; ' + SH_OPT + '; `rustix::net::bind` -> `kimojio::bind` (operations.rs), `libc::SOMAXCONN` -> `SOMAXCONN`'),
    ('`create_client_socket`', 'socket_helpers.rs:27-45',
     j(h(SH, r'^Async<Result<OwnedFd, Errno>> create_client_socket\('), s(SC, r'^Async<Result<OwnedFd, Errno>> create_client_socket\(')), A,
     '`async fn` -> `Async` coroutine owning the address (`&SocketAddr` -> by value); `std::net::SocketAddr` -> `kimojio::SocketAddr`, whose Unix variant (not in Rust\'s type) throws std::invalid_argument; ' + SH_OPT),
    ('`enable_tcp_keep_alive`', 'socket_helpers.rs:48-66',
     j(h(SH, r'^Result<void, Errno> enable_tcp_keep_alive\('), s(SC, r'^Result<void, Errno> enable_tcp_keep_alive\(')), A,
     '`&OwnedFd` -> `BorrowedFd`; `Duration` -> `std::chrono::nanoseconds`, rounded up to whole seconds as rustix\'s `duration_to_secs` (a negative one, impossible in Rust, is EINVAL); ' + SH_OPT),
    ('`update_accept_socket`', 'socket_helpers.rs:69-79',
     j(h(SH, r'^Result<void, Errno> update_accept_socket\('), s(SC, r'^Result<void, Errno> update_accept_socket\(')), A,
     '`&OwnedFd` -> `BorrowedFd`; ' + SH_OPT),
]
further.append(('socket_helpers.rs', 'port/include/kimojio/socket_helpers.hpp, port/src/socket_helpers.cpp. Upstream has no tests here; tests/test_socket_helpers.cpp (C++-only) reads every option back with getsockopt, echoes over IPv4 and IPv6 loopback, and covers EADDRINUSE, ECONNREFUSED, EINVAL, ENOTSOCK, EBADF.', rows))


def esc(x):
    return x.replace('|', '\\|')


def render_table(rows):
    out = ['| Rust item | Rust lines | C++ place | Status | Notes |', '|---|---|---|---|---|']
    for item, rl, cpp, st, notes in rows:
        out.append('| %s | %s | %s | %s | %s |' % (item, rl, cpp, st, esc(notes)))
    return '\n'.join(out)


def counts(rows):
    c = {P: 0, A: 0, O: 0}
    for r in rows:
        c[r[3]] += 1
    return c


doc = []
doc.append('''# Porting table

Every item of the five ported Rust modules of kimojio
([qbradley/kimojio-rs](https://github.com/qbradley/kimojio-rs) at commit
`35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f`, files under `kimojio/src/`) with its
C++ counterpart, then the items of the files they lean on that were ported.

Columns:

- **Rust item**: `Type::method`, a free item, or a test name. Closures are not rows,
  except the four entries of `task_ref.rs`'s `VTABLE` (one row).
- **Rust lines**: `file.rs:start-end` in `kimojio/src/` at the commit above (from the
  `fn`/`struct`/... line to its closing line; attributes and doc comments excluded).
- **C++ place**: `path:start-end` from the line where the C++ definition (or
  declaration) starts to the line where it ends; `header; source` when declared in a
  header and defined in a `.cpp`. Tests: the TEST_CASE line (and the coroutine body
  when the Rust test is an `async fn`). `-`: no counterpart.
- **Status**: `ported` (same structure and behaviour), `adapted` (same role, with the
  difference given in Notes), `omitted` (no counterpart; Notes say why).
- **Notes**: `C++: name` gives the C++ name where it differs from the Rust one.

C++-only tests (no Rust counterpart) are not listed.

`python3 ci/check_porting.py PORTING.md` checks every `C++ place` (file exists, range
inside the file, name on one of its first lines) and, when the Rust mirror is present,
every `Rust lines` reference.
''')

summary = []
for title, where, rows in tables:
    doc.append('## %s\n\n%s\n\n%s\n' % (title, where, render_table(rows)))
    summary.append((title, len(rows), counts(rows)))
doc.append('## Lean-on files\n\nOnly the items that were ported or adapted, plus one row for the rest of each file.\n')
for title, where, rows in lean:
    doc.append('### %s\n\n%s\n\n%s\n' % (title, where, render_table(rows)))
    summary.append((title, len(rows), counts(rows)))

doc.append('## Further modules\n\nWhole modules beyond the five, ported with the same rules (issue 13, part 1; pipe.rs and socket_helpers.rs: issue 14).\n')
for title, where, rows in further:
    doc.append('### %s\n\n%s\n\n%s\n' % (title, where, render_table(rows)))
    summary.append((title, len(rows), counts(rows)))

text = '\n'.join(doc)
# Demote headings one level: the table is a section of PORTING.md.
text = re.sub(r'^(#+) ', lambda m: '#' + m.group(1) + ' ', text, flags=re.M)
BEGIN = '<!-- item table: generated by ci/porting/gen_table.py, do not edit by hand -->'
END = '<!-- end of item table -->'
path = os.path.join(ROOT, 'PORTING.md')
with open(path) as f:
    current = f.read()
start, end = current.index(BEGIN) + len(BEGIN), current.index(END)
with open(path, 'w') as f:
    f.write(current[:start] + '\n' + text.strip() + '\n' + current[end:])
for title, n, c in summary:
    print('%-22s %3d rows  ported %3d  adapted %3d  omitted %3d' % (title, n, c[P], c[A], c[O]))
