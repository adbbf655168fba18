// Ids to text, one token at a time, for generation and for whole sequences: everything returned
// is valid UTF-8 and the pieces joined equal the whole-sequence text.
//
//   Detokenizer d(&tokenizer, options);
//   for each id: show(d.push(id));
//   at the end: show(d.flush());
//
// gpt2 vocabularies: each token's bytes through a Utf8StreamDecoder (an incomplete character is
// held back; invalid bytes become one U+FFFD per maximal invalid subpart).
// SentencePiece vocabularies: sentencepiece's DecodeIds, applied per sequence: control tokens are
// invisible, <unk> reads " ⁇ ", a run of byte tokens is decoded as UTF-8 with every byte that
// starts no complete sequence as its own U+FFFD (an incomplete sequence is held until the run
// ends), and the first piece loses one leading space unless a byte token or <unk> came first, or
// the options say the ids continue text already shown (continuation).
#pragma once

#include <cstdint>
#include <string>

#include "tokenizer/tokenizer.h"
#include "tokenizer/utf8_stream.h"

namespace tern {

class Detokenizer {
public:
    // tokenizer may be null: every piece is then empty.
    explicit Detokenizer(const Tokenizer * tokenizer, DetokenizeOptions options = {});

    // The text the id completes (may be empty while bytes are held back). Out-of-range ids give "".
    std::string push(int32_t id);
    // Ends the sequence: held-back bytes come out as U+FFFD. The next push starts a new sequence.
    std::string flush();
    // Bytes held back, waiting for the rest of a character.
    size_t pending() const { return utf8_.pending() + bytes_.size(); }

private:
    const Tokenizer * tok_;
    DetokenizeOptions options_;
    Utf8StreamDecoder utf8_;  // gpt2
    std::string bytes_;       // SentencePiece: the undecoded end of the current byte-token run
    bool at_start_;           // SentencePiece: nothing shown yet in this sequence
};

}  // namespace tern
