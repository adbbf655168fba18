#include "sampler/stop.h"

#include <algorithm>

namespace tern {

StopStringMatcher::StopStringMatcher(std::vector<std::string> stops) {
    for (std::string & s : stops) {
        if (!s.empty()) stops_.push_back(std::move(s));  // an empty stop string would stop at once
    }
}

void StopStringMatcher::reset() {
    buffer_.clear();
    stopped_ = false;
}

StopStringMatcher::Result StopStringMatcher::push(std::string_view text) {
    Result r;
    if (stopped_) {
        r.stopped = true;
        return r;
    }
    buffer_.append(text.data(), text.size());

    // The earliest occurrence of any stop string (the longest one when several start there).
    size_t first = std::string::npos;
    for (size_t i = 0; i < stops_.size(); ++i) {
        const size_t at = buffer_.find(stops_[i]);
        if (at == std::string::npos) continue;
        if (first == std::string::npos || at < first || (at == first && stops_[i].size() > stops_[r.which].size())) {
            first = at;
            r.which = static_cast<int32_t>(i);
        }
    }
    if (first != std::string::npos) {
        r.text = buffer_.substr(0, first);
        r.stopped = true;
        stopped_ = true;
        buffer_.clear();
        return r;
    }

    // Hold back the longest tail of the buffer that is a proper prefix of some stop string.
    size_t hold = 0;
    for (const std::string & s : stops_) {
        const size_t longest = std::min(s.size() - 1, buffer_.size());
        for (size_t k = longest; k > hold; --k) {
            if (buffer_.compare(buffer_.size() - k, k, s, 0, k) == 0) {
                hold = k;
                break;
            }
        }
    }
    r.text = buffer_.substr(0, buffer_.size() - hold);
    buffer_.erase(0, buffer_.size() - hold);
    return r;
}

std::string StopStringMatcher::flush() {
    std::string out;
    out.swap(buffer_);
    return out;
}

StopConditions::StopConditions(std::vector<int32_t> stop_ids, std::vector<std::string> stop_strings)
    : stop_ids_(std::move(stop_ids)), strings_(std::move(stop_strings)) {}

bool StopConditions::is_stop_id(int32_t id) const {
    return std::find(stop_ids_.begin(), stop_ids_.end(), id) != stop_ids_.end();
}

StopStep StopConditions::push(int32_t id, std::string_view text) {
    StopStep step;
    if (done_ != StopReason::none) {
        step.reason = done_;
        return step;
    }
    if (is_stop_id(id)) {
        step.text = strings_.flush();
        step.reason = done_ = StopReason::end_of_generation;
        return step;
    }
    StopStringMatcher::Result r = strings_.push(text);
    step.text = std::move(r.text);
    if (r.stopped) {
        step.reason = done_ = StopReason::stop_string;
    }
    return step;
}

}  // namespace tern
