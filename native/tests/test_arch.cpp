// Architecture details the fixtures pin down, beyond test_model.cpp's agreement checks:
//  - each deliberate mistake (the other RoPE pairing, the ternary scale divided instead of
//    multiplied, the tied head instead of output.weight) makes the fixture comparison fail, on
//    every fixture model it applies to — so the fixtures do catch them;
//  - Q8_0 tensors read from a file (the scalar reference against hand-made blocks, and a Q8_0
//    `output.weight` against the same head stored as F16);
//  - RoPE frequency scaling: a rope_freqs tensor of ones changes nothing, the llama3 / linear
//    rope.scaling.* keys equal the rope_freqs tensor holding the factors they describe.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "formats/formats.h"
#include "gguf/gguf.h"
#include "gguf_builder.h"
#include "fixture_refs.h"
#include "json_mini.h"
#include "kernels/kernels.h"
#include "model/context.h"
#include "model/model.h"
#include "test.h"

static const std::string kFixtures = TERN_FIXTURES_DIR;

using tern_test::read_f32;
using tern_test::ref_files;

// The fixture tolerances (fixtures README, section 5) on last-position logits.
static bool within_tolerance(const float * lg, const std::vector<float> & ref, double * cosine, double * max_diff) {
    double dot = 0, na = 0, nb = 0, md = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
        dot += static_cast<double>(lg[i]) * ref[i];
        na += static_cast<double>(lg[i]) * lg[i];
        nb += static_cast<double>(ref[i]) * ref[i];
        md = std::max(md, std::fabs(static_cast<double>(lg[i]) - ref[i]));
    }
    *cosine = dot / std::sqrt(na * nb);
    *max_diff = md;
    return *cosine >= 0.995 && md <= 1.5;
}

static std::unique_ptr<tern::Model> load(const std::string & path, const char * head_type) {
    tern::LoadOptions o;
    o.n_threads = 2;
    o.head_type = head_type;
    tern::LoadError kind;
    std::string err;
    auto m = tern::load_model(path, o, &kind, &err);
    if (!m) std::fprintf(stderr, "%s: %s\n", path.c_str(), err.c_str());
    return m;
}

static std::vector<float> last_logits(const tern::Model & m, const std::vector<int32_t> & ids, tern::GraphMistake mistake) {
    tern::ContextOptions co;
    co.n_threads = 2;
    co.n_ctx = static_cast<int64_t>(ids.size());
    co.mistake = mistake;
    tern::Context ctx(m, co);
    std::string err;
    if (ctx.decode(ids.data(), static_cast<int64_t>(ids.size()), false, &err) != tern::DecodeError::None) return {};
    const float * l = ctx.logits(0);
    return std::vector<float>(l, l + m.hp.n_vocab);
}

TEST_CASE("fixtures: every deliberate mistake fails the comparison the correct graph passes") {
    const auto refs = ref_files();
    REQUIRE(!refs.empty());
    int caught = 0;
    for (const std::string & ref_path : refs) {
        const json_mini::Value ref = json_mini::parse_file(ref_path);
        // An F16 head: the tied-head mistake reads token_embd through the F16 path.
        auto m = load(kFixtures + "/" + ref["model"].str, "f16");
        REQUIRE(m != nullptr);
        struct Case {
            tern::GraphMistake mistake;
            const char * name;
        };
        std::vector<Case> cases = {{tern::GraphMistake::RopeSwapped, "rope pairing swapped"},
                                   {tern::GraphMistake::ScaleDivided, "scale divided"}};
        if (!m->tied_head) cases.push_back({tern::GraphMistake::TiedHead, "tied head"});
        for (size_t p = 0; p < ref["prompts"].size(); ++p) {
            const json_mini::Value & pr = ref["prompts"][p];
            const std::vector<int32_t> ids = pr["prompt_ids"].ints();
            const std::vector<float> np = read_f32(kFixtures + "/" + pr["numpy_f64"]["logits_file"].str);
            REQUIRE(static_cast<int64_t>(np.size()) == m->hp.n_vocab);
            const std::string tag = ref["model"].str + " " + pr["name"].str;
            double cosine = 0, max_diff = 0;
            const std::vector<float> good = last_logits(*m, ids, tern::GraphMistake::None);
            REQUIRE(!good.empty());
            CHECK_MSG(within_tolerance(good.data(), np, &cosine, &max_diff), tag + " correct graph");
            for (const Case & c : cases) {
                const std::vector<float> bad = last_logits(*m, ids, c.mistake);
                REQUIRE(!bad.empty());
                const bool passes = within_tolerance(bad.data(), np, &cosine, &max_diff);
                std::printf("%-55s %-22s cosine %.3f  max|diff| %.2f  %s\n", tag.c_str(), c.name, cosine, max_diff,
                            passes ? "NOT CAUGHT" : "caught");
                CHECK_MSG(!passes, tag + " " + c.name + " passes the tolerances");
                caught += !passes;
            }
        }
    }
    CHECK(caught > 0);
}

TEST_CASE("Q8_0 rows: the scalar reference decodes d * q per block of 32") {
    std::vector<uint8_t> data(2 * tern::formats::kQ8BlockBytes);
    const uint16_t d0 = 0x3800, d1 = 0x2c00;  // 0.5, 1/16
    std::memcpy(&data[0], &d0, 2);
    std::memcpy(&data[34], &d1, 2);
    for (int i = 0; i < 32; ++i) {
        data[2 + i] = static_cast<uint8_t>(static_cast<int8_t>(i * 8 - 128));
        data[36 + i] = static_cast<uint8_t>(static_cast<int8_t>(127 - i));
    }
    std::vector<float> row(64);
    tern::formats::float_row(tern::gguf::Q8_0, data.data(), 64, 0, row.data());
    bool ok = true;
    for (int i = 0; i < 32; ++i) ok &= row[i] == 0.5f * static_cast<float>(i * 8 - 128);
    for (int i = 0; i < 32; ++i) ok &= row[32 + i] == static_cast<float>(127 - i) / 16.0f;
    CHECK(ok);
    // Row 1 of a [2][32] tensor is the second block.
    tern::formats::float_row(tern::gguf::Q8_0, data.data(), 32, 1, row.data());
    CHECK(row[0] == 127.0f / 16.0f);
    CHECK(row[31] == 96.0f / 16.0f);
}

// A small `llama` model: I2_S projections, F16 embedding, a separate head (F16 or Q8_0 with the
// same values: block scales 2^-6 and codes with |q| = 127 somewhere in each block, so F16 holds
// them exactly and requantizing them to Q8_0 gives the same blocks), optional rope_freqs
// tensor and rope.scaling keys.
struct TinyLlama {
    uint32_t head_type = 1;  // 1 F16, 8 Q8_0
    std::vector<float> rope_freqs;
    std::string scaling;     // "" none, "linear", "llama3"
    float scaling_factor = 8.0f;
    uint32_t key_length = 0;  // 0: no attention.key_length key

    std::vector<uint8_t> build() const {
        const uint64_t E = 256, F = 256, V = 16, H = 4, HKV = 2, HD = E / H;
        tern_test::GgufBuilder b;
        const std::string a = "llama";
        b.kv_string("general.architecture", a);
        b.kv_u32(a + ".context_length", 64);
        b.kv_u32(a + ".embedding_length", E);
        b.kv_u32(a + ".block_count", 1);
        b.kv_u32(a + ".feed_forward_length", F);
        b.kv_u32(a + ".rope.dimension_count", HD);
        b.kv_u32(a + ".attention.head_count", H);
        b.kv_u32(a + ".attention.head_count_kv", HKV);
        b.kv_f32(a + ".attention.layer_norm_rms_epsilon", 1e-6f);
        b.kv_f32(a + ".rope.freq_base", 500000.0f);
        if (key_length) b.kv_u32(a + ".attention.key_length", key_length);
        if (!scaling.empty()) {
            b.kv_string(a + ".rope.scaling.type", scaling);
            b.kv_f32(a + ".rope.scaling.factor", scaling_factor);
            if (scaling == "llama3") {
                b.kv_f32(a + ".rope.scaling.low_freq_factor", 1.0f);
                b.kv_f32(a + ".rope.scaling.high_freq_factor", 4.0f);
                b.kv_u32(a + ".rope.scaling.original_context_length", 8);  // tiny, so every band shows
            }
        }
        tern_test::TensorBytes bytes{777};
        auto rnd = [&bytes]() { return bytes.next(); };
        auto f32s = [&](uint64_t n) { return bytes.f32(n, 1.0f); };
        auto f16s = [&](uint64_t n) { return bytes.f16(n); };
        auto i2s = [&](uint64_t n) { return bytes.i2s(n, 0.3f); };
        // Head codes: block b of row r has q[0] = +-127, the rest random in [-127, 127].
        std::vector<int8_t> q(V * E);
        for (uint64_t i = 0; i < V * E; ++i)
            q[i] = static_cast<int8_t>(i % 32 == 0 ? (rnd() & 1 ? 127 : -127) : static_cast<int>(rnd() % 255) - 127);
        const uint16_t d_bits = 0x2400;  // 2^-6
        std::vector<uint8_t> head;
        if (head_type == 8) {
            head.resize(V * E / 32 * 34);
            for (uint64_t blk = 0; blk < V * E / 32; ++blk) {
                std::memcpy(&head[blk * 34], &d_bits, 2);
                std::memcpy(&head[blk * 34 + 2], &q[blk * 32], 32);
            }
        } else {
            head.resize(V * E * 2);
            for (uint64_t i = 0; i < V * E; ++i) {
                const uint16_t h = tern::f32_to_f16(static_cast<float>(q[i]) / 64.0f);
                std::memcpy(&head[i * 2], &h, 2);
            }
        }
        b.tensor("token_embd.weight", {E, V}, 1, f16s(E * V));
        b.tensor("output.weight", {E, V}, head_type, head);
        b.tensor("output_norm.weight", {E}, 0, f32s(E));
        if (!rope_freqs.empty()) {
            std::vector<uint8_t> d(rope_freqs.size() * 4);
            std::memcpy(d.data(), rope_freqs.data(), d.size());
            b.tensor("rope_freqs.weight", {rope_freqs.size()}, 0, d);
        }
        b.tensor("blk.0.attn_norm.weight", {E}, 0, f32s(E));
        b.tensor("blk.0.attn_q.weight", {E, E}, 36, i2s(E * E));
        b.tensor("blk.0.attn_k.weight", {E, HKV * HD}, 36, i2s(E * HKV * HD));
        b.tensor("blk.0.attn_v.weight", {E, HKV * HD}, 36, i2s(E * HKV * HD));
        b.tensor("blk.0.attn_output.weight", {E, E}, 36, i2s(E * E));
        b.tensor("blk.0.ffn_norm.weight", {E}, 0, f32s(E));
        b.tensor("blk.0.ffn_gate.weight", {E, F}, 36, i2s(E * F));
        b.tensor("blk.0.ffn_up.weight", {E, F}, 36, i2s(E * F));
        b.tensor("blk.0.ffn_down.weight", {F, E}, 36, i2s(F * E));
        return b.build();
    }
};

static std::vector<float> run_tiny(const std::vector<uint8_t> & bytes, const char * head_type, std::string * why = nullptr) {
    tern::LoadOptions o;
    o.head_type = head_type;
    tern::LoadError kind;
    std::string err;
    auto m = tern::load_model_from_memory(bytes.data(), bytes.size(), o, &kind, &err);
    if (why) *why = err;
    if (!m) {
        std::fprintf(stderr, "tiny llama: %s\n", err.c_str());
        return {};
    }
    tern::ContextOptions co;
    co.n_ctx = 32;
    tern::Context ctx(*m, co);
    std::vector<int32_t> ids;
    for (int i = 0; i < 24; ++i) ids.push_back((i * 7 + 3) % 16);
    if (ctx.decode(ids.data(), static_cast<int64_t>(ids.size()), true, &err) != tern::DecodeError::None) return {};
    std::vector<float> out;
    for (int64_t i = 0; i < ctx.n_logits(); ++i) out.insert(out.end(), ctx.logits(i), ctx.logits(i) + m->hp.n_vocab);
    return out;
}

TEST_CASE("llama with a Q8_0 output.weight: the file's blocks are the head, equal to the same head stored as F16") {
    TinyLlama f16, q8;
    q8.head_type = 8;
    const auto a = run_tiny(f16.build(), "");  // F16 head requantized to the same Q8_0 blocks
    const auto b = run_tiny(q8.build(), "");   // Q8_0 head used as the file has it
    REQUIRE(!a.empty());
    REQUIRE(a.size() == b.size());
    CHECK(std::memcmp(a.data(), b.data(), a.size() * 4) == 0);
    // Read through an F16 table (exact for these values): the F16 file's F16 head.
    const auto c = run_tiny(f16.build(), "f16");
    const auto d = run_tiny(q8.build(), "f16");
    REQUIRE(!c.empty());
    REQUIRE(c.size() == d.size());
    CHECK(std::memcmp(c.data(), d.data(), c.size() * 4) == 0);
    bool finite = true;
    for (float v : b) finite &= std::isfinite(v);
    CHECK(finite);
}

TEST_CASE("llama RoPE scaling: rope_freqs of ones is no scaling; llama3 and linear keys equal their rope_freqs tensor") {
    TinyLlama plain;
    const auto base = run_tiny(plain.build(), "");
    REQUIRE(!base.empty());
    TinyLlama ones;
    ones.rope_freqs.assign(32, 1.0f);
    const auto o = run_tiny(ones.build(), "");
    REQUIRE(o.size() == base.size());
    CHECK(std::memcmp(o.data(), base.data(), o.size() * 4) == 0);

    // Llama 3.1's rule (transformers' _compute_llama3_parameters) written out independently:
    // factor 8, low 1, high 4, original context 8, theta 500000, 64 rotated dimensions.
    TinyLlama tensor;
    const double pi = 3.14159265358979323846;
    for (int i = 0; i < 32; ++i) {
        const double freq = std::pow(500000.0, -2.0 * i / 64.0), wavelen = 2 * pi / freq;
        double new_freq = freq;
        if (wavelen > 8.0 / 1.0) {
            new_freq = freq / 8.0;
        } else if (wavelen >= 8.0 / 4.0) {
            const double smooth = (8.0 / wavelen - 1.0) / (4.0 - 1.0);
            new_freq = (1 - smooth) * freq / 8.0 + smooth * freq;
        }
        tensor.rope_freqs.push_back(static_cast<float>(freq / new_freq));
    }
    CHECK(tensor.rope_freqs.front() < 8.0f);  // the bands differ: not all divided alike
    CHECK(tensor.rope_freqs.back() == 8.0f);
    TinyLlama keys;
    keys.scaling = "llama3";
    const auto t = run_tiny(tensor.build(), "");
    const auto k = run_tiny(keys.build(), "");
    REQUIRE(!t.empty());
    REQUIRE(t.size() == k.size());
    double max_tk = 0, max_tb = 0;
    for (size_t i = 0; i < t.size(); ++i) {
        max_tk = std::max(max_tk, std::fabs(static_cast<double>(t[i]) - k[i]));
        max_tb = std::max(max_tb, std::fabs(static_cast<double>(t[i]) - base[i]));
    }
    std::printf("llama3 keys vs rope_freqs tensor: max|diff| %.2g; scaled vs unscaled: %.3g\n", max_tk, max_tb);
    CHECK(max_tk < 1e-4);  // factors rounded to float on both sides; may differ in the last bit
    CHECK(max_tb > 1e-3);  // and the scaling does change the logits

    TinyLlama lin_keys, lin_tensor;
    lin_keys.scaling = "linear";
    lin_keys.scaling_factor = 4.0f;
    lin_tensor.rope_freqs.assign(32, 4.0f);
    const auto lk = run_tiny(lin_keys.build(), ""), lt = run_tiny(lin_tensor.build(), "");
    REQUIRE(!lk.empty());
    CHECK(lk.size() == lt.size() && std::memcmp(lk.data(), lt.data(), lk.size() * 4) == 0);

    std::string why;
    TinyLlama same_head, other_head;  // attention.key_length read: equal to n_embd / n_head loads, other sizes are refused
    same_head.key_length = 64;
    other_head.key_length = 128;
    CHECK(run_tiny(same_head.build(), "") == base);
    CHECK(run_tiny(other_head.build(), "", &why).empty());
    CHECK(why.find("key_length") != std::string::npos);

    TinyLlama yarn;
    yarn.scaling = "yarn";
    CHECK(run_tiny(yarn.build(), "", &why).empty());
    CHECK(why.find("yarn") != std::string::npos);
}

TEST_MAIN("test_arch")
