#include "runtime/prompt_lookup.h"

#include <algorithm>

namespace tern {

std::vector<int32_t> prompt_lookup_draft(const std::vector<int32_t> & seq, int max_draft, int min_ngram, int max_ngram) {
    const int64_t len = static_cast<int64_t>(seq.size());
    if (max_draft <= 0 || min_ngram < 1) return {};
    for (int64_t n = std::min<int64_t>(max_ngram, len - 1); n >= min_ngram; --n) {
        const int32_t * tail = seq.data() + len - n;
        // Occurrences starting at i (i + n < len: at least one token follows), most recent first.
        for (int64_t i = len - n - 1; i >= 0; --i) {
            if (!std::equal(tail, tail + n, seq.data() + i)) continue;
            const int64_t from = i + n, to = std::min<int64_t>(len, from + max_draft);
            return std::vector<int32_t>(seq.begin() + from, seq.begin() + to);
        }
    }
    return {};
}

}  // namespace tern
