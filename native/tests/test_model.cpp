// The engine against the fixtures' references, for every model and prompt found in
// test/fixtures/refs/*.json (shapes, ids and file names are read from the files), on every
// kernel path this CPU and build have:
//  - last-position logits vs numpy_f64: cosine >= 0.995, max |diff| <= 1.5, top-1 equal where
//    the reference margin >= 1.0 (fixtures README, section 5);
//  - teacher-forced greedy: feeding prompt + peer.greedy_ids[:j], the argmax equals
//    peer.greedy_ids[j] at every step whose peer margin >= 1.0;
//  - determinism: 1 vs 2 threads, one batch vs token by token vs small micro-batches, all
//    bit-identical;
//  - the loader refuses unsupported or inconsistent files with an error naming the problem.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "gguf_corpus.h"
#include "fixture_refs.h"
#include "json_mini.h"
#include "kernels/kernels.h"
#include "tern.h"
#include "test.h"

static const std::string kFixtures = TERN_FIXTURES_DIR;

using tern_test::read_f32;
using tern_test::ref_files;

static int argmax(const float * x, int64_t n) {
    int best = 0;
    for (int64_t i = 1; i < n; ++i)
        if (x[i] > x[best]) best = static_cast<int>(i);
    return best;
}

static std::vector<const char *> isas() {
    std::vector<const char *> out;
    for (const char * isa : {"scalar", "avx2", "avxvnni", "avx512", "amx", "neon"})
        if (tern::kernels_for(isa)) out.push_back(isa);
    return out;
}

struct Loaded {
    tern_model * model = nullptr;
    ~Loaded() { tern_model_free(model); }
};

static tern_context * new_context(tern_model * m, const char * isa, int threads, int n_ctx, int n_batch = 64) {
    tern_context_params cp = tern_context_default_params();
    cp.isa = isa;
    cp.n_threads = threads;
    cp.n_ctx = n_ctx;
    cp.n_batch = n_batch;
    tern_context * ctx = nullptr;
    if (tern_context_new(m, &cp, &ctx) != TERN_OK) std::fprintf(stderr, "context: %s\n", tern_last_error());
    return ctx;
}

TEST_CASE("fixtures: logits and teacher-forced greedy on every kernel path") {
    const auto refs = ref_files();
    REQUIRE(!refs.empty());
    int greedy_checked = 0;
    for (const std::string & ref_path : refs) {
        const json_mini::Value ref = json_mini::parse_file(ref_path);
        const std::string model_path = kFixtures + "/" + ref["model"].str;
        Loaded L;
        tern_model_params mp = tern_model_default_params();
        mp.n_threads = 2;
        const tern_status st = tern_model_load(model_path.c_str(), &mp, &L.model);
        CHECK_MSG(st == TERN_OK, model_path + ": " + tern_last_error());
        if (st != TERN_OK) continue;
        tern_model_info info;
        REQUIRE(tern_model_get_info(L.model, &info) == TERN_OK);
        CHECK(info.n_vocab == ref["hparams"]["n_vocab"].as_int());
        CHECK(std::string(info.head_tensor) == ref["hparams"]["lm_head"].str);
        const int64_t V = info.n_vocab;

        for (const char * isa : isas()) {
            for (size_t p = 0; p < ref["prompts"].size(); ++p) {
                const json_mini::Value & pr = ref["prompts"][p];
                const std::vector<int32_t> ids = pr["prompt_ids"].ints();
                const std::vector<int32_t> greedy = pr["peer"]["greedy_ids"].ints();
                const std::vector<double> margins = pr["peer"]["greedy_margin"].nums();
                const std::string tag = ref["model"].str + " " + pr["name"].str + " [" + isa + "]";
                tern_context * ctx = new_context(L.model, isa, 2, static_cast<int>(ids.size() + greedy.size() + 1));
                REQUIRE(ctx != nullptr);
                CHECK(std::string(tern_context_isa(ctx)) == isa);
                REQUIRE(tern_decode(ctx, ids.data(), static_cast<int32_t>(ids.size()), false) == TERN_OK);
                const float * lg = tern_get_logits(ctx, -1);
                REQUIRE(lg != nullptr);

                // Last-position logits vs numpy_f64.
                const std::vector<float> np = read_f32(kFixtures + "/" + pr["numpy_f64"]["logits_file"].str);
                REQUIRE(static_cast<int64_t>(np.size()) == V);
                double dot = 0, na = 0, nb = 0, max_diff = 0;
                for (int64_t i = 0; i < V; ++i) {
                    dot += static_cast<double>(lg[i]) * np[i];
                    na += static_cast<double>(lg[i]) * lg[i];
                    nb += static_cast<double>(np[i]) * np[i];
                    max_diff = std::max(max_diff, std::fabs(static_cast<double>(lg[i]) - np[i]));
                }
                const double cosine = dot / std::sqrt(na * nb);
                std::vector<float> sorted = np;
                std::sort(sorted.begin(), sorted.end(), std::greater<float>());
                const double np_margin = sorted[0] - sorted[1];
                const int top = argmax(lg, V), np_top = argmax(np.data(), V);
                std::printf("%-55s cosine %.5f  max|diff| %.3f  top1 %d/%d (margin %.2f)\n", tag.c_str(), cosine, max_diff, top,
                            np_top, np_margin);
                CHECK_MSG(cosine >= 0.995, tag);
                CHECK_MSG(max_diff <= 1.5, tag);
                if (np_margin >= 1.0) CHECK_MSG(top == np_top, tag);

                // Teacher-forced greedy along the peer's path.
                int ok = 0, checked = 0;
                for (size_t j = 0; j < greedy.size(); ++j) {
                    const float * l = tern_get_logits(ctx, -1);
                    if (margins[j] >= 1.0) {
                        ++checked;
                        const int got = argmax(l, V);
                        ok += got == greedy[j];
                        CHECK_MSG(got == greedy[j], tag + " step " + std::to_string(j));
                    }
                    if (j + 1 < greedy.size()) REQUIRE(tern_decode(ctx, &greedy[j], 1, false) == TERN_OK);
                }
                greedy_checked += checked;
                std::printf("%-55s teacher-forced greedy %d/%d steps with margin >= 1\n", tag.c_str(), ok, checked);
                tern_context_free(ctx);
            }
        }
    }
    CHECK(greedy_checked > 0);
}

TEST_CASE("determinism: threads, batch vs token by token, micro-batches, all logits") {
    for (const std::string & ref_path : ref_files()) {
        const json_mini::Value ref = json_mini::parse_file(ref_path);
        Loaded L;
        REQUIRE(tern_model_load((kFixtures + "/" + ref["model"].str).c_str(), nullptr, &L.model) == TERN_OK);
        tern_model_info info;
        tern_model_get_info(L.model, &info);
        const size_t V = static_cast<size_t>(info.n_vocab);
        const json_mini::Value & pr = ref["prompts"][ref["prompts"].size() - 1];
        std::vector<int32_t> ids = pr["prompt_ids"].ints();
        for (int32_t g : pr["peer"]["greedy_ids"].ints()) ids.push_back(g);
        const int n = static_cast<int>(ids.size());
        for (const char * isa : isas()) {
            const std::string tag = ref["model"].str + " [" + isa + "]";
            // Reference: one batch, 1 thread, every position's logits.
            tern_context * a = new_context(L.model, isa, 1, n);
            REQUIRE(tern_decode(a, ids.data(), n, true) == TERN_OK);
            std::vector<float> all(V * static_cast<size_t>(n));
            for (int i = 0; i < n; ++i) std::memcpy(&all[V * i], tern_get_logits(a, i), V * 4);
            // 2 threads, batch.
            tern_context * b = new_context(L.model, isa, 2, n);
            REQUIRE(tern_decode(b, ids.data(), n, false) == TERN_OK);
            CHECK_MSG(std::memcmp(tern_get_logits(b, -1), &all[V * (n - 1)], V * 4) == 0, tag + " 1 vs 2 threads");
            // Token by token, 2 threads: every step equals the batch's position.
            tern_context * c = new_context(L.model, isa, 2, n);
            bool same = true;
            for (int i = 0; i < n; ++i) {
                REQUIRE(tern_decode(c, &ids[i], 1, false) == TERN_OK);
                same &= std::memcmp(tern_get_logits(c, -1), &all[V * i], V * 4) == 0;
            }
            CHECK_MSG(same, tag + " batch vs token by token");
            // Odd micro-batches and uneven calls, thread count changed in between.
            tern_context * d = new_context(L.model, isa, 1, n, 7);
            REQUIRE(tern_decode(d, ids.data(), 5, false) == TERN_OK);
            tern_context_set_threads(d, 2);
            REQUIRE(tern_decode(d, ids.data() + 5, n - 5, true) == TERN_OK);
            same = true;
            for (int i = 5; i < n; ++i) same &= std::memcmp(tern_get_logits(d, i - 5), &all[V * i], V * 4) == 0;
            CHECK_MSG(same, tag + " micro-batches of 7");
            // Truncate and recompute the tail: same logits.
            REQUIRE(tern_context_truncate(d, 3) == TERN_OK);
            CHECK(tern_context_n_past(d) == 3);
            REQUIRE(tern_decode(d, ids.data() + 3, n - 3, false) == TERN_OK);
            CHECK_MSG(std::memcmp(tern_get_logits(d, -1), &all[V * (n - 1)], V * 4) == 0, tag + " after truncate");
            tern_context_free(a);
            tern_context_free(b);
            tern_context_free(c);
            tern_context_free(d);
        }
    }
}

TEST_CASE("decode errors: bad ids, context full, abort") {
    const auto refs = ref_files();
    REQUIRE(!refs.empty());
    const json_mini::Value ref = json_mini::parse_file(refs[0]);
    Loaded L;
    REQUIRE(tern_model_load((kFixtures + "/" + ref["model"].str).c_str(), nullptr, &L.model) == TERN_OK);
    tern_model_info info;
    tern_model_get_info(L.model, &info);
    tern_context * ctx = new_context(L.model, nullptr, 2, 4);
    REQUIRE(ctx != nullptr);
    const int32_t bad = static_cast<int32_t>(info.n_vocab);
    CHECK(tern_decode(ctx, &bad, 1, false) == TERN_ERR_INVALID_ARGUMENT);
    CHECK(std::string(tern_last_error()).find("outside the vocabulary") != std::string::npos);
    const int32_t neg = -1;
    CHECK(tern_decode(ctx, &neg, 1, false) == TERN_ERR_INVALID_ARGUMENT);
    CHECK(tern_decode(ctx, nullptr, 0, false) == TERN_ERR_INVALID_ARGUMENT);
    const int32_t five[5] = {1, 2, 3, 4, 5};
    CHECK(tern_decode(ctx, five, 5, false) == TERN_ERR_CONTEXT_FULL);
    CHECK(tern_context_n_past(ctx) == 0);
    CHECK(tern_decode(ctx, five, 4, false) == TERN_OK);
    CHECK(tern_decode(ctx, five, 1, false) == TERN_ERR_CONTEXT_FULL);
    tern_context_truncate(ctx, 0);
    tern_context_set_abort(ctx, [](void *) { return true; }, nullptr);
    CHECK(tern_decode(ctx, five, 2, false) == TERN_ERR_ABORTED);
    CHECK(tern_context_n_past(ctx) == 0);
    tern_context_set_abort(ctx, nullptr, nullptr);
    CHECK(tern_decode(ctx, five, 2, false) == TERN_OK);
    tern_context_free(ctx);
}

TEST_CASE("loader: tiny built model runs; broken and unsupported files are refused with a reason") {
    for (uint32_t type : {36u, 35u}) {
        const auto bytes = tern_test::tiny_model_builder(type).build();
        tern_model * m = nullptr;
        REQUIRE(tern_model_load_from_memory(bytes.data(), bytes.size(), nullptr, &m) == TERN_OK);
        tern_context * ctx = new_context(m, nullptr, 2, 16);
        const int32_t ids[3] = {1, 2, 3};
        CHECK(tern_decode(ctx, ids, 3, false) == TERN_OK);
        const float * l = tern_get_logits(ctx, -1);
        bool finite = true;
        for (int i = 0; i < 8; ++i) finite &= std::isfinite(l[i]);
        CHECK(finite);
        tern_context_free(ctx);
        tern_model_free(m);
    }
    for (const auto & bf : tern_test::broken_gguf_corpus()) {
        tern_model * m = nullptr;
        const tern_status st = tern_model_load_from_memory(bf.bytes.data(), bf.bytes.size(), nullptr, &m);
        CHECK_MSG(st == TERN_ERR_FORMAT, bf.name + ": " + tern_status_name(st));
        CHECK(m == nullptr);
    }
    for (const auto & bf : tern_test::unloadable_model_corpus()) {
        tern_model * m = nullptr;
        const tern_status st = tern_model_load_from_memory(bf.bytes.data(), bf.bytes.size(), nullptr, &m);
        const std::string msg = tern_last_error();
        CHECK_MSG(st != TERN_OK, bf.name + " was accepted");
        CHECK_MSG(msg.find(bf.expect) != std::string::npos, bf.name + ": '" + msg + "' lacks '" + bf.expect + "'");
        tern_model_free(m);
    }
    tern_model * m = nullptr;
    CHECK(tern_model_load("/nonexistent/model.gguf", nullptr, &m) == TERN_ERR_IO);
    CHECK(tern_model_load(nullptr, nullptr, &m) == TERN_ERR_INVALID_ARGUMENT);
}

TEST_CASE("metadata-only load, info, tensors, keys, memory estimate, progress abort") {
    const auto refs = ref_files();
    const json_mini::Value ref = json_mini::parse_file(refs[0]);
    const std::string path = kFixtures + "/" + ref["model"].str;
    tern_model_params mp = tern_model_default_params();
    mp.metadata_only = true;
    Loaded L;
    REQUIRE(tern_model_load(path.c_str(), &mp, &L.model) == TERN_OK);
    tern_model_info info;
    REQUIRE(tern_model_get_info(L.model, &info) == TERN_OK);
    CHECK(!info.weights_loaded);
    CHECK(std::string(info.arch) == ref["general.architecture"].str);
    CHECK(info.n_embd == ref["hparams"]["n_embd"].as_int());
    CHECK(info.n_layer == ref["hparams"]["n_layer"].as_int());
    CHECK(info.n_head_kv == ref["hparams"]["n_head_kv"].as_int());
    tern_context * ctx = nullptr;
    CHECK(tern_context_new(L.model, nullptr, &ctx) == TERN_ERR_INVALID_ARGUMENT);
    CHECK(tern_model_n_tensors(L.model) > 0);
    tern_tensor_info ti;
    REQUIRE(tern_model_tensor(L.model, 0, &ti) == TERN_OK);
    CHECK(ti.n_bytes > 0);
    bool found_tokens = false;
    char key[256], val[256];
    for (int64_t i = 0; i < tern_model_meta_count(L.model); ++i) {
        tern_model_meta_key(L.model, i, key, sizeof key);
        tern_model_meta_value(L.model, i, val, sizeof val);
        if (std::string(key) == "tokenizer.ggml.tokens") found_tokens = std::string(val).find("x string]") != std::string::npos;
    }
    CHECK(found_tokens);
    // A string key in full (the printable value above is cut at 120 characters); absent or
    // non-string keys answer -1.
    auto meta_string = [&](const char * k) {
        const int32_t n = tern_model_meta_string(L.model, k, nullptr, 0);
        if (n < 0) return std::string("<absent>");
        std::string out(static_cast<size_t>(n) + 1, '\0');
        CHECK(tern_model_meta_string(L.model, k, &out[0], out.size()) == n);
        out.pop_back();
        return out;
    };
    CHECK(meta_string("general.architecture") == info.arch);
    for (int64_t i = 0; i < tern_model_meta_count(L.model); ++i) {
        tern_model_meta_key(L.model, i, key, sizeof key);
        if (std::string(key) != "tokenizer.chat_template") continue;
        const std::string whole = meta_string(key);
        std::string shown(static_cast<size_t>(tern_model_meta_value(L.model, i, nullptr, 0)) + 1, '\0');
        tern_model_meta_value(L.model, i, &shown[0], shown.size());
        shown.pop_back();
        if (whole.size() > 120) CHECK(shown == whole.substr(0, 120) + "...");
        else CHECK(shown == whole);
    }
    CHECK(tern_model_meta_string(L.model, "no.such.key", nullptr, 0) == -1);
    CHECK(tern_model_meta_string(L.model, "general.quantization_version", nullptr, 0) == -1);
    CHECK(tern_model_meta_string(L.model, nullptr, nullptr, 0) == -1);
    // Special tokens: control tokens only (BOS and EOT are, ordinary pieces are not).
    CHECK(tern_token_is_special(L.model, tern_token_bos(L.model)));
    CHECK(tern_token_is_special(L.model, tern_token_eot(L.model)));
    CHECK(!tern_token_is_special(L.model, 0));
    CHECK(!tern_token_is_special(L.model, -1));
    CHECK(!tern_token_is_special(L.model, tern_model_n_tokens(L.model)));
    tern_memory_estimate e1, e2;
    REQUIRE(tern_model_estimate_memory(L.model, 512, 2, &e1) == TERN_OK);
    REQUIRE(tern_model_estimate_memory(L.model, 1024, 2, &e2) == TERN_OK);
    CHECK(e2.kv_cache_bytes == 2 * e1.kv_cache_bytes);
    CHECK(e1.kv_cache_bytes == static_cast<uint64_t>(2 * info.n_layer * 512 * info.n_head_kv * info.head_dim * 2));
    CHECK(e1.weights_bytes > 0 && e1.total_bytes > e1.weights_bytes);

    tern_model_params abort_params = tern_model_default_params();
    abort_params.progress = [](float p, void *) { return p < 0.5f; };
    tern_model * m = nullptr;
    CHECK(tern_model_load(path.c_str(), &abort_params, &m) == TERN_ERR_ABORTED);
    CHECK(m == nullptr);
}

TEST_MAIN("test_model")
