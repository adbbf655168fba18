#include "synth/synth.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "formats/formats.h"
#include "gguf/gguf.h"
#include "kernels/kernels.h"

namespace tern {

namespace {

// splitmix64: a small, fast, well-mixed generator; one stream per tensor.
struct Rng {
    uint64_t s;
    explicit Rng(uint64_t seed) : s(seed) {}
    uint64_t next() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
    double normal() {                                                           // Box-Muller
        const double u1 = 1.0 - uniform(), u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    int8_t trit() {
        const uint64_t r = next() % 100;  // 35 / 30 / 35
        return r < 35 ? -1 : (r < 65 ? 0 : 1);
    }
};

uint64_t stream_seed(uint64_t seed, uint64_t tensor) { return Rng(seed * 0x100000001B3ull + tensor).next(); }

// A buffered output file; every write is checked once at close.
class Out {
public:
    explicit Out(const std::string & path) : f_(std::fopen(path.c_str(), "wb")) {
        if (f_) std::setvbuf(f_, nullptr, _IOFBF, 1 << 22);
    }
    ~Out() {
        if (f_) std::fclose(f_);
    }
    bool ok() const { return f_ && !failed_; }
    void bytes(const void * p, size_t n) {
        if (f_ && n && std::fwrite(p, 1, n, f_) != n) failed_ = true;
        pos_ += n;
    }
    void u32(uint32_t v) { bytes(&v, 4); }
    void u64(uint64_t v) { bytes(&v, 8); }
    void str(const std::string & s) {
        u64(s.size());
        bytes(s.data(), s.size());
    }
    void pad(uint64_t align) {
        static const uint8_t zeros[64] = {};
        while (pos_ % align) bytes(zeros, static_cast<size_t>(std::min<uint64_t>(64, align - pos_ % align)));
    }
    bool close() {
        if (!f_) return false;
        const bool good = !failed_ && std::fflush(f_) == 0 && std::fclose(f_) == 0;
        f_ = nullptr;
        return good;
    }
    uint64_t pos() const { return pos_; }

private:
    FILE * f_;
    bool failed_ = false;
    uint64_t pos_ = 0;
};

// GGUF metadata value encoders.
enum : uint32_t { T_U32 = 4, T_I32 = 5, T_F32 = 6, T_BOOL = 7, T_STRING = 8, T_ARRAY = 9 };

void kv_str(Out & o, const std::string & k, const std::string & v) { o.str(k), o.u32(T_STRING), o.str(v); }
void kv_u32(Out & o, const std::string & k, uint32_t v) { o.str(k), o.u32(T_U32), o.u32(v); }
void kv_f32(Out & o, const std::string & k, float v) { o.str(k), o.u32(T_F32), o.bytes(&v, 4); }
void kv_bool(Out & o, const std::string & k, bool v) {
    o.str(k), o.u32(T_BOOL);
    const uint8_t b = v ? 1 : 0;
    o.bytes(&b, 1);
}

size_t scalar_size(gguf::Type t) {
    switch (t) {
        case gguf::Type::U8: case gguf::Type::I8: case gguf::Type::BOOL: return 1;
        case gguf::Type::U16: case gguf::Type::I16: return 2;
        case gguf::Type::U32: case gguf::Type::I32: case gguf::Type::F32: return 4;
        default: return 8;
    }
}

// Copies one metadata entry from another file, value for value.
void kv_copy(Out & o, const std::string & k, const gguf::Value & v) {
    o.str(k);
    o.u32(static_cast<uint32_t>(v.type));
    if (v.type == gguf::Type::STRING) {
        o.str(std::string(v.str));
    } else if (v.type == gguf::Type::ARRAY) {
        o.u32(static_cast<uint32_t>(v.elem_type));
        o.u64(v.count);
        if (v.elem_type == gguf::Type::STRING)
            for (std::string_view s : v.strings) o.u64(s.size()), o.bytes(s.data(), s.size());
        else
            o.bytes(v.elems, static_cast<size_t>(v.count * scalar_size(v.elem_type)));
    } else {
        o.bytes(v.raw, scalar_size(v.type));
    }
}

// GPT-2's byte-to-unicode spelling of byte b, as UTF-8.
std::string byte_token(int b) {
    int cp = b;
    const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    if (!printable) {
        int n = 0;
        for (int x = 0; x < b; ++x) {
            const bool p = (x >= 33 && x <= 126) || (x >= 161 && x <= 172) || (x >= 174 && x <= 255);
            if (!p) ++n;
        }
        cp = 256 + n;
    }
    std::string s;
    if (cp < 0x80) s += static_cast<char>(cp);
    else s += static_cast<char>(0xC0 | (cp >> 6)), s += static_cast<char>(0x80 | (cp & 0x3F));
    return s;
}

struct Vocab {
    std::vector<std::string> tokens;
    std::vector<std::string> merges;
    std::vector<int32_t> types;
    std::vector<float> scores;
    uint32_t bos = 0, eos = 0, eot = 0;
};

// 256 byte tokens, merged letter pairs/triples, then 5 specials (as the fixtures' vocabulary).
Vocab synthetic_vocab(int64_t n_vocab) {
    Vocab v;
    for (int b = 0; b < 256; ++b) v.tokens.push_back(byte_token(b));
    static const char letters[] = "etaoinshrdlucmfwypvbgkjqxz";
    const int64_t n_merged = n_vocab - 256 - 5;
    for (int64_t i = 0; i < n_merged; ++i) {
        std::string a, b;
        if (i >= 26 * 26 * 27) {  // beyond the letter triples: tokens no merge reaches (a large vocabulary's head)
            v.tokens.push_back("x" + std::to_string(i));
            continue;
        }
        if (i < 26 * 26) {
            a = std::string(1, letters[i / 26]);
            b = std::string(1, letters[i % 26]);
        } else {
            const int64_t j = i - 26 * 26;
            a = v.tokens[static_cast<size_t>(256 + j / 26)];  // a letter pair, then one more letter
            b = std::string(1, letters[j % 26]);
        }
        v.tokens.push_back(a + b);
        v.merges.push_back(a + " " + b);
    }
    const char * specials[5] = {"<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"};
    for (const char * s : specials) v.tokens.push_back(s);
    v.types.assign(v.tokens.size(), 1);
    v.scores.assign(v.tokens.size(), 0.0f);
    for (size_t i = v.tokens.size() - 5; i < v.tokens.size(); ++i) v.types[i] = 3, v.scores[i] = -1000.0f;
    v.bos = static_cast<uint32_t>(n_vocab - 5);
    v.eos = static_cast<uint32_t>(n_vocab - 4);
    v.eot = static_cast<uint32_t>(n_vocab - 1);
    return v;
}

struct TensorPlan {
    std::string name;
    std::vector<int64_t> ne;
    uint32_t type;
    uint64_t bytes;
    enum Kind { Embedding, Norm, Ternary } kind;
    float gain = 1.0f;
};

}  // namespace

SynthError synth_write(const std::string & path, const SynthParams & p, std::string * error) {
    // ---- check the parameters ----
    const bool arch_ok = p.arch == "bitnet-b1.58" || p.arch == "bitnet-25" || p.arch == "bitnet" || p.arch == "llama";
    if (!arch_ok) {
        *error = "unknown architecture '" + p.arch + "' (bitnet-b1.58, bitnet-25, bitnet, llama)";
        return SynthError::InvalidArgument;
    }
    // llama (Falcon3-1.58bit, Llama3-8B-1.58 layout): no sub-norms, a separate output.weight.
    const bool llama = p.arch == "llama";
    uint32_t ttype;
    uint32_t file_type;
    if (p.format == "I2_S") ttype = gguf::I2_S, file_type = 40;
    else if (p.format == "TQ1_0") ttype = gguf::TQ1_0, file_type = 36;
    else if (p.format == "TQ2_0") ttype = gguf::TQ2_0, file_type = 37;
    else {
        *error = "unknown format '" + p.format + "' (I2_S, TQ1_0, TQ2_0)";
        return SynthError::InvalidArgument;
    }
    const int64_t block = ttype == gguf::I2_S ? 128 : 256;
    auto bad = [&](const std::string & why) {
        *error = why;
        return SynthError::InvalidArgument;
    };
    if (p.n_embd < block || p.n_embd % block || p.n_embd > 16384)
        return bad("embd must be a positive multiple of " + std::to_string(block) + " (at most 16384) for " + p.format);
    // I2_S blocks run over the flattened tensor, so with embd a multiple of 128 any ff works
    // (1bitLLM's 3B has 8640); TQ blocks are per row.
    if (ttype == gguf::I2_S ? p.n_ff < 1 || p.n_ff > 65536 : p.n_ff < block || p.n_ff % block || p.n_ff > 65536)
        return bad(ttype == gguf::I2_S ? "ff must be 1..65536"
                                       : "ff must be a positive multiple of " + std::to_string(block) + " (at most 65536) for " + p.format);
    if (p.n_layer < 1 || p.n_layer > 256) return bad("layers must be 1..256");
    if (p.n_head < 1 || p.n_embd % p.n_head || (p.n_embd / p.n_head) % 2) return bad("heads must divide embd into an even head size");
    if (p.n_head_kv < 1 || p.n_head % p.n_head_kv) return bad("kv heads must divide heads");
    const int64_t KV = p.n_embd / p.n_head * p.n_head_kv;
    if (p.n_ctx < 1 || p.n_ctx > (1 << 24)) return bad("ctx must be 1..16777216");
    if (!(p.rope_theta > 0) || !(p.rms_eps > 0)) return bad("rope theta and rms eps must be positive");

    std::unique_ptr<gguf::File> vocab_file;
    Vocab synth_vocab;
    if (!p.vocab_path.empty()) {
        vocab_file = gguf::File::open(p.vocab_path, error);
        if (!vocab_file) return SynthError::Io;
        std::vector<std::string_view> toks;
        if (!vocab_file->get_string_array("tokenizer.ggml.tokens", &toks)) return bad(p.vocab_path + " has no tokenizer.ggml.tokens");
        if (static_cast<int64_t>(toks.size()) != p.n_vocab)
            return bad("the vocabulary of " + p.vocab_path + " has " + std::to_string(toks.size()) + " tokens, the shape asks for " +
                       std::to_string(p.n_vocab));
    } else {
        if (p.n_vocab < 262 || p.n_vocab > (1 << 18)) return bad("vocab must be 262..262144 without a vocabulary file");
        synth_vocab = synthetic_vocab(p.n_vocab);
    }

    // ---- plan the tensors (official order) ----
    const int64_t E = p.n_embd, F = p.n_ff, V = p.n_vocab;
    auto ternary_bytes = [&](int64_t n) -> uint64_t {
        if (ttype == gguf::I2_S) return static_cast<uint64_t>(n) / 4 + 32;
        return static_cast<uint64_t>(n) / 256 * (ttype == gguf::TQ2_0 ? 66 : 54);
    };
    std::vector<TensorPlan> plan;
    plan.push_back({"token_embd.weight", {E, V}, gguf::F16, static_cast<uint64_t>(E * V * 2), TensorPlan::Embedding});
    for (int64_t l = 0; l < p.n_layer; ++l) {
        const std::string b = "blk." + std::to_string(l) + ".";
        plan.push_back({b + "attn_norm.weight", {E}, gguf::F32, static_cast<uint64_t>(E * 4), TensorPlan::Norm});
        plan.push_back({b + "attn_q.weight", {E, E}, ttype, ternary_bytes(E * E), TensorPlan::Ternary, 2.0f});
        plan.push_back({b + "attn_k.weight", {E, KV}, ttype, ternary_bytes(E * KV), TensorPlan::Ternary, 2.0f});
        plan.push_back({b + "attn_v.weight", {E, KV}, ttype, ternary_bytes(E * KV), TensorPlan::Ternary, 1.0f});
        plan.push_back({b + "attn_output.weight", {E, E}, ttype, ternary_bytes(E * E), TensorPlan::Ternary, 8.0f});
        if (!llama) plan.push_back({b + "attn_sub_norm.weight", {E}, gguf::F32, static_cast<uint64_t>(E * 4), TensorPlan::Norm});
        plan.push_back({b + "ffn_norm.weight", {E}, gguf::F32, static_cast<uint64_t>(E * 4), TensorPlan::Norm});
        plan.push_back({b + "ffn_gate.weight", {E, F}, ttype, ternary_bytes(E * F), TensorPlan::Ternary, 1.0f});
        plan.push_back({b + "ffn_up.weight", {E, F}, ttype, ternary_bytes(E * F), TensorPlan::Ternary, 1.0f});
        plan.push_back({b + "ffn_down.weight", {F, E}, ttype, ternary_bytes(F * E), TensorPlan::Ternary, 8.0f});
        if (!llama) plan.push_back({b + "ffn_sub_norm.weight", {F}, gguf::F32, static_cast<uint64_t>(F * 4), TensorPlan::Norm});
    }
    plan.push_back({"output_norm.weight", {E}, gguf::F32, static_cast<uint64_t>(E * 4), TensorPlan::Norm});
    if (p.arch == "bitnet-25" || llama) plan.push_back({"output.weight", {E, V}, gguf::F16, static_cast<uint64_t>(E * V * 2), TensorPlan::Embedding});

    const std::string tmp = path + ".tmp";
    Out o(tmp);
    if (!o.ok()) {
        *error = "cannot create '" + tmp + "'";
        return SynthError::Io;
    }

    // ---- header and metadata (the official file's keys, in its order) ----
    const std::string a = p.arch;
    std::vector<std::string> tokenizer_keys = {"tokenizer.ggml.model", "tokenizer.ggml.tokens", "tokenizer.ggml.scores",
                                               "tokenizer.ggml.token_type", "tokenizer.ggml.merges",
                                               "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
                                               "tokenizer.ggml.padding_token_id", "tokenizer.chat_template"};
    std::vector<std::string> extra;  // other tokenizer keys of the vocabulary file, kept after these
    if (vocab_file)
        for (const auto & kv : vocab_file->metadata()) {
            const std::string k(kv.key);
            if (k.rfind("tokenizer.", 0) != 0 || k == "tokenizer.ggml.add_bos_token") continue;
            bool known = false;
            for (const std::string & t : tokenizer_keys) known |= t == k;
            if (!known) extra.push_back(k);
        }
    uint64_t n_kv = 14 + 1;  // hyper-parameters etc. + quantization_version
    if (vocab_file) {
        for (const std::string & k : tokenizer_keys) n_kv += vocab_file->find(k) ? 1 : 0;
        n_kv += extra.size();
    } else {
        n_kv += tokenizer_keys.size();
    }
    o.u32(0x46554747);
    o.u32(3);
    o.u64(plan.size());
    o.u64(n_kv);
    kv_str(o, "general.architecture", a);
    char name[96];
    std::snprintf(name, sizeof name, "synthetic-%s-%s-seed%llu", a.c_str(), p.format.c_str(), static_cast<unsigned long long>(p.seed));
    kv_str(o, "general.name", name);
    kv_u32(o, a + ".vocab_size", static_cast<uint32_t>(V));
    kv_u32(o, a + ".context_length", static_cast<uint32_t>(p.n_ctx));
    kv_u32(o, a + ".embedding_length", static_cast<uint32_t>(E));
    kv_u32(o, a + ".block_count", static_cast<uint32_t>(p.n_layer));
    kv_u32(o, a + ".feed_forward_length", static_cast<uint32_t>(F));
    kv_u32(o, a + ".rope.dimension_count", static_cast<uint32_t>(E / p.n_head));
    kv_u32(o, a + ".attention.head_count", static_cast<uint32_t>(p.n_head));
    kv_u32(o, a + ".attention.head_count_kv", static_cast<uint32_t>(p.n_head_kv));
    bool add_bos = true;
    if (vocab_file) vocab_file->get_bool("tokenizer.ggml.add_bos_token", &add_bos);
    kv_bool(o, "tokenizer.ggml.add_bos_token", add_bos);
    kv_f32(o, a + ".attention.layer_norm_rms_epsilon", p.rms_eps);
    kv_f32(o, a + ".rope.freq_base", p.rope_theta);
    kv_u32(o, "general.file_type", file_type);
    if (vocab_file) {
        for (const std::string & k : tokenizer_keys)
            if (const gguf::Value * v = vocab_file->find(k)) kv_copy(o, k, *v);
        for (const std::string & k : extra) kv_copy(o, k, *vocab_file->find(k));
    } else {
        const Vocab & v = synth_vocab;
        kv_str(o, "tokenizer.ggml.model", "gpt2");
        o.str("tokenizer.ggml.tokens"), o.u32(T_ARRAY), o.u32(T_STRING), o.u64(v.tokens.size());
        for (const std::string & t : v.tokens) o.str(t);
        o.str("tokenizer.ggml.scores"), o.u32(T_ARRAY), o.u32(T_F32), o.u64(v.scores.size());
        o.bytes(v.scores.data(), v.scores.size() * 4);
        o.str("tokenizer.ggml.token_type"), o.u32(T_ARRAY), o.u32(T_I32), o.u64(v.types.size());
        o.bytes(v.types.data(), v.types.size() * 4);
        o.str("tokenizer.ggml.merges"), o.u32(T_ARRAY), o.u32(T_STRING), o.u64(v.merges.size());
        for (const std::string & m : v.merges) o.str(m);
        kv_u32(o, "tokenizer.ggml.bos_token_id", v.bos);
        kv_u32(o, "tokenizer.ggml.eos_token_id", v.eos);
        kv_u32(o, "tokenizer.ggml.padding_token_id", v.eos);
        kv_str(o, "tokenizer.chat_template",
               "{% for message in messages %}{% if loop.first %}{{ bos_token }}{% endif %}{{ message['role'] | capitalize }}: "
               "{{ message['content'] }}<|eot_id|>{% endfor %}{% if add_generation_prompt %}Assistant: {% endif %}");
    }
    kv_u32(o, "general.quantization_version", 2);

    // ---- tensor infos ----
    uint64_t offset = 0, total_weights = 0;
    for (const TensorPlan & t : plan) {
        o.str(t.name);
        o.u32(static_cast<uint32_t>(t.ne.size()));
        for (int64_t d : t.ne) o.u64(static_cast<uint64_t>(d));
        o.u32(t.type);
        o.u64(offset);
        offset = (offset + t.bytes + 31) / 32 * 32;
        total_weights += t.bytes;
    }
    o.pad(32);

    // ---- tensor data, streamed ----
    uint64_t written = 0;
    std::vector<int8_t> trits;
    std::vector<uint8_t> packed;
    std::vector<uint16_t> row;
    for (size_t ti = 0; ti < plan.size(); ++ti) {
        const TensorPlan & t = plan[ti];
        Rng rng(stream_seed(p.seed, ti));
        if (t.kind == TensorPlan::Norm) {
            std::vector<float> w(static_cast<size_t>(t.ne[0]));
            for (float & x : w) x = static_cast<float>(0.8 + 0.4 * rng.uniform());
            o.bytes(w.data(), w.size() * 4);
        } else if (t.kind == TensorPlan::Embedding) {
            const double sd = 4.0 / std::sqrt(static_cast<double>(E));
            row.resize(static_cast<size_t>(E));
            for (int64_t r = 0; r < t.ne[1]; ++r) {
                for (int64_t c = 0; c < E; ++c) row[static_cast<size_t>(c)] = f32_to_f16(static_cast<float>(rng.normal() * sd));
                o.bytes(row.data(), row.size() * 2);
            }
        } else {
            const int64_t cols = t.ne[0], rows = t.ne[1], n = cols * rows;
            // One fp16-exact scale for the tensor, so the three formats hold identical weights.
            const double s = t.gain * (0.5 + rng.uniform()) / std::sqrt(static_cast<double>(cols));
            const uint16_t s16 = f32_to_f16(static_cast<float>(s));
            const float scale = f16_to_f32(s16);
            trits.resize(static_cast<size_t>(n));
            for (int8_t & x : trits) x = rng.trit();
            packed.assign(static_cast<size_t>(t.bytes), 0);
            if (ttype == gguf::I2_S) {
                for (int64_t b = 0; b < n / 128; ++b) formats::encode_i2s_block(&trits[static_cast<size_t>(b * 128)], &packed[static_cast<size_t>(b * 32)]);
                std::memcpy(&packed[static_cast<size_t>(n / 4)], &scale, 4);  // then 28 zero bytes
            } else {
                for (int64_t b = 0; b < n / 256; ++b) {
                    const int8_t * in = &trits[static_cast<size_t>(b * 256)];
                    if (ttype == gguf::TQ2_0) formats::encode_tq2_block(in, s16, &packed[static_cast<size_t>(b * 66)]);
                    else formats::encode_tq1_block(in, s16, &packed[static_cast<size_t>(b * 54)]);
                }
            }
            o.bytes(packed.data(), packed.size());
        }
        o.pad(32);
        written += t.bytes;
        if (p.progress && !p.progress(static_cast<float>(static_cast<double>(written) / static_cast<double>(total_weights)), p.progress_user)) {
            o.close();
            std::remove(tmp.c_str());
            *error = "synth was cancelled";
            return SynthError::Aborted;
        }
    }
    if (!o.close()) {
        std::remove(tmp.c_str());
        *error = "cannot write '" + tmp + "' (disk full?)";
        return SynthError::Io;
    }
    std::remove(path.c_str());
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        *error = "cannot rename '" + tmp + "' to '" + path + "'";
        return SynthError::Io;
    }
    return SynthError::None;
}

}  // namespace tern
