// Token sampling: a fixed chain of stages over the logits of one position.
//
//   penalties (repetition, frequency, presence over the last N tokens)
//   -> greedy (temperature <= 0: argmax, lowest id on ties; the rest is skipped)
//   -> temperature -> top-k -> softmax -> top-p -> min-p -> draw with the seeded RNG
//
// Temperature comes first, so top-p and min-p judge the distribution that is actually sampled.
// Each stage is also a free function over a candidate list, tested on its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sampler/rng.h"

namespace tern {

struct TokenCandidate {
    int32_t id;
    float logit;
    float p;  // probability, valid after softmax()
};

// The candidate tokens of one step. Stages drop candidates and may reorder them, but always
// leave the list either in id order (as assign() makes it) or sorted: decreasing logit, lower
// id first on equal logits (`sorted`). Both orders are the same on every platform, which keeps
// draw() deterministic.
struct Candidates {
    std::vector<TokenCandidate> items;
    bool sorted = false;
    bool normalized = false;  // `p` is a softmax of the current logits

    // All ids 0..n-1 in id order.
    void assign(const float * logits, int32_t n);
};

namespace sampling {

// Recent tokens, counted: (id, count) pairs in first-seen order.
struct TokenCounts {
    std::vector<std::pair<int32_t, int32_t>> counts;
    static TokenCounts of(const int32_t * ids, size_t n);
};

// For each token seen in the window: logit / repeat (positive logit) or logit * repeat
// (negative), then minus count * frequency, minus presence. 1, 0, 0 leave logits unchanged.
void apply_penalties(Candidates & c, const TokenCounts & seen, float repeat, float frequency, float presence);
// Divides every logit by t (t > 0).
void apply_temperature(Candidates & c, float t);
// Sorts (decreasing logit, lower id first on ties).
void sort(Candidates & c);
// Keeps the k best, sorted (k <= 0 or k >= size: no-op).
void top_k(Candidates & c, int32_t k);
// Fills p with the softmax of the logits (order unchanged).
void softmax(Candidates & c);
// Keeps the smallest set of best candidates whose probability reaches p (at least min_keep),
// sorted and renormalized. Sorts only as far as needed. p >= 1: no-op.
void top_p(Candidates & c, float p, size_t min_keep = 1);
// Keeps candidates with probability >= p * (best probability) (at least min_keep), sorted and
// renormalized. p <= 0: no-op.
void min_p(Candidates & c, float p, size_t min_keep = 1);
// The id with the highest logit, the lowest such id on ties; -1 if empty.
int32_t greedy(const Candidates & c);
// Draws an id from the probabilities (softmax first if needed) with one RNG value: the first
// candidate, in list order, where the running sum of p exceeds u * total.
int32_t draw(Candidates & c, Rng & rng);

}  // namespace sampling

struct SamplerParams {
    float temperature = 0.7f;        // <= 0: greedy
    int32_t top_k = 40;              // <= 0: off
    float top_p = 0.9f;              // >= 1: off
    float min_p = 0.05f;             // <= 0: off
    float repeat_penalty = 1.05f;    // 1: off
    float frequency_penalty = 0.0f;  // 0: off
    float presence_penalty = 0.0f;   // 0: off
    int32_t penalty_last_n = 64;     // window of accepted tokens the penalties look at; 0: off
    uint64_t seed = 0;
};

class Sampler {
public:
    explicit Sampler(const SamplerParams & params = {});

    // Picks the next token from a row of n_vocab logits (does not accept it). -1 if n_vocab < 1.
    int32_t sample(const float * logits, int32_t n_vocab);
    // Records a token (prompt or generated) in the penalty window.
    void accept(int32_t id);
    // Forgets the window and restarts the RNG from the seed.
    void reset();

    const SamplerParams & params() const { return params_; }
    // Candidates left by the last sample() (after every stage), for inspection.
    const Candidates & last_candidates() const { return candidates_; }

private:
    SamplerParams params_;
    Rng rng_;
    std::vector<int32_t> window_;  // ring buffer of the last penalty_last_n accepted ids
    size_t window_next_ = 0;
    Candidates candidates_;
};

}  // namespace tern
