// The thread pool: every task runs exactly once, the thread count changes between calls, and
// many short loops in a row (a forward pass) neither lose nor repeat work.
#include <algorithm>
#include <atomic>
#include <vector>

#include "test.h"
#include "threads/row_split.h"
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

TEST_CASE("row splits cover every row exactly once, on 16-row boundaries") {
    for (int threads : {1, 2, 3, 4, 8}) {
        for (int64_t rows : {1, 15, 16, 17, 100, 640, 2560, 3840, 6912, 13824, 128256}) {
            for (bool decode : {true, false}) {
                const tern::RowSplit split = decode ? tern::RowSplit::decode(rows, threads) : tern::RowSplit::prefill(rows, threads);
                std::vector<int> hits(static_cast<size_t>(rows), 0);
                bool aligned = true;
                for (int64_t t = 0; t < split.tasks(); ++t) {
                    const auto [r0, n] = split.task_rows(t);
                    CHECK(n >= 0 && r0 >= 0 && r0 + n <= rows);
                    if (n > 0 && (r0 % 16 != 0 || ((r0 + n) % 16 != 0 && r0 + n != rows))) aligned = false;
                    for (int64_t r = r0; r < r0 + n; ++r) hits[static_cast<size_t>(r)]++;
                }
                CHECK(aligned);
                CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
            }
        }
    }
}

TEST_CASE("decode split: one contiguous share per thread") {
    const tern::RowSplit split = tern::RowSplit::decode(2560, 2);
    CHECK(split.tasks() == 2);
    const auto [a0, an] = split.task_rows(0);
    const auto [b0, bn] = split.task_rows(1);
    CHECK(a0 == 0 && an == 1280 && b0 == 1280 && bn == 1280);
    const tern::RowSplit odd = tern::RowSplit::decode(3840 + 16, 3);  // shares end on 16-row boundaries
    CHECK(odd.task_rows(0).second == 1280 && odd.task_rows(1).first == 1280 && odd.task_rows(2).second == 1296);
}
