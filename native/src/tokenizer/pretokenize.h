// Pre-tokenizers: split text into the pieces that byte-level BPE then encodes one at a time.
// Each is a hand-written scanner equivalent to its published regex (no regex engine).
#pragma once

#include <string_view>
#include <vector>

namespace tern {

enum class PreTokenizer {
    // (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
    llama3,
    // 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
    gpt2,
};

// Maps a tokenizer.ggml.pre value to its pre-tokenizer. An empty name (the file has no
// tokenizer.ggml.pre, as bitnet.cpp's converter writes every file) means Llama 3. Returns false
// for names it does not know.
bool pre_tokenizer_from_name(std::string_view name, PreTokenizer * out);

// The names pre_tokenizer_from_name accepts, for error messages: "llama-bpe, llama3, ...".
const char * supported_pre_tokenizer_names();

// Appends the pre-tokens of `text` to `out`. The pieces are views into `text`, in order, and
// together cover it exactly. Invalid UTF-8 bytes are kept (each is a piece of the "other"
// class: not a letter, number or space).
void pretokenize(PreTokenizer kind, std::string_view text, std::vector<std::string_view> & out);

}  // namespace tern
