// Tokenizer tests: the Llama 3 fixture cases (exact ids), the synthetic vocabularies of the
// fixture models (prompt ids of the reference files), round trips, streaming UTF-8, invalid
// input, errors, and load/tokenize timings; then SentencePiece (the Llama 2 fixture: encode,
// decode and streaming decode cases, and toy vocabularies for the rules). Every expectation is
// read from the fixture files.
//
// Case files: every test/fixtures/tokenizer/*.json with a "cases" array, each tokenized with the
// vocabulary its "gguf" field names; TERN_TOKENIZER_CASES=path[:path...] replaces that list.
// SentencePiece case files: every *.json with "cases" under test/fixtures/tokenizer-spm (any
// depth), its "gguf" relative to the set's folder (the one holding its MANIFEST.json);
// TERN_SPM_CASES=path[:path...] replaces that list.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "gguf/gguf.h"
#include "model/vocab.h"
#include "runtime/text_stream.h"
#include "tokenizer/detokenizer.h"
#include "json.h"
#include "test.h"
#include "tokenizer/pretokenize.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/unicode.h"
#include "tokenizer/utf8_stream.h"

using tern::Tokenizer;
using tern::TokenizerSpec;

namespace {

const std::string kFixtures = TERN_FIXTURES_DIR;

double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// Reads the tokenizer.ggml.* keys of a GGUF file into a spec (what the model loader will do).
bool spec_from_gguf(const std::string & path, TokenizerSpec * spec, std::string * error) {
    auto file = tern::gguf::File::open(path, error);
    if (!file) return false;
    std::vector<std::string_view> views;
    if (!file->get_string_array("tokenizer.ggml.tokens", &views)) {
        *error = "no tokenizer.ggml.tokens";
        return false;
    }
    spec->tokens.assign(views.begin(), views.end());
    views.clear();
    if (file->get_string_array("tokenizer.ggml.merges", &views)) spec->merges.assign(views.begin(), views.end());
    std::vector<int64_t> types;
    if (file->get_int_array("tokenizer.ggml.token_type", &types)) spec->token_types.assign(types.begin(), types.end());
    int64_t id = 0;
    if (file->get_int("tokenizer.ggml.bos_token_id", &id)) spec->bos_id = static_cast<int32_t>(id);
    if (file->get_int("tokenizer.ggml.eos_token_id", &id)) spec->eos_id = static_cast<int32_t>(id);
    if (file->get_int("tokenizer.ggml.eot_token_id", &id)) spec->eot_id = static_cast<int32_t>(id);
    if (file->get_int("tokenizer.ggml.unknown_token_id", &id)) spec->unk_id = static_cast<int32_t>(id);
    bool add_bos = false;
    if (file->get_bool("tokenizer.ggml.add_bos_token", &add_bos)) spec->add_bos = add_bos;
    file->get_string("tokenizer.ggml.model", &spec->model);
    file->get_string("tokenizer.ggml.pre", &spec->pre);
    return true;
}

// `pre`, when not empty, replaces the file's tokenizer.ggml.pre (a case file's "pre" field).
std::unique_ptr<Tokenizer> load(const std::string & path, double * load_ms = nullptr, const std::string & pre = "") {
    const auto start = std::chrono::steady_clock::now();
    TokenizerSpec spec;
    std::string error;
    if (!spec_from_gguf(path, &spec, &error)) {
        std::fprintf(stderr, "%s: %s\n", path.c_str(), error.c_str());
        return nullptr;
    }
    if (!pre.empty()) spec.pre = pre;
    auto t = Tokenizer::create(std::move(spec), &error);
    if (!t) std::fprintf(stderr, "%s: %s\n", path.c_str(), error.c_str());
    if (load_ms) *load_ms = ms_since(start);
    return t;
}

// Each vocabulary is loaded once; the first load prints its time (GGUF read + tokenizer build).
const Tokenizer * tokenizer_for(const std::string & gguf, const std::string & pre = "") {
    static std::map<std::string, std::unique_ptr<Tokenizer>> cache;
    auto it = cache.find(gguf + "#" + pre);
    if (it == cache.end()) {
        double ms = 0;
        auto tok = load(gguf, &ms, pre);
        std::printf("%s: read + built in %.1f ms (%d tokens, %zu merges)\n",
                    std::filesystem::path(gguf).filename().string().c_str(), ms, tok ? tok->n_tokens() : 0,
                    tok ? tok->n_merges() : size_t(0));
        it = cache.emplace(gguf + "#" + pre, std::move(tok)).first;
    }
    return it->second.get();
}

const Tokenizer & llama3() {
    const Tokenizer * t = tokenizer_for(kFixtures + "/tokenizer/llama3-bitnet-b1.58-vocab-only.gguf");
    if (!t) throw std::runtime_error("cannot load the Llama 3 fixture vocabulary");
    return *t;
}

// A file of tokenizer cases and the vocabulary it is meant for.
struct CaseSet {
    std::string path;
    json::Value doc;
    const Tokenizer * tokenizer = nullptr;
    const json::Value & cases() const { return doc["cases"]; }
};

// The paths an environment variable lists, colon-separated (none when unset or empty).
std::vector<std::string> env_paths(const char * name) {
    std::vector<std::string> paths;
    const char * env = std::getenv(name);
    const std::string list = env ? env : "";
    for (size_t start = 0; start < list.size();) {
        const size_t end = std::min(list.find(':', start), list.size());
        if (end > start) paths.push_back(list.substr(start, end - start));
        start = end + 1;
    }
    return paths;
}

std::vector<CaseSet> find_case_sets() {
    std::vector<std::string> paths = env_paths("TERN_TOKENIZER_CASES");
    if (paths.empty()) {
        std::error_code ec;
        for (const auto & entry : std::filesystem::directory_iterator(kFixtures + "/tokenizer", ec)) {
            if (entry.path().extension() == ".json") paths.push_back(entry.path().string());
        }
        std::sort(paths.begin(), paths.end());
    }
    std::vector<CaseSet> sets;
    for (const std::string & path : paths) {
        std::string error;
        CaseSet set;
        set.path = path;
        set.doc = json::parse_file(path, &error);
        if (!error.empty()) {
            std::fprintf(stderr, "%s\n", error.c_str());
            continue;
        }
        if (!set.cases().is_array()) continue;
        const std::string gguf = set.doc["gguf"].str();
        const std::string pre = set.doc.has("pre") ? set.doc["pre"].str() : "";
        set.tokenizer = gguf.empty() ? &llama3() : tokenizer_for(kFixtures + "/" + gguf, pre);
        if (!set.tokenizer) std::fprintf(stderr, "%s: cannot load %s\n", path.c_str(), gguf.c_str());
        sets.push_back(std::move(set));
    }
    return sets;
}

const std::vector<CaseSet> & case_sets() {
    static const std::vector<CaseSet> sets = find_case_sets();
    return sets;
}

std::string from_hex(const std::string & hex) {
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return out;
}

// The exact bytes of a case: text_utf8_hex when present, else text.
std::string case_text(const json::Value & c) {
    return c.has("text_utf8_hex") ? from_hex(c["text_utf8_hex"].str()) : c["text"].str();
}

std::string ids_to_string(const std::vector<int32_t> & ids) {
    std::string s = "[";
    for (size_t i = 0; i < ids.size(); ++i) s += (i ? ", " : "") + std::to_string(ids[i]);
    return s + "]";
}

std::vector<int32_t> to_ids(const json::Value & v) {
    std::vector<int32_t> out;
    for (const int64_t x : v.int_array()) out.push_back(static_cast<int32_t>(x));
    return out;
}

// Streams ids through the UTF-8 decoder one token at a time; every chunk must be valid UTF-8.
// Returns the joined text, and how many times bytes were held back between tokens.
std::string stream_decode(const Tokenizer & t, const std::vector<int32_t> & ids, bool * all_valid, int * held) {
    tern::Utf8StreamDecoder decoder;
    std::string out;
    *all_valid = true;
    *held = 0;
    for (const int32_t id : ids) {
        const std::string chunk = decoder.push(t.token_bytes(id));
        if (!tern::unicode::is_valid_utf8(chunk)) *all_valid = false;
        if (decoder.pending() > 0) ++*held;
        out += chunk;
    }
    const std::string tail = decoder.flush();
    if (!tern::unicode::is_valid_utf8(tail)) *all_valid = false;
    return out + tail;
}

}  // namespace

TEST_CASE("fixture cases: every case gives exactly expected_ids (no BOS, parse_special as given)") {
    REQUIRE(!case_sets().empty());
    for (const CaseSet & set : case_sets()) {
        REQUIRE(set.tokenizer != nullptr);
        const json::Value & cases = set.cases();
        CHECK(cases.size() > 0);
        int passed = 0;
        for (const json::Value & c : cases.items()) {
            tern::TokenizeOptions options;
            options.add_bos = false;
            options.parse_special = c["parse_special"].boolean();
            const std::vector<int32_t> ids = set.tokenizer->tokenize(case_text(c), options);
            const std::vector<int32_t> expected = to_ids(c["expected_ids"]);
            const bool ok = ids == expected;
            passed += ok;
            CHECK_MSG(ok, c["name"].str() + ": got " + ids_to_string(ids) + ", expected " + ids_to_string(expected));
        }
        std::printf("%s: %d/%zu cases exact\n", std::filesystem::path(set.path).filename().string().c_str(), passed,
                    cases.size());
    }
}

TEST_CASE("fixture cases: round trip detokenize(tokenize(text)) == text") {
    for (const CaseSet & set : case_sets()) {
        REQUIRE(set.tokenizer != nullptr);
        for (const json::Value & c : set.cases().items()) {
            const std::string text = case_text(c);
            tern::TokenizeOptions options;
            options.add_bos = false;
            options.parse_special = c["parse_special"].boolean();
            CHECK_MSG(set.tokenizer->detokenize(set.tokenizer->tokenize(text, options)) == text, c["name"].str());
        }
    }
}

TEST_CASE("llama3 fixture: BOS from add_bos_token, special ids, EOT found by name") {
    const Tokenizer & t = llama3();
    CHECK(t.add_bos());
    CHECK(t.bos_id() == 128000);
    CHECK(t.eos_id() == 128001);
    CHECK(t.eot_id() == 128009);  // the file has no eot_token_id: found as <|eot_id|>
    CHECK(t.is_end_of_generation(128001));
    CHECK(t.is_end_of_generation(128009));
    CHECK(!t.is_end_of_generation(128000));
    CHECK(t.pre_tokenizer() == tern::PreTokenizer::llama3);  // no tokenizer.ggml.pre
    const std::vector<int32_t> with = t.tokenize("Hello world");
    const std::vector<int32_t> without = t.tokenize("Hello world", {false, false});
    REQUIRE(with.size() == without.size() + 1);
    CHECK(with[0] == 128000);
    CHECK(std::vector<int32_t>(with.begin() + 1, with.end()) == without);
    CHECK(t.tokenize("").size() == 1);
    CHECK(t.tokenize("", {false, false}).empty());
    // Skipping special tokens when detokenizing.
    const std::vector<int32_t> chat = t.tokenize("<|begin_of_text|>Hi<|eot_id|>", {false, true});
    CHECK(t.detokenize(chat) == "<|begin_of_text|>Hi<|eot_id|>");
    tern::DetokenizeOptions skip;
    skip.skip_special = true;
    CHECK(t.detokenize(chat, skip) == "Hi");
}

TEST_CASE("fixture cases: streaming never emits half a character") {
    int held_total = 0;
    for (const CaseSet & set : case_sets()) {
        REQUIRE(set.tokenizer != nullptr);
        const Tokenizer & t = *set.tokenizer;
        for (const json::Value & c : set.cases().items()) {
            const std::string text = case_text(c);
            const std::vector<int32_t> ids = t.tokenize(text, {false, c["parse_special"].boolean()});
            bool valid = false;
            int held = 0;
            const std::string streamed = stream_decode(t, ids, &valid, &held);
            CHECK_MSG(valid, c["name"].str());
            if (tern::unicode::is_valid_utf8(text)) CHECK_MSG(streamed == text, c["name"].str());
            held_total += held;
        }
    }
    // The fixture has characters split across tokens (emoji, Malayalam, CJK): the decoder must
    // actually have held bytes back somewhere.
    CHECK(held_total > 0);
}

TEST_CASE("synthetic vocabularies of the fixture models: prompt ids of every reference") {
    const char * names[] = {"synth-bitnet-b1.58-i2_s", "synth-bitnet-25-untied-i2_s", "synth-bitnet-tq1_0",
                            "synth-bitnet-tq2_0"};
    int prompts = 0, exact = 0;
    for (const char * name : names) {
        std::string error;
        const json::Value ref = json::parse_file(kFixtures + "/refs/" + name + ".json", &error);
        REQUIRE(error.empty());
        const Tokenizer * t = tokenizer_for(kFixtures + "/" + ref["model"].str());
        REQUIRE(t != nullptr);
        const json::Value & info = ref["tokenizer"];
        CHECK(t->n_tokens() == info["n_vocab"].integer());
        CHECK(static_cast<int64_t>(t->n_merges()) == info["n_merges"].integer());
        CHECK(t->bos_id() == info["bos_id"].integer());
        CHECK(t->eos_id() == info["eos_id"].integer());
        CHECK(t->add_bos() == info["add_bos"].boolean());
        for (const json::Value & p : ref["prompts"].items()) {
            const std::string text = case_text(p);
            tern::TokenizeOptions options;  // BOS as the file says
            options.parse_special = true;
            const std::vector<int32_t> ids = t->tokenize(text, options);
            const std::vector<int32_t> expected = to_ids(p["prompt_ids"]);
            ++prompts;
            exact += ids == expected;
            CHECK_MSG(ids == expected, std::string(name) + "/" + p["name"].str() + ": got " + ids_to_string(ids) +
                                           ", expected " + ids_to_string(expected));
            CHECK_MSG(t->detokenize(ids) == t->token_text(t->bos_id()) + text, p["name"].str());
            bool valid = false;
            int held = 0;
            stream_decode(*t, ids, &valid, &held);
            CHECK(valid);
        }
    }
    std::printf("synthetic model prompts: %d/%d exact\n", exact, prompts);
}

TEST_CASE("pre-tokenizer names: supported ones, unknown ones refused with a clear error") {
    tern::PreTokenizer p;
    CHECK(tern::pre_tokenizer_from_name("", &p) && p == tern::PreTokenizer::llama3);
    CHECK(tern::pre_tokenizer_from_name("llama-bpe", &p) && p == tern::PreTokenizer::llama3);
    CHECK(tern::pre_tokenizer_from_name("llama3", &p) && p == tern::PreTokenizer::llama3);
    CHECK(tern::pre_tokenizer_from_name("gpt2", &p) && p == tern::PreTokenizer::gpt2);
    CHECK(tern::pre_tokenizer_from_name("olmo", &p) && p == tern::PreTokenizer::gpt2);  // GPT-NeoX-style vocabularies
    CHECK(tern::pre_tokenizer_from_name("mpt", &p) && p == tern::PreTokenizer::gpt2);
    CHECK(!tern::pre_tokenizer_from_name("qwen2", &p));

    TokenizerSpec spec;
    spec.tokens = {"a", "b", "ab"};
    spec.merges = {"a b"};
    spec.pre = "qwen2";
    std::string error;
    CHECK(Tokenizer::create(spec, &error) == nullptr);
    CHECK_MSG(error.find("unknown pre-tokenizer 'qwen2'") != std::string::npos, error);
    spec.pre = "";
    spec.model = "bert";
    error.clear();
    CHECK(Tokenizer::create(spec, &error) == nullptr);
    CHECK_MSG(error.find("unsupported tokenizer model 'bert'") != std::string::npos, error);
    spec.model = "gpt2";
    spec.token_types = {1, 1};
    CHECK(Tokenizer::create(spec, &error) == nullptr);
    spec.token_types.clear();
    spec.bos_id = 7;
    CHECK(Tokenizer::create(spec, &error) == nullptr);
    spec.bos_id = -1;
    CHECK(Tokenizer::create(spec, &error) != nullptr);
}

namespace {
std::vector<std::string> split(tern::PreTokenizer kind, const std::string & text) {
    std::vector<std::string_view> pieces;
    tern::pretokenize(kind, text, pieces);
    return std::vector<std::string>(pieces.begin(), pieces.end());
}
using Pieces = std::vector<std::string>;
}  // namespace

TEST_CASE("llama3 pre-tokenizer: hand-checked splits") {
    const auto L = tern::PreTokenizer::llama3;
    CHECK((split(L, "Hello world") == Pieces{"Hello", " world"}));
    CHECK((split(L, "I'M HE'D 'Ve") == Pieces{"I", "'M", " HE", "'D", " '", "Ve"}));
    CHECK((split(L, "12345") == Pieces{"123", "45"}));
    CHECK((split(L, "a  b") == Pieces{"a", " ", " b"}));
    CHECK((split(L, "x   ") == Pieces{"x", "   "}));
    CHECK((split(L, "a \n\n b") == Pieces{"a", " \n\n", " b"}));
    CHECK((split(L, "a\n\tb") == Pieces{"a", "\n", "\tb"}));
    CHECK((split(L, " ...\r\nx") == Pieces{" ...\r\n", "x"}));
    CHECK((split(L, " 42") == Pieces{" ", "42"}));
    CHECK((split(L, "\xC3\xA9t\xC3\xA9") == Pieces{"\xC3\xA9t\xC3\xA9"}));
    CHECK((split(L, "(n):") == Pieces{"(n", "):"}));
    CHECK((split(L, "'\xC5\xBF") == Pieces{"'\xC5\xBF"}));  // U+017F folds to s under (?i)
    CHECK((split(L, "\xFF" "ab") == Pieces{"\xFF" "ab"}));  // an invalid byte is "other"
}

// Case files with "pieces" (falcon3-pretokenizer-cases.json: made by Python's regex module with
// scripts/gen-falcon3-cases.py) give the exact split of each text by their "pre" pre-tokenizer.
TEST_CASE("fixture cases with pieces: the pre-tokenizer splits exactly as Python's regex does") {
    int files = 0;
    for (const CaseSet & set : case_sets()) {
        if (!set.doc.has("pre") || set.cases().size() == 0 || !set.cases().items().front().has("pieces")) continue;
        ++files;
        tern::PreTokenizer kind;
        REQUIRE(tern::pre_tokenizer_from_name(set.doc["pre"].str(), &kind));
        REQUIRE(set.tokenizer != nullptr && set.tokenizer->pre_tokenizer() == kind);
        int exact = 0;
        for (const json::Value & c : set.cases().items()) {
            Pieces want;
            for (const json::Value & p : c["pieces"].items()) want.push_back(p.str());
            const bool ok = split(kind, case_text(c)) == want;
            exact += ok;
            CHECK_MSG(ok, c["name"].str());
        }
        std::printf("%s: %d/%zu splits exact\n", std::filesystem::path(set.path).filename().string().c_str(), exact,
                    set.cases().size());
    }
    // The fixture set has one; a TERN_TOKENIZER_CASES list (another set) may have none.
    CHECK(files > 0 || !env_paths("TERN_TOKENIZER_CASES").empty());
}

TEST_CASE("falcon3: the Llama 3 rules, ignore_merges and BOS, as llama.cpp's vocabulary gives it") {
    tern::PreTokenizer p;
    CHECK(tern::pre_tokenizer_from_name("falcon3", &p) && p == tern::PreTokenizer::llama3);
    const Tokenizer * falcon3 = tokenizer_for(kFixtures + "/tokenizer/llama3-bitnet-b1.58-vocab-only.gguf", "falcon3");
    REQUIRE(falcon3 != nullptr);
    CHECK(falcon3->pre_tokenizer() == tern::PreTokenizer::llama3);
    tern::TokenizeOptions options;
    options.parse_special = false;
    const std::vector<int32_t> ids = falcon3->tokenize("Hello", options);
    REQUIRE(!ids.empty());
    CHECK(ids.front() == falcon3->bos_id());
}

TEST_CASE("gpt2 pre-tokenizer: hand-checked splits") {
    const auto G = tern::PreTokenizer::gpt2;
    CHECK((split(G, "Hello world") == Pieces{"Hello", " world"}));
    CHECK((split(G, "I'm I'M") == Pieces{"I", "'m", " I", "'", "M"}));
    CHECK((split(G, "12345 678") == Pieces{"12345", " 678"}));
    CHECK((split(G, "a  b") == Pieces{"a", " ", " b"}));
    CHECK((split(G, "a \n\n b") == Pieces{"a", " \n\n", " b"}));
    CHECK((split(G, "(n):") == Pieces{"(", "n", "):"}));
    CHECK((split(G, "x\ty") == Pieces{"x", "\t", "y"}));
}

TEST_CASE("unicode classes come from the generated tables") {
    using namespace tern::unicode;
    CHECK(is_letter('a') && is_letter(0x00E9) && is_letter(0x4F60) && is_letter(0x0D2E));
    CHECK(!is_letter('1') && !is_letter(' ') && !is_letter(0x1F355));
    CHECK(is_number('7') && is_number(0x0663) && is_number(0x00B2) && is_number(0x2167));
    CHECK(is_whitespace(' ') && is_whitespace('\t') && is_whitespace(0x00A0) && is_whitespace(0x3000) &&
          is_whitespace(0x0085));
    CHECK(!is_whitespace(0xFEFF) && !is_whitespace(0x200B));
    std::printf("unicode tables: Unicode %s\n", tables_unicode_version());
}

TEST_CASE("invalid UTF-8 input is tokenized byte by byte and round-trips exactly") {
    const Tokenizer & t = llama3();
    const std::string inputs[] = {
        std::string("\xFF\xFE hello \xC3"),        // bad bytes, truncated sequence at the end
        std::string("caf\xC3\xA9\xE9 \xED\xA0\x80"),  // Latin-1 byte, an encoded surrogate
        std::string("\xF0\x9F\x8D") + "x",          // an emoji cut short
        std::string("a\0b", 3),                     // NUL is an ordinary byte
        std::string("\xC0\xAF\xF8\x88\x80\x80\x80"),  // overlong, 5-byte form
    };
    for (const std::string & text : inputs) {
        const std::vector<int32_t> ids = t.tokenize(text, {false, true});
        CHECK(!ids.empty());
        CHECK(t.detokenize(ids) == text);
        bool valid = false;
        int held = 0;
        const std::string streamed = stream_decode(t, ids, &valid, &held);
        CHECK(valid);  // invalid bytes come out as U+FFFD, never raw
    }
}

TEST_CASE("utf8 stream decoder: holds incomplete characters, replaces invalid bytes") {
    tern::Utf8StreamDecoder d;
    CHECK(d.push("caf\xC3") == "caf");
    CHECK(d.pending() == 1);
    CHECK(d.push("\xA9!") == "\xC3\xA9!");
    CHECK(d.push("\xF0\x9F") == "");
    CHECK(d.push("\x8D") == "");
    CHECK(d.push("\x95") == "\xF0\x9F\x8D\x95");
    CHECK(d.flush().empty());
    // Clearly invalid: replaced at once.
    CHECK(d.push("\x80" "a") == "\xEF\xBF\xBD" "a");
    CHECK(d.push("\xC3(") == "\xEF\xBF\xBD(");
    CHECK(d.push("\xE0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong lead E0 needs A0..BF
    CHECK(d.push("\xED\xA0") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogates
    CHECK(d.push("\xF4\x90") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // above U+10FFFF
    CHECK(d.push("\xC0\xFF") == "\xEF\xBF\xBD\xEF\xBF\xBD");
    // Incomplete at the end: one U+FFFD at flush.
    CHECK(d.push("x\xE2\x82") == "x");
    CHECK(d.flush() == "\xEF\xBF\xBD");
    CHECK(d.pending() == 0);
    // Byte-at-a-time over mixed text gives the same text back.
    const std::string text = "na\xC3\xAFve \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9";
    std::string out;
    for (const char c : text) {
        const std::string chunk = d.push(std::string(1, c));
        CHECK(tern::unicode::is_valid_utf8(chunk));
        out += chunk;
    }
    CHECK(out + d.flush() == text);
}

TEST_CASE("BPE details: merge ranks, leftmost ties, ignore_merges, parse_special longest match") {
    // A toy vocabulary in the byte spelling: 'a' 'b' 'c', merges by rank.
    TokenizerSpec spec;
    spec.tokens = {"a", "b", "c", "ab", "bc", "abc", "aa", "<|x|>", "<|x|>y", "<|", "Ġ", "Ġa"};
    spec.merges = {"b c", "a b", "a a", "a bc", "Ġ a"};
    spec.token_types = {1, 1, 1, 1, 1, 1, 1, 3, 3, 1, 1, 1};
    spec.pre = "llama-bpe";
    std::string error;
    auto t = Tokenizer::create(spec, &error);
    REQUIRE(t != nullptr);
    // "abc" is a vocabulary entry: emitted whole (ignore_merges).
    CHECK((t->tokenize("abc", {false, false}) == std::vector<int32_t>{5}));
    // "abcc": b c (rank 0) first -> a bc -> abc (rank 3), then c.
    CHECK((t->tokenize("abcc", {false, false}) == std::vector<int32_t>{5, 2}));
    // "aaa": equal ranks, leftmost first -> aa a.
    CHECK((t->tokenize("aaa", {false, false}) == std::vector<int32_t>{6, 0}));
    // A missing byte token with no unk id is dropped, not a crash.
    CHECK((t->tokenize("ad", {false, false}) == std::vector<int32_t>{0}));
    // Special tokens: only when asked, leftmost-longest.
    CHECK((t->tokenize("<|x|>y", {false, true}) == std::vector<int32_t>{8}));
    CHECK((t->tokenize("a<|x|>", {false, true}) == std::vector<int32_t>{0, 7}));
    CHECK((t->tokenize("<|x|>", {false, false}) == std::vector<int32_t>{9}));  // "<|" then dropped bytes
    CHECK((t->tokenize(" a", {false, false}) == std::vector<int32_t>{11}));
}

TEST_CASE("ignore_merges for the Llama 3 family only; add_bos default by family") {
    TokenizerSpec spec;
    spec.tokens = {"a", "b", "c", "ab", "abc", "<s>"};
    spec.merges = {"a b"};  // no merge makes "abc"
    spec.token_types = {1, 1, 1, 1, 1, 3};
    spec.bos_id = 5;
    std::string error;
    spec.pre = "llama-bpe";
    auto llama = Tokenizer::create(spec, &error);
    REQUIRE(llama != nullptr);
    CHECK(llama->ignore_merges());
    CHECK((llama->tokenize("abc", {false, false}) == std::vector<int32_t>{4}));
    CHECK(llama->add_bos());  // not given: on for Llama 3
    CHECK((llama->tokenize("abc") == std::vector<int32_t>{5, 4}));
    spec.pre = "gpt2";
    auto gpt2 = Tokenizer::create(spec, &error);
    REQUIRE(gpt2 != nullptr);
    CHECK(!gpt2->ignore_merges());
    CHECK((gpt2->tokenize("abc", {false, false}) == std::vector<int32_t>{3, 2}));
    CHECK(!gpt2->add_bos());  // not given: off for GPT-2
    spec.pre = "";
    spec.add_bos = false;  // the file says no
    auto no_bos = Tokenizer::create(spec, &error);
    REQUIRE(no_bos != nullptr);
    CHECK((no_bos->tokenize("abc") == std::vector<int32_t>{4}));
}

TEST_CASE("random bytes and random text: no crash, exact round trip, valid streamed UTF-8") {
    const Tokenizer & t = llama3();
    uint64_t state = 12345;
    const auto next = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<uint32_t>(state >> 33);
    };
    const char * pieces[] = {"a", "Z", " ", "  ", "\n", "\r\n", "\t", "'", "'s", "'LL", "7", "42", ".", "!?",
                             "\xC3\xA9", "\xE6\x97\xA5", "\xF0\x9F\x8D\x95", "\xE2\x80\x8D", "\xC2\xA0",
                             "\xE3\x80\x80", "<|eot_id|>", "<|", "|>", "\xFF", "\x80", "\xC3", "\xF0\x9F"};
    int failures = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string text;
        const uint32_t n = next() % 24;
        for (uint32_t k = 0; k < n; ++k) {
            if (i % 3 == 0) {
                text += static_cast<char>(next() & 0xFF);  // raw bytes
            } else {
                text += pieces[next() % (sizeof(pieces) / sizeof(pieces[0]))];
            }
        }
        const bool special = i % 2 == 0;
        const std::vector<int32_t> ids = t.tokenize(text, {false, special});
        bool valid = false;
        int held = 0;
        const std::string streamed = stream_decode(t, ids, &valid, &held);
        const bool ok = t.detokenize(ids) == text && valid &&
                        (!tern::unicode::is_valid_utf8(text) || streamed == text);
        failures += !ok;
    }
    CHECK(failures == 0);
}

TEST_CASE("timing: tokenizing a few thousand characters takes milliseconds") {
    const Tokenizer & t = llama3();
    std::string text;
    for (const CaseSet & set : case_sets()) {
        for (const json::Value & c : set.cases().items()) text += case_text(c) + "\n";
    }
    while (text.size() < 5000) text += text;
    const auto start = std::chrono::steady_clock::now();
    size_t n = 0;
    const int reps = 20;
    for (int i = 0; i < reps; ++i) n += t.tokenize(text, {false, true}).size();
    const double ms = ms_since(start) / reps;
    std::printf("tokenize %zu bytes -> %zu tokens: %.2f ms\n", text.size(), n / reps, ms);
    CHECK(ms < 100);  // generous: a debug build on a busy machine
}

// ---- SentencePiece (tokenizer.ggml.model = "llama") ----

namespace {

// A SentencePiece case file, its vocabulary loaded through the model loader's load_vocab.
struct SpmSet {
    std::string path;
    json::Value doc;
    std::unique_ptr<Tokenizer> tokenizer;
    std::string gguf;
};

// The set's folder: the nearest folder above the case file that holds a MANIFEST.json (the
// layout of the shared fixtures: <set>/tokenizer/<cases>.json, "gguf": "tokenizer/<file>").
std::filesystem::path set_root(const std::filesystem::path & cases) {
    for (auto dir = cases.parent_path(); !dir.empty(); dir = dir.parent_path()) {
        if (std::filesystem::exists(dir / "MANIFEST.json")) return dir;
        if (dir == dir.parent_path()) break;
    }
    return cases.parent_path().parent_path();
}

std::vector<SpmSet> find_spm_sets() {
    std::vector<std::string> paths = env_paths("TERN_SPM_CASES");
    if (paths.empty()) {
        std::error_code ec;
        for (const auto & entry : std::filesystem::recursive_directory_iterator(kFixtures + "/tokenizer-spm", ec)) {
            if (entry.path().extension() == ".json" && entry.path().filename() != "MANIFEST.json") {
                paths.push_back(entry.path().string());
            }
        }
        std::sort(paths.begin(), paths.end());
    }
    std::vector<SpmSet> sets;
    for (const std::string & path : paths) {
        SpmSet set;
        set.path = path;
        std::string error;
        set.doc = json::parse_file(path, &error);
        if (!error.empty()) {
            std::fprintf(stderr, "%s\n", error.c_str());
            continue;
        }
        if (!set.doc["cases"].is_array() && !set.doc["decode_cases"].is_array()) continue;
        const std::filesystem::path gguf = set.doc["gguf"].str();
        set.gguf = (set_root(path) / gguf).string();
        if (!std::filesystem::exists(set.gguf)) set.gguf = (std::filesystem::path(path).parent_path() / gguf.filename()).string();
        const auto start = std::chrono::steady_clock::now();
        auto file = tern::gguf::File::open(set.gguf, &error);
        if (file && tern::load_vocab(*file, &set.tokenizer, &error) != tern::VocabResult::Ok) set.tokenizer.reset();
        if (!set.tokenizer) {
            std::fprintf(stderr, "%s: cannot load %s: %s\n", path.c_str(), set.gguf.c_str(), error.c_str());
        } else {
            std::printf("%s: read + built in %.1f ms (%d tokens)\n", std::filesystem::path(set.gguf).filename().string().c_str(),
                        ms_since(start), set.tokenizer->n_tokens());
        }
        sets.push_back(std::move(set));
    }
    return sets;
}

const std::vector<SpmSet> & spm_sets() {
    static const std::vector<SpmSet> sets = find_spm_sets();
    return sets;
}

// Streams ids through a Detokenizer; every chunk must be valid UTF-8.
std::string detok_stream(const Tokenizer & t, const std::vector<int32_t> & ids, bool * all_valid, int * held,
                         tern::DetokenizeOptions options = {}) {
    tern::Detokenizer d(&t, options);
    std::string out;
    *all_valid = true;
    *held = 0;
    for (const int32_t id : ids) {
        const std::string chunk = d.push(id);
        if (!tern::unicode::is_valid_utf8(chunk)) *all_valid = false;
        if (d.pending() > 0) ++*held;
        out += chunk;
    }
    const std::string tail = d.flush();
    if (!tern::unicode::is_valid_utf8(tail)) *all_valid = false;
    return out + tail;
}

// What decoding gives back for a text: a literal "▁" reads as a space.
std::string spm_spaced(const std::string & text) {
    std::string out;
    for (size_t p = 0; p < text.size();) {
        if (text.compare(p, 3, "\xE2\x96\x81") == 0) {
            out += ' ';
            p += 3;
        } else {
            out += text[p++];
        }
    }
    return out;
}

std::string show(const std::string & s) {  // for failure messages: the text, escaped
    std::string out = "\"";
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F || c == '"' || c == '\\') {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", u);
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

}  // namespace

TEST_CASE("spm fixture: the vocabulary as the file says (kind, ids, flags)") {
    REQUIRE(!spm_sets().empty());
    for (const SpmSet & set : spm_sets()) {
        REQUIRE(set.tokenizer != nullptr);
        const Tokenizer & t = *set.tokenizer;
        std::string error;
        auto file = tern::gguf::File::open(set.gguf, &error);
        REQUIRE(file != nullptr);
        std::string model;
        CHECK(file->get_string("tokenizer.ggml.model", &model) && model == "llama");
        CHECK(t.kind() == tern::TokenizerKind::spm);
        std::vector<std::string_view> tokens;
        REQUIRE(file->get_string_array("tokenizer.ggml.tokens", &tokens));
        CHECK(t.n_tokens() == static_cast<int32_t>(tokens.size()));
        CHECK(t.n_merges() == 0);
        int64_t id = -1;
        if (file->get_int("tokenizer.ggml.bos_token_id", &id)) CHECK(t.bos_id() == id);
        if (file->get_int("tokenizer.ggml.eos_token_id", &id)) CHECK(t.eos_id() == id);
        if (file->get_int("tokenizer.ggml.unknown_token_id", &id)) CHECK(t.unk_id() == id);
        bool flag = false;
        CHECK(t.add_bos() == (file->get_bool("tokenizer.ggml.add_bos_token", &flag) ? flag : true));
        CHECK(t.add_eos() == (file->get_bool("tokenizer.ggml.add_eos_token", &flag) ? flag : false));
        CHECK(t.add_space_prefix() == (file->get_bool("tokenizer.ggml.add_space_prefix", &flag) ? flag : true));
        CHECK(t.is_end_of_generation(t.eos_id()));
        CHECK(t.token_type(t.bos_id()) == tern::TokenType::control);
        CHECK(t.token_type(t.unk_id()) == tern::TokenType::unknown);
    }
}

TEST_CASE("spm fixture: every encode case gives exactly expected_ids (add_bos, parse_special as given)") {
    for (const SpmSet & set : spm_sets()) {
        REQUIRE(set.tokenizer != nullptr);
        const Tokenizer & t = *set.tokenizer;
        int passed = 0, segments = 0;
        for (const json::Value & c : set.doc["cases"].items()) {
            tern::TokenizeOptions options;
            options.add_bos = c["add_bos"].boolean();
            options.parse_special = c["parse_special"].boolean();
            const std::vector<int32_t> ids = t.tokenize(case_text(c), options);
            const std::vector<int32_t> expected = to_ids(c["expected_ids"]);
            const bool ok = ids == expected;
            passed += ok;
            CHECK_MSG(ok, c["name"].str() + ": got " + ids_to_string(ids) + ", expected " + ids_to_string(expected));
            if (options.add_bos && !expected.empty()) CHECK_MSG(expected[0] == t.bos_id(), c["name"].str());
            // Each text fragment of a parse_special case on its own, each special token by its text.
            for (const json::Value & seg : c["segments"].items()) {
                ++segments;
                if (seg.has("special")) {
                    CHECK_MSG(t.find_token(seg["special"].str()) == seg["id"].integer(), c["name"].str());
                    CHECK_MSG((t.tokenize(seg["special"].str(), {false, true}) ==
                               std::vector<int32_t>{static_cast<int32_t>(seg["id"].integer())}),
                              c["name"].str());
                } else {
                    CHECK_MSG(t.tokenize(seg["text"].str(), {false, false}) == to_ids(seg["ids"]),
                              c["name"].str() + " segment " + show(seg["text"].str()));
                }
            }
        }
        std::printf("%s: %d/%zu encode cases exact, %d segments\n", std::filesystem::path(set.path).filename().string().c_str(),
                    passed, set.doc["cases"].size(), segments);
    }
}

TEST_CASE("spm fixture: every decode case gives expected_text, whole and streamed") {
    for (const SpmSet & set : spm_sets()) {
        REQUIRE(set.tokenizer != nullptr);
        const Tokenizer & t = *set.tokenizer;
        int passed = 0;
        for (const json::Value & c : set.doc["decode_cases"].items()) {
            const std::vector<int32_t> ids = to_ids(c["ids"]);
            const std::string expected =
                c.has("expected_text_utf8_hex") ? from_hex(c["expected_text_utf8_hex"].str()) : c["expected_text"].str();
            const std::string whole = t.detokenize(ids);
            bool valid = false;
            int held = 0;
            const std::string streamed = detok_stream(t, ids, &valid, &held);
            passed += whole == expected && streamed == expected;
            CHECK_MSG(whole == expected, c["name"].str() + ": got " + show(whole) + ", expected " + show(expected));
            CHECK_MSG(streamed == expected, c["name"].str() + " (streamed): got " + show(streamed));
            CHECK_MSG(valid, c["name"].str());
            // Skipping special tokens changes nothing here: control tokens are invisible anyway.
            tern::DetokenizeOptions skip;
            skip.skip_special = true;
            CHECK_MSG(t.detokenize(ids, skip) == expected, c["name"].str());
        }
        std::printf("%s: %d/%zu decode cases exact (whole and streamed)\n",
                    std::filesystem::path(set.path).filename().string().c_str(), passed, set.doc["decode_cases"].size());
    }
}

TEST_CASE("spm fixture: encode cases decode back to their text; streaming equals the whole decode") {
    int held_total = 0;
    for (const SpmSet & set : spm_sets()) {
        REQUIRE(set.tokenizer != nullptr);
        const Tokenizer & t = *set.tokenizer;
        for (const json::Value & c : set.doc["cases"].items()) {
            const std::vector<int32_t> ids = to_ids(c["expected_ids"]);
            const std::string text = case_text(c);
            const std::string whole = t.detokenize(ids);
            // Without special tokens in the ids (BOS aside), decode(encode(text)) is the text, with
            // a literal ▁ read back as a space.
            bool plain = true;
            for (size_t i = c["add_bos"].boolean() ? 1 : 0; i < ids.size(); ++i) {
                const tern::TokenType type = t.token_type(ids[i]);
                plain = plain && type != tern::TokenType::control && type != tern::TokenType::unknown;
            }
            if (plain) CHECK_MSG(whole == spm_spaced(text), c["name"].str() + ": got " + show(whole));
            bool valid = false;
            int held = 0;
            CHECK_MSG(detok_stream(t, ids, &valid, &held) == whole, c["name"].str());
            CHECK_MSG(valid, c["name"].str());
            held_total += held;
        }
    }
    CHECK(held_total > 0);  // byte fallback splits characters: the stream held bytes back
}

namespace {
// A toy SentencePiece vocabulary: the given pieces (NORMAL, scores as given) after <unk>, <s>,
// </s> and the 256 byte tokens.
TokenizerSpec toy_spm(const std::vector<std::pair<std::string, float>> & pieces) {
    TokenizerSpec spec;
    spec.model = "llama";
    spec.pre = "default";
    spec.tokens = {"<unk>", "<s>", "</s>"};
    spec.token_types = {2, 3, 3};
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        spec.tokens.push_back(name);
        spec.token_types.push_back(6);
    }
    spec.scores.assign(spec.tokens.size(), 0.0f);
    for (const auto & [text, score] : pieces) {
        spec.tokens.push_back(text);
        spec.token_types.push_back(1);
        spec.scores.push_back(score);
    }
    spec.bos_id = 1;
    spec.eos_id = 2;
    spec.unk_id = 0;
    return spec;
}
constexpr int32_t kToy = 259;  // the first toy piece's id
}  // namespace

TEST_CASE("spm rules on a toy vocabulary: score order, leftmost ties, prefix, bytes, specials") {
    using Ids = std::vector<int32_t>;
    // ▁ a b ab ▁a bc abc aa
    const std::string S = "\xE2\x96\x81";
    std::string error;
    auto t = Tokenizer::create(toy_spm({{S, -10}, {"a", -1}, {"b", -2}, {"c", -3}, {"ab", -5}, {"bc", -4},
                                        {S + "a", -6}, {"abc", -7}, {"aa", -8}}),
                               &error);
    REQUIRE(t != nullptr);
    const int32_t sp = kToy, a = kToy + 1, b = kToy + 2, c = kToy + 3, ab = kToy + 4, bc = kToy + 5, sa = kToy + 6,
                  abc = kToy + 7, aa = kToy + 8;
    CHECK(t->kind() == tern::TokenizerKind::spm);
    CHECK(t->add_bos());  // not given: on for SentencePiece
    // By score, not by position: "bc" (-4) before "ab" (-5) and "▁a" (-6); then "▁a" (-6) before
    // "abc" (-7), which therefore never forms.
    CHECK((t->tokenize("abc", {false, false}) == Ids{sa, bc}));
    CHECK((t->tokenize("xabc", {false, false}) == Ids{sp, 3 + 'x', abc}));
    // "▁a" (-6) beats "aa" (-8); the rest "aa".
    CHECK((t->tokenize("aaa", {false, false}) == Ids{sa, aa}));
    // BOS from the file's default; dummy prefix even before a space.
    CHECK((t->tokenize(" a") == Ids{1, sp, sa}));
    // A character with no piece: its UTF-8 bytes as byte tokens.
    CHECK((t->tokenize("\xC3\xA9", {false, false}) == Ids{sp, 3 + 0xC3, 3 + 0xA9}));
    // Only U+0020 is a space; a tab is an ordinary (byte) character.
    CHECK((t->tokenize("\t", {false, false}) == Ids{sp, 3 + 9}));
    // Special tokens only with parse_special; each fragment gets its own prefix.
    CHECK((t->tokenize("a</s>b", {false, true}) == Ids{sa, 2, sp, b}));
    CHECK(t->tokenize("", {false, true}).empty());
    CHECK((t->tokenize("<s>", {false, true}) == Ids{1}));
    // Decoding: the first piece loses its space once; control invisible; <unk> " ⁇ ".
    CHECK(t->detokenize({1, sa, sa}) == "a a");
    CHECK(t->detokenize({sp, sa}) == " a");
    CHECK(t->detokenize({0, sa}) == " \xE2\x81\x87  a");
    CHECK(t->detokenize({3 + 0xC3, sa}) == "\xEF\xBF\xBD a");
    CHECK(t->detokenize({a, 3 + 0xE2, 3 + 0x82, c}) == "a\xEF\xBF\xBD\xEF\xBF\xBD" "c");
    CHECK(t->detokenize({a, 3 + 0xE2, 3 + 0x82, 3 + 0xAC}) == "a\xE2\x82\xAC");
    CHECK(t->detokenize({3 + 0xC0, 3 + 0xAF}) == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
    (void)ab;

    // Ties go to the leftmost pair: four spaces with only "▁▁" (all equal scores).
    auto spaces = Tokenizer::create(toy_spm({{S, -1e9f}, {S + S, -1e9f}, {S + S + S, -1e9f}}), &error);
    REQUIRE(spaces != nullptr);
    // "▁" + 4 spaces = 5 markers, every merge at the same score: the leftmost pair each time,
    // ▁▁ then ▁▁▁ at the front, then ▁▁ of the rest (a rightmost rule would give ▁▁ ▁▁▁).
    CHECK((spaces->tokenize("    ", {false, false}) == Ids{kToy + 2, kToy + 1}));

    // No dummy prefix when the file says so; user-defined tokens split out even without
    // parse_special; EOS appended when the file asks for it.
    TokenizerSpec spec = toy_spm({{S, -1}, {"a", -2}, {"<x>", 0}});
    spec.token_types.back() = 4;
    spec.add_space_prefix = false;
    spec.add_eos = true;
    auto u = Tokenizer::create(spec, &error);
    REQUIRE(u != nullptr);
    CHECK((u->tokenize("a<x>a") == Ids{1, kToy + 1, kToy + 2, kToy + 1, 2}));
    CHECK((u->tokenize(" a", {false, false}) == Ids{kToy, kToy + 1}));
    CHECK(u->detokenize({kToy + 1, kToy + 2}) == "a<x>");
    tern::DetokenizeOptions skip;
    skip.skip_special = true;
    CHECK(u->detokenize({kToy + 1, kToy + 2}, skip) == "a");

    // Without byte tokens, an unknown character becomes <unk>.
    TokenizerSpec bare;
    bare.model = "llama";
    bare.tokens = {"<unk>", "<s>", "</s>", S, "a"};
    bare.token_types = {2, 3, 3, 1, 1};
    bare.scores = {0, 0, 0, -1, -2};
    auto v = Tokenizer::create(bare, &error);
    REQUIRE(v != nullptr);
    CHECK((v->tokenize("a\xC3\xA9", {false, false}) == Ids{3, 4, 0}));
    CHECK(v->unk_id() == 0);  // found by type
    bare.scores = {0, 0};
    CHECK(Tokenizer::create(bare, &error) == nullptr);
    CHECK_MSG(error.find("scores") != std::string::npos, error);
}

TEST_CASE("spm fixture: random text round-trips, streams as valid UTF-8, agrees with the whole decode") {
    for (const SpmSet & set : spm_sets()) {
        REQUIRE(set.tokenizer != nullptr);
        const Tokenizer & t = *set.tokenizer;
        uint64_t state = 777;
        const auto next = [&] {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            return static_cast<uint32_t>(state >> 33);
        };
        const char * pieces[] = {"a", "Z", " ", "  ", "\n", "\r\n", "\t", "the", " of", "7", "42", ".", "!?",
                                 "\xC3\xA9", "\xE6\x97\xA5", "\xF0\x9F\x8D\x95", "\xE2\x80\x8D", "\xC2\xA0",
                                 "\xE3\x80\x80", "\xE2\x96\x81", "\xE0\xB4\x92", "<0x41>", "<", "s>", "\x01"};
        int failures = 0;
        for (int i = 0; i < 2000; ++i) {
            std::string text;
            const uint32_t n = next() % 16;
            for (uint32_t k = 0; k < n; ++k) text += pieces[next() % (sizeof(pieces) / sizeof(pieces[0]))];
            const std::vector<int32_t> ids = t.tokenize(text, {true, false});
            bool valid = false;
            int held = 0;
            const std::string whole = t.detokenize(ids);
            const std::string streamed = detok_stream(t, ids, &valid, &held);
            const std::string spaced = spm_spaced(text);  // a literal ▁ reads back as a space
            const bool ok = whole == spaced && streamed == whole && valid;
            if (!ok && failures < 5) std::fprintf(stderr, "random %d: %s -> %s\n", i, show(text).c_str(), show(whole).c_str());
            failures += !ok;
        }
        CHECK(failures == 0);
    }
}

TEST_CASE("spm timing: the fixture texts tokenize in milliseconds") {
    for (const SpmSet & set : spm_sets()) {
        REQUIRE(set.tokenizer != nullptr);
        std::string text;
        for (const json::Value & c : set.doc["cases"].items()) text += case_text(c) + "\n";
        while (text.size() < 5000) text += text;
        const auto start = std::chrono::steady_clock::now();
        size_t n = 0;
        const int reps = 20;
        for (int i = 0; i < reps; ++i) n += set.tokenizer->tokenize(text, {false, true}).size();
        const double ms = ms_since(start) / reps;
        std::printf("spm tokenize %zu bytes -> %zu tokens: %.2f ms\n", text.size(), n / reps, ms);
        CHECK(ms < 100);
    }
}

TEST_CASE("spm fixture: generation's TextStream gives the whole decode and stops at EOS") {
    for (const SpmSet & set : spm_sets()) {
        REQUIRE(set.tokenizer != nullptr);
        const Tokenizer & t = *set.tokenizer;
        for (const json::Value & c : set.doc["cases"].items()) {
            std::vector<int32_t> ids = to_ids(c["expected_ids"]);
            if (c["add_bos"].boolean() && !ids.empty()) ids.erase(ids.begin());  // generated ids carry no BOS
            tern::TextStream stream(&t, {t.eos_id()}, {});
            std::string text;
            for (const int32_t id : ids) {
                const tern::TextStream::Step step = stream.push(id);
                CHECK_MSG(tern::unicode::is_valid_utf8(step.text), c["name"].str());
                text += step.text;
                if (step.reason != tern::StopReason::none) break;
            }
            const tern::TextStream::Step end = stream.push(t.eos_id());
            CHECK(end.reason == tern::StopReason::end_of_generation);
            text += end.text;
            // Up to the first EOS in the ids (a parse_special case may hold one).
            const auto eos = std::find(ids.begin(), ids.end(), t.eos_id());
            CHECK_MSG(text == t.detokenize(std::vector<int32_t>(ids.begin(), eos)), c["name"].str() + ": got " + show(text));
        }
    }
}

TEST_CASE("continuation: a completion keeps SentencePiece's leading space, a reply of its own loses it") {
    for (const SpmSet & set : spm_sets()) {
        REQUIRE(set.tokenizer != nullptr);
        const Tokenizer & t = *set.tokenizer;
        tern::TokenizeOptions no_bos;
        no_bos.add_bos = false;
        const std::vector<int32_t> ids = t.tokenize("Paris, France", no_bos);  // "▁Paris" first: the dummy prefix
        REQUIRE(!ids.empty());
        std::string reply, completion;
        tern::TextStream own(&t, {t.eos_id()}, {});
        tern::TextStream continued(&t, {t.eos_id()}, {}, /*continuation=*/true);
        for (const int32_t id : ids) {
            reply += own.push(id).text;
            completion += continued.push(id).text;
        }
        reply += own.finish();
        completion += continued.finish();
        CHECK_MSG(reply == "Paris, France", show(reply));
        CHECK_MSG(completion == " Paris, France", show(completion));  // "The capital is" + " Paris, France"
    }
    // Byte-level BPE keeps every space as it is: continuation changes nothing there.
    tern::TokenizeOptions no_bos;
    no_bos.add_bos = false;
    const std::vector<int32_t> ids = llama3().tokenize(" Paris", no_bos);
    tern::TextStream own(&llama3(), {}, {}), continued(&llama3(), {}, {}, true);
    std::string a, b;
    for (const int32_t id : ids) a += own.push(id).text, b += continued.push(id).text;
    CHECK(a == " Paris" && b == " Paris");
}

TEST_MAIN("test_tokenizer")
