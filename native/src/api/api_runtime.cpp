// The C API of the runtime: tokenizer calls, the streaming detokenizer and tern_generate.
// Every entry point catches everything; nothing escapes as a C++ exception.
#include <algorithm>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "api/api_internal.h"
#include "runtime/session.h"
#include "runtime/text_stream.h"
#include "tokenizer/detokenizer.h"

struct tern_detokenizer {
    const tern::Tokenizer * tok;
    tern::Detokenizer detok;
    std::string out;
};

using tern_api::copy_out;
using tern_api::fail;
using tern_api::guarded;

namespace {

const tern::Tokenizer * tokenizer_of(const tern_model * model) { return model && model->m ? model->m->tokenizer.get() : nullptr; }

tern::DetokenizeOptions detok(bool skip_special) {
    tern::DetokenizeOptions o;
    o.skip_special = skip_special;
    return o;
}

}  // namespace

extern "C" {

bool tern_model_has_tokenizer(const tern_model * model) { return tokenizer_of(model) != nullptr; }
int32_t tern_model_n_tokens(const tern_model * model) { return tokenizer_of(model) ? tokenizer_of(model)->n_tokens() : 0; }
int32_t tern_token_bos(const tern_model * model) { return tokenizer_of(model) ? tokenizer_of(model)->bos_id() : -1; }
int32_t tern_token_eos(const tern_model * model) { return tokenizer_of(model) ? tokenizer_of(model)->eos_id() : -1; }
int32_t tern_token_eot(const tern_model * model) { return tokenizer_of(model) ? tokenizer_of(model)->eot_id() : -1; }
bool tern_model_add_bos(const tern_model * model) { return tokenizer_of(model) && tokenizer_of(model)->add_bos(); }
bool tern_token_is_special(const tern_model * model, int32_t id) {
    const tern::Tokenizer * t = tokenizer_of(model);
    return t && id >= 0 && id < t->n_tokens() && t->is_special(id);
}
bool tern_token_is_eog(const tern_model * model, int32_t id) {
    return tokenizer_of(model) && tokenizer_of(model)->is_end_of_generation(id);
}

tern_status tern_tokenize(const tern_model * model, const char * text, size_t len, bool add_bos, bool parse_special,
                          int32_t * ids, int32_t max_ids, int32_t * n_ids) {
    return guarded([&] {
        if (n_ids) *n_ids = 0;
        if (!model || !n_ids || (!text && len > 0) || max_ids < 0 || (!ids && max_ids > 0))
            return fail(TERN_ERR_INVALID_ARGUMENT, "tern_tokenize: bad argument");
        const tern::Tokenizer * tok = tokenizer_of(model);
        if (!tok) return fail(TERN_ERR_UNSUPPORTED, "the model file has no tokenizer (tokenizer.ggml.tokens)");
        tern::TokenizeOptions o;
        o.add_bos = add_bos;
        o.parse_special = parse_special;
        const std::vector<int32_t> out = tok->tokenize(std::string_view(text ? text : "", len), o);
        if (out.size() > 0x7fffffff) return fail(TERN_ERR_INVALID_ARGUMENT, "tern_tokenize: the text is too long");
        *n_ids = static_cast<int32_t>(out.size());
        if (*n_ids > max_ids)
            return fail(TERN_ERR_INVALID_ARGUMENT, "tern_tokenize: the buffer holds " + std::to_string(max_ids) + " ids, " +
                                                       std::to_string(*n_ids) + " are needed");
        if (!out.empty()) std::memcpy(ids, out.data(), out.size() * sizeof(int32_t));
        return TERN_OK;
    });
}

int32_t tern_token_to_piece(const tern_model * model, int32_t id, bool skip_special, char * buf, size_t size) {
    const tern::Tokenizer * tok = tokenizer_of(model);
    if (!tok || id < 0 || id >= tok->n_tokens()) return -1;
    try {
        return copy_out(tok->token_bytes(id, detok(skip_special)), buf, size);
    } catch (...) {
        return -1;
    }
}

int32_t tern_detokenize(const tern_model * model, const int32_t * ids, int32_t n_ids, bool skip_special, char * buf, size_t size) {
    const tern::Tokenizer * tok = tokenizer_of(model);
    if (!tok || n_ids < 0 || (!ids && n_ids > 0)) return -1;
    try {
        for (int32_t i = 0; i < n_ids; ++i) {
            if (ids[i] < 0 || ids[i] >= tok->n_tokens()) return -1;
        }
        return copy_out(tok->detokenize(std::vector<int32_t>(ids, ids + n_ids), detok(skip_special)), buf, size);
    } catch (...) {
        return -1;
    }
}

tern_status tern_detokenizer_new(const tern_model * model, bool skip_special, tern_detokenizer ** out) {
    return guarded([&] {
        if (!out) return fail(TERN_ERR_INVALID_ARGUMENT, "tern_detokenizer_new: out is NULL");
        *out = nullptr;
        const tern::Tokenizer * tok = tokenizer_of(model);
        if (!tok) return fail(TERN_ERR_UNSUPPORTED, "the model file has no tokenizer (tokenizer.ggml.tokens)");
        *out = new tern_detokenizer{tok, tern::Detokenizer(tok, detok(skip_special)), {}};
        return TERN_OK;
    });
}

const char * tern_detokenizer_push(tern_detokenizer * d, int32_t id, size_t * len) {
    if (len) *len = 0;
    if (!d || id < 0 || id >= d->tok->n_tokens()) return nullptr;
    try {
        d->out = d->detok.push(id);
    } catch (...) {
        return nullptr;
    }
    if (len) *len = d->out.size();
    return d->out.c_str();
}

const char * tern_detokenizer_flush(tern_detokenizer * d, size_t * len) {
    if (len) *len = 0;
    if (!d) return nullptr;
    d->out = d->detok.flush();
    if (len) *len = d->out.size();
    return d->out.c_str();
}

void tern_detokenizer_free(tern_detokenizer * d) { delete d; }

tern_sampler_params tern_sampler_default_params(void) {
    const tern::SamplerParams d;
    tern_sampler_params p;
    p.temperature = d.temperature;
    p.top_k = d.top_k;
    p.top_p = d.top_p;
    p.min_p = d.min_p;
    p.repeat_penalty = d.repeat_penalty;
    p.repeat_last_n = d.penalty_last_n;
    p.frequency_penalty = d.frequency_penalty;
    p.presence_penalty = d.presence_penalty;
    p.seed = d.seed;
    return p;
}

const char * tern_stop_reason_name(tern_stop_reason reason) {
    switch (reason) {
        case TERN_STOP_NONE: return "none";
        case TERN_STOP_END_OF_GENERATION: return "eog";
        case TERN_STOP_STRING: return "stop_string";
        case TERN_STOP_MAX_TOKENS: return "max_tokens";
        case TERN_STOP_CONTEXT_END: return "context_end";
        case TERN_STOP_CANCELLED: return "cancelled";
    }
    return "none";
}

tern_generate_params tern_generate_default_params(void) {
    tern_generate_params p;
    p.sampler = tern_sampler_default_params();
    p.max_tokens = -1;
    p.stop_strings = nullptr;
    p.n_stop_strings = 0;
    p.ignore_eog = false;
    p.continuation = false;
    p.draft_max = 0;
    p.draft_ngram_min = 2;
    p.draft_ngram_max = 4;
    p.on_token = nullptr;
    p.on_token_user_data = nullptr;
    p.abort = nullptr;
    p.abort_user_data = nullptr;
    return p;
}

tern_status tern_generate(tern_context * ctx, const int32_t * prompt, int32_t n_prompt, const tern_generate_params * params,
                          tern_generate_result * out) {
    return guarded([&] {
        if (out) *out = tern_generate_result{};
        if (!ctx || !out || n_prompt < 0 || (!prompt && n_prompt > 0))
            return fail(TERN_ERR_INVALID_ARGUMENT, "tern_generate: bad argument");
        const tern_generate_params p = params ? *params : tern_generate_default_params();
        if (p.n_stop_strings < 0 || (p.n_stop_strings > 0 && !p.stop_strings))
            return fail(TERN_ERR_INVALID_ARGUMENT, "tern_generate: bad stop strings");
        tern::GenerateParams g;
        g.sampler.temperature = p.sampler.temperature;
        g.sampler.top_k = p.sampler.top_k;
        g.sampler.top_p = p.sampler.top_p;
        g.sampler.min_p = p.sampler.min_p;
        g.sampler.repeat_penalty = p.sampler.repeat_penalty;
        g.sampler.penalty_last_n = p.sampler.repeat_last_n;
        g.sampler.frequency_penalty = p.sampler.frequency_penalty;
        g.sampler.presence_penalty = p.sampler.presence_penalty;
        g.sampler.seed = p.sampler.seed;
        g.max_tokens = p.max_tokens;
        g.ignore_eog = p.ignore_eog;
        g.continuation = p.continuation;
        g.draft_max = p.draft_max;
        g.draft_ngram_min = p.draft_ngram_min;
        g.draft_ngram_max = p.draft_ngram_max;
        for (int32_t i = 0; i < p.n_stop_strings; ++i)
            if (p.stop_strings[i]) g.stop_strings.emplace_back(p.stop_strings[i]);
        tern::TokenSink sink;
        if (p.on_token) {
            sink = [&p](const tern::TokenEvent & e) {
                tern_token_event ev;
                ev.id = e.id;
                ev.index = e.index;
                ev.text = e.text.c_str();
                ev.text_len = e.text.size();
                ev.ms = e.ms;
                ev.elapsed_ms = e.elapsed_ms;
                return p.on_token(&ev, p.on_token_user_data);
            };
        }
        tern::GenerateStats stats;
        std::string why;
        const tern::GenerateError e = ctx->session->generate(std::vector<int32_t>(prompt, prompt + n_prompt), g, sink, p.abort,
                                                             p.abort_user_data, &stats, &why);
        out->n_prompt = stats.n_prompt;
        out->n_prompt_reused = stats.n_prompt_reused;
        out->n_prompt_computed = stats.n_prompt_computed;
        out->n_generated = stats.n_generated;
        out->n_drafted = stats.n_drafted;
        out->n_draft_accepted = stats.n_draft_accepted;
        out->ttft_ms = stats.ttft_ms;
        out->prefill_ms = stats.prefill_ms;
        out->decode_ms = stats.decode_ms;
        out->total_ms = stats.total_ms;
        out->prefill_tokens_per_s = stats.prefill_tokens_per_s;
        out->decode_tokens_per_s = stats.decode_tokens_per_s;
        switch (stats.reason) {
            case tern::FinishReason::None: out->stop_reason = TERN_STOP_NONE; break;
            case tern::FinishReason::EndOfGeneration: out->stop_reason = TERN_STOP_END_OF_GENERATION; break;
            case tern::FinishReason::StopString: out->stop_reason = TERN_STOP_STRING; break;
            case tern::FinishReason::MaxTokens: out->stop_reason = TERN_STOP_MAX_TOKENS; break;
            case tern::FinishReason::ContextEnd: out->stop_reason = TERN_STOP_CONTEXT_END; break;
            case tern::FinishReason::Cancelled: out->stop_reason = TERN_STOP_CANCELLED; break;
        }
        switch (e) {
            case tern::GenerateError::None: return TERN_OK;
            case tern::GenerateError::InvalidArgument: return fail(TERN_ERR_INVALID_ARGUMENT, why);
            case tern::GenerateError::ContextFull: return fail(TERN_ERR_CONTEXT_FULL, why);
            case tern::GenerateError::OutOfMemory: return fail(TERN_ERR_OUT_OF_MEMORY, why);
            case tern::GenerateError::Internal: break;
        }
        return fail(TERN_ERR_INTERNAL, why.empty() ? "generation failed" : why);
    });
}

int32_t tern_context_tokens(const tern_context * ctx, int32_t * out, int32_t max) {
    if (!ctx) return 0;
    const std::vector<int32_t> & t = ctx->session->tokens();
    if (out && max > 0) std::memcpy(out, t.data(), std::min(t.size(), static_cast<size_t>(max)) * sizeof(int32_t));
    return static_cast<int32_t>(t.size());
}

tern_status tern_context_memory(const tern_context * ctx, tern_memory_estimate * out) {
    return guarded([&] {
        if (!ctx || !out) return fail(TERN_ERR_INVALID_ARGUMENT, "tern_context_memory: NULL argument");
        const tern::MemoryEstimate e = tern::estimate_memory(*ctx->model->m, ctx->ctx->n_ctx(), ctx->ctx->threads(), 64);
        out->weights_bytes = e.weights;
        out->kv_cache_bytes = e.kv_cache;
        out->scratch_bytes = e.scratch;
        out->total_bytes = e.total;
        return TERN_OK;
    });
}

}  // extern "C"
