// The model's tokenizer, read from the GGUF keys tokenizer.ggml.* (see tokenizer/tokenizer.h).
#pragma once

#include <memory>
#include <string>

#include "gguf/gguf.h"
#include "tokenizer/tokenizer.h"

namespace tern {

enum class VocabResult { Ok, Absent, Unsupported, Format };

// Builds the tokenizer the file describes. Absent: the file has no tokenizer.ggml.tokens (the
// model still runs on ids). Unsupported / Format: *error names the problem.
VocabResult load_vocab(const gguf::File & f, std::unique_ptr<Tokenizer> * out, std::string * error);

}  // namespace tern
