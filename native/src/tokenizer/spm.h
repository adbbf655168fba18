// SentencePiece BPE (tokenizer.ggml.model = "llama": Llama 2, 1bitLLM, TriLM), the way
// sentencepiece's bpe_model.cc encodes and DecodeIds decodes, for models with the identity
// normalizer (no NFKC, no whitespace collapsing) and byte fallback:
//
//   fragment --("▁" in front, every U+0020 -> "▁")--> code points
//            --(merge the adjacent pair whose result has the highest score, leftmost on ties)-->
//            pieces --(a piece that is no token -> its UTF-8 bytes as <0xNN> tokens)--> ids
//
// There is no merges list: any pair whose concatenation is a NORMAL, USER_DEFINED or UNUSED
// token may merge. The Tokenizer (tokenizer.h) splits out special-token text and owns the token
// table; this file holds only what SentencePiece adds to it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/flat_maps.h"

namespace tern {

enum class TokenType : int32_t;

// "▁" (U+2581), SentencePiece's space marker.
inline constexpr std::string_view kSpmSpace = "\xE2\x96\x81";
// What DecodeIds prints for <unk>: space, U+2047, space.
inline constexpr std::string_view kSpmUnkSurface = " \xE2\x81\x87 ";

class SpmEncoder {
public:
    // tokens and types outlive the encoder and are never resized (the index holds views).
    // scores may be empty (all 0). Returns false with *error when the table cannot be used.
    bool build(const std::vector<std::string> & tokens, const std::vector<TokenType> & types, std::vector<float> scores,
               int32_t unk_id, bool add_space_prefix, std::string * error);

    // Encodes one text fragment (no special-token text in it); an empty fragment gives nothing.
    void encode(std::string_view fragment, std::vector<int32_t> & out) const;

    bool add_space_prefix() const { return add_space_prefix_; }

private:
    TokenTextIndex pieces_;      // NORMAL, USER_DEFINED and UNUSED tokens: what BPE may produce
    std::vector<float> scores_;  // per token id
    int32_t byte_token_[256];    // <0xNN> BYTE tokens, -1 when absent
    int32_t unk_id_ = -1;
    bool add_space_prefix_ = true;
};

// The byte a BYTE token's text "<0xNN>" stands for (hex in either case), -1 for any other text.
int spm_byte_value(std::string_view text);

// Whole-sequence SentencePiece decoding of a run of byte-token bytes: complete, shortest-form
// UTF-8 sequences are copied, every other byte becomes U+FFFD on its own. When !final, a valid
// but incomplete sequence at the end is left for later. Returns how many bytes were consumed.
size_t spm_decode_bytes(std::string_view bytes, bool final, std::string & out);

}  // namespace tern
