// A pool of worker threads that runs one parallel loop at a time: run(n_tasks, fn) calls
// fn(task, thread) for every task in [0, n_tasks) across the workers and the calling thread,
// and returns when all are done. Tasks are handed out in order from a shared counter; which
// thread runs which task does not matter for results as long as each task writes its own
// outputs (the engine splits work by output rows, never a reduction).
//
// The thread count can change between calls (set_threads). Idle workers spin briefly (the
// gaps between the loops of one forward pass are microseconds) and then block on a condition
// variable, so a waiting pool does not burn a core another thread needs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tern {

class ThreadPool {
public:
    using Fn = std::function<void(int64_t task, int thread)>;

    explicit ThreadPool(int n_threads = 1);
    ~ThreadPool();
    ThreadPool(const ThreadPool &) = delete;
    ThreadPool & operator=(const ThreadPool &) = delete;

    // Total threads taking part in run(), the caller included (>= 1).
    void set_threads(int n_threads);
    int threads() const { return static_cast<int>(workers_.size()) + 1; }

    // Runs fn for every task; the calling thread is thread 0. Not reentrant.
    void run(int64_t n_tasks, const Fn & fn);

    // Hardware threads, at least 1.
    static int hardware_threads();

private:
    void worker_main(int index, uint64_t seen);
    void work(int thread);
    void stop_workers();

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_;
    // Each on its own cache line: waiting workers poll generation_ while the running ones
    // take tasks from next_task_ and leave through pending_; sharing a line would make every
    // task hand-out invalidate the pollers' copy (false sharing).
    alignas(64) std::atomic<uint64_t> generation_{0};
    alignas(64) std::atomic<int> pending_{0};  // workers still inside the current generation
    alignas(64) std::atomic<int64_t> next_task_{0};
    int64_t n_tasks_ = 0;
    int64_t grain_ = 1;  // tasks taken per hand-out (many small tasks: fewer trips to next_task_)
    const Fn * fn_ = nullptr;
    bool stop_ = false;
};

}  // namespace tern
