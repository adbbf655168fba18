// Deterministic synthetic models (`tern synth`): random ternary weights in I2_S, TQ1_0 or TQ2_0
// for the bitnet-b1.58 / bitnet-25 / bitnet architectures at any shape up to the full 2B4T one,
// and for `llama` (Falcon3-1.58bit / Llama3-8B-1.58 layout: no sub-norms, a separate F16
// output.weight; the shapes of those models come from `tern synth --shape`),
// laid out like Microsoft's ggml-model-i2_s.gguf (the same metadata keys in the same order, the
// same tensor order, F16 embedding, F32 norms; I2_S tail = the float scale then zeros; bitnet-25
// also gets a separate F16 output.weight). The file is streamed: one ternary tensor or one
// embedding row at a time is in memory. The same parameters always give the same bytes.
//
// Weights (as the fixtures' generator): trits with P(-1, 0, +1) = 0.35 / 0.30 / 0.35 and one
// fp16-exact scale per tensor, gain * U(0.5, 1.5) / sqrt(n_in) with gain 2 for attn_q/attn_k,
// 8 for attn_output/ffn_down, 1 otherwise; embedding and head ~ N(0, (4/sqrt(n_embd))^2) in F16;
// norm weights U(0.8, 1.2).
#pragma once

#include <cstdint>
#include <string>

namespace tern {

struct SynthParams {
    std::string arch = "bitnet-b1.58";  // bitnet-b1.58, bitnet-25, bitnet, llama
    std::string format = "I2_S";        // I2_S, TQ1_0, TQ2_0
    int64_t n_embd = 256, n_layer = 4, n_head = 4, n_head_kv = 2, n_ff = 768, n_vocab = 511, n_ctx = 4096;
    float rope_theta = 500000.0f;
    float rms_eps = 1e-5f;
    uint64_t seed = 1;
    std::string vocab_path;  // copy tokenizer.* keys from this GGUF (its vocabulary size must be n_vocab)
    bool (*progress)(float, void *) = nullptr;
    void * progress_user = nullptr;
};

enum class SynthError { None, InvalidArgument, Io, Aborted };

SynthError synth_write(const std::string & path, const SynthParams & p, std::string * error);

}  // namespace tern
