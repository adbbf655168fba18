// tern bench: one llama-bench-style repetition (fresh context, prefill of n_prompt tokens in one
// call, then n_gen greedy single-token decodes), timed with a steady clock; and the process's
// resident memory. Uses only the public C API, so it measures what every caller gets.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "tern.h"

namespace tern_api {
void set_last_error(const std::string & message);  // api.cpp
}

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

int32_t argmax(const float * x, int64_t n) {
    int32_t best = 0;
    for (int64_t i = 1; i < n; ++i)
        if (x[i] > x[best]) best = static_cast<int32_t>(i);
    return best;
}

// A deterministic pseudo-random id in [0, n) (splitmix64).
int32_t next_id(uint64_t * state, int64_t n) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return static_cast<int32_t>(z % static_cast<uint64_t>(n));
}

}  // namespace

extern "C" {

tern_bench_params tern_bench_default_params(void) {
    tern_bench_params p;
    p.n_threads = 0;
    p.n_prompt = 128;
    p.n_gen = 64;
    p.isa = nullptr;
    p.seed = 1;
    return p;
}

tern_status tern_bench_run(tern_model * model, const tern_bench_params * params, tern_bench_result * out) {
    if (!model || !out) {
        tern_api::set_last_error("tern_bench_run: NULL argument");
        return TERN_ERR_INVALID_ARGUMENT;
    }
    const tern_bench_params p = params ? *params : tern_bench_default_params();
    if (p.n_prompt < 0 || p.n_gen < 0 || p.n_threads < 0 || p.n_prompt + p.n_gen < 1) {
        tern_api::set_last_error("tern_bench_run: n_prompt and n_gen must be >= 0, and not both 0");
        return TERN_ERR_INVALID_ARGUMENT;
    }
    std::memset(out, 0, sizeof *out);
    tern_model_info info;
    tern_status st = tern_model_get_info(model, &info);
    if (st != TERN_OK) return st;
    tern_context_params cp = tern_context_default_params();
    cp.n_ctx = p.n_prompt + p.n_gen + 1;
    cp.n_threads = p.n_threads;
    cp.n_batch = p.n_prompt > 0 ? p.n_prompt : 1;  // the whole prompt in one micro-batch, like llama-bench
    cp.isa = p.isa;
    tern_context * ctx = nullptr;
    st = tern_context_new(model, &cp, &ctx);
    if (st != TERN_OK) return st;
    out->isa = tern_context_isa(ctx);
    out->n_prompt = p.n_prompt;
    out->n_gen = p.n_gen;

    uint64_t state = p.seed;
    std::vector<int32_t> prompt(static_cast<size_t>(p.n_prompt > 0 ? p.n_prompt : 1));
    for (int32_t & id : prompt) id = next_id(&state, info.n_vocab);

    // Prefill (or, with no prompt, one token to start from, not timed).
    const auto t0 = Clock::now();
    st = tern_decode(ctx, prompt.data(), static_cast<int32_t>(prompt.size()), false);
    if (st == TERN_OK) {
        out->prefill_seconds = since(t0);
        int32_t next = argmax(tern_get_logits(ctx, -1), info.n_vocab);
        out->first_token_seconds = since(t0);
        if (p.n_prompt == 0) out->prefill_seconds = out->first_token_seconds = 0;
        const auto t1 = Clock::now();
        for (int32_t k = 0; k < p.n_gen && st == TERN_OK; ++k) {
            st = tern_decode(ctx, &next, 1, false);
            if (st == TERN_OK) next = argmax(tern_get_logits(ctx, -1), info.n_vocab);
        }
        out->decode_seconds = since(t1);
    }
    tern_context_free(ctx);
    return st;
}

tern_status tern_process_memory(tern_memory_usage * out) {
    if (!out) return TERN_ERR_INVALID_ARGUMENT;
    out->rss_bytes = out->peak_rss_bytes = 0;
#if defined(__linux__)
    if (FILE * f = std::fopen("/proc/self/status", "r")) {
        char line[256];
        while (std::fgets(line, sizeof line, f)) {
            unsigned long long kb = 0;
            if (std::sscanf(line, "VmRSS: %llu kB", &kb) == 1) out->rss_bytes = kb * 1024;
            if (std::sscanf(line, "VmHWM: %llu kB", &kb) == 1) out->peak_rss_bytes = kb * 1024;
        }
        std::fclose(f);
    }
#endif
    return TERN_OK;
}

}  // extern "C"
