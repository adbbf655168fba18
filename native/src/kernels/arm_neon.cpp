// NEON kernels for AArch64 with the dotprod extension (Armv8.2 sdot), compiled with their own
// flags and run only when the CPU has dotprod (dispatch.cpp). Twin of kernels_scalar.cpp.
//
// Ternary: a 64-byte block is taken as four 16-byte quarters; digits are never decoded: two
// sdot per plane quarter on the running products m = q * 3^i give 256 * weight * x exactly
// (row_dot_tile), and sdot being signed x signed, there is no offset to remove.
// Float: 4-lane chunks, chunk c into accumulator c % 4 (FMA), then a fixed reduction; the same
// code for GEMV and every GEMM tile, so each output has one summation order.
//
// Everything is in an anonymous namespace: no inline function from this file may be shared
// with (and picked by the linker for) code compiled for other CPUs.
#include "kernels/kernels.h"
#include "kernels/kernels_isa.h"
#include "kernels/ternary_layout.h"

#include <arm_neon.h>

#include <cstring>

namespace tern {
namespace {

using namespace ternary_layout;

// ---- ternary ---------------------------------------------------------------------------------

// T tokens against one row, without decoding digits. With m_i = (q * 3^i) mod 256,
// 3 m_i = 256 d_i + m_{i+1}; written with the signed bytes m' = m - 128 (m ^ 0x80, which the
// chain keeps: 3 (m + 128) = 3 m + 128 mod 256) the weight is
//     d_i - 1 = (3 m'_i - m'_{i+1}) / 256,
// so sum w x = (3 * sum sdot(m'_i, x_i) - sum sdot(m'_{i+1}, x_i)) / 256 exactly: one byte
// multiply and two sdot per 16-byte plane quarter, for any number of tokens. Lanes stay far
// inside int32; the final sum is taken in int64.
template <int T>
void row_dot_tile(const uint8_t * row, int64_t cols, const int8_t * const * xs, int32_t * out) {
    int32x4_t a[T][2], b[T][2];
    for (int t = 0; t < T; ++t) a[t][0] = a[t][1] = b[t][0] = b[t][1] = vdupq_n_s32(0);
    const int64_t blocks = (cols + kBlockCols - 1) / kBlockCols;
    const uint8x16_t three = vdupq_n_u8(3), offset = vdupq_n_u8(0x80);
    for (int64_t blk = 0; blk < blocks; ++blk) {
        const int64_t left = (cols - blk * kBlockCols) / kPlaneCols;
        const int planes = left >= kDigits ? kDigits : static_cast<int>(left);
        for (int quarter = 0; quarter < 4; ++quarter) {
            const int h = quarter & 1;
            uint8x16_t m = veorq_u8(vld1q_u8(row + blk * kBlockBytes + 16 * quarter), offset);
            for (int i = 0; i < planes; ++i) {
                const uint8x16_t next = vmulq_u8(m, three);
                const int64_t off = blk * kBlockCols + i * kPlaneCols + 16 * quarter;
                for (int t = 0; t < T; ++t) {
                    const int8x16_t xv = vld1q_s8(xs[t] + off);
                    a[t][h] = vdotq_s32(a[t][h], vreinterpretq_s8_u8(m), xv);
                    b[t][h] = vdotq_s32(b[t][h], vreinterpretq_s8_u8(next), xv);
                }
                m = next;
            }
        }
    }
    for (int t = 0; t < T; ++t) {
        const int32x4_t sa = vaddq_s32(a[t][0], a[t][1]), sb = vaddq_s32(b[t][0], b[t][1]);
        const int32x4_t v = vsubq_s32(vaddq_s32(vaddq_s32(sa, sa), sa), sb);
        out[t] = static_cast<int32_t>(vaddlvq_s32(v) / 256);
    }
}

template <int T>
void ternary_gemm_tiles(const uint8_t * w, size_t w_stride, int64_t rows, int64_t cols,
                        const int8_t * x, size_t x_stride, int32_t * y, size_t y_stride) {
    const int8_t * xs[T];
    int32_t out[T];
    for (int t = 0; t < T; ++t) xs[t] = x + t * x_stride;
    for (int64_t r = 0; r < rows; ++r) {
        row_dot_tile<T>(w + r * w_stride, cols, xs, out);
        for (int t = 0; t < T; ++t) y[t * y_stride + r] = out[t];
    }
}

void ternary_gemv_neon(const uint8_t * w, size_t w_stride, int64_t rows, int64_t cols,
                       const int8_t * x, int32_t * y) {
    ternary_gemm_tiles<1>(w, w_stride, rows, cols, x, 0, y, 0);
}

void ternary_gemm_neon(const uint8_t * w, size_t w_stride, int64_t rows, int64_t cols,
                       const int8_t * x, size_t x_stride, int64_t n, int32_t * y, size_t y_stride) {
    int64_t t = 0;
    for (; t + 4 <= n; t += 4)
        ternary_gemm_tiles<4>(w, w_stride, rows, cols, x + t * x_stride, x_stride, y + t * y_stride, y_stride);
    if (t + 2 <= n) {
        ternary_gemm_tiles<2>(w, w_stride, rows, cols, x + t * x_stride, x_stride, y + t * y_stride, y_stride);
        t += 2;
    }
    if (t < n) ternary_gemm_tiles<1>(w, w_stride, rows, cols, x + t * x_stride, x_stride, y + t * y_stride, y_stride);
}

// ---- int8 quantization ---------------------------------------------------------------------------

// The first `left` (< 4) floats, zeros after.
inline float32x4_t load4_part(const float * a, int64_t left) {
    float buf[4] = {0};
    std::memcpy(buf, a, static_cast<size_t>(left) * sizeof(float));
    return vld1q_f32(buf);
}

// 4 floats, rounded half away from zero (vrndaq: exact) and clamped, as int32.
inline int32x4_t to_i32(float32x4_t v) {
    v = vmaxq_f32(vminq_f32(vrndaq_f32(v), vdupq_n_f32(127.0f)), vdupq_n_f32(-128.0f));
    return vcvtq_s32_f32(v);
}

float quantize_i8_neon(const float * x, int64_t n, int8_t * q) {
    float32x4_t vmax = vdupq_n_f32(0.0f);
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) vmax = vmaxq_f32(vmax, vabsq_f32(vld1q_f32(x + i)));
    if (i < n) vmax = vmaxq_f32(vmax, vabsq_f32(load4_part(x + i, n - i)));
    const float amax = vmaxvq_f32(vmax);
    const float s = 127.0f / (amax > 1e-5f ? amax : 1e-5f);
    const float32x4_t vs = vdupq_n_f32(s);
    for (i = 0; i + 8 <= n; i += 8) {
        const int16x8_t h = vcombine_s16(vqmovn_s32(to_i32(vmulq_f32(vld1q_f32(x + i), vs))),
                                         vqmovn_s32(to_i32(vmulq_f32(vld1q_f32(x + i + 4), vs))));
        vst1_s8(q + i, vqmovn_s16(h));
    }
    for (; i < n; i += 4) {
        const int64_t len = n - i < 4 ? n - i : 4;
        const int32x4_t v = to_i32(vmulq_f32(load4_part(x + i, len), vs));
        int32_t out[4];
        vst1q_s32(out, v);
        for (int64_t j = 0; j < len; ++j) q[i + j] = static_cast<int8_t>(out[j]);
    }
    return s;
}

// ---- float -----------------------------------------------------------------------------------

inline float32x4_t load4(const float * a) { return vld1q_f32(a); }
inline float32x4_t load4(const uint16_t * a) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(a))); }
inline float32x4_t load4_part(const uint16_t * a, int64_t left) {
    uint16_t buf[4] = {0};
    std::memcpy(buf, a, static_cast<size_t>(left) * sizeof(uint16_t));
    return load4(buf);
}

// out[t] = dot(w, xs[t]): 4-element chunk c into accumulator c % 4 (FMA), then
// (a0 + a1) + (a2 + a3) and a fixed horizontal sum; the same for every T.
template <int T, typename W>
void dot_tile(const W * w, int64_t cols, const float * const * xs, float * out) {
    float32x4_t acc[T][4];
    for (int t = 0; t < T; ++t)
        for (int j = 0; j < 4; ++j) acc[t][j] = vdupq_n_f32(0.0f);
    int64_t k = 0;
    for (; k + 16 <= cols; k += 16) {
        for (int j = 0; j < 4; ++j) {
            const float32x4_t wv = load4(w + k + 4 * j);
            for (int t = 0; t < T; ++t) acc[t][j] = vfmaq_f32(acc[t][j], wv, load4(xs[t] + k + 4 * j));
        }
    }
    int j = 0;
    for (; k + 4 <= cols; k += 4, ++j) {
        const float32x4_t wv = load4(w + k);
        for (int t = 0; t < T; ++t) acc[t][j] = vfmaq_f32(acc[t][j], wv, load4(xs[t] + k));
    }
    if (k < cols) {
        const float32x4_t wv = load4_part(w + k, cols - k);
        for (int t = 0; t < T; ++t) acc[t][j] = vfmaq_f32(acc[t][j], wv, load4_part(xs[t] + k, cols - k));
    }
    for (int t = 0; t < T; ++t)
        out[t] = vaddvq_f32(vaddq_f32(vaddq_f32(acc[t][0], acc[t][1]), vaddq_f32(acc[t][2], acc[t][3])));
}

template <int T>
void f16_gemm_tiles(const uint16_t * w, size_t w_stride, int64_t rows, int64_t cols,
                    const float * x, size_t x_stride, float * y, size_t y_stride) {
    const float * xs[T];
    float out[T];
    for (int t = 0; t < T; ++t) xs[t] = x + t * x_stride;
    for (int64_t r = 0; r < rows; ++r) {
        dot_tile<T>(w + r * w_stride, cols, xs, out);
        for (int t = 0; t < T; ++t) y[t * y_stride + r] = out[t];
    }
}

void f16_gemv_neon(const uint16_t * w, size_t w_stride, int64_t rows, int64_t cols,
                   const float * x, float * y) {
    f16_gemm_tiles<1>(w, w_stride, rows, cols, x, 0, y, 0);
}

void f16_gemm_neon(const uint16_t * w, size_t w_stride, int64_t rows, int64_t cols,
                   const float * x, size_t x_stride, int64_t n, float * y, size_t y_stride) {
    int64_t t = 0;
    for (; t + 4 <= n; t += 4)
        f16_gemm_tiles<4>(w, w_stride, rows, cols, x + t * x_stride, x_stride, y + t * y_stride, y_stride);
    for (; t < n; ++t)
        f16_gemm_tiles<1>(w, w_stride, rows, cols, x + t * x_stride, x_stride, y + t * y_stride, y_stride);
}

float dot_f32_neon(const float * a, const float * b, int64_t n) {
    const float * bs[1] = {b};
    float out;
    dot_tile<1>(a, n, bs, &out);
    return out;
}

// One pass of f16_axpy_rows over C full vectors of 4 columns, kept in registers while every
// row streams by.
template <int C>
void axpy_rows_pass(const uint16_t * v, size_t v_stride, int64_t rows, const float * a, float * y) {
    float32x4_t acc[C];
#pragma GCC unroll 16
    for (int k = 0; k < C; ++k) acc[k] = vld1q_f32(y + 4 * k);
    for (int64_t r = 0; r < rows; ++r) {
        const float32x4_t ar = vdupq_n_f32(a[r]);
        const uint16_t * row = v + r * v_stride;
#pragma GCC unroll 16
        for (int k = 0; k < C; ++k) acc[k] = vfmaq_f32(acc[k], ar, load4(row + 4 * k));
    }
#pragma GCC unroll 16
    for (int k = 0; k < C; ++k) vst1q_f32(y + 4 * k, acc[k]);
}

void axpy_rows_one(const uint16_t * v, size_t v_stride, int64_t rows, int64_t cols, const float * a, float * y) {
    int64_t c = 0;
    for (; c + 64 <= cols; c += 64) axpy_rows_pass<16>(v + c, v_stride, rows, a, y + c);
    for (; c + 4 <= cols; c += 4) axpy_rows_pass<1>(v + c, v_stride, rows, a, y + c);
    if (c == cols) return;
    // The last 1..3 columns: the same fused multiply-adds on a partial vector.
    const int64_t left = cols - c;
    float32x4_t acc = load4_part(y + c, left);
    for (int64_t r = 0; r < rows; ++r) acc = vfmaq_f32(acc, vdupq_n_f32(a[r]), load4_part(v + r * v_stride + c, left));
    float buf[4];
    vst1q_f32(buf, acc);
    std::memcpy(y + c, buf, static_cast<size_t>(left) * sizeof(float));
}

void f16_axpy_rows_neon(const uint16_t * v, size_t v_stride, int64_t rows, int64_t cols, const float * a, size_t a_stride,
                        int64_t n, float * y, size_t y_stride) {
    for (int64_t h = 0; h < n; ++h) axpy_rows_one(v, v_stride, rows, cols, a + h * a_stride, y + h * y_stride);
}

void f16_to_f32_row_neon(const uint16_t * h, float * f, int64_t n) {
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(f + i, load4(h + i));
    if (i < n) {
        float buf[4];
        vst1q_f32(buf, load4_part(h + i, n - i));
        std::memcpy(f + i, buf, static_cast<size_t>(n - i) * sizeof(float));
    }
}

void f32_to_f16_row_neon(const float * f, uint16_t * h, int64_t n) {
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) vst1_u16(h + i, vreinterpret_u16_f16(vcvt_f16_f32(vld1q_f32(f + i))));
    if (i < n) {
        uint16_t buf[4];
        vst1_u16(buf, vreinterpret_u16_f16(vcvt_f16_f32(load4_part(f + i, n - i))));
        std::memcpy(h + i, buf, static_cast<size_t>(n - i) * sizeof(uint16_t));
    }
}

// ---- Q8_0 head ---------------------------------------------------------------------------------
// One block of 32 per step: two sdot into an int32x4, scaled by w_scale * x_scale and
// accumulated in float, block b into accumulator b % 2.

float q8_row_dot(const int8_t * w, const uint16_t * ws, int64_t cols, const int8_t * x, const float * xs) {
    // Block b into accumulator b % 2, as two named registers (see the AVX2 file).
    float32x4_t cur = vdupq_n_f32(0.0f), other = cur;
    for (int64_t b = 0; b < cols / kQ8Block; ++b) {
        const int8_t * wb = w + b * kQ8Block;
        const int8_t * xb = x + b * kQ8Block;
        int32x4_t s = vdotq_s32(vdupq_n_s32(0), vld1q_s8(wb), vld1q_s8(xb));
        s = vdotq_s32(s, vld1q_s8(wb + 16), vld1q_s8(xb + 16));
        const float d = vgetq_lane_f32(vcvt_f32_f16(vreinterpret_f16_u16(vdup_n_u16(ws[b]))), 0) * xs[b];
        const float32x4_t next = vfmaq_n_f32(cur, vcvtq_f32_s32(s), d);
        cur = other;
        other = next;
    }
    return vaddvq_f32(vaddq_f32(cur, other));
}

void q8_gemm_neon(const int8_t * w, const uint16_t * ws, int64_t rows, int64_t cols, const int8_t * x, const float * xs,
                  int64_t n, float * y, size_t y_stride) {
    const int64_t nb = cols / kQ8Block;
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t t = 0; t < n; ++t)
            y[t * y_stride + r] = q8_row_dot(w + r * cols, ws + r * nb, cols, x + t * cols, xs + t * nb);
}

void q8_gemv_neon(const int8_t * w, const uint16_t * ws, int64_t rows, int64_t cols, const int8_t * x, const float * xs,
                  float * y) {
    q8_gemm_neon(w, ws, rows, cols, x, xs, 1, y, 0);
}

// ---- Q6_K head -----------------------------------------------------------------------------------
// One 64-weight group per step: codes rebuilt from the planes, s = u - 32 (signed), one sdot per
// 16 weights = one sub-block, scaled by d * sc * x_scale and accumulated in float, sub-block s
// into accumulator s % 2.

float q6_row_dot(const Q6Matrix & w, int64_t r, int64_t cols, const int8_t * x, const float * xs) {
    const uint8_t * ql = w.ql + r * cols / 2;
    const uint8_t * qh = w.qh + r * cols / 4;
    const int8_t * sc = w.sc + r * cols / 16;
    const uint16_t * d = w.d + r * cols / kQ6Super;
    const uint8x16_t low4 = vdupq_n_u8(0x0f), three = vdupq_n_u8(3), k32 = vdupq_n_u8(32);
    float32x4_t acc[2] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
    for (int64_t g = 0; g < cols / 64; ++g) {
        const float db = vgetq_lane_f32(vcvt_f32_f16(vreinterpret_f16_u16(vdup_n_u16(d[g / 4]))), 0);
        const uint8x16_t q0 = vld1q_u8(ql + g * 32), q1 = vld1q_u8(ql + g * 32 + 16);
        const uint8x16_t h = vld1q_u8(qh + g * 16);
        // weights 16k .. 16k+15 of the group: low nibble (k < 2) or high nibble (k >= 2) of
        // q[k % 2], high bits at shift 2k of h.
        const uint8x16_t lo[4] = {vandq_u8(q0, low4), vandq_u8(q1, low4), vshrq_n_u8(q0, 4), vshrq_n_u8(q1, 4)};
        const uint8x16_t hb[4] = {vandq_u8(h, three), vandq_u8(vshrq_n_u8(h, 2), three), vandq_u8(vshrq_n_u8(h, 4), three),
                                  vshrq_n_u8(h, 6)};
        for (int k = 0; k < 4; ++k) {
            const int8x16_t s = vreinterpretq_s8_u8(vsubq_u8(vorrq_u8(lo[k], vshlq_n_u8(hb[k], 4)), k32));
            const int32x4_t sum = vdotq_s32(vdupq_n_s32(0), s, vld1q_s8(x + g * 64 + k * 16));
            const int64_t sub = g * 4 + k;
            const float scale = db * static_cast<float>(sc[sub]) * xs[sub / 2];
            acc[k % 2] = vfmaq_n_f32(acc[k % 2], vcvtq_f32_s32(sum), scale);
        }
    }
    return vaddvq_f32(vaddq_f32(acc[0], acc[1]));
}

void q6_gemm_neon(const Q6Matrix & w, int64_t r0, int64_t rows, int64_t cols, const int8_t * x, const float * xs, int64_t n,
                  float * y, size_t y_stride) {
    const int64_t nb = cols / kQ8Block;
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t t = 0; t < n; ++t) y[t * y_stride + r] = q6_row_dot(w, r0 + r, cols, x + t * cols, xs + t * nb);
}

void q6_gemv_neon(const Q6Matrix & w, int64_t r0, int64_t rows, int64_t cols, const int8_t * x, const float * xs, float * y) {
    q6_gemm_neon(w, r0, rows, cols, x, xs, 1, y, 0);
}

}  // namespace

const KernelTable & kernels_neon() {
    static const KernelTable table = {
        "neon",
        ternary_gemv_neon,
        ternary_gemm_neon,
        quantize_i8_neon,
        f16_gemv_neon,
        f16_gemm_neon,
        dot_f32_neon,
        f16_axpy_rows_neon,
        f16_to_f32_row_neon,
        f32_to_f16_row_neon,
        q8_gemv_neon,
        q8_gemm_neon,
        q6_gemv_neon,
        q6_gemm_neon,
    };
    return table;
}

}  // namespace tern
