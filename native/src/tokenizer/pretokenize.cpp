#include "tokenizer/pretokenize.h"

#include <cstdint>

#include "tokenizer/unicode.h"

namespace tern {

namespace {

// One decoded character of the input and its classes.
struct Char {
    uint32_t cp;
    uint32_t offset;  // byte offset in the text
    bool letter;
    bool number;
    bool space;
};

void decode(std::string_view text, std::vector<Char> & chars) {
    chars.clear();
    size_t pos = 0;
    while (pos < text.size()) {
        const unicode::Decoded d = unicode::decode_utf8(text, pos);
        Char c{d.cp, static_cast<uint32_t>(pos), false, false, false};
        if (d.valid) {
            c.letter = unicode::is_letter(d.cp);
            c.number = unicode::is_number(d.cp);
            c.space = unicode::is_whitespace(d.cp);
        }
        chars.push_back(c);
        pos += d.len;
    }
}

// The scanners below look at characters by index; past the end nothing matches.
class Scanner {
public:
    explicit Scanner(const std::vector<Char> & chars) : c_(chars), n_(chars.size()) {}

    size_t size() const { return n_; }
    uint32_t cp(size_t i) const { return i < n_ ? c_[i].cp : 0; }
    bool letter(size_t i) const { return i < n_ && c_[i].letter; }
    bool number(size_t i) const { return i < n_ && c_[i].number; }
    bool space(size_t i) const { return i < n_ && c_[i].space; }
    bool newline(size_t i) const { return i < n_ && (c_[i].cp == '\r' || c_[i].cp == '\n'); }
    // [^\s\p{L}\p{N}]
    bool other(size_t i) const { return i < n_ && !c_[i].space && !c_[i].letter && !c_[i].number; }

    // 's|'t|'re|'ve|'m|'ll|'d at i, case-insensitive or not; returns the end or i.
    size_t contraction(size_t i, bool ignore_case) const {
        if (cp(i) != '\'') return i;
        const uint32_t a = fold(cp(i + 1), ignore_case);
        if (a == 's' || a == 't' || a == 'm' || a == 'd') return i + 2;
        const uint32_t b = fold(cp(i + 2), ignore_case);
        if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return i + 3;
        return i;
    }

    // The end of the whitespace run that starts at i.
    size_t space_run_end(size_t i) const {
        while (space(i)) ++i;
        return i;
    }

    // \s+(?!\S)|\s+ on the whitespace run [i, end): the run without its last character when a
    // non-space follows and the run is longer than one, else the whole run.
    size_t trailing_space(size_t i, size_t end) const {
        if (end < n_ && end - i > 1) return end - 1;
        return end;
    }

private:
    // Simple case folding, as far as the contraction letters need it: ASCII, and U+017F LATIN
    // SMALL LETTER LONG S, which folds to 's' (Oniguruma and Python's regex match it under (?i)).
    static uint32_t fold(uint32_t cp, bool ignore_case) {
        if (!ignore_case) return cp;
        if (cp >= 'A' && cp <= 'Z') return cp + ('a' - 'A');
        if (cp == 0x017F) return 's';
        return cp;
    }

    const std::vector<Char> & c_;
    size_t n_;
};

// Returns the end (exclusive, in characters) of the Llama 3 pre-token starting at i.
size_t next_llama3(const Scanner & s, size_t i) {
    // (?i:'s|'t|'re|'ve|'m|'ll|'d)
    size_t j = s.contraction(i, true);
    if (j != i) return j;

    // [^\r\n\p{L}\p{N}]?\p{L}+
    j = i;
    if (!s.letter(i) && !s.number(i) && !s.newline(i) && s.letter(i + 1)) j = i + 1;
    if (s.letter(j)) {
        while (s.letter(j)) ++j;
        return j;
    }

    // \p{N}{1,3}
    if (s.number(i)) {
        j = i;
        while (j - i < 3 && s.number(j)) ++j;
        return j;
    }

    //  ?[^\s\p{L}\p{N}]+[\r\n]*
    j = (s.cp(i) == ' ' && s.other(i + 1)) ? i + 1 : i;
    if (s.other(j)) {
        while (s.other(j)) ++j;
        while (s.newline(j)) ++j;
        return j;
    }

    // Only whitespace is left. \s*[\r\n]+ : up to the last newline of the run.
    const size_t end = s.space_run_end(i);
    for (size_t k = end; k > i; --k) {
        if (s.newline(k - 1)) return k;
    }
    // \s+(?!\S)|\s+
    return s.trailing_space(i, end);
}

// Returns the end of the GPT-2 pre-token starting at i.
size_t next_gpt2(const Scanner & s, size_t i) {
    size_t j = s.contraction(i, false);
    if (j != i) return j;

    //  ?\p{L}+ |  ?\p{N}+ |  ?[^\s\p{L}\p{N}]+
    const size_t k = s.cp(i) == ' ' ? i + 1 : i;
    if (s.letter(k)) {
        for (j = k; s.letter(j); ++j) {}
        return j;
    }
    if (s.number(k)) {
        for (j = k; s.number(j); ++j) {}
        return j;
    }
    if (s.other(k)) {
        for (j = k; s.other(j); ++j) {}
        return j;
    }
    // \s+(?!\S)|\s+
    return s.trailing_space(i, s.space_run_end(i));
}

}  // namespace

bool pre_tokenizer_from_name(std::string_view name, PreTokenizer * out) {
    // Names as the GGUF converters write them. Falcon 3 and Falcon-E (a ternary family) use the
    // Llama 3 expression.
    if (name.empty() || name == "llama-bpe" || name == "llama3" || name == "llama-v3" || name == "falcon3" ||
        name == "falcon_e" || name == "falcon-h1") {
        *out = PreTokenizer::llama3;
        return true;
    }
    // GPT-NeoX-style vocabularies (OLMo's, MPT's) are written "olmo" and "mpt" by the converter;
    // llama.cpp's vocabulary code gives both the GPT-2 expression.
    if (name == "gpt2" || name == "gpt-2" || name == "olmo" || name == "mpt") {
        *out = PreTokenizer::gpt2;
        return true;
    }
    return false;
}

const char * supported_pre_tokenizer_names() {
    return "(none), llama-bpe, llama3, llama-v3, falcon3, falcon_e, falcon-h1 (Llama 3 rules); gpt2, gpt-2, olmo, mpt (GPT-2 rules)";
}

void pretokenize(PreTokenizer kind, std::string_view text, std::vector<std::string_view> & out) {
    if (text.empty()) return;
    thread_local std::vector<Char> chars;
    decode(text, chars);
    const Scanner s(chars);
    const size_t n = chars.size();
    size_t i = 0;
    while (i < n) {
        size_t j = kind == PreTokenizer::llama3 ? next_llama3(s, i) : next_gpt2(s, i);
        if (j <= i) j = i + 1;  // cannot happen: every character matches some alternative
        const size_t begin = chars[i].offset;
        const size_t end = j < n ? chars[j].offset : text.size();
        out.push_back(text.substr(begin, end - begin));
        i = j;
    }
}

}  // namespace tern
