// The model's tokenizer, built from a plain description of the vocabulary so that it does not
// depend on where the vocabulary came from (the model loader fills a TokenizerSpec from the GGUF
// keys tokenizer.ggml.*). Two kinds, chosen by tokenizer.ggml.model:
//
// "gpt2", byte-level BPE (the GPT-2 / Llama 3 family):
//   text --(special tokens, when asked)--> pieces --(pre-tokenizer)--> pre-tokens
//        --(GPT-2 byte-to-unicode)--> symbols --(merges by rank)--> ids
//
// "llama", SentencePiece BPE (Llama 2, 1bitLLM, TriLM; see spm.h):
//   text --(special tokens: control/unknown when asked, user-defined always)--> fragments
//        --(dummy prefix, spaces as "▁", merges by score)--> pieces --(byte fallback)--> ids
//   Decoding follows sentencepiece's DecodeIds: control tokens are invisible, <unk> reads " ⁇ ",
//   byte tokens join into UTF-8, the first piece of a sequence loses its leading space (use a
//   Detokenizer, detokenizer.h, for that and for streaming).
//
// Pre-tokenizers (tokenizer.ggml.pre): none (how bitnet.cpp's converter writes every file),
// llama-bpe, llama3, llama-v3, falcon3, falcon_e, falcon-h1 get the Llama 3 rules with
// ignore_merges; gpt2 gets the GPT-2 rules. Any other name is refused by create().
//
// Nothing here throws to the caller except std::bad_alloc: create() reports an unusable
// vocabulary through its error string, and tokenize() accepts any bytes (invalid UTF-8 is
// encoded through the single-byte tokens).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/flat_maps.h"
#include "tokenizer/pretokenize.h"
#include "tokenizer/spm.h"

namespace tern {

// tokenizer.ggml.token_type values.
enum class TokenType : int32_t {
    undefined = 0,
    normal = 1,
    unknown = 2,
    control = 3,
    user_defined = 4,
    unused = 5,
    byte = 6,
};

struct TokenizerSpec {
    std::string model = "gpt2";        // tokenizer.ggml.model: "gpt2" (byte-level BPE) or "llama" (SentencePiece)
    std::string pre;                   // tokenizer.ggml.pre; empty when the file has none
    std::vector<std::string> tokens;   // tokenizer.ggml.tokens (gpt2: in the GPT-2 byte spelling)
    std::vector<float> scores;         // tokenizer.ggml.scores (SentencePiece merge priority); may be empty
    std::vector<std::string> merges;   // tokenizer.ggml.merges, "left right", best rank first
    std::vector<int32_t> token_types;  // tokenizer.ggml.token_type; empty means all normal
    int32_t bos_id = -1;               // -1: not given
    int32_t eos_id = -1;
    int32_t eot_id = -1;               // -1: looked up by text (<|eot_id|>, <|im_end|>, ...)
    int32_t unk_id = -1;
    // tokenizer.ggml.add_bos_token; when the file does not say, true for the Llama 3 family
    // (as its tokenizer does) and false for GPT-2.
    std::optional<bool> add_bos;
    std::optional<bool> add_eos;           // tokenizer.ggml.add_eos_token; default false
    std::optional<bool> add_space_prefix;  // tokenizer.ggml.add_space_prefix (SentencePiece); default true
};

struct TokenizeOptions {
    bool add_bos = true;         // prepend BOS (and append EOS) when the vocabulary asks for it (false: never)
    bool parse_special = false;  // exact special-token text becomes that token's id
};

struct DetokenizeOptions {
    bool skip_special = false;   // leave out control and user-defined tokens (SentencePiece: control
                                 // tokens are always invisible)
    bool continuation = false;   // the ids continue text already shown (a completion of a prompt):
                                 // SentencePiece's first piece keeps its leading space
};

enum class TokenizerKind { bpe, spm };

class Tokenizer {
public:
    // Builds the tokenizer, or returns nullptr with the reason in *error. Does not throw. Pass
    // the spec with std::move to avoid copying the vocabulary.
    static std::unique_ptr<Tokenizer> create(TokenizerSpec spec, std::string * error) noexcept;

    // Text to ids. The result starts with BOS when options.add_bos and the vocabulary's add_bos
    // are both set.
    std::vector<int32_t> tokenize(std::string_view text, const TokenizeOptions & options = {}) const;

    // The bytes of one token on its own: the raw text of special tokens (empty when skipped),
    // the decoded bytes of ordinary ones (SentencePiece: "▁" as a space, a byte token's byte,
    // " ⁇ " for <unk>, nothing for control tokens). A token may hold part of a UTF-8 character.
    // To turn a sequence into text use detokenize() or a Detokenizer, which also apply
    // SentencePiece's sequence rules. Out-of-range ids give an empty string.
    std::string token_bytes(int32_t id, const DetokenizeOptions & options = {}) const;

    // Ids to text. gpt2: the token bytes concatenated (may be invalid UTF-8 if the ids split a
    // character). SentencePiece: sentencepiece's DecodeIds, always valid UTF-8.
    std::string detokenize(const std::vector<int32_t> & ids, const DetokenizeOptions & options = {}) const;

    TokenizerKind kind() const { return spm_ ? TokenizerKind::spm : TokenizerKind::bpe; }
    // SentencePiece only: puts "▁" in front of every text fragment.
    bool add_space_prefix() const { return spm_ && spm_->add_space_prefix(); }

    int32_t n_tokens() const { return static_cast<int32_t>(tokens_.size()); }
    const std::string & token_text(int32_t id) const { return tokens_.at(id); }
    TokenType token_type(int32_t id) const;
    bool is_special(int32_t id) const;  // control or user-defined
    // Looks a token up by its stored text; -1 when absent.
    int32_t find_token(std::string_view text) const;

    int32_t bos_id() const { return bos_id_; }
    int32_t eos_id() const { return eos_id_; }
    int32_t eot_id() const { return eot_id_; }
    int32_t unk_id() const { return unk_id_; }
    bool add_bos() const { return add_bos_; }
    bool add_eos() const { return add_eos_; }
    // EOS or EOT: the model is done talking.
    bool is_end_of_generation(int32_t id) const { return id >= 0 && (id == eos_id_ || id == eot_id_); }
    PreTokenizer pre_tokenizer() const { return pre_; }
    // A pre-token that is itself a vocabulary entry becomes that one token, whatever the merges
    // would make of it (the Llama 3 family; GPT-2 always applies the merges).
    bool ignore_merges() const { return ignore_merges_; }
    size_t n_merges() const { return merges_.size(); }

private:
    Tokenizer() = default;
    Tokenizer(const Tokenizer &) = delete;             // the indexes point into tokens_
    Tokenizer & operator=(const Tokenizer &) = delete;
    bool build(TokenizerSpec & spec, std::string * error);
    bool build_spm(TokenizerSpec & spec, std::string * error);
    void add_special(int32_t id);
    void find_eot(int32_t eot_id);

    void encode_text(std::string_view text, std::vector<int32_t> & out) const;
    void encode_pretoken(std::string_view piece, std::vector<int32_t> & out) const;

    std::vector<std::string> tokens_;
    std::vector<TokenType> types_;
    std::vector<std::string> bytes_;                          // decoded bytes per ordinary token
    TokenTextIndex by_text_;                                  // ordinary tokens
    MergeTable merges_;                                       // (left id, right id) -> merge
    int32_t byte_token_[256];                                 // single-byte token ids, -1 if absent
    std::string byte_spelling_[256];                          // GPT-2 byte-to-unicode, as UTF-8

    // Special tokens for parse_special, grouped by first byte, longest first. `always`: split out
    // even without parse_special (SentencePiece's user-defined tokens).
    struct Special {
        std::string_view text;
        int32_t id;
        bool always;
    };
    std::vector<Special> specials_by_byte_[256];
    bool has_always_special_ = false;
    TokenTextIndex special_by_text_;

    PreTokenizer pre_ = PreTokenizer::llama3;
    int32_t bos_id_ = -1, eos_id_ = -1, eot_id_ = -1, unk_id_ = -1;
    bool add_bos_ = false;
    bool add_eos_ = false;
    bool ignore_merges_ = true;
    std::unique_ptr<SpmEncoder> spm_;  // set for SentencePiece vocabularies
};

}  // namespace tern
