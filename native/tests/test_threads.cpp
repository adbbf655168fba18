// The thread pool: every task runs exactly once, the thread count changes between calls, and
// many short loops in a row (a forward pass) neither lose nor repeat work.
#include <atomic>
#include <vector>

#include "test.h"
#include "threads/thread_pool.h"

using tern::ThreadPool;

TEST_CASE("every task exactly once, for several thread counts") {
    ThreadPool pool(1);
    for (int n : {1, 2, 3, 4, 2, 1, 8}) {
        pool.set_threads(n);
        CHECK(pool.threads() == n);
        for (int64_t tasks : {0, 1, 2, 7, 100, 1000}) {
            std::vector<std::atomic<int>> hits(static_cast<size_t>(tasks));
            for (auto & h : hits) h = 0;
            std::atomic<int> bad_thread{0};
            pool.run(tasks, [&](int64_t t, int thread) {
                hits[static_cast<size_t>(t)]++;
                if (thread < 0 || thread >= n) bad_thread++;
            });
            for (auto & h : hits) CHECK(h.load() == 1);
            CHECK(bad_thread.load() == 0);
        }
    }
}

TEST_CASE("many short loops back to back") {
    ThreadPool pool(2);
    std::vector<int64_t> sums(64, 0);
    for (int rep = 0; rep < 20000; ++rep) {
        pool.run(4, [&](int64_t t, int) { sums[static_cast<size_t>(t) * 16] += t + 1; });
    }
    for (int t = 0; t < 4; ++t) CHECK(sums[static_cast<size_t>(t) * 16] == 20000 * (t + 1));
}

TEST_CASE("workers block when idle and wake for the next loop") {
    ThreadPool pool(3);
    std::atomic<int> count{0};
    pool.run(10, [&](int64_t, int) { count++; });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // workers are asleep now
    pool.run(10, [&](int64_t, int) { count++; });
    CHECK(count.load() == 20);
}

TEST_MAIN("test_threads")
