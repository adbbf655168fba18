#include "threads/row_split.h"

#include <algorithm>

namespace tern {

namespace {
constexpr int64_t kAlign = 16;
int64_t down16(int64_t v) { return v / kAlign * kAlign; }
}  // namespace

RowSplit RowSplit::decode(int64_t rows, int threads) {
    RowSplit s;
    s.rows_ = rows;
    s.parts_ = std::max(1, threads);
    return s;
}

RowSplit RowSplit::prefill(int64_t rows, int threads) {
    RowSplit s;
    s.rows_ = rows;
    s.chunk_ = std::max<int64_t>(kAlign, (rows / (std::max(1, threads) * 4) + kAlign - 1) / kAlign * kAlign);
    return s;
}

int64_t RowSplit::tasks() const { return chunk_ > 0 ? (rows_ + chunk_ - 1) / chunk_ : parts_; }

std::pair<int64_t, int64_t> RowSplit::task_rows(int64_t task) const {
    if (chunk_ > 0) {
        const int64_t r0 = task * chunk_;
        return {r0, std::min(chunk_, rows_ - r0)};
    }
    // Share p: rows [rows * p / parts, rows * (p + 1) / parts), boundaries rounded down to 16.
    const auto start = [&](int64_t p) { return p >= parts_ ? rows_ : down16(rows_ * p / parts_); };
    return {start(task), start(task + 1) - start(task)};
}

}  // namespace tern
