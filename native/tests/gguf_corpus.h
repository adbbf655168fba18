// Test helper: a small valid model-like GGUF and a corpus of broken variants of it, shared by
// test_gguf.cpp and the fuzz corpus generator (native/fuzz/make_corpus.cpp).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "gguf_builder.h"

namespace tern_test {

// A tiny, valid, loadable `bitnet-b1.58` model: n_embd 128 (256 for the TQ types' blocks),
// 1 layer, 2 heads (1 KV head), n_ff = n_embd, vocab 8. Ternary tensors in I2_S (36) or TQ2_0
// (35) with a non-zero scale.
inline GgufBuilder tiny_model_builder(uint32_t ternary_type = 36) {
    const uint64_t E = ternary_type == 36 ? 128 : 256, F = E, V = 8, H = 2, HKV = 1, HD = E / H;
    GgufBuilder b;
    const std::string a = "bitnet-b1.58";
    b.kv_string("general.architecture", a);
    b.kv_string("general.name", "tiny");
    b.kv_u32(a + ".vocab_size", V);
    b.kv_u32(a + ".context_length", 64);
    b.kv_u32(a + ".embedding_length", E);
    b.kv_u32(a + ".block_count", 1);
    b.kv_u32(a + ".feed_forward_length", F);
    b.kv_u32(a + ".rope.dimension_count", HD);
    b.kv_u32(a + ".attention.head_count", H);
    b.kv_u32(a + ".attention.head_count_kv", HKV);
    b.kv_f32(a + ".attention.layer_norm_rms_epsilon", 1e-5f);
    b.kv_f32(a + ".rope.freq_base", 10000.0f);
    b.kv_string("tokenizer.ggml.model", "gpt2");
    std::vector<std::string> toks;
    for (uint64_t i = 0; i < V; ++i) toks.push_back(std::string(1, char('a' + i)));
    b.kv_strings("tokenizer.ggml.tokens", toks);
    b.kv_i32s("tokenizer.ggml.token_type", std::vector<int32_t>(V, 1));
    b.kv_f32s("tokenizer.ggml.scores", std::vector<float>(V, 0.0f));

    TensorBytes rnd_bytes{12345};
    auto rnd = [&rnd_bytes]() { return rnd_bytes.next(); };
    auto f32_tensor = [&](uint64_t n, float base) { return rnd_bytes.f32(n, base); };
    auto f16_tensor = [&](uint64_t n) { return rnd_bytes.f16(n); };
    auto i2s_tensor = [&](uint64_t n) { return rnd_bytes.i2s(n, 0.05f); };
    auto tq2_tensor = [&](uint64_t n) {
        std::vector<uint8_t> d(n / 256 * 66);
        for (uint64_t blk = 0; blk < n / 256; ++blk) {
            uint8_t * p = &d[blk * 66];
            for (int i = 0; i < 64; ++i) {
                uint8_t byte = 0;
                for (int k = 0; k < 4; ++k) byte = static_cast<uint8_t>(byte << 2 | (rnd() % 3));
                p[i] = byte;
            }
            const uint16_t h = 0x2a66;  // ~0.05
            std::memcpy(p + 64, &h, 2);
        }
        return d;
    };
    auto ternary = [&](uint64_t n) { return ternary_type == 35 ? tq2_tensor(n) : i2s_tensor(n); };

    b.tensor("token_embd.weight", {E, V}, 1, f16_tensor(E * V));
    b.tensor("blk.0.attn_norm.weight", {E}, 0, f32_tensor(E, 1.0f));
    b.tensor("blk.0.attn_q.weight", {E, E}, ternary_type, ternary(E * E));
    b.tensor("blk.0.attn_k.weight", {E, HKV * HD}, ternary_type, ternary(E * HKV * HD));
    b.tensor("blk.0.attn_v.weight", {E, HKV * HD}, ternary_type, ternary(E * HKV * HD));
    b.tensor("blk.0.attn_output.weight", {E, E}, ternary_type, ternary(E * E));
    b.tensor("blk.0.attn_sub_norm.weight", {E}, 0, f32_tensor(E, 1.0f));
    b.tensor("blk.0.ffn_norm.weight", {E}, 0, f32_tensor(E, 1.0f));
    b.tensor("blk.0.ffn_gate.weight", {E, F}, ternary_type, ternary(E * F));
    b.tensor("blk.0.ffn_up.weight", {E, F}, ternary_type, ternary(E * F));
    b.tensor("blk.0.ffn_down.weight", {F, E}, ternary_type, ternary(F * E));
    b.tensor("blk.0.ffn_sub_norm.weight", {F}, 0, f32_tensor(F, 1.0f));
    b.tensor("output_norm.weight", {E}, 0, f32_tensor(E, 1.0f));
    return b;
}

struct BrokenFile {
    std::string name;
    std::vector<uint8_t> bytes;
    std::string expect;  // a word the error message must contain ("" = any error)
};

inline void patch_u64(std::vector<uint8_t> & b, size_t at, uint64_t v) { std::memcpy(&b[at], &v, 8); }
inline void patch_u32(std::vector<uint8_t> & b, size_t at, uint32_t v) { std::memcpy(&b[at], &v, 4); }

// Broken variants that the GGUF reader itself must refuse.
inline std::vector<BrokenFile> broken_gguf_corpus() {
    std::vector<BrokenFile> out;
    const std::vector<uint8_t> good = tiny_model_builder().build();

    // Truncated at many points (every header byte, then spread over the rest).
    for (size_t n = 0; n < good.size(); n += (n < 64 ? 1 : n < 2048 ? 7 : 997))
        out.push_back({"truncated_" + std::to_string(n), std::vector<uint8_t>(good.begin(), good.begin() + n), ""});
    out.push_back({"truncated_last_byte", std::vector<uint8_t>(good.begin(), good.end() - 1), ""});

    {
        auto b = good;
        b[0] = 'G', b[1] = 'G', b[2] = 'M', b[3] = 'L';
        out.push_back({"bad_magic", b, "magic"});
    }
    for (uint32_t v : {0u, 1u, 4u, 0xffffffffu}) {
        auto b = good;
        patch_u32(b, 4, v);
        out.push_back({"bad_version_" + std::to_string(v), b, "version"});
    }
    {
        auto b = good;
        patch_u64(b, 8, UINT64_MAX);
        out.push_back({"huge_tensor_count", b, "tensor count"});
    }
    {
        auto b = good;
        patch_u64(b, 16, UINT64_MAX / 2);
        out.push_back({"huge_kv_count", b, "metadata count"});
    }
    {
        auto b = good;
        patch_u64(b, 16, 1000);  // plausible count, more than the file holds
        out.push_back({"kv_count_too_large", b, ""});
    }
    {
        auto b = good;
        patch_u64(b, 24, UINT64_MAX - 3);  // first key's length
        out.push_back({"huge_key_length", b, "length"});
    }
    {
        auto b = good;
        patch_u64(b, 24, 60000);  // first key's length: within the key limit, past the end
        out.push_back({"key_past_end", b, "truncated"});
    }
    {
        // first value: string 'bitnet-b1.58' — make its length huge
        const size_t key_len = std::string("general.architecture").size();
        auto b = good;
        patch_u64(b, 24 + 8 + key_len + 4, UINT64_MAX - 100);
        out.push_back({"huge_string_length", b, ""});
        auto c = good;
        patch_u32(c, 24 + 8 + key_len, 13);
        out.push_back({"unknown_value_type", c, "unknown value type"});
    }
    {
        GgufBuilder g = tiny_model_builder();
        std::vector<uint8_t> kv;
        GgufBuilder::str(kv, "huge.array");
        GgufBuilder::u32(kv, 9);
        GgufBuilder::u32(kv, 5);
        GgufBuilder::u64(kv, UINT64_MAX / 4);
        g.kvs.insert(g.kvs.begin(), kv);
        out.push_back({"huge_array_length", g.build(), "array length"});
        GgufBuilder h = tiny_model_builder();
        std::vector<uint8_t> kv2;
        GgufBuilder::str(kv2, "huge.string.array");
        GgufBuilder::u32(kv2, 9);
        GgufBuilder::u32(kv2, 8);
        GgufBuilder::u64(kv2, 1u << 30);
        h.kvs.insert(h.kvs.begin(), kv2);
        out.push_back({"huge_string_array_length", h.build(), "array length"});
        GgufBuilder n = tiny_model_builder();
        std::vector<uint8_t> kv3;
        GgufBuilder::str(kv3, "nested");
        GgufBuilder::u32(kv3, 9);
        GgufBuilder::u32(kv3, 9);
        GgufBuilder::u64(kv3, 1);
        n.kvs.insert(n.kvs.begin(), kv3);
        out.push_back({"nested_array", n.build(), "nested"});
    }
    {
        GgufBuilder g = tiny_model_builder();
        g.kv_u32("general.architecture", 1);
        out.push_back({"duplicate_key", g.build(), "duplicate"});
    }
    {
        GgufBuilder g = tiny_model_builder();
        g.tensors[1].type = 99;
        out.push_back({"unknown_tensor_type", g.build(), "unknown tensor type"});
        GgufBuilder h = tiny_model_builder();
        h.tensors[1].type = 39;  // an id this reader does not know (bitnet.cpp TL2)
        out.push_back({"unsupported_tensor_type", h.build(), "unknown tensor type"});
    }
    {
        GgufBuilder g = tiny_model_builder();
        g.tensors[2].dims = {UINT64_MAX / 2, 4};
        out.push_back({"huge_dimension", g.build(), "dimension"});
        GgufBuilder h = tiny_model_builder();
        h.tensors[2].dims = {1u << 30, 1u << 30, 1u << 30};
        out.push_back({"dimension_product_overflow", h.build(), "dimension"});
        GgufBuilder z = tiny_model_builder();
        z.tensors[1].dims = {0};
        out.push_back({"zero_dimension", z.build(), "dimension"});
        GgufBuilder r = tiny_model_builder();
        r.tensors[1].dims = {128, 1, 1, 1, 1};
        out.push_back({"too_many_dimensions", r.build(), "dimensions"});
        GgufBuilder q = tiny_model_builder();
        q.tensors[1].type = 35;  // TQ2_0 with ne0 = 128: not a multiple of the 256 block
        out.push_back({"block_size_mismatch", q.build(), "multiple"});
    }
    {
        GgufBuilder g = tiny_model_builder();
        g.tensors.back().offset = 1 << 30;
        g.tensors.back().data.clear();
        out.push_back({"tensor_past_end", g.build(), "past the end"});
        GgufBuilder h = tiny_model_builder();
        h.tensors[1].offset = static_cast<int64_t>(UINT64_MAX - 31);
        h.tensors[1].data.clear();
        out.push_back({"tensor_offset_overflow", h.build(), "past the end"});
        GgufBuilder o = tiny_model_builder();
        o.tensors[3].offset = 0;  // on top of token_embd
        o.tensors[3].data.clear();
        out.push_back({"overlapping_tensors", o.build(), "overlap"});
        GgufBuilder m = tiny_model_builder();
        m.tensors[2].offset = 2048 + 4;
        out.push_back({"misaligned_tensor", m.build(), "alignment"});
        GgufBuilder d = tiny_model_builder();
        d.tensors[2].name = d.tensors[1].name;
        out.push_back({"duplicate_tensor_name", d.build(), "duplicate"});
    }
    {
        GgufBuilder g = tiny_model_builder();
        g.kv_u32("general.alignment", 3);
        out.push_back({"alignment_not_power_of_two", g.build(), "alignment"});
        GgufBuilder h = tiny_model_builder();
        h.kv_u32("general.alignment", 0);
        out.push_back({"alignment_zero", h.build(), "alignment"});
        GgufBuilder s = tiny_model_builder();
        s.kv_string("general.alignment", "32");
        out.push_back({"alignment_wrong_type", s.build(), "alignment"});
    }
    return out;
}

// Files the reader accepts but the model loader must refuse (with the named reason).
inline std::vector<BrokenFile> unloadable_model_corpus() {
    std::vector<BrokenFile> out;
    {
        GgufBuilder g = tiny_model_builder();
        GgufBuilder t;
        t.kv_string("general.architecture", "falcon");  // llama.cpp's Falcon-7B/40B graph, not run here
        g.kvs[0] = t.kvs[0];
        out.push_back({"unsupported_architecture", g.build(), "falcon"});
    }
    {
        GgufBuilder g = tiny_model_builder();
        g.tensors[2].type = 8;  // Q8_0 attn_q
        g.tensors[2].data.assign(128 * 128 / 32 * 34, 0);
        out.push_back({"unsupported_weight_type", g.build(), "Q8_0"});
    }
    {
        GgufBuilder g = tiny_model_builder();
        g.tensors.erase(g.tensors.begin() + 4);  // attn_v
        out.push_back({"missing_tensor", g.build(), "attn_v"});
    }
    {
        GgufBuilder g = tiny_model_builder();
        g.tensors[3].dims = {128, 128};
        g.tensors[3].data.resize(128 * 128 / 4 + 32);
        out.push_back({"wrong_tensor_shape", g.build(), "attn_k"});
    }
    {
        GgufBuilder g = tiny_model_builder();
        GgufBuilder t;
        t.kv_u32("bitnet-b1.58.attention.head_count_kv", 3);  // does not divide 2 heads
        g.kvs[9] = t.kvs[0];
        out.push_back({"bad_head_count", g.build(), "head"});
    }
    {
        GgufBuilder g = tiny_model_builder();
        g.kvs.erase(g.kvs.begin() + 4);  // embedding_length
        out.push_back({"missing_hparam", g.build(), "embedding_length"});
    }
    {
        GgufBuilder g = tiny_model_builder();
        std::vector<uint8_t> & d = g.tensors[2].data;  // attn_q: one code 3
        d[5] = 0xff;
        out.push_back({"i2s_invalid_code", g.build(), "attn_q"});
    }
    return out;
}

}  // namespace tern_test
