// Generated ids to text that is safe to show as it comes: the bytes of each token go through a
// streaming UTF-8 decoder (never half a character) and then the stop conditions (text that may
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
#include "tokenizer/utf8_stream.h"

namespace tern {

class TextStream {
public:
    // tokenizer may be null (a model without a vocabulary): every piece is then empty.
    TextStream(const Tokenizer * tokenizer, std::vector<int32_t> stop_ids, std::vector<std::string> stop_strings);

    struct Step {
        std::string text;  // valid UTF-8, safe to show now
        StopReason reason = StopReason::none;
    };
    Step push(int32_t id);
    // The text still held back (an incomplete character becomes U+FFFD, a partial stop string
    // is released), once generation ended for a reason other than a stop.
    std::string finish();

private:
    const Tokenizer * tok_;
    Utf8StreamDecoder utf8_;
    StopConditions stop_;
};

}  // namespace tern
