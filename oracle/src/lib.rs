//! An executable model of the semantics kimojio-cpp ports, written from the semantics
//! (not from kimojio's code), small enough to check by reading. Single-threaded: the
//! "threads" of a program are explicit arguments.
//!
//! - [`handle_table`]: slots with LIFO reuse of freed indexes.
//! - [`scheduler`]: one runtime's task states and ready lists (fill / cohort / cpu).
//! - [`world`]: several runtimes by thread index, wakers as (thread, task) identities,
//!   foreign wakes queued to their owner and drained in ascending task index.
//! - [`io`]: one runtime's I/O: pipes, an eventfd, a memfd, timers and an AsyncEvent,
//!   cancels, aborts and io_scope, and what each operation returns.
//! - [`io_net`]: one runtime's sockets (a socketpair, a TCP connection on loopback) and
//!   files in a temporary directory, with their errno paths.

pub mod handle_table;
pub mod io;
pub mod io_net;
pub mod scheduler;
pub mod world;

pub mod ffi;
