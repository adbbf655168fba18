// A generation session over one context: it remembers which tokens the KV cache holds, so a
// request that begins with them (a chat's next turn) computes only the rest.
//
//   Session s(model, ctx);
//   GenerateParams p;  p.max_tokens = 128;  p.stop_strings = {"\nUser:"};
//   GenerateStats stats;  std::string error;
//   s.generate(prompt_ids, p, [](const TokenEvent & e) { show(e.text); return true; }, &stats, &error);
//
// Each request carries its full token sequence (the whole conversation so far); the session
// keeps the longest common prefix with the cache, truncates the rest and evaluates the new
// tokens. A request that cannot fit (prompt + max_tokens > n_ctx) is refused (ContextFull);
// trimming history is the caller's job. Cancel: an abort check (set_request_abort / the
// context-wide one) is polled between layers in prefill and decode, and between tokens.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/context.h"
#include "model/model.h"
#include "sampler/sampler.h"

namespace tern {

struct GenerateParams {
    SamplerParams sampler;
    int32_t max_tokens = -1;                 // -1: until the context is full
    std::vector<std::string> stop_strings;   // generation ends before the first one found
    bool ignore_eog = false;                 // keep going after EOS / EOT
    bool continuation = false;               // the reply continues the prompt's text (a completion):
                                             // SentencePiece's first piece keeps its leading space
    // Prompt-lookup drafting (runtime/prompt_lookup.h): after each sampled token, up to
    // draft_max tokens that followed the sequence's last n-gram (n = draft_ngram_max down to
    // draft_ngram_min) earlier on are evaluated with it in one batch. A drafted token is kept
    // only when sampling its position gives exactly it, so the output is the same as without
    // drafting for every sampler setting; only the speed changes. 0: off.
    int32_t draft_max = 0;
    int32_t draft_ngram_min = 2;
    int32_t draft_ngram_max = 4;
};

// One generated token, or (id -1) the text that was held back at the end.
struct TokenEvent {
    int32_t id = -1;
    int32_t index = 0;        // 0-based position among the generated tokens
    std::string text;         // valid UTF-8, possibly empty (held back: part of a character or stop string)
    double ms = 0;            // since the previous token; for the first, since the request began
    double elapsed_ms = 0;    // since the request began
};

// Return false to stop generating (the stop reason is then Cancelled).
using TokenSink = std::function<bool(const TokenEvent &)>;

enum class FinishReason { None, EndOfGeneration, StopString, MaxTokens, ContextEnd, Cancelled };
const char * finish_reason_name(FinishReason r);  // "eog", "stop_string", "max_tokens", "context_end", "cancelled"

struct GenerateStats {
    int32_t n_prompt = 0;           // tokens of the request
    int32_t n_prompt_reused = 0;    // of them, already in the KV cache
    int32_t n_prompt_computed = 0;  // of them, evaluated by this request
    int32_t n_generated = 0;        // sampled tokens (a stop token included)
    int32_t n_drafted = 0;          // drafted tokens evaluated (draft_max > 0)
    int32_t n_draft_accepted = 0;   // of them, kept: generated without a decode step of their own
    double ttft_ms = 0;             // request start to the first sampled token
    double prefill_ms = 0;          // evaluating the prompt
    double decode_ms = 0;           // first token to the end
    double total_ms = 0;
    double prefill_tokens_per_s = 0;  // n_prompt_computed / prefill time
    double decode_tokens_per_s = 0;   // tokens decoded after the first / decode time
    FinishReason reason = FinishReason::None;
    std::vector<int32_t> ids;       // the generated ids
    std::string text;               // their text, as streamed
};

enum class GenerateError { None, InvalidArgument, ContextFull, OutOfMemory, Internal };

class Session {
public:
    Session(const Model & model, Context & ctx);
    ~Session();
    Session(const Session &) = delete;
    Session & operator=(const Session &) = delete;

    // Appends ids to the cache, keeping the record of its tokens (tern_decode goes through here).
    DecodeError decode(const int32_t * ids, int64_t n, bool all_logits, std::string * error);
    void truncate(int64_t n_keep);
    // The tokens whose keys and values the cache holds, in order.
    const std::vector<int32_t> & tokens() const { return tokens_; }

    // Context-wide abort check (tern_context_set_abort), polled in every decode.
    void set_abort(AbortCheck check, void * user) { abort_ = check, abort_user_ = user; }

    // Runs one request. Ends normally (GenerateError::None) on a stop token, stop string, the
    // token limit, the end of the context or a cancel (stats->reason says which); on an error
    // *error says what is wrong. `abort` (may be null) is polled like the context-wide check.
    GenerateError generate(const std::vector<int32_t> & prompt, const GenerateParams & params, const TokenSink & sink,
                           AbortCheck abort, void * abort_user, GenerateStats * stats, std::string * error);

private:
    static bool poll(void * self);

    const Model & m_;
    Context & ctx_;
    std::vector<int32_t> tokens_;
    AbortCheck abort_ = nullptr;
    void * abort_user_ = nullptr;
    AbortCheck request_abort_ = nullptr;
    void * request_abort_user_ = nullptr;
};

}  // namespace tern
