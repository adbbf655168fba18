#include "sampler/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tern {

namespace {

// Decreasing logit, then increasing id: a total order, so every platform sorts alike.
bool better(const TokenCandidate & a, const TokenCandidate & b) {
    return a.logit != b.logit ? a.logit > b.logit : a.id < b.id;
}

void renormalize(Candidates & c) {
    double total = 0;
    for (const TokenCandidate & t : c.items) total += t.p;
    if (total <= 0) return;
    for (TokenCandidate & t : c.items) t.p = static_cast<float>(t.p / total);
}

}  // namespace

void Candidates::assign(const float * logits, int32_t n) {
    items.resize(n > 0 ? static_cast<size_t>(n) : 0);
    for (int32_t i = 0; i < n; ++i) {
        const float l = logits[i];
        items[i] = {i, std::isnan(l) ? -std::numeric_limits<float>::infinity() : l, 0.0f};
    }
    sorted = false;
    normalized = false;
}

namespace sampling {

TokenCounts TokenCounts::of(const int32_t * ids, size_t n) {
    std::vector<int32_t> sorted_ids(ids, ids + n);
    std::sort(sorted_ids.begin(), sorted_ids.end());
    TokenCounts out;
    for (size_t i = 0; i < sorted_ids.size();) {
        size_t j = i;
        while (j < sorted_ids.size() && sorted_ids[j] == sorted_ids[i]) ++j;
        out.counts.push_back({sorted_ids[i], static_cast<int32_t>(j - i)});
        i = j;
    }
    return out;  // sorted by id
}

void apply_penalties(Candidates & c, const TokenCounts & seen, float repeat, float frequency, float presence) {
    if (seen.counts.empty() || (repeat == 1.0f && frequency == 0.0f && presence == 0.0f)) return;
    const auto penalize = [&](TokenCandidate & t, int32_t count) {
        if (repeat != 1.0f && repeat > 0.0f) t.logit = t.logit > 0 ? t.logit / repeat : t.logit * repeat;
        t.logit -= static_cast<float>(count) * frequency + presence;
    };
    for (const auto & [id, count] : seen.counts) {
        // Fast path: the list is still in id order (as assign() leaves it).
        if (id >= 0 && static_cast<size_t>(id) < c.items.size() && c.items[id].id == id) {
            penalize(c.items[id], count);
            continue;
        }
        for (TokenCandidate & t : c.items) {
            if (t.id == id) {
                penalize(t, count);
                break;
            }
        }
    }
    c.sorted = false;
    c.normalized = false;
}

void apply_temperature(Candidates & c, float t) {
    if (t <= 0.0f || t == 1.0f) return;
    for (TokenCandidate & x : c.items) x.logit /= t;
    c.normalized = false;  // order is unchanged
}

void sort(Candidates & c) {
    if (c.sorted) return;
    std::sort(c.items.begin(), c.items.end(), better);
    c.sorted = true;
}

void top_k(Candidates & c, int32_t k) {
    if (k <= 0 || static_cast<size_t>(k) >= c.items.size()) return;
    if (!c.sorted) std::partial_sort(c.items.begin(), c.items.begin() + k, c.items.end(), better);
    c.items.resize(k);
    c.sorted = true;
    if (c.normalized) renormalize(c);
}

void softmax(Candidates & c) {
    if (c.items.empty()) return;
    float max = c.items[0].logit;
    for (const TokenCandidate & t : c.items) max = std::max(max, t.logit);
    if (!std::isfinite(max)) {
        // All -inf: every candidate equally likely. Some +inf: those share everything.
        const bool all_equal = max < 0;
        size_t count = 0;
        for (const TokenCandidate & t : c.items) count += all_equal || t.logit == max;
        for (TokenCandidate & t : c.items) t.p = (all_equal || t.logit == max) ? 1.0f / static_cast<float>(count) : 0.0f;
    } else {
        double total = 0;
        for (TokenCandidate & t : c.items) {
            const double e = std::exp(static_cast<double>(t.logit) - max);
            t.p = static_cast<float>(e);
            total += e;
        }
        for (TokenCandidate & t : c.items) t.p = static_cast<float>(t.p / total);
    }
    c.normalized = true;
}

// Moves a set of best candidates holding at least `mass` of the probability (and at least
// min_keep of them) to the front, sorted; returns how many. Long lists are first bucketed by
// logit so that only the top buckets are sorted, not the whole vocabulary.
static size_t sort_best_mass(Candidates & c, double mass, size_t min_keep) {
    const size_t n = c.items.size();
    if (c.sorted || n <= 1024) {
        sort(c);
        return n;
    }
    float hi = -std::numeric_limits<float>::infinity(), lo = std::numeric_limits<float>::infinity();
    for (const TokenCandidate & t : c.items) {
        if (!std::isfinite(t.logit)) continue;
        hi = std::max(hi, t.logit);
        lo = std::min(lo, t.logit);
    }
    if (!(hi > lo)) {
        sort(c);
        return n;
    }
    constexpr int kBuckets = 1024;
    const double scale = kBuckets / (static_cast<double>(hi) - lo);
    // Bucket 0 holds the highest logits; the bucket index never increases with the logit, so
    // the first buckets are exactly a top set of the sorted order (ties stay together).
    const auto bucket = [&](float logit) {
        if (!std::isfinite(logit)) return kBuckets - 1;
        return std::min(kBuckets - 1, static_cast<int>((static_cast<double>(hi) - logit) * scale));
    };
    std::vector<double> bucket_mass(kBuckets, 0.0);
    std::vector<size_t> bucket_count(kBuckets, 0);
    for (const TokenCandidate & t : c.items) {
        const int b = bucket(t.logit);
        bucket_mass[b] += t.p;
        ++bucket_count[b];
    }
    double sum = 0;
    size_t count = 0;
    int last = kBuckets - 1;
    for (int b = 0; b < kBuckets; ++b) {
        sum += bucket_mass[b];
        count += bucket_count[b];
        // A little over the mass asked for, so that summing in another order cannot fall short.
        if (sum >= mass * (1 + 1e-6) + 1e-12 && count >= min_keep) {
            last = b;
            break;
        }
    }
    if (last == kBuckets - 1) {
        sort(c);
        return n;
    }
    const auto mid = std::partition(c.items.begin(), c.items.end(),
                                    [&](const TokenCandidate & t) { return bucket(t.logit) <= last; });
    std::sort(c.items.begin(), mid, better);
    return static_cast<size_t>(mid - c.items.begin());
}

void top_p(Candidates & c, float p, size_t min_keep) {
    if (p >= 1.0f || c.items.empty()) return;
    if (!c.normalized) softmax(c);
    size_t front = sort_best_mass(c, p, min_keep);
    for (int attempt = 0; attempt < 2; ++attempt) {
        double sum = 0;
        for (size_t i = 0; i < front; ++i) {
            sum += c.items[i].p;
            if (sum >= p && i + 1 >= min_keep) {
                c.items.resize(i + 1);
                c.sorted = true;
                renormalize(c);
                return;
            }
        }
        // Not reached (rounding): sort everything and look again.
        sort(c);
        front = c.items.size();
    }
    // The whole list never quite reached p: keep it all (sorted).
}

void min_p(Candidates & c, float p, size_t min_keep) {
    if (p <= 0.0f || c.items.empty()) return;
    if (!c.normalized) softmax(c);
    float best = 0;
    for (const TokenCandidate & t : c.items) best = std::max(best, t.p);
    const float threshold = p * best;
    size_t keep = 0;
    for (const TokenCandidate & t : c.items) keep += t.p >= threshold;
    if (keep < min_keep) {
        top_k(c, static_cast<int32_t>(std::min(min_keep, c.items.size())));
    } else {
        // Filter in place (order kept), then sort the few survivors.
        c.items.erase(std::remove_if(c.items.begin(), c.items.end(),
                                     [&](const TokenCandidate & t) { return t.p < threshold; }),
                      c.items.end());
        sort(c);
    }
    renormalize(c);
}

int32_t greedy(const Candidates & c) {
    int32_t best = -1;
    float best_logit = 0;
    for (const TokenCandidate & t : c.items) {
        if (best < 0 || t.logit > best_logit || (t.logit == best_logit && t.id < best)) {
            best = t.id;
            best_logit = t.logit;
        }
    }
    return best;
}

int32_t draw(Candidates & c, Rng & rng) {
    if (c.items.empty()) return -1;
    if (!c.normalized) softmax(c);
    // The list is in id order (as assigned) or sorted; both are the same on every platform.
    double total = 0;
    for (const TokenCandidate & t : c.items) total += t.p;
    const double u = rng.next_double() * total;
    double sum = 0;
    for (const TokenCandidate & t : c.items) {
        sum += t.p;
        if (u < sum) return t.id;
    }
    return c.items.back().id;  // rounding left u at the very top
}

}  // namespace sampling

Sampler::Sampler(const SamplerParams & params) : params_(params), rng_(params.seed) {}

void Sampler::reset() {
    window_.clear();
    window_next_ = 0;
    rng_.seed_with(params_.seed);
}

void Sampler::accept(int32_t id) {
    if (params_.penalty_last_n <= 0) return;
    const size_t n = static_cast<size_t>(params_.penalty_last_n);
    if (window_.size() < n) {
        window_.push_back(id);
    } else {
        window_[window_next_] = id;
        window_next_ = (window_next_ + 1) % n;
    }
}

int32_t Sampler::sample(const float * logits, int32_t n_vocab) {
    if (n_vocab < 1 || !logits) return -1;
    candidates_.assign(logits, n_vocab);
    if (!window_.empty()) {
        const auto seen = sampling::TokenCounts::of(window_.data(), window_.size());
        sampling::apply_penalties(candidates_, seen, params_.repeat_penalty, params_.frequency_penalty,
                                  params_.presence_penalty);
    }
    if (params_.temperature <= 0.0f) return sampling::greedy(candidates_);
    sampling::apply_temperature(candidates_, params_.temperature);
    sampling::top_k(candidates_, params_.top_k);
    sampling::softmax(candidates_);
    sampling::top_p(candidates_, params_.top_p);
    sampling::min_p(candidates_, params_.min_p);
    return sampling::draw(candidates_, rng_);
}

}  // namespace tern
