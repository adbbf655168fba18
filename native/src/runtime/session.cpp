#include "runtime/session.h"

#include <algorithm>
#include <chrono>
#include <new>

#include "runtime/prompt_lookup.h"
#include "runtime/text_stream.h"

namespace tern {

namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

const char * finish_reason_name(FinishReason r) {
    switch (r) {
        case FinishReason::None: return "none";
        case FinishReason::EndOfGeneration: return "eog";
        case FinishReason::StopString: return "stop_string";
        case FinishReason::MaxTokens: return "max_tokens";
        case FinishReason::ContextEnd: return "context_end";
        case FinishReason::Cancelled: return "cancelled";
    }
    return "none";
}

Session::Session(const Model & model, Context & ctx) : m_(model), ctx_(ctx) {
    tokens_.reserve(static_cast<size_t>(ctx.n_ctx()));
    ctx_.set_abort(&Session::poll, this);
}

Session::~Session() { ctx_.set_abort(nullptr, nullptr); }

bool Session::poll(void * self) {
    const Session * s = static_cast<const Session *>(self);
    return (s->request_abort_ && s->request_abort_(s->request_abort_user_)) || (s->abort_ && s->abort_(s->abort_user_));
}

DecodeError Session::decode(const int32_t * ids, int64_t n, bool all_logits, std::string * error) {
    const DecodeError e = ctx_.decode(ids, n, all_logits, error);
    if (e == DecodeError::None) tokens_.insert(tokens_.end(), ids, ids + n);
    return e;
}

void Session::truncate(int64_t n_keep) {
    if (n_keep < 0 || n_keep >= static_cast<int64_t>(tokens_.size())) return;
    ctx_.truncate(n_keep);
    tokens_.resize(static_cast<size_t>(n_keep));
}

GenerateError Session::generate(const std::vector<int32_t> & prompt, const GenerateParams & params, const TokenSink & sink,
                                 AbortCheck abort, void * abort_user, GenerateStats * stats, std::string * error) {
    *stats = GenerateStats();
    const Clock::time_point t0 = Clock::now();
    const int64_t n_prompt = static_cast<int64_t>(prompt.size());
    const int64_t n_ctx = ctx_.n_ctx(), n_vocab = m_.hp.n_vocab;
    if (n_prompt == 0) {
        *error = "the request has no tokens";
        return GenerateError::InvalidArgument;
    }
    for (int64_t i = 0; i < n_prompt; ++i)
        if (prompt[static_cast<size_t>(i)] < 0 || prompt[static_cast<size_t>(i)] >= n_vocab) {
            *error = "token id " + std::to_string(prompt[static_cast<size_t>(i)]) + " at index " + std::to_string(i) +
                     " is outside the vocabulary (0.." + std::to_string(n_vocab - 1) + ")";
            return GenerateError::InvalidArgument;
        }
    if (params.max_tokens < -1) {
        *error = "max_tokens must be -1 (until the context is full) or at least 0";
        return GenerateError::InvalidArgument;
    }
    if (params.draft_max < 0 || (params.draft_max > 0 && (params.draft_ngram_min < 1 || params.draft_ngram_max < params.draft_ngram_min))) {
        *error = "drafting needs draft_max >= 0 and 1 <= draft_ngram_min <= draft_ngram_max";
        return GenerateError::InvalidArgument;
    }
    const int64_t wanted = n_prompt + (params.max_tokens < 0 ? 1 : params.max_tokens);
    if (wanted > n_ctx) {
        *error = "the request does not fit in the context: it needs " + std::to_string(wanted) + " positions (" +
                 std::to_string(n_prompt) + " prompt tokens + " +
                 (params.max_tokens < 0 ? std::string("at least 1 generated") : "up to " + std::to_string(params.max_tokens) + " generated") +
                 ") but the context holds " + std::to_string(n_ctx);
        return GenerateError::ContextFull;
    }

    request_abort_ = abort;
    request_abort_user_ = abort_user;
    struct Reset {
        Session * s;
        ~Reset() { s->request_abort_ = nullptr, s->request_abort_user_ = nullptr; }
    } reset{this};

    try {
        stats->n_prompt = static_cast<int32_t>(n_prompt);
        // Keep the longest common prefix; at least the last prompt token is evaluated again,
        // since its logits choose the first new token.
        int64_t keep = 0;
        const int64_t limit = std::min<int64_t>(static_cast<int64_t>(tokens_.size()), n_prompt - 1);
        while (keep < limit && tokens_[static_cast<size_t>(keep)] == prompt[static_cast<size_t>(keep)]) ++keep;
        truncate(keep);
        stats->n_prompt_reused = static_cast<int32_t>(keep);
        stats->n_prompt_computed = static_cast<int32_t>(n_prompt - keep);

        // The tokens of the last decode step (the last sampled token, then the drafts evaluated
        // with it) and the logits row that predicts the next token: row r follows batch[r].
        std::vector<int32_t> batch{prompt.back()};
        int64_t row = 0;
        // Drafted tokens after batch[row] are in the cache but not (yet) part of the sequence.
        auto drop_unverified = [&] { truncate(ctx_.n_past() - (static_cast<int64_t>(batch.size()) - 1 - row)); };

        auto finish = [&](FinishReason reason) {
            drop_unverified();
            stats->reason = reason;
            const Clock::time_point end = Clock::now();
            stats->total_ms = ms_between(t0, end);
            if (stats->n_generated > 0) stats->decode_ms = stats->total_ms - stats->ttft_ms;
            if (stats->prefill_ms > 0) stats->prefill_tokens_per_s = stats->n_prompt_computed / (stats->prefill_ms / 1000.0);
            if (stats->n_generated > 1 && stats->decode_ms > 0)
                stats->decode_tokens_per_s = (stats->n_generated - 1) / (stats->decode_ms / 1000.0);
            return GenerateError::None;
        };
        auto fail = [&](DecodeError e) {
            switch (e) {
                case DecodeError::InvalidArgument: return GenerateError::InvalidArgument;
                case DecodeError::ContextFull: return GenerateError::ContextFull;
                case DecodeError::OutOfMemory: return GenerateError::OutOfMemory;
                default: return GenerateError::Internal;
            }
        };

        if (poll(this)) return finish(FinishReason::Cancelled);
        const DecodeError pe = decode(prompt.data() + keep, n_prompt - keep, false, error);
        stats->prefill_ms = ms_between(t0, Clock::now());
        if (pe == DecodeError::Aborted) return finish(FinishReason::Cancelled);
        if (pe != DecodeError::None) return fail(pe);

        Sampler sampler(params.sampler);
        for (int32_t id : prompt) sampler.accept(id);
        std::vector<int32_t> stop_ids;
        if (!params.ignore_eog && m_.tokenizer) {
            for (int32_t id : {m_.tokenizer->eos_id(), m_.tokenizer->eot_id()})
                if (id >= 0) stop_ids.push_back(id);
        }
        TextStream text(m_.tokenizer.get(), stop_ids, params.stop_strings, params.continuation);
        Clock::time_point last = t0;
        auto emit = [&](int32_t id, std::string piece) {
            const Clock::time_point now = Clock::now();
            TokenEvent ev;
            ev.id = id;
            ev.index = id >= 0 ? stats->n_generated - 1 : stats->n_generated;
            ev.text = std::move(piece);
            ev.ms = ms_between(last, now);
            ev.elapsed_ms = ms_between(t0, now);
            last = now;
            stats->text += ev.text;
            return sink ? sink(ev) : true;
        };
        auto end_with = [&](FinishReason reason) {
            std::string rest = text.finish();
            if (!rest.empty()) emit(-1, std::move(rest));
            return finish(reason);
        };

        std::vector<int32_t> seq;  // prompt + generated, for the draft lookup
        if (params.draft_max > 0) seq = prompt;
        // Drafts per step adapt to how well they do: the limit doubles (up to draft_max) after a
        // step whose drafts were all kept and falls to the number kept (at least 1) after one
        // was rejected, so text that stops repeating costs little.
        int64_t draft_limit = 1;
        for (;;) {
            if (params.max_tokens >= 0 && stats->n_generated >= params.max_tokens) return end_with(FinishReason::MaxTokens);
            const int32_t id = sampler.sample(ctx_.logits(row), static_cast<int32_t>(n_vocab));
            sampler.accept(id);
            stats->ids.push_back(id);
            ++stats->n_generated;
            if (stats->n_generated == 1) stats->ttft_ms = ms_between(t0, Clock::now());
            // A drafted token that is exactly the sampled one is already in the cache.
            const bool drafted = row + 1 < static_cast<int64_t>(batch.size()) && batch[static_cast<size_t>(row + 1)] == id;
            if (drafted) {
                ++row;
                ++stats->n_draft_accepted;
            }
            TextStream::Step step = text.push(id);
            const bool go_on = emit(id, std::move(step.text));
            if (step.reason == StopReason::end_of_generation) return finish(FinishReason::EndOfGeneration);
            if (step.reason == StopReason::stop_string) return finish(FinishReason::StopString);
            if (!go_on) return end_with(FinishReason::Cancelled);
            if (params.max_tokens >= 0 && stats->n_generated >= params.max_tokens) return end_with(FinishReason::MaxTokens);
            if (params.draft_max > 0) seq.push_back(id);
            if (drafted) {
                if (poll(this)) return end_with(FinishReason::Cancelled);
                continue;
            }
            const int64_t offered = static_cast<int64_t>(batch.size()) - 1, kept = row;
            if (offered > 0) draft_limit = kept == offered ? std::min<int64_t>(params.draft_max, 2 * draft_limit) : std::max<int64_t>(1, kept);
            drop_unverified();
            if (ctx_.n_past() >= n_ctx) return end_with(FinishReason::ContextEnd);
            if (poll(this)) return end_with(FinishReason::Cancelled);
            batch.assign(1, id);
            row = 0;
            if (params.draft_max > 0) {
                // Drafts whose rows can still be used: within max_tokens and the context.
                int64_t room = std::min<int64_t>(draft_limit, n_ctx - ctx_.n_past() - 1);
                if (params.max_tokens >= 0) room = std::min<int64_t>(room, params.max_tokens - stats->n_generated - 1);
                if (room > 0) {
                    const std::vector<int32_t> draft =
                        prompt_lookup_draft(seq, static_cast<int>(room), params.draft_ngram_min, params.draft_ngram_max);
                    batch.insert(batch.end(), draft.begin(), draft.end());
                    stats->n_drafted += static_cast<int32_t>(draft.size());
                }
            }
            const DecodeError de = decode(batch.data(), static_cast<int64_t>(batch.size()), batch.size() > 1, error);
            if (de != DecodeError::None) batch.assign(1, id);  // nothing was appended
            if (de == DecodeError::Aborted) return end_with(FinishReason::Cancelled);
            if (de != DecodeError::None) return fail(de);
        }
    } catch (const std::bad_alloc &) {
        *error = "out of memory during generation";
        return GenerateError::OutOfMemory;
    }
}

}  // namespace tern
