// How a matrix's output rows are cut into thread-pool tasks. Boundaries are multiples of 16
// rows (except the matrix's end), so no two tasks write the same cache line of results.
//
//  - decode (one token, memory-bound GEMV): one contiguous share per thread, so each thread
//    streams one unbroken run of weights and the prefetchers stay ahead. (Cutting the last
//    quarter of each share into small tasks that either thread could take, against a
//    neighbour on the machine slowing one thread, cost 2-3% of a token once the weights were in
//    huge pages: each extra task restarts a weight stream.)
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
    int64_t rows_ = 0;
    int64_t parts_ = 1;   // decode: shares (threads)
    int64_t chunk_ = 0;   // prefill: rows per task
};

}  // namespace tern
