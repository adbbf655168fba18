#include "threads/thread_pool.h"

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#include <immintrin.h>
#define TERN_PAUSE() _mm_pause()
#elif defined(__aarch64__)
#define TERN_PAUSE() __asm__ __volatile__("yield")
#else
#define TERN_PAUSE() ((void)0)
#endif

namespace tern {

namespace {
// Spin iterations before blocking: long enough to bridge the gaps inside a forward pass,
// short enough (well under a millisecond) that an idle pool gives its cores back.
constexpr int kSpins = 1 << 13;
}  // namespace

ThreadPool::ThreadPool(int n_threads) { set_threads(n_threads); }

ThreadPool::~ThreadPool() { stop_workers(); }

int ThreadPool::hardware_threads() {
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n);
}

void ThreadPool::stop_workers() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
        generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (std::thread & t : workers_) t.join();
    workers_.clear();
    stop_ = false;
}

void ThreadPool::set_threads(int n_threads) {
    if (n_threads < 1) n_threads = 1;
    if (n_threads == threads()) return;
    stop_workers();
    // Workers start from the current generation, read here, before any run() can advance it.
    const uint64_t start = generation_.load(std::memory_order_acquire);
    for (int i = 1; i < n_threads; ++i) workers_.emplace_back(&ThreadPool::worker_main, this, i, start);
}

void ThreadPool::work(int thread) {
    for (;;) {
        const int64_t first = next_task_.fetch_add(grain_, std::memory_order_relaxed);
        if (first >= n_tasks_) break;
        const int64_t end = first + grain_ < n_tasks_ ? first + grain_ : n_tasks_;
        for (int64_t task = first; task < end; ++task) (*fn_)(task, thread);
    }
}

void ThreadPool::worker_main(int index, uint64_t seen) {
    for (;;) {
        // Wait for the next generation: spin, then block.
        uint64_t now = generation_.load(std::memory_order_acquire);
        for (int i = 0; i < kSpins && now == seen; ++i) {
            TERN_PAUSE();
            now = generation_.load(std::memory_order_acquire);
        }
        if (now == seen) {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
            now = generation_.load(std::memory_order_acquire);
        }
        seen = now;
        bool stopping;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping = stop_;
        }
        if (stopping) return;
        work(index);
        if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            std::lock_guard<std::mutex> lock(mutex_);
            done_.notify_one();
        }
    }
}

void ThreadPool::run(int64_t n_tasks, const Fn & fn) {
    if (n_tasks <= 0) return;
    if (workers_.empty() || n_tasks == 1) {
        for (int64_t t = 0; t < n_tasks; ++t) fn(t, 0);
        return;
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        fn_ = &fn;
        n_tasks_ = n_tasks;
        // Hand out runs of tasks when there are many (attention and activation chunks run
        // hundreds per layer in prefill, and every hand-out moves next_task_'s cache line
        // between cores); at least 16 hand-outs per thread keep the end balanced.
        grain_ = n_tasks / (16 * threads()) > 1 ? n_tasks / (16 * threads()) : 1;
        next_task_.store(0, std::memory_order_relaxed);
        pending_.store(static_cast<int>(workers_.size()), std::memory_order_relaxed);
        generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    work(0);
    // Wait for the workers to leave this generation: spin, then block.
    for (int i = 0; i < kSpins && pending_.load(std::memory_order_acquire) != 0; ++i) TERN_PAUSE();
    if (pending_.load(std::memory_order_acquire) != 0) {
        std::unique_lock<std::mutex> lock(mutex_);
        done_.wait(lock, [&] { return pending_.load(std::memory_order_acquire) == 0; });
    }
    fn_ = nullptr;
}

}  // namespace tern
