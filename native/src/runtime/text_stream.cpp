#include "runtime/text_stream.h"

#include <utility>

namespace tern {

namespace {
DetokenizeOptions continuation_options(bool continuation) {
    DetokenizeOptions o;
    o.continuation = continuation;
    return o;
}
}  // namespace

TextStream::TextStream(const Tokenizer * tokenizer, std::vector<int32_t> stop_ids, std::vector<std::string> stop_strings,
                       bool continuation)
    : detok_(tokenizer, continuation_options(continuation)), stop_(std::move(stop_ids), std::move(stop_strings)) {}

TextStream::Step TextStream::push(int32_t id) {
    Step out;
    if (stop_.is_stop_id(id)) {
        // The end: a character left incomplete before the stop token is shown as U+FFFD.
        const std::string rest = detok_.flush();
        if (!rest.empty()) {
            StopStep s = stop_.push(-1, rest);
            out.text = std::move(s.text);
            if (s.reason != StopReason::none) {
                out.reason = s.reason;
                return out;
            }
        }
    }
    StopStep s = stop_.push(id, stop_.is_stop_id(id) ? std::string() : detok_.push(id));
    out.text += s.text;
    out.reason = s.reason;
    return out;
}

std::string TextStream::finish() {
    const std::string rest = detok_.flush();
    std::string out;
    if (!rest.empty()) {
        StopStep s = stop_.push(-1, rest);
        out = std::move(s.text);
        if (s.reason != StopReason::none) return out;
    }
    return out + stop_.finish();
}

}  // namespace tern
