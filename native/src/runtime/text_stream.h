// Generated ids to text that is safe to show as it comes: each token goes through a streaming
// Detokenizer (never half a character; SentencePiece rules per sequence) and then the stop conditions (text that may
// begin a stop string is held back until the next token decides).
//
//   TextStream s(tokenizer, {eos, eot}, {"\nUser:"});
//   for each id: TextStream::Step st = s.push(id); show(st.text); if (st.reason != none) break;
//   at the end (token limit, cancel): show(s.finish());
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sampler/stop.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/detokenizer.h"

namespace tern {

class TextStream {
public:
    // tokenizer may be null (a model without a vocabulary): every piece is then empty.
    // continuation: the ids continue the prompt's text (DetokenizeOptions::continuation).
    TextStream(const Tokenizer * tokenizer, std::vector<int32_t> stop_ids, std::vector<std::string> stop_strings,
               bool continuation = false);

    struct Step {
        std::string text;  // valid UTF-8, safe to show now
        StopReason reason = StopReason::none;
    };
    Step push(int32_t id);
    // The text still held back (an incomplete character becomes U+FFFD, a partial stop string
    // is released), once generation ended for a reason other than a stop.
    std::string finish();

private:
    Detokenizer detok_;
    StopConditions stop_;
};

}  // namespace tern
