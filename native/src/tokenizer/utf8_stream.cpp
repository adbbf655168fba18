#include "tokenizer/utf8_stream.h"

#include <cstdint>

namespace tern {

namespace {

const char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

Utf8Lead utf8_lead(uint8_t b) {
    if (b < 0x80) return {1, 0, 0};
    if (b >= 0xC2 && b <= 0xDF) return {2, 0x80, 0xBF};
    if (b == 0xE0) return {3, 0xA0, 0xBF};
    if (b == 0xED) return {3, 0x80, 0x9F};
    if (b >= 0xE1 && b <= 0xEF) return {3, 0x80, 0xBF};
    if (b == 0xF0) return {4, 0x90, 0xBF};
    if (b >= 0xF1 && b <= 0xF3) return {4, 0x80, 0xBF};
    if (b == 0xF4) return {4, 0x80, 0x8F};
    return {0, 0, 0};
}

std::string Utf8StreamDecoder::push(std::string_view bytes) {
    pending_.append(bytes.data(), bytes.size());
    std::string out;
    out.reserve(pending_.size());
    const size_t n = pending_.size();
    size_t pos = 0;
    while (pos < n) {
        const uint8_t b0 = static_cast<uint8_t>(pending_[pos]);
        const Utf8Lead lead = utf8_lead(b0);
        if (lead.length == 1) {
            out += static_cast<char>(b0);
            ++pos;
            continue;
        }
        if (lead.length == 0) {
            out += kReplacement;
            ++pos;
            continue;
        }
        // Count the bytes that continue this character correctly.
        int good = 1;
        while (good < lead.length && pos + good < n) {
            const uint8_t b = static_cast<uint8_t>(pending_[pos + good]);
            const bool ok = good == 1 ? (b >= lead.second_min && b <= lead.second_max) : (b >= 0x80 && b <= 0xBF);
            if (!ok) break;
            ++good;
        }
        if (good == lead.length) {
            out.append(pending_, pos, good);
            pos += good;
        } else if (pos + good == n) {
            break;  // a correct but incomplete character at the end: wait for more bytes
        } else {
            out += kReplacement;  // broken by the next byte, which starts over
            pos += good;
        }
    }
    pending_.erase(0, pos);
    return out;
}

std::string Utf8StreamDecoder::flush() {
    if (pending_.empty()) return std::string();
    pending_.clear();
    return kReplacement;
}

}  // namespace tern
