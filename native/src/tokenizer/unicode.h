// Unicode helpers for the tokenizer: a lenient UTF-8 decoder (invalid bytes are reported, never
// thrown), UTF-8 encoding, and the three character classes the pre-tokenizer regexes use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tern::unicode {

// A decoded character: its code point and how many bytes of the input it spans. Invalid input
// decodes one byte at a time with `valid == false` and code point U+FFFD, so that the caller can
// still keep the original bytes.
struct Decoded {
    uint32_t cp;
    uint32_t len;
    bool valid;
};

// Decodes the character that starts at text[pos] (pos < text.size()). Rejects overlong forms,
// surrogates, code points above U+10FFFF and truncated sequences.
Decoded decode_utf8(std::string_view text, size_t pos);

// Appends the UTF-8 encoding of a code point (U+FFFD for surrogates or out-of-range values).
void append_utf8(std::string & out, uint32_t cp);

// Length of the longest valid UTF-8 prefix of `text` (everything when the text is valid).
size_t valid_utf8_prefix(std::string_view text);
inline bool is_valid_utf8(std::string_view text) { return valid_utf8_prefix(text) == text.size(); }

bool is_letter(uint32_t cp);      // \p{L}
bool is_number(uint32_t cp);      // \p{N}
bool is_whitespace(uint32_t cp);  // \s, the Unicode White_Space property

// The Unicode version the class tables were generated from (e.g. "17.0").
const char * tables_unicode_version();

}  // namespace tern::unicode
