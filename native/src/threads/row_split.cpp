#include "threads/row_split.h"

#include <algorithm>

namespace tern {

namespace {
constexpr int64_t kAlign = 16;
constexpr int64_t kTails = 4;  // small tasks per share
int64_t down16(int64_t v) { return v / kAlign * kAlign; }
}  // namespace

RowSplit RowSplit::decode(int64_t rows, int threads) {
    RowSplit s;
    s.rows_ = rows;
    s.parts_ = std::max(1, threads);
    s.tails_ = s.parts_ > 1 ? kTails : 0;
    return s;
}

RowSplit RowSplit::prefill(int64_t rows, int threads) {
    RowSplit s;
    s.rows_ = rows;
    s.chunk_ = std::max<int64_t>(kAlign, (rows / (std::max(1, threads) * 4) + kAlign - 1) / kAlign * kAlign);
    return s;
}

int64_t RowSplit::share_start(int64_t p) const { return p >= parts_ ? rows_ : down16(rows_ * p / parts_); }

int64_t RowSplit::tasks() const {
    if (chunk_ > 0) return (rows_ + chunk_ - 1) / chunk_;
    return parts_ * (1 + tails_);
}

std::pair<int64_t, int64_t> RowSplit::task_rows(int64_t task) const {
    if (chunk_ > 0) {
        const int64_t r0 = task * chunk_;
        return {r0, std::min(chunk_, rows_ - r0)};
    }
    // Tasks 0..parts-1: the contiguous head of each share; then each share's tails in order.
    const bool head = task < parts_;
    const int64_t p = head ? task : (task - parts_) / tails_;
    const int64_t begin = share_start(p), end = share_start(p + 1);
    const int64_t len = end - begin;
    const int64_t head_len = tails_ == 0 ? len : std::min(len, down16(len * 3 / 4 + kAlign - 1));
    if (head) return {begin, head_len};
    const int64_t j = (task - parts_) % tails_, tail = len - head_len;
    const int64_t t0 = j == 0 ? 0 : down16(tail * j / tails_), t1 = j + 1 == tails_ ? tail : down16(tail * (j + 1) / tails_);
    return {begin + head_len + t0, std::max<int64_t>(0, t1 - t0)};
}

}  // namespace tern
