// libFuzzer target over the GGUF reader and the model loader: any input must give either a
// parsed file / loaded model or an error message — never a crash, a leak or an out-of-bounds
// read (built with -fsanitize=fuzzer,address by scripts/fuzz.sh). Small models that load are
// also run for two tokens. Every input is also read as the start of a file (header only).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gguf/gguf.h"
#include "tern.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t * data, size_t size) {
    std::string err;
    auto f = tern::gguf::File::from_memory(data, size, &err);
    if (f) {
        // Touch everything the reader hands out.
        size_t sink = 0;
        for (const auto & kv : f->metadata()) sink += kv.value.to_string().size() + kv.key.size();
        for (const auto & t : f->tensors()) {
            if (t.n_bytes) sink += t.data[0] + t.data[t.n_bytes - 1];
        }
        std::vector<std::string_view> strs;
        std::vector<int64_t> ints;
        std::vector<float> floats;
        f->get_string_array("tokenizer.ggml.tokens", &strs);
        f->get_int_array("tokenizer.ggml.token_type", &ints);
        f->get_float_array("tokenizer.ggml.scores", &floats);
        (void)sink;
    } else if (err.empty()) {
        __builtin_trap();  // a refusal must say why
    }

    // As a header: no tensor data handed out; a refusal says why, asking for more bytes only
    // when the input ends inside the header.
    uint64_t need = 0;
    auto h = tern::gguf::File::from_memory(data, size, &err, tern::gguf::File::Mode::HeaderOnly, &need);
    if (h) {
        for (const auto & t : h->tensors())
            if (t.data) __builtin_trap();
        if (h->file_size() < size) __builtin_trap();
    } else if (err.empty() || (need != 0 && need <= size)) {
        __builtin_trap();
    }
    tern_model_params hp = tern_model_default_params();
    hp.header_only = true;
    tern_model * header_model = nullptr;
    if (tern_model_load_from_memory(data, size, &hp, &header_model) == TERN_OK) tern_model_free(header_model);

    tern_model_params mp = tern_model_default_params();
    mp.n_threads = 1;
    tern_model * model = nullptr;
    const tern_status st = tern_model_load_from_memory(data, size, &mp, &model);
    if (st != TERN_OK) {
        if (model || tern_last_error()[0] == '\0') __builtin_trap();
        return 0;
    }
    tern_model_info info;
    tern_model_get_info(model, &info);
    if (info.n_embd * info.n_layer <= 4096 && info.n_vocab <= 4096) {
        tern_context_params cp = tern_context_default_params();
        cp.n_ctx = 4;
        cp.n_threads = 1;
        tern_context * ctx = nullptr;
        if (tern_context_new(model, &cp, &ctx) == TERN_OK) {
            const int32_t ids[2] = {0, static_cast<int32_t>(info.n_vocab - 1)};
            tern_decode(ctx, ids, 2, true);
            tern_context_free(ctx);
        }
    }
    tern_model_free(model);
    return 0;
}
