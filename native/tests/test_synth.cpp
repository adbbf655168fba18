// `tern synth`'s writer: files load and run in the engine, the bytes and the logits are
// deterministic, the three formats hold identical weights (identical logits), the metadata keys
// follow the official file's order, the I2_S tail is the scale then zeros, and a Llama 3
// vocabulary is copied from the tokenizer fixture; TriLM-style scales per column shard.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "formats/formats.h"
#include "gguf/gguf.h"
#include "tern.h"
#include "test.h"

static std::vector<char> slurp(const std::string & path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

static tern_synth_params tiny(const char * arch, const char * format) {
    tern_synth_params p = tern_synth_default_params();
    p.arch = arch;
    p.format = format;
    p.n_embd = 256;
    p.n_layer = 2;
    p.n_head = 4;
    p.n_head_kv = 2;
    p.n_ff = 512;
    p.n_vocab = 300;
    p.n_ctx = 128;
    p.seed = 42;
    return p;
}

static std::vector<float> logits_of(const std::string & path, const std::vector<int32_t> & ids, int threads) {
    tern_model * m = nullptr;
    std::vector<float> out;
    if (tern_model_load(path.c_str(), nullptr, &m) != TERN_OK) {
        std::fprintf(stderr, "%s: %s\n", path.c_str(), tern_last_error());
        return out;
    }
    tern_context_params cp = tern_context_default_params();
    cp.n_ctx = 64;
    cp.n_threads = threads;
    tern_context * c = nullptr;
    if (tern_context_new(m, &cp, &c) == TERN_OK && tern_decode(c, ids.data(), static_cast<int32_t>(ids.size()), false) == TERN_OK) {
        tern_model_info info;
        tern_model_get_info(m, &info);
        const float * l = tern_get_logits(c, -1);
        out.assign(l, l + info.n_vocab);
    }
    tern_context_free(c);
    tern_model_free(m);
    return out;
}

TEST_CASE("every arch and format loads, runs, and is deterministic") {
    const std::vector<int32_t> ids = {295, 10, 20, 30, 40};
    for (const char * arch : {"bitnet-b1.58", "bitnet-25", "bitnet", "llama"}) {
        std::vector<float> first;
        for (const char * format : {"I2_S", "TQ1_0", "TQ2_0"}) {
            const std::string path = tern_test::temp_path(std::string("synth_test_") + arch + "_" + format + ".gguf");
            tern_synth_params p = tiny(arch, format);
            const tern_status st = tern_synth_write(path.c_str(), &p);
            CHECK_MSG(st == TERN_OK, tern_last_error());
            REQUIRE(st == TERN_OK);
            const std::vector<char> bytes1 = slurp(path);
            REQUIRE(tern_synth_write(path.c_str(), &p) == TERN_OK);
            CHECK_MSG(bytes1 == slurp(path), std::string(arch) + " " + format + ": bytes differ between two runs");
            const std::vector<float> a = logits_of(path, ids, 1), b = logits_of(path, ids, 2);
            REQUIRE(a.size() == 300);
            CHECK(std::memcmp(a.data(), b.data(), a.size() * 4) == 0);
            // Same seed: the three formats hold the same weights, so the logits are identical.
            if (first.empty()) first = a;
            else CHECK_MSG(std::memcmp(first.data(), a.data(), a.size() * 4) == 0, std::string(arch) + " " + format + " vs I2_S");
            tern_model * m = nullptr;
            REQUIRE(tern_model_load(path.c_str(), nullptr, &m) == TERN_OK);
            tern_model_info info;
            tern_model_get_info(m, &info);
            CHECK(std::string(info.arch) == arch);
            CHECK(std::string(info.weight_type) == format);
            CHECK(info.tied_head == (std::string(arch) != "bitnet-25" && std::string(arch) != "llama"));
            if (std::string(arch) == "llama") {  // no sub-norms in the file
                tern_tensor_info ti;
                bool sub_norm = false;
                for (int64_t i = 0; i < tern_model_n_tensors(m); ++i)
                    if (tern_model_tensor(m, i, &ti) == TERN_OK) sub_norm |= std::string(ti.name, ti.name_len).find("sub_norm") != std::string::npos;
                CHECK(!sub_norm);
            }
            tern_model_free(m);
            std::remove(path.c_str());
        }
    }
}

// TriLM's files keep a scale per model-parallel shard: the row-parallel projections (attn_output,
// ffn_down) change scale along each row. A file so made (here: the second half of their columns at
// twice the scale) must equal the same model with that factor moved onto the rows that produce
// those columns (attn_v rows of the second KV head, ffn_up's second half), which only changes the
// activations' int8 grid; and must differ from the model without it.
static void scale_blocks(std::vector<char> & bytes, const tern::gguf::File & f, const std::string & name, bool by_rows, int64_t from) {
    const tern::gguf::TensorInfo * t = f.find_tensor(name);
    REQUIRE(t != nullptr);
    const bool tq2 = t->type == tern::gguf::TQ2_0;
    const int64_t cols = t->ne[0], rows = t->ne[1], per_row = cols / 256, block_bytes = tq2 ? 66 : 54;
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t b = 0; b < per_row; ++b) {
            if ((by_rows ? r : b * 256) < from) continue;
            char * d = bytes.data() + f.data_offset() + t->offset + (r * per_row + b) * block_bytes + (tq2 ? 64 : 52);
            uint16_t h;
            std::memcpy(&h, d, 2);
            h = static_cast<uint16_t>(h + 0x0400);  // exponent + 1: twice the scale, exactly
            std::memcpy(d, &h, 2);
        }
}

TEST_CASE("TriLM-style scales per column shard (TQ2_0, TQ1_0) run as the model they describe") {
    const std::vector<int32_t> ids = {295, 10, 20, 30, 40, 50, 60, 70, 80, 90};
    for (const char * format : {"TQ2_0", "TQ1_0"}) {
        tern_synth_params p = tiny("llama", format);
        p.n_embd = 512;  // head_dim 128: attention output columns 256.. come from KV head 1
        p.n_ff = 1024;
        const std::string base = tern_test::temp_path(std::string("synth_shards_") + format + ".gguf");
        REQUIRE(tern_synth_write(base.c_str(), &p) == TERN_OK);
        const std::vector<char> bytes = slurp(base);
        std::string err;
        const auto f = tern::gguf::File::from_memory(bytes.data(), bytes.size(), &err);
        REQUIRE(f != nullptr);
        std::vector<char> shards = bytes, moved = bytes;
        for (int l = 0; l < static_cast<int>(p.n_layer); ++l) {
            const std::string blk = "blk." + std::to_string(l) + ".";
            scale_blocks(shards, *f, blk + "attn_output.weight", false, 256);
            scale_blocks(shards, *f, blk + "ffn_down.weight", false, 512);
            scale_blocks(moved, *f, blk + "attn_v.weight", true, 128);
            scale_blocks(moved, *f, blk + "ffn_up.weight", true, 512);
        }
        const std::string shards_path = base + ".shards.gguf", moved_path = base + ".moved.gguf";
        std::ofstream(shards_path, std::ios::binary).write(shards.data(), static_cast<std::streamsize>(shards.size()));
        std::ofstream(moved_path, std::ios::binary).write(moved.data(), static_cast<std::streamsize>(moved.size()));

        const std::vector<float> a = logits_of(shards_path, ids, 1), a2 = logits_of(shards_path, ids, 2);
        const std::vector<float> b = logits_of(moved_path, ids, 2), plain = logits_of(base, ids, 2);
        REQUIRE(a.size() == 300 && b.size() == 300 && plain.size() == 300);
        CHECK(std::memcmp(a.data(), a2.data(), a.size() * 4) == 0);
        const double same = tern_test::cosine(a, b), other = tern_test::cosine(a, plain);
        std::printf("%s: shards vs scales moved to the rows: cosine %.5f; vs no shards: %.5f\n", format, same, other);
        CHECK(same >= 0.998);
        CHECK(other < 0.99);
        for (const std::string & path : {base, shards_path, moved_path}) CHECK(std::remove(path.c_str()) == 0);
    }
}

// Rows whose length is not a multiple of 128 (1bitLLM's 3B: ffn_down rows of 8640): I2_S blocks run
// over the flattened tensor, and the engine pads the packed rows with zero weights. A model with
// ff 320 must give exactly the logits of the same model written with ff 384 whose 64 extra hidden
// units have zero weights (llama: no sub-norm, so they change nothing).
static std::vector<int8_t> i2s_trits(const std::vector<char> & bytes, const tern::gguf::File & f, const std::string & name, float * scale) {
    const tern::gguf::TensorInfo * t = f.find_tensor(name);
    const int64_t n = t->ne[0] * t->ne[1];
    const uint8_t * data = reinterpret_cast<const uint8_t *>(bytes.data() + f.data_offset() + t->offset);
    std::vector<int8_t> trits(static_cast<size_t>(n));
    for (int64_t b = 0; b < n / 128; ++b) tern::formats::decode_i2s_block(data + b * 32, &trits[static_cast<size_t>(b * 128)]);
    std::memcpy(scale, data + n / 4, 4);
    return trits;
}

static void put_i2s(std::vector<char> & bytes, const tern::gguf::File & f, const std::string & name, const std::vector<int8_t> & trits, float scale) {
    const tern::gguf::TensorInfo * t = f.find_tensor(name);
    const int64_t n = t->ne[0] * t->ne[1];
    REQUIRE(static_cast<int64_t>(trits.size()) == n);
    uint8_t * data = reinterpret_cast<uint8_t *>(bytes.data() + f.data_offset() + t->offset);
    for (int64_t b = 0; b < n / 128; ++b) tern::formats::encode_i2s_block(&trits[static_cast<size_t>(b * 128)], data + b * 32);
    std::memcpy(data + n / 4, &scale, 4);
}

TEST_CASE("I2_S rows of any length (ff 320) run as the model padded with zero weights (ff 384)") {
    const std::vector<int32_t> ids = {295, 10, 20, 30, 40, 50, 60, 70, 80, 90};
    tern_synth_params p = tiny("llama", "I2_S");
    const int64_t E = p.n_embd, F = 320, FP = 384;
    p.n_ff = F;
    const std::string odd = tern_test::temp_path("synth_ff320.gguf"), padded = tern_test::temp_path("synth_ff384.gguf");
    REQUIRE(tern_synth_write(odd.c_str(), &p) == TERN_OK);
    p.n_ff = FP;
    REQUIRE(tern_synth_write(padded.c_str(), &p) == TERN_OK);
    const std::vector<char> a = slurp(odd);
    std::vector<char> b = slurp(padded);
    std::string err;
    const auto fa = tern::gguf::File::from_memory(a.data(), a.size(), &err);
    const auto fb = tern::gguf::File::from_memory(b.data(), b.size(), &err);
    REQUIRE(fa && fb);
    // Everything but the feed-forward matrices is the same in both files (same seed, same shapes);
    // those get ff 320's weights, the extra rows and columns zero.
    for (int l = 0; l < static_cast<int>(p.n_layer); ++l) {
        const std::string blk = "blk." + std::to_string(l) + ".";
        for (const char * name : {"ffn_gate.weight", "ffn_up.weight"}) {  // [E cols][F rows]
            float s;
            std::vector<int8_t> w = i2s_trits(a, *fa, blk + name, &s);
            w.resize(static_cast<size_t>(FP * E), 0);
            put_i2s(b, *fb, blk + name, w, s);
        }
        float s;
        const std::vector<int8_t> down = i2s_trits(a, *fa, blk + "ffn_down.weight", &s);  // [F cols][E rows]
        std::vector<int8_t> w(static_cast<size_t>(FP * E), 0);
        for (int64_t r = 0; r < E; ++r) std::memcpy(&w[static_cast<size_t>(r * FP)], &down[static_cast<size_t>(r * F)], static_cast<size_t>(F));
        put_i2s(b, *fb, blk + "ffn_down.weight", w, s);
    }
    std::ofstream(padded, std::ios::binary).write(b.data(), static_cast<std::streamsize>(b.size()));

    const std::vector<float> one = logits_of(odd, ids, 1), two = logits_of(odd, ids, 2), ref = logits_of(padded, ids, 2);
    REQUIRE(one.size() == 300 && ref.size() == 300);
    CHECK(std::memcmp(one.data(), two.data(), one.size() * 4) == 0);
    CHECK(std::memcmp(one.data(), ref.data(), one.size() * 4) == 0);
    for (const std::string & path : {odd, padded}) CHECK(std::remove(path.c_str()) == 0);

    // The 1bitLLM architecture (bitnet: sub-norms over the ff 320 values) loads and runs alike.
    tern_synth_params q = tiny("bitnet", "I2_S");
    q.n_ff = F;
    REQUIRE(tern_synth_write(odd.c_str(), &q) == TERN_OK);
    const std::vector<float> b1 = logits_of(odd, ids, 1), b2 = logits_of(odd, ids, 2);
    REQUIRE(b1.size() == 300);
    CHECK(std::memcmp(b1.data(), b2.data(), b1.size() * 4) == 0);
    CHECK(std::remove(odd.c_str()) == 0);
}

TEST_CASE("a synthetic vocabulary larger than the letter triples (Falcon3's 131072) loads and runs") {
    tern_synth_params p = tiny("llama", "I2_S");
    p.n_vocab = 20000;
    const std::string path = tern_test::temp_path("synth_test_big_vocab.gguf");
    REQUIRE(tern_synth_write(path.c_str(), &p) == TERN_OK);
    const std::vector<float> l = logits_of(path, {19995, 10, 20}, 2);
    CHECK(l.size() == 20000);
    std::remove(path.c_str());
}

TEST_CASE("a different seed gives different weights") {
    tern_synth_params p = tiny("bitnet-b1.58", "I2_S");
    const std::string a = tern_test::temp_path("synth_seed_a.gguf"), b = tern_test::temp_path("synth_seed_b.gguf");
    REQUIRE(tern_synth_write(a.c_str(), &p) == TERN_OK);
    p.seed = 43;
    REQUIRE(tern_synth_write(b.c_str(), &p) == TERN_OK);
    CHECK(slurp(a) != slurp(b));
    std::remove(a.c_str());
    std::remove(b.c_str());
}

TEST_CASE("official layout: key order, I2_S tail, Llama 3 vocabulary copied") {
    const std::string vocab = std::string(TERN_FIXTURES_DIR) + "/tokenizer/llama3-bitnet-b1.58-vocab-only.gguf";
    tern_synth_params p = tiny("bitnet-b1.58", "I2_S");
    p.n_embd = 128;
    p.n_layer = 1;
    p.n_head = 2;
    p.n_head_kv = 1;
    p.n_ff = 256;
    p.n_vocab = 128256;
    p.vocab_path = vocab.c_str();
    const std::string path = tern_test::temp_path("synth_llama3.gguf");
    const tern_status st = tern_synth_write(path.c_str(), &p);
    CHECK_MSG(st == TERN_OK, tern_last_error());
    REQUIRE(st == TERN_OK);
    {
        std::string err;
        auto ours = tern::gguf::File::open(path, &err);
        auto ref = tern::gguf::File::open(vocab, &err);
        REQUIRE(ours && ref);
        // Same keys, same order, same types as the official file (whose keys the fixture copies).
        REQUIRE(ours->metadata().size() == ref->metadata().size());
        for (size_t i = 0; i < ref->metadata().size(); ++i) {
            CHECK_MSG(ours->metadata()[i].key == ref->metadata()[i].key, std::string(ref->metadata()[i].key));
            CHECK(ours->metadata()[i].value.type == ref->metadata()[i].value.type);
        }
        std::vector<std::string_view> a, b;
        CHECK(ours->get_string_array("tokenizer.ggml.merges", &a) && ref->get_string_array("tokenizer.ggml.merges", &b) && a == b);
        CHECK(ours->get_string_array("tokenizer.ggml.tokens", &a) && ref->get_string_array("tokenizer.ggml.tokens", &b) && a == b);
        const auto * q = ours->find_tensor("blk.0.attn_q.weight");
        REQUIRE(q != nullptr);
        const uint64_t n = q->n_elements;
        float scale;
        std::memcpy(&scale, q->data + n / 4, 4);
        CHECK(scale > 0.0f);
        bool zeros = true;
        for (int i = 4; i < 32; ++i) zeros &= q->data[n / 4 + i] == 0;
        CHECK(zeros);
        CHECK(ours->tensors().size() == 2 + 11 * 1);
    }
    const std::vector<float> l = logits_of(path, {128000, 9906, 1917}, 2);
    CHECK(l.size() == 128256);
    // Every mapping of the file is closed by now: Windows refuses to delete a mapped file.
    CHECK(std::remove(path.c_str()) == 0);
}

TEST_CASE("bad parameters are refused with a reason") {
    tern_synth_params p = tiny("gpt2", "I2_S");
    CHECK(tern_synth_write("x.gguf", &p) == TERN_ERR_INVALID_ARGUMENT);
    CHECK(std::string(tern_last_error()).find("gpt2") != std::string::npos);
    p = tiny("bitnet", "Q4_0");
    CHECK(tern_synth_write("x.gguf", &p) == TERN_ERR_INVALID_ARGUMENT);
    p = tiny("bitnet", "TQ2_0");
    p.n_embd = 384;  // not a multiple of 256
    CHECK(tern_synth_write("x.gguf", &p) == TERN_ERR_INVALID_ARGUMENT);
    p = tiny("bitnet", "I2_S");
    p.vocab_path = "/nonexistent.gguf";
    CHECK(tern_synth_write("x.gguf", &p) == TERN_ERR_IO);
    p = tiny("bitnet", "I2_S");
    CHECK(tern_synth_write("/nonexistent-dir/x.gguf", &p) == TERN_ERR_IO);
}

TEST_MAIN("test_synth")
