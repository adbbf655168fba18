#include "options.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace tern_addon {

namespace {
// A bound as people write it: 64, 0.5, 1e+06 (std::to_string would give 64.000000).
std::string shortest(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}
}  // namespace

double number_option(const Napi::Object & o, const char * key, double fallback, double lo, double hi, bool whole) {
    if (!o.Has(key) || o.Get(key).IsUndefined()) return fallback;
    const Napi::Value v = o.Get(key);
    if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), std::string(key) + " must be a number");
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= lo && d <= hi) || (whole && d != std::floor(d)))
        throw Napi::TypeError::New(o.Env(), std::string(key) + " must be " + (whole ? "a whole number" : "a number") + " in [" +
                                                shortest(lo) + ", " + shortest(hi) + "]");
    return d;
}

}  // namespace tern_addon
