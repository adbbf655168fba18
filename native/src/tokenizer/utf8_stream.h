// Streaming UTF-8 decoder for detokenized output: tokens may end in the middle of a character,
// so the bytes of an incomplete character are held back until the rest arrives. Everything it
// returns is valid UTF-8. Invalid bytes become U+FFFD as soon as they are known to be invalid
// (one U+FFFD per maximal invalid subpart, as the WHATWG decoder does); an incomplete character
// still pending at the end becomes U+FFFD in flush().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tern {

// What a byte starts in UTF-8: the length of the sequence (0: none; a continuation byte, C0, C1
// or F5..FF) and the range allowed for its second byte (so no overlong form, surrogate or code
// point above U+10FFFF passes). Shared by the decoders, which differ in how they replace errors.
struct Utf8Lead {
    int length;
    uint8_t second_min;
    uint8_t second_max;
};
Utf8Lead utf8_lead(uint8_t b);

class Utf8StreamDecoder {
public:
    // Appends bytes; returns the text that is now complete.
    std::string push(std::string_view bytes);
    // Ends the stream: returns U+FFFD if an incomplete character was pending, else "".
    std::string flush();
    // Bytes held back, waiting for the rest of a character (0..3).
    size_t pending() const { return pending_.size(); }
    void reset() { pending_.clear(); }

private:
    std::string pending_;
};

}  // namespace tern
