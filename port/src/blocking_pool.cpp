// Beyond upstream: the thread pool behind kimojio::spawn_blocking (spawn_blocking.hpp).
#include <stdexcept>

#include "kimojio/spawn_blocking.hpp"

namespace kimojio::detail {

namespace {
thread_local BlockingPool* current_pool = nullptr;
}

BlockingPool::BlockingPool(std::size_t max_threads) : max_threads_(max_threads), previous_(current_pool) {
    if (max_threads == 0) {
        throw std::invalid_argument("kimojio: Configuration::set_blocking_threads needs at least 1 thread");
    }
    current_pool = this;
}

BlockingPool::~BlockingPool() {
    std::deque<std::function<void()>> not_started;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        not_started.swap(jobs_);
    }
    work_.notify_all();
    // Before the join: a job still running may wait for what these own (their senders go:
    // any awaiter left sees RecvError).
    not_started.clear();
    for (std::thread& thread : threads_) {
        thread.join();
    }
    if (current_pool == this) {
        current_pool = previous_;
    }
}

void BlockingPool::submit(std::function<void()> job) {
    std::lock_guard lock(mutex_);
    if (stopping_) {
        throw std::runtime_error("kimojio::spawn_blocking: the runtime is shutting down");
    }
    jobs_.push_back(std::move(job));
    if (idle_ == 0 && threads_.size() < max_threads_) {
        threads_.emplace_back([this] { worker(); });
    } else {
        work_.notify_one();
    }
}

BlockingPool& BlockingPool::current() {
    if (current_pool == nullptr) {
        throw std::runtime_error(
            "kimojio::spawn_blocking called on a thread without a kimojio::Runtime: call it from a task");
    }
    return *current_pool;
}

std::size_t BlockingPool::threads_started() const {
    std::lock_guard lock(mutex_);
    return threads_.size();
}

void BlockingPool::worker() {
    std::unique_lock lock(mutex_);
    for (;;) {
        idle_ += 1;
        work_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        idle_ -= 1;
        if (jobs_.empty()) {
            return;  // stopping, nothing started left to run
        }
        std::function<void()> job = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        job();
        job = nullptr;  // release the job (its sender) before taking the lock again
        lock.lock();
    }
}

}  // namespace kimojio::detail
