#include "tokenizer/spm.h"

#include <queue>

#include "tokenizer/tokenizer.h"
#include "tokenizer/unicode.h"
#include "tokenizer/utf8_stream.h"

namespace tern {

bool SpmEncoder::build(const std::vector<std::string> & tokens, const std::vector<TokenType> & types,
                       std::vector<float> scores, int32_t unk_id, bool add_space_prefix, std::string * error) {
    const size_t n = tokens.size();
    if (!scores.empty() && scores.size() != n) {
        *error = "scores has " + std::to_string(scores.size()) + " entries for " + std::to_string(n) + " tokens";
        return false;
    }
    scores_ = std::move(scores);
    scores_.resize(n, 0.0f);
    unk_id_ = unk_id;
    add_space_prefix_ = add_space_prefix;
    for (int32_t & id : byte_token_) id = -1;
    pieces_.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        const int32_t id = static_cast<int32_t>(i);
        const TokenType t = types[i];
        if (t == TokenType::normal || t == TokenType::user_defined || t == TokenType::unused) {
            if (!tokens[i].empty()) pieces_.insert(tokens, id);
        } else if (t == TokenType::byte) {
            const int value = spm_byte_value(tokens[i]);
            if (value >= 0 && byte_token_[value] < 0) byte_token_[value] = id;
        }
    }
    return true;
}

void SpmEncoder::encode(std::string_view fragment, std::vector<int32_t> & out) const {
    if (fragment.empty()) return;
    thread_local std::string text;
    text.clear();
    if (add_space_prefix_) text += kSpmSpace;
    for (const char c : fragment) {
        if (c == ' ') {
            text += kSpmSpace;
        } else {
            text += c;
        }
    }

    // One symbol per code point (an invalid byte is a symbol of its own), as a linked list.
    struct Symbol {
        uint32_t start;
        uint32_t len;  // 0: merged into its left neighbour
        int32_t prev;
        int32_t next;
    };
    thread_local std::vector<Symbol> symbols;
    symbols.clear();
    for (size_t pos = 0; pos < text.size();) {
        const uint32_t len = unicode::decode_utf8(text, pos).len;
        const int32_t index = static_cast<int32_t>(symbols.size());
        symbols.push_back({static_cast<uint32_t>(pos), len, index - 1, index + 1});
        pos += len;
    }
    symbols.back().next = -1;

    struct Candidate {
        float score;
        int32_t left;
        int32_t right;
        uint32_t len;
        // Priority: the highest score, then the leftmost pair.
        bool operator<(const Candidate & o) const { return score != o.score ? score < o.score : left > o.left; }
    };
    std::priority_queue<Candidate> queue;
    const auto consider = [&](int32_t left, int32_t right) {
        if (left < 0 || right < 0) return;
        const uint32_t len = symbols[left].len + symbols[right].len;
        const int32_t id = pieces_.find(std::string_view(text).substr(symbols[left].start, len));
        if (id >= 0) queue.push({scores_[id], left, right, len});
    };
    for (int32_t i = 0; i + 1 < static_cast<int32_t>(symbols.size()); ++i) consider(i, i + 1);

    while (!queue.empty()) {
        const Candidate c = queue.top();
        queue.pop();
        Symbol & left = symbols[c.left];
        Symbol & right = symbols[c.right];
        // Stale: one side was merged away or grew since the pair was queued.
        if (left.len == 0 || right.len == 0 || left.next != c.right || left.len + right.len != c.len) continue;
        left.len = c.len;
        left.next = right.next;
        if (right.next >= 0) symbols[right.next].prev = c.left;
        right.len = 0;
        consider(left.prev, c.left);
        consider(c.left, left.next);
    }

    for (int32_t i = 0; i >= 0; i = symbols[i].next) {
        const std::string_view piece = std::string_view(text).substr(symbols[i].start, symbols[i].len);
        if (const int32_t id = pieces_.find(piece); id >= 0) {
            out.push_back(id);
            continue;
        }
        // Byte fallback; <unk> only when the vocabulary lacks a byte token.
        bool all_bytes = true;
        for (const char b : piece) all_bytes = all_bytes && byte_token_[static_cast<uint8_t>(b)] >= 0;
        if (all_bytes) {
            for (const char b : piece) out.push_back(byte_token_[static_cast<uint8_t>(b)]);
        } else if (unk_id_ >= 0) {
            out.push_back(unk_id_);
        }
    }
}

int spm_byte_value(std::string_view text) {
    if (text.size() != 6 || text.substr(0, 3) != "<0x" || text[5] != '>') return -1;
    const auto hex = [](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    const int hi = hex(text[3]), lo = hex(text[4]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

size_t spm_decode_bytes(std::string_view bytes, bool final, std::string & out) {
    static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
    size_t pos = 0;
    while (pos < bytes.size()) {
        const Utf8Lead lead = utf8_lead(static_cast<uint8_t>(bytes[pos]));
        if (lead.length == 0) {
            out += kReplacement;
            ++pos;
            continue;
        }
        size_t good = 1;
        while (good < static_cast<size_t>(lead.length) && pos + good < bytes.size()) {
            const uint8_t b = static_cast<uint8_t>(bytes[pos + good]);
            const bool ok = good == 1 ? (b >= lead.second_min && b <= lead.second_max) : (b >= 0x80 && b <= 0xBF);
            if (!ok) break;
            ++good;
        }
        if (good == static_cast<size_t>(lead.length)) {
            out.append(bytes.substr(pos, good));
            pos += good;
        } else if (pos + good == bytes.size() && !final) {
            break;  // may still complete
        } else {
            out += kReplacement;  // the lead byte alone; what follows is looked at on its own
            ++pos;
        }
    }
    return pos;
}

}  // namespace tern
