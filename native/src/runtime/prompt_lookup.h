// Prompt-lookup drafting (n-gram speculative decoding without a draft model): the tokens that
// followed the most recent earlier occurrence of the sequence's last n tokens are proposed as
// its continuation. Code, quoted text, lists and edits repeat their context, so the proposal is
// often right; the generation loop verifies it in one batched pass (runtime/session.cpp).
#pragma once

#include <cstdint>
#include <vector>

namespace tern {

// Up to `max_draft` tokens proposed to follow `seq`: tries n-grams of length max_ngram down to
// min_ngram, and for the first length whose last n tokens occur earlier in `seq`, takes the
// tokens after the most recent such occurrence. Empty when nothing matches.
// The n-gram range has one default, GenerateParams' (runtime/session.h).
std::vector<int32_t> prompt_lookup_draft(const std::vector<int32_t> & seq, int max_draft, int min_ngram, int max_ngram);

}  // namespace tern
