#include "tokenizer/tokenizer.h"

#include <algorithm>
#include <exception>
#include <queue>

#include "tokenizer/detokenizer.h"
#include "tokenizer/unicode.h"

namespace tern {

namespace {

// GPT-2's byte-to-unicode table: printable Latin-1 bytes stand for themselves, the other 68
// bytes (controls, space, DEL, NBSP, soft hyphen...) take the code points 256, 257, ... in order.
uint32_t byte_to_codepoint(int b) {
    static const auto table = [] {
        std::vector<uint32_t> t(256);
        uint32_t next = 256;
        for (int c = 0; c < 256; ++c) {
            const bool printable = (c >= '!' && c <= '~') || (c >= 0xA1 && c <= 0xAC) || (c >= 0xAE && c <= 0xFF);
            t[c] = printable ? static_cast<uint32_t>(c) : next++;
        }
        return t;
    }();
    return table[b];
}

// The inverse: code point (< 324) to byte, -1 when the code point is no byte's spelling.
int codepoint_to_byte(uint32_t cp) {
    static const auto table = [] {
        std::vector<int> t(324, -1);
        for (int b = 0; b < 256; ++b) t[byte_to_codepoint(b)] = b;
        return t;
    }();
    return cp < table.size() ? table[cp] : -1;
}

// Reverses the byte spelling of an ordinary token. Characters that spell no byte (not produced
// by byte-level vocabularies) are kept as their UTF-8.
std::string unspell(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t pos = 0;
    while (pos < text.size()) {
        const unicode::Decoded d = unicode::decode_utf8(text, pos);
        const int b = d.valid ? codepoint_to_byte(d.cp) : -1;
        if (b >= 0) {
            out += static_cast<char>(b);
        } else {
            out.append(text.substr(pos, d.len));
        }
        pos += d.len;
    }
    return out;
}

bool is_special_type(TokenType t) { return t == TokenType::control || t == TokenType::user_defined; }

}  // namespace

std::unique_ptr<Tokenizer> Tokenizer::create(TokenizerSpec spec, std::string * error) noexcept {
    try {
        std::unique_ptr<Tokenizer> t(new Tokenizer());
        std::string message;
        if (!t->build(spec, &message)) {
            if (error) *error = "tokenizer: " + message;
            return nullptr;
        }
        return t;
    } catch (const std::exception & e) {
        if (error) *error = std::string("tokenizer: ") + e.what();
        return nullptr;
    }
}

bool Tokenizer::build(TokenizerSpec & spec, std::string * error) {
    const bool spm = spec.model == "llama";
    if (spec.model != "gpt2" && !spm) {
        *error = "unsupported tokenizer model '" + spec.model +
                 "' (supported: 'gpt2', byte-level BPE, and 'llama', SentencePiece)";
        return false;
    }
    // SentencePiece has no pre-tokenizer (converters write 'default'; it means nothing there).
    if (!spm && !pre_tokenizer_from_name(spec.pre, &pre_)) {
        *error = "unknown pre-tokenizer '" + spec.pre + "'; supported: " + supported_pre_tokenizer_names();
        return false;
    }
    if (spec.tokens.empty()) {
        *error = "the vocabulary is empty";
        return false;
    }
    if (spec.tokens.size() > static_cast<size_t>(INT32_MAX)) {
        *error = "the vocabulary is too large";
        return false;
    }
    if (!spec.token_types.empty() && spec.token_types.size() != spec.tokens.size()) {
        *error = "token_type has " + std::to_string(spec.token_types.size()) + " entries for " +
                 std::to_string(spec.tokens.size()) + " tokens";
        return false;
    }
    const int32_t n = static_cast<int32_t>(spec.tokens.size());
    const auto check_id = [&](int32_t id, const char * what) {
        if (id < -1 || id >= n) {
            *error = std::string(what) + " id " + std::to_string(id) + " is outside the vocabulary";
            return false;
        }
        return true;
    };
    if (!check_id(spec.bos_id, "BOS") || !check_id(spec.eos_id, "EOS") || !check_id(spec.eot_id, "EOT") ||
        !check_id(spec.unk_id, "UNK")) {
        return false;
    }
    if (spm) return build_spm(spec, error);
    ignore_merges_ = pre_ == PreTokenizer::llama3;
    add_bos_ = spec.add_bos.value_or(pre_ == PreTokenizer::llama3 && spec.bos_id >= 0);
    if (add_bos_ && spec.bos_id < 0) {
        *error = "add_bos_token is set but there is no BOS id";
        return false;
    }
    add_eos_ = spec.add_eos.value_or(false);
    if (add_eos_ && spec.eos_id < 0) {
        *error = "add_eos_token is set but there is no EOS id";
        return false;
    }

    tokens_ = std::move(spec.tokens);  // never resized again: the maps below hold views into it
    types_.resize(n, TokenType::normal);
    for (int32_t i = 0; i < n && !spec.token_types.empty(); ++i) types_[i] = static_cast<TokenType>(spec.token_types[i]);
    bos_id_ = spec.bos_id;
    eos_id_ = spec.eos_id;
    unk_id_ = spec.unk_id;

    by_text_.reserve(n);
    bytes_.resize(n);
    for (int32_t i = 0; i < n; ++i) {
        const std::string_view text = tokens_[i];
        if (is_special_type(types_[i])) {
            add_special(i);
        } else {
            by_text_.insert(tokens_, i);  // keeps the first id when a spelling repeats
            if (types_[i] != TokenType::unused) bytes_[i] = unspell(text);
        }
    }
    for (auto & group : specials_by_byte_) {
        std::stable_sort(group.begin(), group.end(),
                         [](const Special & a, const Special & b) { return a.text.size() > b.text.size(); });
    }

    for (int b = 0; b < 256; ++b) {
        byte_spelling_[b].clear();
        unicode::append_utf8(byte_spelling_[b], byte_to_codepoint(b));
        byte_token_[b] = by_text_.find(byte_spelling_[b]);
    }

    // Merges: "left right" in rank order. A merge whose parts or result are not tokens can never
    // apply, so it is dropped.
    merges_.reserve(spec.merges.size());
    for (size_t rank = 0; rank < spec.merges.size(); ++rank) {
        const std::string_view merge = spec.merges[rank];
        const size_t space = merge.find(' ', 1);
        if (space == std::string_view::npos) continue;
        const std::string_view left_text = merge.substr(0, space), right_text = merge.substr(space + 1);
        const int32_t left = by_text_.find(left_text);
        const int32_t right = by_text_.find(right_text);
        const int32_t result = by_text_.find(left_text, right_text);
        if (left < 0 || right < 0 || result < 0) continue;
        merges_.insert(left, right, {static_cast<int32_t>(rank), result});
    }

    find_eot(spec.eot_id);
    return true;
}

void Tokenizer::add_special(int32_t id) {
    special_by_text_.insert(tokens_, id);
    const std::string_view text = tokens_[id];
    const bool always = spm_ && types_[id] == TokenType::user_defined;
    if (text.empty()) return;
    specials_by_byte_[static_cast<uint8_t>(text[0])].push_back({text, id, always});
    has_always_special_ = has_always_special_ || always;
}

void Tokenizer::find_eot(int32_t eot_id) {
    // Files written by bitnet.cpp's converter carry no EOT id; Llama 3 ends a turn with <|eot_id|>.
    eot_id_ = eot_id;
    if (eot_id_ < 0) {
        for (const char * name : {"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>"}) {
            eot_id_ = special_by_text_.find(name);
            if (eot_id_ >= 0) break;
        }
    }
}

bool Tokenizer::build_spm(TokenizerSpec & spec, std::string * error) {
    const int32_t n = static_cast<int32_t>(spec.tokens.size());
    ignore_merges_ = false;
    add_bos_ = spec.add_bos.value_or(spec.bos_id >= 0);  // SentencePiece models start with BOS
    add_eos_ = spec.add_eos.value_or(false);
    if (add_bos_ && spec.bos_id < 0) {
        *error = "add_bos_token is set but there is no BOS id";
        return false;
    }
    if (add_eos_ && spec.eos_id < 0) {
        *error = "add_eos_token is set but there is no EOS id";
        return false;
    }
    tokens_ = std::move(spec.tokens);  // never resized again: the indexes hold views into it
    types_.resize(n, TokenType::normal);
    for (int32_t i = 0; i < n && !spec.token_types.empty(); ++i) types_[i] = static_cast<TokenType>(spec.token_types[i]);
    bos_id_ = spec.bos_id;
    eos_id_ = spec.eos_id;
    unk_id_ = spec.unk_id;
    if (unk_id_ < 0) {
        for (int32_t i = 0; i < n && unk_id_ < 0; ++i) {
            if (types_[i] == TokenType::unknown) unk_id_ = i;
        }
    }
    spm_ = std::make_unique<SpmEncoder>();
    if (!spm_->build(tokens_, types_, std::move(spec.scores), unk_id_, spec.add_space_prefix.value_or(true), error)) {
        return false;
    }

    // Each token's text on its own: "▁" as a space, a byte token's byte, <unk>'s surface; control
    // tokens are invisible. Control and unknown tokens are split out with parse_special,
    // user-defined ones always.
    by_text_.reserve(n);
    bytes_.resize(n);
    for (int32_t i = 0; i < n; ++i) {
        const std::string & text = tokens_[i];
        switch (types_[i]) {
            case TokenType::control:
            case TokenType::user_defined:
            case TokenType::unknown:
                add_special(i);
                if (types_[i] == TokenType::unknown) bytes_[i] = kSpmUnkSurface;
                if (types_[i] == TokenType::user_defined) bytes_[i] = text;
                break;
            case TokenType::byte: {
                by_text_.insert(tokens_, i);
                const int value = spm_byte_value(text);
                if (value >= 0) bytes_[i] = std::string(1, static_cast<char>(value));
                break;
            }
            default:
                by_text_.insert(tokens_, i);
                for (size_t pos = 0; pos < text.size();) {
                    if (text.compare(pos, kSpmSpace.size(), kSpmSpace) == 0) {
                        bytes_[i] += ' ';
                        pos += kSpmSpace.size();
                    } else {
                        bytes_[i] += text[pos++];
                    }
                }
        }
    }
    for (auto & group : specials_by_byte_) {
        std::stable_sort(group.begin(), group.end(),
                         [](const Special & a, const Special & b) { return a.text.size() > b.text.size(); });
    }
    for (int b = 0; b < 256; ++b) byte_token_[b] = -1;  // BPE byte tables are unused
    find_eot(spec.eot_id);
    return true;
}

TokenType Tokenizer::token_type(int32_t id) const {
    return id >= 0 && id < n_tokens() ? types_[id] : TokenType::undefined;
}

bool Tokenizer::is_special(int32_t id) const { return is_special_type(token_type(id)); }

int32_t Tokenizer::find_token(std::string_view text) const {
    const int32_t id = by_text_.find(text);
    return id >= 0 ? id : special_by_text_.find(text);
}

std::vector<int32_t> Tokenizer::tokenize(std::string_view text, const TokenizeOptions & options) const {
    std::vector<int32_t> out;
    out.reserve(text.size() / 3 + 2);
    if (options.add_bos && add_bos_ && bos_id_ >= 0) out.push_back(bos_id_);
    // Leftmost-longest special-token text splits the input; the pieces between are ordinary text.
    // Without parse_special only the `always` ones split (SentencePiece's user-defined tokens).
    if (!options.parse_special && !has_always_special_) {
        encode_text(text, out);
    } else {
        size_t start = 0;
        for (size_t pos = 0; pos < text.size();) {
            const auto & group = specials_by_byte_[static_cast<uint8_t>(text[pos])];
            const Special * found = nullptr;
            for (const Special & s : group) {
                if ((options.parse_special || s.always) && text.compare(pos, s.text.size(), s.text) == 0) {
                    found = &s;  // the group is sorted longest first
                    break;
                }
            }
            if (!found) {
                ++pos;
                continue;
            }
            encode_text(text.substr(start, pos - start), out);
            out.push_back(found->id);
            pos += found->text.size();
            start = pos;
        }
        encode_text(text.substr(start), out);
    }
    if (options.add_bos && add_eos_ && eos_id_ >= 0) out.push_back(eos_id_);
    return out;
}

void Tokenizer::encode_text(std::string_view text, std::vector<int32_t> & out) const {
    if (text.empty()) return;
    if (spm_) {
        spm_->encode(text, out);  // each fragment on its own, with its own dummy prefix
        return;
    }
    thread_local std::vector<std::string_view> pieces;
    pieces.clear();
    pretokenize(pre_, text, pieces);
    for (const std::string_view piece : pieces) encode_pretoken(piece, out);
}

void Tokenizer::encode_pretoken(std::string_view piece, std::vector<int32_t> & out) const {
    // The piece in the byte spelling; with ignore_merges, if the vocabulary has it whole, it is
    // one token.
    if (ignore_merges_) {
        thread_local std::string spelled;
        spelled.clear();
        for (const char c : piece) spelled += byte_spelling_[static_cast<uint8_t>(c)];
        if (const int32_t whole = by_text_.find(spelled); whole >= 0) {
            out.push_back(whole);
            return;
        }
    }

    // Start from one symbol per byte, then apply the best-ranked merge available (leftmost on
    // ties) until none applies. Symbols form a linked list; the queue holds candidate pairs and
    // stale entries are skipped when they surface.
    struct Symbol {
        int32_t id;
        int32_t prev;
        int32_t next;
    };
    thread_local std::vector<Symbol> symbols;
    symbols.clear();
    for (const char c : piece) {
        const int32_t id = byte_token_[static_cast<uint8_t>(c)];
        if (id < 0) {
            if (unk_id_ >= 0) out.push_back(unk_id_);  // the vocabulary cannot spell this byte
            continue;
        }
        const int32_t index = static_cast<int32_t>(symbols.size());
        symbols.push_back({id, index - 1, index + 1});
    }
    if (symbols.empty()) return;
    symbols.back().next = -1;

    struct Candidate {
        int32_t rank;
        int32_t left;  // symbol index
        int32_t left_id;
        int32_t right_id;
        bool operator>(const Candidate & o) const { return rank != o.rank ? rank > o.rank : left > o.left; }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
    const auto consider = [&](int32_t left) {
        if (left < 0) return;
        const int32_t right = symbols[left].next;
        if (right < 0) return;
        const MergeTable::Merge * m = merges_.find(symbols[left].id, symbols[right].id);
        if (m) queue.push({m->rank, left, symbols[left].id, symbols[right].id});
    };
    for (int32_t i = 0; i < static_cast<int32_t>(symbols.size()); ++i) consider(i);

    while (!queue.empty()) {
        const Candidate c = queue.top();
        queue.pop();
        Symbol & left = symbols[c.left];
        if (left.id != c.left_id || left.next < 0 || symbols[left.next].id != c.right_id) continue;  // stale
        const int32_t right = left.next;
        left.id = merges_.find(c.left_id, c.right_id)->result;
        left.next = symbols[right].next;
        if (left.next >= 0) symbols[left.next].prev = c.left;
        symbols[right].id = -1;  // removed
        consider(left.prev);
        consider(c.left);
    }
    for (int32_t i = 0; i >= 0; i = symbols[i].next) out.push_back(symbols[i].id);
}

std::string Tokenizer::token_bytes(int32_t id, const DetokenizeOptions & options) const {
    if (id < 0 || id >= n_tokens()) return std::string();
    if (spm_) return options.skip_special && types_[id] == TokenType::user_defined ? std::string() : bytes_[id];
    if (is_special_type(types_[id])) return options.skip_special ? std::string() : tokens_[id];
    return bytes_[id];
}

std::string Tokenizer::detokenize(const std::vector<int32_t> & ids, const DetokenizeOptions & options) const {
    if (spm_) {
        Detokenizer d(this, options);
        std::string out;
        for (const int32_t id : ids) out += d.push(id);
        return out + d.flush();
    }
    std::string out;
    for (const int32_t id : ids) {
        if (id < 0 || id >= n_tokens()) continue;
        if (is_special_type(types_[id])) {
            if (!options.skip_special) out += tokens_[id];
        } else {
            out += bytes_[id];
        }
    }
    return out;
}

}  // namespace tern
