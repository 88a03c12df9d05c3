// Port of kimojio/src/task_pool.rs at qbradley/kimojio-rs 35865d7d87d2d2f5bc7cf03d9a5c10a7a9fec88f.
//
// TaskPool puts an upper limit on spawned tasks: it can implement backpressure
// and keep tasks from growing without limit. Copies share one limit (Rust:
// Clone). Owner thread only.
//
//   kimojio::TaskPool pool(4);
//   auto handle = (co_await pool.spawn_task(job())).value();  // waits for a slot
//   (co_await handle).value();
#pragma once

#include <cstddef>
#include <utility>

#include "kimojio/async.hpp"
#include "kimojio/async_semaphore.hpp"
#include "kimojio/errors.hpp"
#include "kimojio/operations.hpp"
#include "kimojio/rc.hpp"
#include "kimojio/result.hpp"

namespace kimojio {

// Shares one AsyncSemaphore: each spawned task holds a token until it ends.
// task_pool.rs:15-17 TaskPool
class TaskPool {
public:
    // `max_tasks` is the maximum number of tasks that can be spawned at one time.
    // task_pool.rs:22-26 TaskPool::new
    explicit TaskPool(std::size_t max_tasks) : semaphore(Rc<AsyncSemaphore>::make(max_tasks)) {}

    // Spawns a task. If the maximum number of tasks has been reached, this waits
    // until an existing task completes. CanceledError if an io_scope cancels the wait.
    // The returned future holds a copy of the pool, so the pool may go first.
    // task_pool.rs:30-43 TaskPool::spawn_task (part 1 of 2: spawn_task)
    template <Future Fut>
    Async<Result<TaskHandle<future_output_t<Fut>>, CanceledError>> spawn_task(Fut main) const {
        return spawn_task_owned(*this, std::move(main));
    }

private:
    // Rust borrows `&self` for the whole future; C++ has no borrow checker, so the
    // coroutine owns a copy (the same semaphore).
    // task_pool.rs:30-43 TaskPool::spawn_task (part 2 of 2: spawn_task_owned)
    template <Future Fut>
    static Async<Result<TaskHandle<future_output_t<Fut>>, CanceledError>> spawn_task_owned(TaskPool self, Fut main) {
        Rc<AsyncSemaphore> semaphore = self.semaphore;
        auto acquired = co_await semaphore->acquire();
        if (acquired.is_err()) {
            co_return Result<TaskHandle<future_output_t<Fut>>, CanceledError>(Err{acquired.error()});
        }
        co_return Result<TaskHandle<future_output_t<Fut>>, CanceledError>(
            Ok{kimojio::spawn_task(run_guarded(std::move(semaphore), std::move(main)))});
    }

    // Rust: scopeguard::guard((), |_| semaphore.release()).
    struct ReleaseGuard {
        explicit ReleaseGuard(Rc<AsyncSemaphore> semaphore) : semaphore(std::move(semaphore)) {}
        ReleaseGuard(const ReleaseGuard&) = delete;
        ReleaseGuard& operator=(const ReleaseGuard&) = delete;
        ~ReleaseGuard() { semaphore->release(); }
        Rc<AsyncSemaphore> semaphore;
    };
    // The spawned `async move` block: the guard is a local, so the token comes back
    // when `main` ends, also by an exception or an abort.
    template <Future Fut>
    static Async<future_output_t<Fut>> run_guarded(Rc<AsyncSemaphore> semaphore, Fut main) {
        ReleaseGuard guard(std::move(semaphore));

        co_return co_await main;
    }

    Rc<AsyncSemaphore> semaphore;
};

}  // namespace kimojio
