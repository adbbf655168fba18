// The scalar reference kernels: plain C++, the twin every instruction-set path is tested
// against, and the path a CPU without AVX2 or NEON dotprod runs. Also the packed ternary
// layout's pack/unpack and the exact IEEE half conversions.
#include "kernels/kernels.h"
#include "kernels/ternary_layout.h"
#include "util/fma.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace tern {

using namespace ternary_layout;

// ---- IEEE half <-> float ---------------------------------------------------------------------

float f16_to_f32(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu;
    const uint32_t man = h & 0x3ffu;
    uint32_t bits;
    if (exp == 0) {
        // Zero or subnormal: man * 2^-24, exact in float.
        const float mag = static_cast<float>(man) * 0x1p-24f;
        std::memcpy(&bits, &mag, sizeof bits);
        bits |= sign;
    } else if (exp == 31) {
        // Inf, or NaN made quiet with its payload kept (what F16C and NEON do).
        bits = sign | 0x7f800000u | (man << 13) | (man ? 0x400000u : 0u);
    } else {
        bits = sign | ((exp + 112u) << 23) | (man << 13);
    }
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

uint16_t f32_to_f16(float f) {
    uint32_t x;
    std::memcpy(&x, &f, sizeof x);
    const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
    const uint32_t ax = x & 0x7fffffffu;
    if (ax > 0x7f800000u)  // NaN: quiet, top payload bits kept
        return static_cast<uint16_t>(sign | 0x7e00u | ((ax >> 13) & 0x3ffu));
    if (ax >= 0x47800000u)  // >= 65536 (or inf): inf
        return static_cast<uint16_t>(sign | 0x7c00u);
    if (ax < 0x38800000u) {
        // Below the smallest normal half (2^-14): a subnormal count of 2^-24, rounded to
        // nearest even (may round up to 0x400, the smallest normal, which is the right bits).
        float mag;
        std::memcpy(&mag, &ax, sizeof mag);
        const float units = std::nearbyint(mag * 0x1p24f);
        return static_cast<uint16_t>(sign | static_cast<uint16_t>(units));
    }
    // Normal: rebias the exponent, round the 13 dropped bits to nearest even; a carry moves
    // into the exponent and past 65504 gives 0x7c00 (inf), as it should.
    const uint32_t rebased = ax - (112u << 23);
    const uint32_t rounded = (rebased + 0xfffu + ((rebased >> 13) & 1u)) >> 13;
    return static_cast<uint16_t>(sign | rounded);
}

// ---- Packed ternary layout ---------------------------------------------------------------------

size_t ternary_row_bytes(int64_t cols) {
    return static_cast<size_t>((cols + kBlockCols - 1) / kBlockCols * kBlockBytes);
}

int64_t ternary_packed_cols(int64_t cols) {
    return (cols + kTernaryColsMultiple - 1) / kTernaryColsMultiple * kTernaryColsMultiple;
}

void ternary_pack_row(const int8_t * trits, int64_t cols, uint8_t * out) {
    const int64_t blocks = (cols + kBlockCols - 1) / kBlockCols;
    for (int64_t b = 0; b < blocks; ++b) {
        const int64_t base = b * kBlockCols;
        for (int64_t j = 0; j < kPlaneCols; ++j) {
            uint32_t v = 0;
            for (int i = 0; i < kDigits; ++i) {
                const int64_t col = base + i * kPlaneCols + j;
                int d = 1;  // zero weight for the unused digits of a short last block
                if (col < cols) d = trits[col] > 0 ? 2 : (trits[col] < 0 ? 0 : 1);
                v = v * 3 + static_cast<uint32_t>(d);
            }
            out[b * kBlockBytes + j] = static_cast<uint8_t>((v * 256 + 242) / 243);
        }
    }
}

namespace {

// Digit i (0..2) of a packed byte.
int ternary_digit(uint8_t q, int i) {
    const uint8_t m = static_cast<uint8_t>(q * kPow3[i]);
    return (m * 3) >> 8;
}

// The trits (-1, 0, +1) of one block into out[0 .. planes*64).
void decode_block(const uint8_t * q, int planes, int8_t * out) {
    for (int i = 0; i < planes; ++i)
        for (int64_t j = 0; j < kPlaneCols; ++j)
            out[i * kPlaneCols + j] = static_cast<int8_t>(ternary_digit(q[j], i) - 1);
}

int planes_in_block(int64_t cols, int64_t b) {
    const int64_t left = (cols - b * kBlockCols) / kPlaneCols;
    return left >= kDigits ? kDigits : static_cast<int>(left);
}

}  // namespace

void ternary_unpack_row(const uint8_t * packed, int64_t cols, int8_t * trits) {
    const int64_t blocks = (cols + kBlockCols - 1) / kBlockCols;
    for (int64_t b = 0; b < blocks; ++b)
        decode_block(packed + b * kBlockBytes, planes_in_block(cols, b), trits + b * kBlockCols);
}

// ---- The scalar table ----------------------------------------------------------------------

namespace {

void ternary_gemm_scalar(const uint8_t * w, size_t w_stride, int64_t rows, int64_t cols,
                         const int8_t * x, size_t x_stride, int64_t n, int32_t * y, size_t y_stride) {
    const int64_t blocks = (cols + kBlockCols - 1) / kBlockCols;
    int8_t trits[kBlockCols];
    std::vector<int32_t> acc(static_cast<size_t>(n));
    for (int64_t r = 0; r < rows; ++r) {
        const uint8_t * row = w + r * w_stride;
        for (int64_t t = 0; t < n; ++t) acc[t] = 0;
        for (int64_t b = 0; b < blocks; ++b) {
            const int planes = planes_in_block(cols, b);
            const int64_t len = planes * kPlaneCols;
            decode_block(row + b * kBlockBytes, planes, trits);
            for (int64_t t = 0; t < n; ++t) {
                const int8_t * xb = x + t * x_stride + b * kBlockCols;
                int32_t sum = 0;
                for (int64_t k = 0; k < len; ++k) sum += trits[k] * xb[k];
                acc[t] += sum;
            }
        }
        for (int64_t t = 0; t < n; ++t) y[t * y_stride + r] = acc[t];
    }
}

void ternary_gemv_scalar(const uint8_t * w, size_t w_stride, int64_t rows, int64_t cols,
                         const int8_t * x, int32_t * y) {
    ternary_gemm_scalar(w, w_stride, rows, cols, x, 0, 1, y, 0);
}

float quantize_i8_scalar(const float * x, int64_t n, int8_t * q) {
    float amax = 0.0f;
    for (int64_t i = 0; i < n; ++i) {
        const float a = std::fabs(x[i]);
        if (a > amax) amax = a;
    }
    const float s = 127.0f / (amax > 1e-5f ? amax : 1e-5f);
    for (int64_t i = 0; i < n; ++i) {
        float v = std::round(x[i] * s);  // halves away from zero
        if (v > 127.0f) v = 127.0f;
        if (v < -128.0f) v = -128.0f;
        q[i] = static_cast<int8_t>(v);
    }
    return s;
}

// One output: a plain left-to-right sum.
float f16_dot_scalar(const uint16_t * w, const float * x, int64_t cols) {
    float acc = 0.0f;
    for (int64_t k = 0; k < cols; ++k) acc += f16_to_f32(w[k]) * x[k];
    return acc;
}

void f16_gemv_scalar(const uint16_t * w, size_t w_stride, int64_t rows, int64_t cols,
                     const float * x, float * y) {
    for (int64_t r = 0; r < rows; ++r) y[r] = f16_dot_scalar(w + r * w_stride, x, cols);
}

void f16_gemm_scalar(const uint16_t * w, size_t w_stride, int64_t rows, int64_t cols,
                     const float * x, size_t x_stride, int64_t n, float * y, size_t y_stride) {
    for (int64_t t = 0; t < n; ++t)
        for (int64_t r = 0; r < rows; ++r)
            y[t * y_stride + r] = f16_dot_scalar(w + r * w_stride, x + t * x_stride, cols);
}

float dot_f32_scalar(const float * a, const float * b, int64_t n) {
    float acc = 0.0f;
    for (int64_t i = 0; i < n; ++i) acc += a[i] * b[i];
    return acc;
}

void f16_axpy_rows_scalar(const uint16_t * v, size_t v_stride, int64_t rows, int64_t cols, const float * a,
                          size_t a_stride, int64_t n, float * y, size_t y_stride) {
    for (int64_t h = 0; h < n; ++h) {
        const float * ah = a + h * a_stride;
        float * yh = y + h * y_stride;
        for (int64_t r = 0; r < rows; ++r) {
            const uint16_t * row = v + r * v_stride;
            for (int64_t i = 0; i < cols; ++i) yh[i] = fma_f32(ah[r], f16_to_f32(row[i]), yh[i]);
        }
    }
}

void f16_to_f32_row_scalar(const uint16_t * h, float * f, int64_t n) {
    for (int64_t i = 0; i < n; ++i) f[i] = f16_to_f32(h[i]);
}

void f32_to_f16_row_scalar(const float * f, uint16_t * h, int64_t n) {
    for (int64_t i = 0; i < n; ++i) h[i] = f32_to_f16(f[i]);
}

// One Q8_0 row: per block an exact int32 dot product, then the blocks summed in float in order.
float q8_dot_scalar(const int8_t * w, const uint16_t * ws, int64_t cols, const int8_t * x, const float * xs) {
    float acc = 0.0f;
    for (int64_t b = 0; b < cols / kQ8Block; ++b) {
        int32_t sum = 0;
        for (int64_t k = b * kQ8Block; k < (b + 1) * kQ8Block; ++k) sum += w[k] * x[k];
        acc += static_cast<float>(sum) * (f16_to_f32(ws[b]) * xs[b]);
    }
    return acc;
}

void q8_gemv_scalar(const int8_t * w, const uint16_t * ws, int64_t rows, int64_t cols, const int8_t * x, const float * xs,
                    float * y) {
    const int64_t nb = cols / kQ8Block;
    for (int64_t r = 0; r < rows; ++r) y[r] = q8_dot_scalar(w + r * cols, ws + r * nb, cols, x, xs);
}

void q8_gemm_scalar(const int8_t * w, const uint16_t * ws, int64_t rows, int64_t cols, const int8_t * x, const float * xs,
                    int64_t n, float * y, size_t y_stride) {
    const int64_t nb = cols / kQ8Block;
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t t = 0; t < n; ++t)
            y[t * y_stride + r] = q8_dot_scalar(w + r * cols, ws + r * nb, cols, x + t * cols, xs + t * nb);
}

// One Q6_K row: per 16-weight sub-block an exact int32 sum of (u - 32) * x, then the
// sub-blocks summed in float in order, each scaled by d * sc * x_scale.
float q6_dot_scalar(const Q6Matrix & w, int64_t r, int64_t cols, const int8_t * x, const float * xs) {
    const uint8_t * ql = w.ql + r * cols / 2;
    const uint8_t * qh = w.qh + r * cols / 4;
    const int8_t * sc = w.sc + r * cols / 16;
    const uint16_t * d = w.d + r * cols / kQ6Super;
    float acc = 0.0f;
    for (int64_t s = 0; s < cols / 16; ++s) {
        int32_t sum = 0;
        for (int64_t k = s * 16; k < (s + 1) * 16; ++k) sum += (q6_code(ql, qh, k) - 32) * x[k];
        acc += static_cast<float>(sum) * (f16_to_f32(d[s / 16]) * static_cast<float>(sc[s]) * xs[s / 2]);
    }
    return acc;
}

void q6_gemv_scalar(const Q6Matrix & w, int64_t r0, int64_t rows, int64_t cols, const int8_t * x, const float * xs, float * y) {
    for (int64_t r = 0; r < rows; ++r) y[r] = q6_dot_scalar(w, r0 + r, cols, x, xs);
}

void q6_gemm_scalar(const Q6Matrix & w, int64_t r0, int64_t rows, int64_t cols, const int8_t * x, const float * xs, int64_t n,
                    float * y, size_t y_stride) {
    const int64_t nb = cols / kQ8Block;
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t t = 0; t < n; ++t) y[t * y_stride + r] = q6_dot_scalar(w, r0 + r, cols, x + t * cols, xs + t * nb);
}

}  // namespace

int q6_code(const uint8_t * ql, const uint8_t * qh, int64_t k) {
    const int64_t g = k / 64, j = k % 64;
    const int lo = (ql[g * 32 + j % 32] >> (j < 32 ? 0 : 4)) & 0xf;
    const int hi = (qh[g * 16 + j % 16] >> (2 * (j / 16))) & 0x3;
    return lo | (hi << 4);
}

void quantize_q6_row(const float * x, int64_t n, uint8_t * ql, uint8_t * qh, int8_t * sc, uint16_t * d) {
    std::memset(ql, 0, static_cast<size_t>(n / 2));
    std::memset(qh, 0, static_cast<size_t>(n / 4));
    for (int64_t b = 0; b < n / kQ6Super; ++b) {
        const float * xb = x + b * kQ6Super;
        // Sub-block scales so that the largest magnitude maps to 31 (codes -32..31), then the
        // superblock scale so that the largest sub-block scale maps to 127.
        float sub[16], smax = 0.0f;
        for (int s = 0; s < 16; ++s) {
            float amax = 0.0f;
            for (int k = 0; k < 16; ++k) amax = std::fmax(amax, std::fabs(xb[s * 16 + k]));
            sub[s] = amax / 31.0f;
            smax = std::fmax(smax, sub[s]);
        }
        // Both scales are rounded up (the half d, then sc = ceil), so a sub-block's step never
        // falls below amax / 31 and no code is clipped: the error stays within half a step.
        uint16_t dh = f32_to_f16(smax / 127.0f);
        if (f16_to_f32(dh) < smax / 127.0f) ++dh;  // positive finite half: the next one up
        const float db = f16_to_f32(dh);
        d[b] = dh;
        for (int s = 0; s < 16; ++s) {
            float q = db > 0.0f ? std::ceil(sub[s] / db) : 0.0f;
            q = q > 127.0f ? 127.0f : q;
            sc[b * 16 + s] = static_cast<int8_t>(q);
            const float step = db * q;
            const float inv = step > 0.0f ? 1.0f / step : 0.0f;
            for (int k = 0; k < 16; ++k) {
                float v = std::round(xb[s * 16 + k] * inv);
                v = v > 31.0f ? 31.0f : (v < -32.0f ? -32.0f : v);
                const int u = static_cast<int>(v) + 32;
                const int64_t e = b * kQ6Super + s * 16 + k, g = e / 64, j = e % 64;
                ql[g * 32 + j % 32] |= static_cast<uint8_t>((u & 0xf) << (j < 32 ? 0 : 4));
                qh[g * 16 + j % 16] |= static_cast<uint8_t>((u >> 4) << (2 * (j / 16)));
            }
        }
    }
}

namespace {

float q8_block_amax(const float * xb) {
    float amax = 0.0f;
    for (int64_t k = 0; k < kQ8Block; ++k) amax = std::fmax(amax, std::fabs(xb[k]));
    return amax;
}

// q = clamp(round(x / d), -127, 127) for one block, all zero when d is 0.
void q8_block_quantize(const float * xb, float d, int8_t * q) {
    const float id = d > 0.0f ? 1.0f / d : 0.0f;
    for (int64_t k = 0; k < kQ8Block; ++k) {
        float v = std::round(xb[k] * id);
        v = v > 127.0f ? 127.0f : (v < -127.0f ? -127.0f : v);
        q[k] = static_cast<int8_t>(v);
    }
}

}  // namespace

void quantize_q8_blocks(const float * x, int64_t n, int8_t * q, float * scales) {
    for (int64_t b = 0; b < n / kQ8Block; ++b) {
        const float d = q8_block_amax(x + b * kQ8Block) / 127.0f;
        q8_block_quantize(x + b * kQ8Block, d, q + b * kQ8Block);
        scales[b] = d;
    }
}

void quantize_q8_weights(const float * x, int64_t n, int8_t * q, uint16_t * scales) {
    for (int64_t b = 0; b < n / kQ8Block; ++b) {
        const uint16_t dh = f32_to_f16(q8_block_amax(x + b * kQ8Block) / 127.0f);
        q8_block_quantize(x + b * kQ8Block, f16_to_f32(dh), q + b * kQ8Block);
        scales[b] = dh;
    }
}

const KernelTable & kernels_scalar() {
    static const KernelTable table = {
        "scalar",
        ternary_gemv_scalar,
        ternary_gemm_scalar,
        quantize_i8_scalar,
        f16_gemv_scalar,
        f16_gemm_scalar,
        dot_f32_scalar,
        f16_axpy_rows_scalar,
        f16_to_f32_row_scalar,
        f32_to_f16_row_scalar,
        q8_gemv_scalar,
        q8_gemm_scalar,
        q6_gemv_scalar,
        q6_gemm_scalar,
    };
    return table;
}

}  // namespace tern
