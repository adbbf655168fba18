#include "tokenizer/unicode.h"

#include <algorithm>
#include <iterator>

namespace tern::unicode {

namespace {

struct CodepointRange {
    uint32_t first;
    uint32_t last;
};

#include "tokenizer/unicode_tables.inc"

template <size_t N>
bool in_ranges(const CodepointRange (&ranges)[N], uint32_t cp) {
    // First range whose last code point is >= cp; cp is in the class if that range starts at or
    // before it.
    const CodepointRange * end = ranges + N;
    const CodepointRange * it = std::lower_bound(ranges, end, cp,
        [](const CodepointRange & r, uint32_t value) { return r.last < value; });
    return it != end && it->first <= cp;
}

// Classes of the ASCII range, looked up directly (the common case).
enum : uint8_t { kLetter = 1, kNumber = 2, kSpace = 4 };

struct AsciiTable {
    uint8_t flags[128] = {};
    AsciiTable() {
        for (uint32_t c = 0; c < 128; ++c) {
            flags[c] = (in_ranges(kLetterRanges, c) ? kLetter : 0) |
                       (in_ranges(kNumberRanges, c) ? kNumber : 0) |
                       (in_ranges(kWhitespaceRanges, c) ? kSpace : 0);
        }
    }
};

const AsciiTable & ascii() {
    static const AsciiTable table;
    return table;
}

}  // namespace

Decoded decode_utf8(std::string_view text, size_t pos) {
    const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
    const Decoded invalid{0xFFFD, 1, false};
    const uint8_t b0 = byte(pos);
    if (b0 < 0x80) return {b0, 1, true};

    uint32_t len = 0, cp = 0, min = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2, cp = b0 & 0x1F, min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3, cp = b0 & 0x0F, min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
        return invalid;  // a continuation byte, C0/C1, or F5..FF
    }
    if (pos + len > text.size()) return invalid;
    for (uint32_t i = 1; i < len; ++i) {
        const uint8_t b = byte(pos + i);
        if ((b & 0xC0) != 0x80) return invalid;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return invalid;
    return {cp, len, true};
}

void append_utf8(std::string & out, uint32_t cp) {
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

size_t valid_utf8_prefix(std::string_view text) {
    size_t pos = 0;
    while (pos < text.size()) {
        const Decoded d = decode_utf8(text, pos);
        if (!d.valid) break;
        pos += d.len;
    }
    return pos;
}

bool is_letter(uint32_t cp) {
    return cp < 128 ? (ascii().flags[cp] & kLetter) != 0 : in_ranges(kLetterRanges, cp);
}

bool is_number(uint32_t cp) {
    return cp < 128 ? (ascii().flags[cp] & kNumber) != 0 : in_ranges(kNumberRanges, cp);
}

bool is_whitespace(uint32_t cp) {
    return cp < 128 ? (ascii().flags[cp] & kSpace) != 0 : in_ranges(kWhitespaceRanges, cp);
}

const char * tables_unicode_version() {
    return kUnicodeVersion;
}

}  // namespace tern::unicode
