// The runtime over the C API: the tokenizer read from the model files (the fixture vocabularies),
// the streaming text (never half a UTF-8 character, stop strings across tokens), and
// tern_generate (greedy = the plain decode loop, KV prefix reuse, CONTEXT_FULL, cancel in
// prefill and decode leaving the context usable, seeds; prompt-lookup drafting gives exactly the
// plain tokens). Everything is read from the fixtures.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "json_mini.h"
#include "model/model.h"
#include "runtime/prompt_lookup.h"
#include "runtime/text_stream.h"
#include "tern.h"
#include "test.h"

namespace fs = std::filesystem;

static const std::string kFixtures = TERN_FIXTURES_DIR;

namespace {

std::vector<std::string> files_in(const std::string & dir, const std::string & ext) {
    std::vector<std::string> out;
    for (const auto & e : fs::directory_iterator(dir))
        if (e.path().extension() == ext) out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

tern_model * load(const std::string & path, bool metadata_only = false) {
    tern_model_params p = tern_model_default_params();
    p.metadata_only = metadata_only;
    p.n_threads = 2;
    tern_model * m = nullptr;
    if (tern_model_load(path.c_str(), &p, &m) != TERN_OK) std::fprintf(stderr, "%s: %s\n", path.c_str(), tern_last_error());
    return m;
}

tern_context * context(tern_model * m, int32_t n_ctx, int32_t n_batch = 0) {
    tern_context_params p = tern_context_default_params();
    p.n_ctx = n_ctx;
    p.n_threads = 2;
    if (n_batch > 0) p.n_batch = n_batch;
    tern_context * c = nullptr;
    if (tern_context_new(m, &p, &c) != TERN_OK) std::fprintf(stderr, "context: %s\n", tern_last_error());
    return c;
}

std::vector<int32_t> tokenize(const tern_model * m, const std::string & text, bool bos, bool special) {
    int32_t n = 0;
    tern_tokenize(m, text.data(), text.size(), bos, special, nullptr, 0, &n);
    std::vector<int32_t> ids(static_cast<size_t>(n));
    if (tern_tokenize(m, text.data(), text.size(), bos, special, ids.data(), n, &n) != TERN_OK) ids.clear();
    return ids;
}

bool valid_utf8(const std::string & s) {
    size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += n;
    }
    return true;
}

struct Collected {
    std::vector<int32_t> ids;
    std::vector<std::string> pieces;
    int stop_after = -1;  // on_token returns false after this many events
    bool all_valid = true;
};

bool collect(const tern_token_event * e, void * user) {
    Collected * c = static_cast<Collected *>(user);
    if (e->id >= 0) c->ids.push_back(e->id);
    const std::string piece(e->text, e->text_len);
    c->all_valid = c->all_valid && valid_utf8(piece);
    c->pieces.push_back(piece);
    return !(c->stop_after >= 0 && static_cast<int>(c->ids.size()) >= c->stop_after);
}

tern_generate_params greedy(int32_t max_tokens, Collected * c) {
    tern_generate_params p = tern_generate_default_params();
    p.sampler.temperature = 0;
    p.sampler.repeat_penalty = 1.0f;  // plain argmax
    p.max_tokens = max_tokens;
    p.ignore_eog = true;
    p.on_token = collect;
    p.on_token_user_data = c;
    return p;
}

std::vector<int32_t> plain_greedy(tern_model * m, const std::vector<int32_t> & prompt, int n) {
    tern_model_info info;
    tern_model_get_info(m, &info);
    tern_context * c = context(m, 256);
    std::vector<int32_t> out;
    if (tern_decode(c, prompt.data(), static_cast<int32_t>(prompt.size()), false) != TERN_OK) return out;
    for (int k = 0; k < n; ++k) {
        const float * l = tern_get_logits(c, -1);
        const int32_t best = static_cast<int32_t>(std::max_element(l, l + info.n_vocab) - l);
        out.push_back(best);
        if (k + 1 < n && tern_decode(c, &best, 1, false) != TERN_OK) break;
    }
    tern_context_free(c);
    return out;
}

std::string first_model() { return files_in(kFixtures + "/models", ".gguf").at(0); }

}  // namespace

TEST_CASE("tokenizer: the vocabulary-only file loads metadata-only and tokenizes every case") {
    for (const std::string & cases_path : files_in(kFixtures + "/tokenizer", ".json")) {
        const json_mini::Value doc = json_mini::parse_file(cases_path);
        tern_model * m = load(kFixtures + "/" + doc["gguf"].str, true);
        REQUIRE(m != nullptr);
        CHECK(tern_model_has_tokenizer(m));
        tern_context * c = nullptr;
        CHECK(tern_context_new(m, nullptr, &c) == TERN_ERR_INVALID_ARGUMENT);  // no weights to run
        const json_mini::Value & cases = doc["cases"];
        int bad = 0;
        for (size_t i = 0; i < cases.size(); ++i) {
            const json_mini::Value & k = cases[i];
            const std::vector<int32_t> got = tokenize(m, k["text"].str, false, k["parse_special"].b);
            if (got != k["expected_ids"].ints()) {
                ++bad;
                CHECK_MSG(false, "case " + k["name"].str);
            }
        }
        CHECK(bad == 0);
        // BOS follows the file; --no-bos never adds it.
        const std::vector<int32_t> with = tokenize(m, "Hello", true, false), without = tokenize(m, "Hello", false, false);
        if (tern_model_add_bos(m)) {
            REQUIRE(with.size() == without.size() + 1);
            CHECK(with[0] == tern_token_bos(m));
        } else {
            CHECK(with == without);
        }
        CHECK(tern_token_is_eog(m, tern_token_eos(m)));
        // Too small a buffer: an error and the needed count.
        int32_t n = 0, one = 0;
        CHECK(tern_tokenize(m, "Hello world", 11, false, false, &one, 1, &n) == TERN_ERR_INVALID_ARGUMENT);
        CHECK(n == static_cast<int32_t>(tokenize(m, "Hello world", false, false).size()));
        tern_model_free(m);
    }
}

TEST_CASE("tokenizer: each fixture model tokenizes its prompts' text to prompt_ids (BOS, special tokens parsed)") {
    for (const std::string & ref_path : files_in(kFixtures + "/refs", ".json")) {
        const json_mini::Value ref = json_mini::parse_file(ref_path);
        tern_model * m = load(kFixtures + "/" + ref["model"].str, true);
        REQUIRE(m != nullptr);
        for (size_t p = 0; p < ref["prompts"].size(); ++p) {
            const json_mini::Value & pr = ref["prompts"][p];
            CHECK_MSG(tokenize(m, pr["text"].str, true, true) == pr["prompt_ids"].ints(), ref["model"].str + " " + pr["name"].str);
            // Detokenizing gives the text back.
            const std::vector<int32_t> ids = pr["prompt_ids"].ints();
            const int32_t len = tern_detokenize(m, ids.data() + 1, static_cast<int32_t>(ids.size() - 1), false, nullptr, 0);
            std::string text(static_cast<size_t>(len) + 1, '\0');
            tern_detokenize(m, ids.data() + 1, static_cast<int32_t>(ids.size() - 1), false, &text[0], text.size());
            text.pop_back();
            CHECK(text == pr["text"].str);
        }
        tern_model_free(m);
    }
}

TEST_CASE("streaming text: characters split across byte tokens come out whole") {
    tern_model * m = load(kFixtures + "/tokenizer/llama3-bitnet-b1.58-vocab-only.gguf", true);
    REQUIRE(m != nullptr);
    const std::string text = "h\xC3\xA9llo \xF0\x9F\x99\x82 \xE6\xBC\xA2\xE5\xAD\x97 \xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB!";
    // One token per byte: the single-byte tokens (found by tokenizing each byte alone).
    std::vector<int32_t> ids;
    for (char ch : text) {
        const std::vector<int32_t> one = tokenize(m, std::string(1, ch), false, false);
        REQUIRE(one.size() == 1);
        ids.push_back(one[0]);
    }
    tern_detokenizer * d = nullptr;
    REQUIRE(tern_detokenizer_new(m, false, &d) == TERN_OK);
    std::string joined;
    int held = 0;
    for (int32_t id : ids) {
        size_t len = 0;
        const char * piece = tern_detokenizer_push(d, id, &len);
        REQUIRE(piece != nullptr);
        const std::string s(piece, len);
        CHECK(valid_utf8(s));
        if (s.empty()) ++held;
        joined += s;
    }
    size_t len = 0;
    CHECK(std::string(tern_detokenizer_flush(d, &len), len).empty());
    CHECK(joined == text);
    CHECK(held > 5);  // the multi-byte characters were held back while incomplete
    tern_detokenizer_free(d);
    tern_model_free(m);
}

TEST_CASE("generate: greedy ids equal the plain decode loop, on every fixture model") {
    for (const std::string & ref_path : files_in(kFixtures + "/refs", ".json")) {
        const json_mini::Value ref = json_mini::parse_file(ref_path);
        tern_model * m = load(kFixtures + "/" + ref["model"].str);
        REQUIRE(m != nullptr);
        const std::vector<int32_t> prompt = ref["prompts"][0]["prompt_ids"].ints();
        tern_context * c = context(m, 256);
        Collected got;
        tern_generate_params p = greedy(12, &got);
        tern_generate_result r;
        REQUIRE(tern_generate(c, prompt.data(), static_cast<int32_t>(prompt.size()), &p, &r) == TERN_OK);
        CHECK(r.stop_reason == TERN_STOP_MAX_TOKENS);
        CHECK(r.n_generated == 12);
        CHECK(r.n_prompt == static_cast<int32_t>(prompt.size()));
        CHECK(r.n_prompt_computed == r.n_prompt);
        CHECK(got.ids == plain_greedy(m, prompt, 12));
        CHECK(got.all_valid);
        // The cache holds the prompt and every generated token but the last.
        CHECK(tern_context_tokens(c, nullptr, 0) == static_cast<int32_t>(prompt.size() + 11));
        tern_context_free(c);
        tern_model_free(m);
    }
}

TEST_CASE("generate: the next turn reuses the cached prefix and computes only the new tokens") {
    tern_model * m = load(first_model());
    REQUIRE(m != nullptr);
    const std::vector<int32_t> turn1 = tokenize(m, "The quick brown fox", true, true);
    tern_context * c = context(m, 256, 8);
    Collected a;
    tern_generate_params p = greedy(6, &a);
    tern_generate_result r;
    REQUIRE(tern_generate(c, turn1.data(), static_cast<int32_t>(turn1.size()), &p, &r) == TERN_OK);
    std::vector<int32_t> turn2 = turn1;
    turn2.insert(turn2.end(), a.ids.begin(), a.ids.end());
    const std::vector<int32_t> more = tokenize(m, " jumps over the lazy dog.", false, false);
    turn2.insert(turn2.end(), more.begin(), more.end());
    Collected b;
    p = greedy(6, &b);
    REQUIRE(tern_generate(c, turn2.data(), static_cast<int32_t>(turn2.size()), &p, &r) == TERN_OK);
    // Cached: turn1 + the first 5 generated ids (the 6th was sampled, never evaluated).
    CHECK(r.n_prompt_reused == static_cast<int32_t>(turn1.size() + 5));
    CHECK(r.n_prompt_computed == static_cast<int32_t>(more.size() + 1));
    CHECK(b.ids == plain_greedy(m, turn2, 6));
    // The same request again: everything but the last prompt token is reused.
    Collected b2;
    p = greedy(6, &b2);
    REQUIRE(tern_generate(c, turn2.data(), static_cast<int32_t>(turn2.size()), &p, &r) == TERN_OK);
    CHECK(r.n_prompt_computed == 1);
    CHECK(b2.ids == b.ids);
    // A different history: only the common prefix is kept.
    std::vector<int32_t> other = turn1;
    other.back() = other.back() == 100 ? 101 : 100;
    p = greedy(2, nullptr);
    p.on_token = nullptr;
    REQUIRE(tern_generate(c, other.data(), static_cast<int32_t>(other.size()), &p, &r) == TERN_OK);
    CHECK(r.n_prompt_computed == 1);
    tern_context_free(c);
    tern_model_free(m);
}

TEST_CASE("generate: a request that does not fit is refused with CONTEXT_FULL and the numbers") {
    tern_model * m = load(first_model());
    REQUIRE(m != nullptr);
    tern_context * c = context(m, 32);
    std::vector<int32_t> prompt(30, 65);
    tern_generate_params p = greedy(5, nullptr);
    p.on_token = nullptr;
    tern_generate_result r;
    CHECK(tern_generate(c, prompt.data(), 30, &p, &r) == TERN_ERR_CONTEXT_FULL);
    const std::string why = tern_last_error();
    CHECK_MSG(why.find("35") != std::string::npos && why.find("32") != std::string::npos, why);
    prompt.resize(40, 65);
    p.max_tokens = -1;
    CHECK(tern_generate(c, prompt.data(), 40, &p, &r) == TERN_ERR_CONTEXT_FULL);
    // Until the context is full: stops there, not an error.
    prompt.resize(28);
    REQUIRE(tern_generate(c, prompt.data(), 28, &p, &r) == TERN_OK);
    CHECK(r.stop_reason == TERN_STOP_CONTEXT_END);
    CHECK(r.n_generated == 32 - 28 + 1);
    tern_context_free(c);
    tern_model_free(m);
}

namespace {
struct AbortAfter {
    int polls = 0;
    int limit = 0;
};
bool abort_after(void * user) {
    AbortAfter * a = static_cast<AbortAfter *>(user);
    return ++a->polls > a->limit;
}
}  // namespace

TEST_CASE("generate: cancel in prefill and in decode ends the request and leaves the context usable") {
    tern_model * m = load(first_model());
    REQUIRE(m != nullptr);
    tern_model_info info;
    tern_model_get_info(m, &info);
    const std::vector<int32_t> prompt = tokenize(m, "def add(a, b):\n    return a + b\n\nprint(add(2, 3))", true, true);
    const std::vector<int32_t> expect = plain_greedy(m, prompt, 8);
    tern_context * c = context(m, 256, 4);
    tern_generate_result r;

    // Prefill: cancelled after the second poll (a layer of the first micro-batches).
    AbortAfter ab{0, 2};
    Collected none;
    tern_generate_params p = greedy(8, &none);
    p.abort = abort_after;
    p.abort_user_data = &ab;
    REQUIRE(tern_generate(c, prompt.data(), static_cast<int32_t>(prompt.size()), &p, &r) == TERN_OK);
    CHECK(r.stop_reason == TERN_STOP_CANCELLED);
    CHECK(r.n_generated == 0);
    CHECK(none.ids.empty());
    CHECK(ab.polls == 3);  // polled between layers: it stopped at once
    CHECK(tern_context_tokens(c, nullptr, 0) < static_cast<int32_t>(prompt.size()));

    // Decode: cancelled by the abort check after the prompt and a few tokens.
    AbortAfter ab2{0, static_cast<int>(info.n_layer) * 12};
    Collected some;
    p = greedy(8, &some);
    p.abort = abort_after;
    p.abort_user_data = &ab2;
    REQUIRE(tern_generate(c, prompt.data(), static_cast<int32_t>(prompt.size()), &p, &r) == TERN_OK);
    CHECK(r.stop_reason == TERN_STOP_CANCELLED);
    CHECK(r.n_generated > 0);
    CHECK(r.n_generated < 8);

    // The token callback returning false stops too.
    Collected three;
    three.stop_after = 3;
    p = greedy(8, &three);
    REQUIRE(tern_generate(c, prompt.data(), static_cast<int32_t>(prompt.size()), &p, &r) == TERN_OK);
    CHECK(r.stop_reason == TERN_STOP_CANCELLED);
    CHECK(three.ids.size() == 3);

    // Afterwards the same context gives the fresh greedy ids.
    Collected after;
    p = greedy(8, &after);
    REQUIRE(tern_generate(c, prompt.data(), static_cast<int32_t>(prompt.size()), &p, &r) == TERN_OK);
    CHECK(after.ids == expect);
    tern_context_free(c);
    tern_model_free(m);
}

TEST_CASE("generate: the same seed samples the same ids, another seed others; EOS/EOT stop") {
    tern_model * m = load(first_model());
    REQUIRE(m != nullptr);
    const std::vector<int32_t> prompt = tokenize(m, "Once upon a time", true, true);
    auto sample = [&](uint64_t seed) {
        tern_context * c = context(m, 256);
        Collected got;
        tern_generate_params p = greedy(24, &got);
        p.sampler.temperature = 1.5f;
        p.sampler.top_k = 0;
        p.sampler.top_p = 1.0f;
        p.sampler.min_p = 0.0f;
        p.sampler.seed = seed;
        p.ignore_eog = false;
        tern_generate_result r;
        tern_generate(c, prompt.data(), static_cast<int32_t>(prompt.size()), &p, &r);
        CHECK(got.all_valid);
        if (r.stop_reason == TERN_STOP_END_OF_GENERATION) CHECK(tern_token_is_eog(m, got.ids.back()));
        tern_context_free(c);
        return got.ids;
    };
    CHECK(sample(42) == sample(42));
    CHECK(sample(42) != sample(43));
    tern_model_free(m);
}

TEST_CASE("text stream: stop strings across tokens, stop tokens, held text released at the end") {
    // The fixture models' vocabulary: ids 0-255 are the single bytes (fixtures README).
    tern::LoadOptions o;
    o.metadata_only = true;
    tern::LoadError kind;
    std::string error;
    std::unique_ptr<tern::Model> m = tern::load_model(first_model(), o, &kind, &error);
    REQUIRE(m && m->tokenizer);
    const tern::Tokenizer & tok = *m->tokenizer;
    const std::vector<int32_t> stops = {tok.eos_id(), tok.eot_id()};
    auto bytes = [](const std::string & s) { return std::vector<int32_t>(s.begin(), s.end()); };
    {
        tern::TextStream ts(&tok, stops, {"<STOP>"});
        std::string out;
        tern::StopReason reason = tern::StopReason::none;
        size_t used = 0;
        for (int32_t id : bytes("ab<ST" "OP>cd")) {
            ++used;
            tern::TextStream::Step st = ts.push(id & 0xFF);
            CHECK(valid_utf8(st.text));
            out += st.text;
            if ((reason = st.reason) != tern::StopReason::none) break;
        }
        CHECK(reason == tern::StopReason::stop_string);
        CHECK(out == "ab");
        CHECK(used == 8);
    }
    {
        // A partial stop string is released at the end; half a character before EOS is U+FFFD.
        tern::TextStream ts(&tok, stops, {"<STOP>"});
        std::string out;
        for (int32_t id : bytes("x<ST")) out += ts.push(id & 0xFF).text;
        CHECK(out == "x");
        out += ts.finish();
        CHECK(out == "x<ST");
        tern::TextStream t2(&tok, stops, {});
        std::string o2 = t2.push('y').text;
        o2 += t2.push(0xC3).text;
        CHECK(o2 == "y");
        tern::TextStream::Step st = t2.push(tok.eos_id());
        CHECK(st.reason == tern::StopReason::end_of_generation);
        CHECK(st.text == "\xEF\xBF\xBD");
    }
}

TEST_MAIN("test_runtime")

// ---- prompt-lookup drafting --------------------------------------------------------------------

TEST_CASE("prompt lookup: the tokens after the most recent earlier match of the longest n-gram") {
    using tern::prompt_lookup_draft;
    const std::vector<int32_t> seq = {1, 2, 3, 9, 1, 2, 3, 4, 5, 1, 2, 3};
    // "1 2 3" last occurred at 4 (followed by 4 5 1 ...), not at 0.
    CHECK(prompt_lookup_draft(seq, 3, 2, 3) == std::vector<int32_t>({4, 5, 1}));
    // The continuation may run up to the end of the sequence, no further.
    CHECK(prompt_lookup_draft(seq, 10, 2, 3) == std::vector<int32_t>({4, 5, 1, 2, 3}));
    // No earlier "7 3" or "3"-led match of length >= 2: nothing; with 1-grams, the last 3 before.
    CHECK(prompt_lookup_draft({5, 6, 7, 3}, 4, 2, 3).empty());
    CHECK(prompt_lookup_draft({3, 6, 7, 3}, 4, 1, 3) == std::vector<int32_t>({6, 7, 3}));
    // A cycle proposes itself.
    CHECK(prompt_lookup_draft({8, 8, 8, 8}, 2, 2, 4) == std::vector<int32_t>({8}));
    CHECK(prompt_lookup_draft({}, 4, 2, 4).empty());
    CHECK(prompt_lookup_draft({1, 2, 1, 2}, 0, 2, 4).empty());
}

namespace {

struct Run {
    std::vector<int32_t> ids;
    tern_generate_result result{};
    std::vector<int32_t> cached;  // the context's tokens afterwards
};

Run run(tern_model * m, const std::vector<int32_t> & prompt, tern_generate_params p, int32_t n_ctx) {
    Run out;
    Collected got;
    p.on_token = collect;
    p.on_token_user_data = &got;
    tern_context * c = context(m, n_ctx);
    CHECK(tern_generate(c, prompt.data(), static_cast<int32_t>(prompt.size()), &p, &out.result) == TERN_OK);
    out.ids = got.ids;
    out.cached.resize(static_cast<size_t>(tern_context_tokens(c, nullptr, 0)));
    tern_context_tokens(c, out.cached.data(), static_cast<int32_t>(out.cached.size()));
    tern_context_free(c);
    return out;
}

}  // namespace

TEST_CASE("generate: drafting gives exactly the tokens of plain decoding (greedy and sampled), and keeps drafts") {
    int accepted = 0;
    for (const std::string & ref_path : files_in(kFixtures + "/refs", ".json")) {
        const json_mini::Value ref = json_mini::parse_file(ref_path);
        tern_model * m = load(kFixtures + "/" + ref["model"].str);
        REQUIRE(m != nullptr);
        // A prompt that repeats itself, so the lookup has something to propose from the start.
        std::vector<int32_t> prompt = ref["prompts"][0]["prompt_ids"].ints();
        const std::vector<int32_t> once = prompt;
        for (int k = 0; k < 3; ++k) prompt.insert(prompt.end(), once.begin() + 1, once.end());
        for (bool sampled : {false, true}) {
            for (int32_t max_tokens : {1, 2, 7, 40}) {
                tern_generate_params p = greedy(max_tokens, nullptr);
                if (sampled) {
                    p.sampler = tern_sampler_default_params();  // temperature 0.7, top-k/p, min-p, penalties
                    p.sampler.seed = 7;
                }
                const Run plain = run(m, prompt, p, 256);
                p.draft_max = 6;
                const Run drafted = run(m, prompt, p, 256);
                const std::string what = ref["model"].str + (sampled ? " sampled" : " greedy") + " n " + std::to_string(max_tokens);
                CHECK_MSG(drafted.ids == plain.ids, what);
                CHECK_MSG(drafted.result.stop_reason == plain.result.stop_reason, what);
                CHECK_MSG(drafted.result.n_draft_accepted <= drafted.result.n_drafted, what);
                // The cache holds a prefix of prompt + output: no unverified draft is left in it.
                std::vector<int32_t> seq = prompt;
                seq.insert(seq.end(), plain.ids.begin(), plain.ids.end());
                CHECK_MSG(drafted.cached.size() >= seq.size() - 1 && drafted.cached.size() <= seq.size(), what);
                CHECK_MSG(std::equal(drafted.cached.begin(), drafted.cached.end(), seq.begin()), what);
                accepted += drafted.result.n_draft_accepted;
            }
        }
        // Until the context ends (max_tokens -1): the same tokens and the same end.
        tern_generate_params p = greedy(-1, nullptr);
        const Run plain = run(m, prompt, p, static_cast<int32_t>(prompt.size()) + 20);
        p.draft_max = 8;
        const Run drafted = run(m, prompt, p, static_cast<int32_t>(prompt.size()) + 20);
        CHECK(drafted.ids == plain.ids);
        CHECK(drafted.result.stop_reason == TERN_STOP_CONTEXT_END);
        tern_model_free(m);
    }
    CHECK(accepted > 0);
}

TEST_CASE("generate: with drafting, the next turn still reuses exactly the tokens the cache holds") {
    tern_model * m = load(first_model());
    REQUIRE(m != nullptr);
    const std::vector<int32_t> turn1 = tokenize(m, "one two three one two three one two", true, true);
    tern_context * c = context(m, 256);
    Collected a;
    tern_generate_params p = greedy(12, &a);
    p.draft_max = 6;
    tern_generate_result r;
    REQUIRE(tern_generate(c, turn1.data(), static_cast<int32_t>(turn1.size()), &p, &r) == TERN_OK);
    std::vector<int32_t> turn2 = turn1;
    turn2.insert(turn2.end(), a.ids.begin(), a.ids.end());
    const std::vector<int32_t> more = tokenize(m, " three one two", false, false);
    turn2.insert(turn2.end(), more.begin(), more.end());
    Collected b;
    p = greedy(12, &b);
    p.draft_max = 6;
    REQUIRE(tern_generate(c, turn2.data(), static_cast<int32_t>(turn2.size()), &p, &r) == TERN_OK);
    CHECK(r.n_prompt_reused >= static_cast<int32_t>(turn1.size() + a.ids.size() - 1));
    CHECK(b.ids == plain_greedy(m, turn2, 12));
    tern_context_free(c);
    tern_model_free(m);
}

TEST_CASE("generate: with drafting, stop strings and a cancelling callback end exactly where plain decoding ends") {
    tern_model * m = load(first_model());
    REQUIRE(m != nullptr);
    std::vector<int32_t> prompt = tokenize(m, "one two three one two three one two three one two", true, true);
    auto text_of = [](const Collected & c) {
        std::string s;
        for (const std::string & p : c.pieces) s += p;
        return s;
    };
    Collected full;
    tern_generate_params p = greedy(40, &full);
    tern_context * c = context(m, 256);
    tern_generate_result r;
    REQUIRE(tern_generate(c, prompt.data(), static_cast<int32_t>(prompt.size()), &p, &r) == TERN_OK);
    const std::string text = text_of(full);
    REQUIRE(text.size() > 8);
    const std::string stop = text.substr(text.size() / 2, 3);
    const char * stops[] = {stop.c_str()};
    for (int draft : {0, 6}) {
        // A stop string from the middle of the plain output.
        Collected got;
        p = greedy(40, &got);
        p.stop_strings = stops;
        p.n_stop_strings = 1;
        p.draft_max = draft;
        REQUIRE(tern_generate(c, prompt.data(), static_cast<int32_t>(prompt.size()), &p, &r) == TERN_OK);
        CHECK(r.stop_reason == TERN_STOP_STRING);
        CHECK(text_of(got) == text.substr(0, text.find(stop)));
        CHECK(std::equal(got.ids.begin(), got.ids.end(), full.ids.begin()));
        // The callback returning false after 5 tokens.
        Collected cut;
        cut.stop_after = 5;
        p = greedy(40, &cut);
        p.draft_max = draft;
        REQUIRE(tern_generate(c, prompt.data(), static_cast<int32_t>(prompt.size()), &p, &r) == TERN_OK);
        CHECK(r.stop_reason == TERN_STOP_CANCELLED);
        CHECK(cut.ids == std::vector<int32_t>(full.ids.begin(), full.ids.begin() + 5));
        // Only real tokens are cached: the prompt and a prefix of the output.
        std::vector<int32_t> cached(static_cast<size_t>(tern_context_tokens(c, nullptr, 0)));
        tern_context_tokens(c, cached.data(), static_cast<int32_t>(cached.size()));
        std::vector<int32_t> seq = prompt;
        seq.insert(seq.end(), full.ids.begin(), full.ids.end());
        CHECK(cached.size() <= prompt.size() + 5);
        CHECK(std::equal(cached.begin(), cached.end(), seq.begin()));
    }
    tern_context_free(c);
    tern_model_free(m);
}
