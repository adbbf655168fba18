// When to stop generating, and how much text is safe to show meanwhile.
//
// Stop strings can be split across tokens ("<|" then "end|>"), so text that might be the start
// of one is held back until the next token decides. Feed the decoder's output (valid UTF-8) and
// show only what push() returns:
//
//   StopConditions stop({eos, eot}, {"\nUser:"});
//   for each token:  StopStep s = stop.push(id, utf8_decoder.push(tokenizer.token_bytes(id)));
//                    show(s.text); if (s.reason != StopReason::none) break;
//   at max tokens / cancel: show(stop.finish());
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tern {

// Finds stop strings in a stream of text.
class StopStringMatcher {
public:
    explicit StopStringMatcher(std::vector<std::string> stops = {});

    struct Result {
        std::string text;   // safe to emit now (everything before a stop string when stopped)
        bool stopped = false;
        int32_t which = -1; // index of the stop string found
    };
    // Appends text. After a stop, further input is ignored.
    Result push(std::string_view text);
    // The end of the stream without a stop: the held-back text, which is now safe.
    std::string flush();
    // Bytes held back because they could begin a stop string.
    size_t held() const { return buffer_.size(); }
    bool stopped() const { return stopped_; }
    void reset();

private:
    std::vector<std::string> stops_;
    std::string buffer_;
    bool stopped_ = false;
};

enum class StopReason {
    none,
    end_of_generation,  // a stop token (EOS, EOT)
    stop_string,
};

struct StopStep {
    std::string text;  // safe to emit
    StopReason reason = StopReason::none;
};

// Stop tokens plus stop strings.
class StopConditions {
public:
    StopConditions(std::vector<int32_t> stop_ids, std::vector<std::string> stop_strings);
    // One generated token and its decoded text. A stop token's own text is not emitted; the
    // held-back text before it is.
    StopStep push(int32_t id, std::string_view text);
    // Generation ended for another reason (token limit, cancel): the rest of the held text.
    std::string finish() { return strings_.flush(); }
    bool is_stop_id(int32_t id) const;

private:
    std::vector<int32_t> stop_ids_;
    StopStringMatcher strings_;
    StopReason done_ = StopReason::none;  // set once a stop happened
};

}  // namespace tern
