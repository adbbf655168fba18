// a * b + c for floats with one rounding, computed the same way everywhere. The C runtime's
// fmaf cannot be trusted for this: MinGW-w64's rounds wrongly in about a quarter of cases, and
// the scalar kernels must give the exact bits the FMA instructions of the SIMD paths give.
//
// The product of two floats is exact in a double (24 + 24 bits < 53). Adding c rounds once;
// TwoSum gives that rounding's exact error, and "round to odd" (nudging an inexact, even sum one
// unit toward the true value) keeps the double from landing on a float halfway point it did
// not really reach, so the final conversion to float rounds correctly (53 >= 24 + 2).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace tern {

inline float fma_f32(float a, float b, float c) {
    const double p = static_cast<double>(a) * static_cast<double>(b);
    const double z = static_cast<double>(c);
    double s = p + z;
    if (!std::isfinite(s)) return static_cast<float>(s);
    const double zz = s - p;
    const double err = (p - (s - zz)) + (z - zz);
    if (err != 0) {
        uint64_t bits;
        std::memcpy(&bits, &s, sizeof bits);
        if ((bits & 1) == 0) {
            bits += ((err > 0) == (s > 0)) ? 1 : static_cast<uint64_t>(-1);
            std::memcpy(&s, &bits, sizeof bits);
        }
    }
    return static_cast<float>(s);
}

}  // namespace tern
