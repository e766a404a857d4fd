#include "core/pipeline/worker_pool.h"

namespace gs {

WorkerPool::WorkerPool(unsigned n_workers) {
    threads_.reserve(n_workers);
    for (unsigned i = 0; i < n_workers; ++i) threads_.emplace_back([this, i] { run(i); });
}

WorkerPool::~WorkerPool() {
    {
        std::unique_lock<std::mutex> lk(m_);
        failed_ = true;  // the caller is unwinding: skip what has not started
        done_cv_.wait(lk, [&] { return pending_ == 0; });
        stop_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : threads_) t.join();
}

void WorkerPool::start(size_t n, Task fn) {
    {
        std::lock_guard<std::mutex> lk(m_);
        fn_ = std::move(fn);
        n_ = n;
        next_ = 0;
        pending_ = n;
        failed_ = false;
        error_ = nullptr;
    }
    work_cv_.notify_all();
}

void WorkerPool::wait() {
    std::unique_lock<std::mutex> lk(m_);
    done_cv_.wait(lk, [&] { return pending_ == 0; });
    if (error_) {
        std::exception_ptr e = error_;
        error_ = nullptr;
        std::rethrow_exception(e);
    }
}

void WorkerPool::run(unsigned worker) {
    std::unique_lock<std::mutex> lk(m_);
    for (;;) {
        work_cv_.wait(lk, [&] { return stop_ || next_ < n_; });
        if (stop_) return;
        const size_t task = next_++;
        lk.unlock();
        if (!failed_) {
            try {
                fn_(task, worker);
            } catch (...) {
                std::lock_guard<std::mutex> g(m_);
                if (!error_) error_ = std::current_exception();
                failed_ = true;
            }
        }
        lk.lock();
        if (--pending_ == 0) done_cv_.notify_all();
    }
}

}  // namespace gs
