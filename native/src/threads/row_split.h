// How a matrix's output rows are cut into thread-pool tasks. Boundaries are multiples of 16
// rows (except the matrix's end), so no two tasks write the same cache line of results.
//
//  - decode (one token, memory-bound GEMV): each thread's share of the rows starts as one
//    contiguous slice, so that thread streams one unbroken run of weights and the prefetchers
//    stay ahead; the last quarter of every share is cut into a few small tasks that whichever
//    thread is free takes, so a thread slowed down by a neighbour on the machine does not keep
//    the other one waiting at the end of every matrix.
//  - prefill (many tokens, compute-bound GEMM): four equal tasks per thread.
//
// Which thread computes which rows never changes a result (each row's sum is computed whole by
// one thread), so the split is free to follow the machine.
#pragma once

#include <cstdint>
#include <utility>

namespace tern {

class RowSplit {
public:
    static RowSplit decode(int64_t rows, int threads);
    static RowSplit prefill(int64_t rows, int threads);

    int64_t tasks() const;
    // Task `task`'s rows: (first row, count); the count may be 0 for a task with nothing left.
    std::pair<int64_t, int64_t> task_rows(int64_t task) const;

private:
    // A share's boundary (decode) in 16-row units, rounded down.
    int64_t share_start(int64_t p) const;

    int64_t rows_ = 0;
    int64_t parts_ = 1;   // decode: shares (threads)
    int64_t tails_ = 0;   // decode: small tasks at the end of each share
    int64_t chunk_ = 0;   // prefill: rows per task
};

}  // namespace tern
