// Reading settings from a JS options object, with one rule and one message for every addon call.
#pragma once

#include <napi.h>

#include <cstdint>

namespace tern_addon {

// o[key] as a number: `fallback` when absent or undefined; otherwise it must be a number in
// [lo, hi], a whole one when `whole`, else a TypeError that names the key and the range.
double number_option(const Napi::Object & o, const char * key, double fallback, double lo, double hi, bool whole);

inline int32_t int_option(const Napi::Object & o, const char * key, int32_t fallback, int32_t lo, int32_t hi) {
    return static_cast<int32_t>(number_option(o, key, fallback, lo, hi, true));
}

}  // namespace tern_addon
