// Reads the tokenizer keys of a GGUF into a TokenizerSpec and builds the tokenizer.
#include "model/vocab.h"

#include <optional>
#include <string_view>
#include <vector>

namespace tern {

VocabResult load_vocab(const gguf::File & f, std::unique_ptr<Tokenizer> * out, std::string * error) {
    out->reset();
    if (!f.find("tokenizer.ggml.tokens")) return VocabResult::Absent;
    TokenizerSpec spec;
    std::vector<std::string_view> views;
    if (!f.get_string_array("tokenizer.ggml.tokens", &views)) {
        *error = "tokenizer.ggml.tokens is not an array of strings";
        return VocabResult::Format;
    }
    spec.tokens.assign(views.begin(), views.end());
    views.clear();
    if (f.find("tokenizer.ggml.merges")) {
        if (!f.get_string_array("tokenizer.ggml.merges", &views)) {
            *error = "tokenizer.ggml.merges is not an array of strings";
            return VocabResult::Format;
        }
        spec.merges.assign(views.begin(), views.end());
    }
    if (f.find("tokenizer.ggml.token_type")) {
        std::vector<int64_t> types;
        if (!f.get_int_array("tokenizer.ggml.token_type", &types)) {
            *error = "tokenizer.ggml.token_type is not an array of integers";
            return VocabResult::Format;
        }
        spec.token_types.assign(types.begin(), types.end());
    }
    if (f.find("tokenizer.ggml.scores") && !f.get_float_array("tokenizer.ggml.scores", &spec.scores)) {
        *error = "tokenizer.ggml.scores is not an array of numbers";
        return VocabResult::Format;
    }
    struct IdKey {
        const char * key;
        int32_t * out;
    };
    for (const IdKey & k : {IdKey{"tokenizer.ggml.bos_token_id", &spec.bos_id}, IdKey{"tokenizer.ggml.eos_token_id", &spec.eos_id},
                            IdKey{"tokenizer.ggml.eot_token_id", &spec.eot_id}, IdKey{"tokenizer.ggml.unknown_token_id", &spec.unk_id}}) {
        if (!f.find(k.key)) continue;
        int64_t id = 0;
        if (!f.get_int(k.key, &id) || id < -1 || id >= static_cast<int64_t>(spec.tokens.size())) {
            *error = std::string(k.key) + " is not a token id of the vocabulary";
            return VocabResult::Format;
        }
        *k.out = static_cast<int32_t>(id);
    }
    struct FlagKey {
        const char * key;
        std::optional<bool> * out;
    };
    for (const FlagKey & k : {FlagKey{"tokenizer.ggml.add_bos_token", &spec.add_bos}, FlagKey{"tokenizer.ggml.add_eos_token", &spec.add_eos},
                              FlagKey{"tokenizer.ggml.add_space_prefix", &spec.add_space_prefix}}) {
        if (!f.find(k.key)) continue;
        bool value = false;
        if (!f.get_bool(k.key, &value)) {
            *error = std::string(k.key) + " is not a boolean";
            return VocabResult::Format;
        }
        *k.out = value;
    }
    if (f.find("tokenizer.ggml.model") && !f.get_string("tokenizer.ggml.model", &spec.model)) {
        *error = "tokenizer.ggml.model is not a string";
        return VocabResult::Format;
    }
    if (f.find("tokenizer.ggml.pre") && !f.get_string("tokenizer.ggml.pre", &spec.pre)) {
        *error = "tokenizer.ggml.pre is not a string";
        return VocabResult::Format;
    }
    const std::string model = spec.model, pre = spec.pre;
    std::string why;
    *out = Tokenizer::create(std::move(spec), &why);
    if (!*out) {
        // An unknown tokenizer model or pre-tokenizer is something we do not run; anything
        // else is a broken vocabulary.
        const bool unsupported = (model != "gpt2" && model != "llama") || why.find("pre-tokenizer") != std::string::npos;
        *error = why.rfind("tokenizer", 0) == 0 ? why : "tokenizer: " + why;
        return unsupported ? VocabResult::Unsupported : VocabResult::Format;
    }
    return VocabResult::Ok;
}

}  // namespace tern
