// The public API of kimojio-cpp in one include (kimojio/src/lib.rs's `pub use` list),
// plus run / run_with_configuration (lib.rs lines 186-198, 268-290).
#pragma once

#include "kimojio/async.hpp"
#include "kimojio/async_channel.hpp"
#include "kimojio/async_event.hpp"
#include "kimojio/async_lock.hpp"
#include "kimojio/async_oneshot.hpp"
#include "kimojio/combinators.hpp"
#include "kimojio/async_reader_writer_lock.hpp"
#include "kimojio/async_semaphore.hpp"
#include "kimojio/cancellation_token.hpp"
#include "kimojio/configuration.hpp"
#include "kimojio/current_waker.hpp"
#include "kimojio/errors.hpp"
#include "kimojio/foreign_wake.hpp"
#include "kimojio/handle_table.hpp"
#include "kimojio/index_waker.hpp"
#include "kimojio/io_exact.hpp"
#include "kimojio/mut_in_place_cell.hpp"
#include "kimojio/notify.hpp"
#include "kimojio/operations.hpp"
#include "kimojio/pipe.hpp"
#include "kimojio/ring_future.hpp"
#include "kimojio/runtime.hpp"
#include "kimojio/runtime_handle.hpp"
#include "kimojio/socket_helpers.hpp"
#include "kimojio/spawn.hpp"
#include "kimojio/spawn_blocking.hpp"
#include "kimojio/sync_channel.hpp"
#include "kimojio/sync_oneshot.hpp"
#include "kimojio/task.hpp"
#include "kimojio/task_pool.hpp"
#include "kimojio/task_ref.hpp"
#include "kimojio/task_state_cell.hpp"
#include "kimojio/tracing.hpp"
#include "kimojio/uring_stats.hpp"

namespace kimojio {

// Runs the given future until completion with `configuration` on a new Runtime.
// Returns nullopt if shutdown_loop() is called, Err(exception) if the future throws.
// lib.rs:272-290 run_with_configuration
template <Future Fut>
auto run_with_configuration(std::uint8_t thread_index, Fut main, Configuration configuration) {
    Runtime runtime(thread_index, std::move(configuration));
    return runtime.block_on(std::move(main));
}

// Runs the given future until completion using the default configuration.
// lib.rs:190-198 run
template <Future Fut>
auto run(std::uint8_t thread_index, Fut main) {
    return run_with_configuration(thread_index, std::move(main), Configuration());
}

}  // namespace kimojio
