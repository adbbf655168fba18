// The default LM head (requantized at load) against the file's F16 head on every fixture model
// and prompt: logit cosine >= 0.999 at the last prompt position and along the peer's greedy
// continuation (issue 5's bar for the default head). Also: every head type loads, reports its
// name, and q6_k stays above 0.998.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fixture_refs.h"
#include "json_mini.h"
#include "tern.h"
#include "test.h"

namespace {

const std::string kFixtures = TERN_FIXTURES_DIR;

using tern_test::ref_files;

// Last-position logits of every sequence, with the given head type ("" = the default).
std::vector<std::vector<float>> logits_for(const std::string & model, const char * head, const std::vector<std::vector<int32_t>> & seqs,
                                           std::string * head_name) {
    std::vector<std::vector<float>> out;
    tern_model_params mp = tern_model_default_params();
    mp.n_threads = 2;
    mp.head_type = head;
    tern_model * m = nullptr;
    if (tern_model_load(model.c_str(), &mp, &m) != TERN_OK) {
        std::fprintf(stderr, "%s: %s\n", model.c_str(), tern_last_error());
        return out;
    }
    tern_model_info info;
    tern_model_get_info(m, &info);
    *head_name = info.head_type;
    for (const auto & ids : seqs) {
        tern_context_params cp = tern_context_default_params();
        cp.n_threads = 2;
        cp.n_ctx = static_cast<int32_t>(ids.size()) + 1;
        tern_context * ctx = nullptr;
        if (tern_context_new(m, &cp, &ctx) != TERN_OK) break;
        if (tern_decode(ctx, ids.data(), static_cast<int32_t>(ids.size()), false) == TERN_OK) {
            const float * l = tern_get_logits(ctx, -1);
            out.emplace_back(l, l + info.n_vocab);
        }
        tern_context_free(ctx);
    }
    tern_model_free(m);
    return out;
}

using tern_test::cosine;

}  // namespace

// Positions checked per prompt: the prompt, then each of its first greedy tokens appended (each
// sequence is evaluated from the start). TERN_HEAD_POSITIONS lowers it where evaluation is slow:
// scripts/arm-test.sh uses 2 under qemu.
static size_t positions_per_prompt() {
    const char * env = std::getenv("TERN_HEAD_POSITIONS");
    const int n = env ? std::atoi(env) : 0;
    return n > 0 ? static_cast<size_t>(n) : 8;
}

TEST_CASE("default head (q8_0) vs F16 head: logit cosine >= 0.999 on every fixture model and prompt; q6_k >= 0.998") {
    const auto refs = ref_files();
    REQUIRE(!refs.empty());
    const size_t positions = positions_per_prompt();
    for (const std::string & ref_path : refs) {
        const json_mini::Value ref = json_mini::parse_file(ref_path);
        const std::string model = kFixtures + "/" + ref["model"].str;
        std::vector<std::vector<int32_t>> seqs;
        for (size_t p = 0; p < ref["prompts"].size(); ++p) {
            const std::vector<int32_t> ids = ref["prompts"][p]["prompt_ids"].ints();
            const std::vector<int32_t> greedy = ref["prompts"][p]["peer"]["greedy_ids"].ints();
            seqs.push_back(ids);
            for (size_t k = 1; k < greedy.size() && k < positions; ++k) {
                std::vector<int32_t> s = ids;
                s.insert(s.end(), greedy.begin(), greedy.begin() + static_cast<long>(k));
                seqs.push_back(s);
            }
        }
        std::string name_f16, name_def, name_q6;
        const auto f16 = logits_for(model, "f16", seqs, &name_f16);
        const auto def = logits_for(model, nullptr, seqs, &name_def);
        const auto q6 = logits_for(model, "q6_k", seqs, &name_q6);
        REQUIRE(f16.size() == seqs.size() && def.size() == seqs.size() && q6.size() == seqs.size());
        CHECK(name_f16 == "f16");
        CHECK(name_def == "q8_0");
        CHECK(name_q6 == "q6_k");
        double min_def = 1, min_q6 = 1;
        for (size_t i = 0; i < seqs.size(); ++i) {
            min_def = std::min(min_def, cosine(f16[i], def[i]));
            min_q6 = std::min(min_q6, cosine(f16[i], q6[i]));
        }
        std::printf("%-40s %zu positions: cosine vs f16 min %.5f (q8_0), %.5f (q6_k)\n", ref["model"].str.c_str(), seqs.size(), min_def,
                    min_q6);
        CHECK_MSG(min_def >= 0.999, ref["model"].str + " default head");
        CHECK_MSG(min_q6 >= 0.998, ref["model"].str + " q6_k head");
    }
}

TEST_CASE("head types: unknown names are refused with a reason") {
    const auto refs = ref_files();
    REQUIRE(!refs.empty());
    const json_mini::Value ref = json_mini::parse_file(refs[0]);
    const std::string model = kFixtures + "/" + ref["model"].str;
    tern_model_params mp = tern_model_default_params();
    mp.head_type = "q4_0";
    tern_model * m = nullptr;
    CHECK(tern_model_load(model.c_str(), &mp, &m) == TERN_ERR_UNSUPPORTED);
    CHECK(m == nullptr);
    CHECK(std::string(tern_last_error()).find("q4_0") != std::string::npos);
}

TEST_MAIN("test_head")
