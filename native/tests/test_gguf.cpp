// The GGUF reader: the fixture files parse with the right keys and tensors, and a corpus of
// broken files (generated here; also written to native/fuzz/corpus by the fuzz tools) gives
// errors that say what is wrong, without crashing.
#include <cstdio>
#include <string>

#include "gguf/gguf.h"
#include "gguf_corpus.h"
#include "test.h"

using tern::gguf::File;

static std::string fixture(const char * rel) { return std::string(TERN_FIXTURES_DIR) + "/" + rel; }

TEST_CASE("fixture models parse") {
    const char * files[] = {"models/synth-bitnet-b1.58-i2_s.gguf", "models/synth-bitnet-25-untied-i2_s.gguf",
                            "models/synth-bitnet-tq2_0.gguf", "models/synth-bitnet-tq1_0.gguf"};
    for (const char * rel : files) {
        std::string err;
        auto f = File::open(fixture(rel), &err);
        CHECK_MSG(f != nullptr, err);
        if (!f) continue;
        CHECK(f->version() == 3);
        std::string arch;
        CHECK(f->get_string("general.architecture", &arch));
        int64_t n_embd = 0;
        CHECK(f->get_int(arch + ".embedding_length", &n_embd));
        CHECK(n_embd > 0);
        std::vector<std::string_view> tokens;
        CHECK(f->get_string_array("tokenizer.ggml.tokens", &tokens));
        int64_t n_vocab = static_cast<int64_t>(tokens.size());
        const auto * embd = f->find_tensor("token_embd.weight");
        REQUIRE(embd != nullptr);
        CHECK(embd->ne[0] == n_embd);
        CHECK(embd->ne[1] == n_vocab);
        std::vector<int64_t> types;
        CHECK(f->get_int_array("tokenizer.ggml.token_type", &types));
        CHECK(static_cast<int64_t>(types.size()) == n_vocab);
        std::vector<float> scores;
        if (f->find("tokenizer.ggml.scores")) CHECK(f->get_float_array("tokenizer.ggml.scores", &scores));
        uint32_t bos = 0;
        CHECK(f->get_uint32("tokenizer.ggml.bos_token_id", &bos));
        CHECK(bos < tokens.size());
        // Every tensor lies inside the file.
        for (const auto & t : f->tensors()) {
            CHECK(t.data != nullptr);
            CHECK(f->data_offset() + t.offset + t.n_bytes <= f->file_size());
        }
    }
}

TEST_CASE("tokenizer fixture: zero tensors, Llama 3 vocabulary") {
    std::string err;
    auto f = File::open(fixture("tokenizer/llama3-bitnet-b1.58-vocab-only.gguf"), &err);
    REQUIRE(f != nullptr);
    CHECK(f->tensors().empty());
    std::vector<std::string_view> tokens, merges;
    CHECK(f->get_string_array("tokenizer.ggml.tokens", &tokens));
    CHECK(f->get_string_array("tokenizer.ggml.merges", &merges));
    CHECK(tokens.size() == 128256);
    CHECK(merges.size() == 280147);
    CHECK(f->find("tokenizer.ggml.pre") == nullptr);
    double eps = 0;
    CHECK(f->get_float("bitnet-b1.58.attention.layer_norm_rms_epsilon", &eps));
    CHECK(eps > 0.9e-5 && eps < 1.1e-5);
    bool add_bos = false;
    CHECK(f->get_bool("tokenizer.ggml.add_bos_token", &add_bos) && add_bos);
    std::string s;
    CHECK(!f->get_string("tokenizer.ggml.bos_token_id", &s));  // wrong type -> false
}

TEST_CASE("built file round trip") {
    tern_test::GgufBuilder b = tern_test::tiny_model_builder();
    const auto bytes = b.build();
    std::string err;
    auto f = File::from_memory(bytes.data(), bytes.size(), &err);
    REQUIRE(f != nullptr);
    CHECK(f->tensors().size() == b.tensors.size());
    const auto * q = f->find_tensor("blk.0.attn_q.weight");
    REQUIRE(q != nullptr);
    CHECK(q->type == tern::gguf::I2_S);
    CHECK(q->n_bytes == 128 * 128 / 4 + 32);
    CHECK(q->ne[0] == 128 && q->ne[1] == 128);
    CHECK(std::memcmp(q->data, b.tensors[2].data.data(), q->n_bytes) == 0);
    // v2 files parse too
    b.version = 2;
    const auto v2 = b.build();
    CHECK(File::from_memory(v2.data(), v2.size(), &err) != nullptr);
}

TEST_CASE("broken files give errors, never crashes") {
    int n = 0;
    for (const auto & bf : tern_test::broken_gguf_corpus()) {
        std::string err;
        auto f = File::from_memory(bf.bytes.data(), bf.bytes.size(), &err);
        CHECK_MSG(f == nullptr, bf.name + " was accepted");
        CHECK_MSG(!err.empty(), bf.name + " gave no message");
        if (!bf.expect.empty())
            CHECK_MSG(err.find(bf.expect) != std::string::npos, bf.name + ": '" + err + "' lacks '" + bf.expect + "'");
        ++n;
    }
    CHECK(n > 100);
}

TEST_CASE("broken files through the mmap path") {
    const std::string path = tern_test::temp_path("test_gguf_broken.tmp.gguf");
    int n = 0;
    for (const auto & bf : tern_test::broken_gguf_corpus()) {
        if (n++ % 5) continue;  // a sample is enough for the file path
        FILE * fp = std::fopen(path.c_str(), "wb");
        REQUIRE(fp != nullptr);
        if (!bf.bytes.empty()) std::fwrite(bf.bytes.data(), 1, bf.bytes.size(), fp);
        std::fclose(fp);
        std::string err;
        CHECK_MSG(File::open(path, &err) == nullptr, bf.name);
        CHECK(!err.empty());
    }
    CHECK(std::remove(path.c_str()) == 0);  // no mapping of it outlives the failed opens
    std::string err;
    CHECK(File::open("/nonexistent/dir/model.gguf", &err) == nullptr);
    CHECK(err.find("cannot open") != std::string::npos);
}

TEST_CASE("fixture truncated at many points") {
    std::string err;
    FILE * fp = std::fopen(fixture("models/synth-bitnet-tq2_0.gguf").c_str(), "rb");
    REQUIRE(fp != nullptr);
    std::vector<uint8_t> bytes;
    uint8_t buf[65536];
    size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, fp)) > 0) bytes.insert(bytes.end(), buf, buf + got);
    std::fclose(fp);
    auto whole = File::from_memory(bytes.data(), bytes.size(), &err);
    REQUIRE(whole != nullptr);
    uint64_t end = 0;
    for (const auto & t : whole->tensors()) end = std::max<uint64_t>(end, whole->data_offset() + t.offset + t.n_bytes);
    for (uint64_t n = 0; n < end; n += (n < 4096 ? 13 : 4099)) {
        std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
        CHECK_MSG(File::from_memory(cut.data(), cut.size(), &err) == nullptr, "prefix " + std::to_string(n));
    }
}

TEST_MAIN("test_gguf")
