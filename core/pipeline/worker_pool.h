// A fixed set of worker threads that runs one batch of indexed tasks at a time, while the caller goes on with other
// work (reading the next chunk). Any worker may run any task, so callers make a task's result depend only on its
// index — that is what keeps the output bytes independent of the thread count.
#pragma once
#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gs {

class WorkerPool {
public:
    using Task = std::function<void(size_t task, unsigned worker)>;
    explicit WorkerPool(unsigned n_workers);
    ~WorkerPool();  // waits for a running batch (its remaining tasks are skipped)
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    unsigned size() const { return static_cast<unsigned>(threads_.size()); }
    // Starts fn(task, worker) for every task in [0, n); the previous batch must have been waited for.
    void start(size_t n, Task fn);
    // Blocks until the batch is done; rethrows the first exception a task threw (later tasks are then skipped).
    void wait();

private:
    std::vector<std::thread> threads_;
    std::mutex m_;
    std::condition_variable work_cv_, done_cv_;
    Task fn_;
    size_t n_ = 0, next_ = 0, pending_ = 0;
    bool stop_ = false;
    std::atomic<bool> failed_{false};
    std::exception_ptr error_;
    void run(unsigned worker);
};

}  // namespace gs
