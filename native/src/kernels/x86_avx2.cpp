// AVX2 kernels (with FMA and F16C), compiled with their own flags and run only when the CPU has
// them (dispatch.cpp). Twin of kernels_scalar.cpp.
//
// Ternary: each 64-byte block is handled as two 32-byte halves; a digit plane's digits
// d in {0,1,2} are (m >= 86) + (m >= 171) via two signed compares, vpmaddubsw
// (unsigned x signed) gives pairs of d * x in int16, the five planes of a block are summed in
// int16 (|sum| <= 2560) and widened once per block; sum (d - 1) x = sum d x - sum x.
// Float: 8-lane chunks, chunk c into accumulator c % 4, a fixed reduction; the same code for
// GEMV and every GEMM tile, so each output has one summation order.
//
// Everything is in an anonymous namespace: no inline function from this file may be shared
// with (and picked by the linker for) code compiled for other CPUs.
#include "kernels/kernels.h"
#include "kernels/kernels_isa.h"
#include "kernels/ternary_layout.h"

#include <immintrin.h>

#include <cstdlib>
#include <cstring>

namespace tern {
namespace {

using namespace ternary_layout;

// ---- ternary ---------------------------------------------------------------------------------

// Digits (0, 1, 2) of 32 bytes, given as m' = m ^ 0x80 (m - 128 as a signed byte):
// d = 2 - (m < 86) - (m < 171) = 2 + (-42 > m') + (43 > m'), the compares giving 0 / -1. The
// offset survives the digit chain: 3 (m + 128) = 3 m + 128 (mod 256).
struct DigitConstants {
    __m256i step1, step2, two, offset;
};

// The constants, hidden from the optimizer: GCC otherwise rewrites one signed compare with a
// constant into min + compare-equal (three instructions for one).
inline DigitConstants digit_constants() {
    DigitConstants c{_mm256_set1_epi8(static_cast<char>(kDigitStep1 - 128)), _mm256_set1_epi8(static_cast<char>(kDigitStep2 - 128)),
                     _mm256_set1_epi8(2), _mm256_set1_epi8(static_cast<char>(0x80))};
    __asm__("" : "+x"(c.step1), "+x"(c.step2));
    return c;
}

inline __m256i digits(__m256i m_offset, const DigitConstants & c) {
    const __m256i lt1 = _mm256_cmpgt_epi8(c.step1, m_offset);
    const __m256i lt2 = _mm256_cmpgt_epi8(c.step2, m_offset);
    return _mm256_add_epi8(_mm256_add_epi8(c.two, lt1), lt2);
}

inline __m256i times3(__m256i m) { return _mm256_add_epi8(_mm256_add_epi8(m, m), m); }

// Software prefetch distance for the weight streams (bytes ahead of the current load): without
// it the loads of a decode step wait on memory one after another (measured: the AVX2 path's
// decode at 7.6 tok/s with two thirds of the GEMV's time on the weight load; see the AVX-512
// file for the same finding there). 3 kB since the weights are in huge pages (+2-3% against 4 kB).
constexpr int64_t kPrefetchBytes = 3072;
inline void prefetch(const void * p) { _mm_prefetch(static_cast<const char *>(p), _MM_HINT_T0); }

inline __m256i load32(const void * p) { return _mm256_loadu_si256(static_cast<const __m256i *>(p)); }

inline int32_t hsum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

// Sum of x[0 .. cols), cols a multiple of 64.
int32_t sum_i8(const int8_t * x, int64_t cols) {
    const __m256i ones8 = _mm256_set1_epi8(1), ones16 = _mm256_set1_epi16(1);
    __m256i acc = _mm256_setzero_si256();
    for (int64_t k = 0; k < cols; k += 32)
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(ones8, load32(x + k)), ones16));
    return hsum_i32(acc);
}

// sum d * x (d = weight + 1) over `planes` planes of one 32-byte half block, for T tokens,
// into int16 (|sum| <= 5 * 512), widened into acc once.
template <int T, int Planes>
inline void half_block(const uint8_t * q8, int planes, const int8_t * const * xs, int64_t off, __m256i * acc,
                       const DigitConstants & c) {
    const int n = Planes > 0 ? Planes : planes;
    __m256i s16[T];
    for (int t = 0; t < T; ++t) s16[t] = _mm256_setzero_si256();
    __m256i q = _mm256_xor_si256(load32(q8), c.offset);
    for (int i = 0; i < n; ++i) {
        const __m256i d = digits(q, c);
        for (int t = 0; t < T; ++t) s16[t] = _mm256_add_epi16(s16[t], _mm256_maddubs_epi16(d, load32(xs[t] + off + i * kPlaneCols)));
        q = times3(q);
    }
    for (int t = 0; t < T; ++t) acc[t] = _mm256_add_epi32(acc[t], _mm256_madd_epi16(s16[t], _mm256_set1_epi16(1)));
}

// T tokens against one row: sum d * x. Each plane half is decoded once and used T times.
template <int T>
void row_dot_offset_tile(const uint8_t * row, int64_t cols, const int8_t * const * xs, int32_t * out) {
    const DigitConstants c = digit_constants();
    __m256i acc[T];
    for (int t = 0; t < T; ++t) acc[t] = _mm256_setzero_si256();
    const int64_t full = cols / kBlockCols;
    for (int64_t b = 0; b < full; ++b) {
        prefetch(row + b * kBlockBytes + kPrefetchBytes);
        for (int half = 0; half < 2; ++half)
            half_block<T, kDigits>(row + b * kBlockBytes + 32 * half, kDigits, xs, b * kBlockCols + 32 * half, acc, c);
    }
    const int planes = static_cast<int>((cols - full * kBlockCols) / kPlaneCols);
    if (planes > 0)
        for (int half = 0; half < 2; ++half)
            half_block<T, 0>(row + full * kBlockBytes + 32 * half, planes, xs, full * kBlockCols + 32 * half, acc, c);
    for (int t = 0; t < T; ++t) out[t] = hsum_i32(acc[t]);
}

template <int T>
void ternary_gemm_tiles(const uint8_t * w, size_t w_stride, int64_t rows, int64_t cols,
                        const int8_t * x, size_t x_stride, int32_t * y, size_t y_stride) {
    const int8_t * xs[T];
    int32_t sx[T], out[T];
    for (int t = 0; t < T; ++t) {
        xs[t] = x + t * x_stride;
        sx[t] = sum_i8(xs[t], cols);
    }
    for (int64_t r = 0; r < rows; ++r) {
        row_dot_offset_tile<T>(w + r * w_stride, cols, xs, out);
        for (int t = 0; t < T; ++t) y[t * y_stride + r] = out[t] - sx[t];
    }
}

void ternary_gemv_avx2(const uint8_t * w, size_t w_stride, int64_t rows, int64_t cols,
                       const int8_t * x, int32_t * y) {
    ternary_gemm_tiles<1>(w, w_stride, rows, cols, x, 0, y, 0);
}

// Prefill GEMM for 8 or more tokens: a panel of up to kPanelRows rows is decoded once into
// digits (one byte per weight, column order, in a per-thread scratch that stays in L1), then
// register tiles of R rows x T tokens run over it: per 32 columns R digit loads, T activation
// loads and R * T vpmaddubsw (digit x activation: pair sums <= 512) into int16 sums, widened
// into int32 every kWiden steps (<= 16 * 512 = 8192, far from overflow). The digit decode is
// paid once per row instead of once per 4-token tile.
constexpr int kPanelRows = 4;
constexpr int64_t kWiden = 16;

void decode_panel(const uint8_t * w, size_t w_stride, int rows, int64_t cols, uint8_t * panel) {
    const DigitConstants c = digit_constants();
    const int64_t blocks = (cols + kBlockCols - 1) / kBlockCols;
    for (int r = 0; r < rows; ++r) {
        const uint8_t * row = w + r * w_stride;
        uint8_t * out = panel + r * cols;
        for (int64_t b = 0; b < blocks; ++b) {
            const int64_t left = (cols - b * kBlockCols) / kPlaneCols;
            const int planes = left >= kDigits ? kDigits : static_cast<int>(left);
            prefetch(row + b * kBlockBytes + kPrefetchBytes);
            for (int half = 0; half < 2; ++half) {
                __m256i q = _mm256_xor_si256(load32(row + b * kBlockBytes + 32 * half), c.offset);
                for (int i = 0; i < planes; ++i) {
                    _mm256_storeu_si256(reinterpret_cast<__m256i *>(out + b * kBlockCols + i * kPlaneCols + 32 * half), digits(q, c));
                    q = times3(q);
                }
            }
        }
    }
}

// sum d * x for rows [0, R) of the panel and T tokens; out[r * T + t].
template <int R, int T>
void panel_tile(const uint8_t * panel, int64_t cols, const int8_t * const * xs, int32_t * out) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i wide[R * T];
    for (int k = 0; k < R * T; ++k) wide[k] = _mm256_setzero_si256();
    for (int64_t k0 = 0; k0 < cols; k0 += 32 * kWiden) {
        const int64_t k1 = k0 + 32 * kWiden < cols ? k0 + 32 * kWiden : cols;
        __m256i s16[R * T];
        for (int k = 0; k < R * T; ++k) s16[k] = _mm256_setzero_si256();
        for (int64_t k = k0; k < k1; k += 32) {
            __m256i d[R];
            for (int r = 0; r < R; ++r) d[r] = load32(panel + r * cols + k);
            for (int t = 0; t < T; ++t) {
                const __m256i xv = load32(xs[t] + k);
                for (int r = 0; r < R; ++r) s16[r * T + t] = _mm256_add_epi16(s16[r * T + t], _mm256_maddubs_epi16(d[r], xv));
            }
        }
        for (int k = 0; k < R * T; ++k) wide[k] = _mm256_add_epi32(wide[k], _mm256_madd_epi16(s16[k], ones));
    }
    for (int k = 0; k < R * T; ++k) out[k] = hsum_i32(wide[k]);
}

template <int T>
void panel_tokens(const uint8_t * panel, int rows, int64_t cols, const int8_t * const * xs, const int32_t * sx, int32_t * y,
                  size_t y_stride) {
    int32_t out[2 * T];
    int r = 0;
    for (; r + 2 <= rows; r += 2) {
        panel_tile<2, T>(panel + r * cols, cols, xs, out);
        for (int rr = 0; rr < 2; ++rr)
            for (int t = 0; t < T; ++t) y[t * y_stride + r + rr] = out[rr * T + t] - sx[t];
    }
    if (r < rows) {
        panel_tile<1, T>(panel + r * cols, cols, xs, out);
        for (int t = 0; t < T; ++t) y[t * y_stride + r] = out[t] - sx[t];
    }
}

// False when the scratch cannot be had (the caller then uses the tiles). Plain per-thread
// buffers, not std::vector: a container's member functions instantiated here would be emitted
// with AVX2 flags as weak symbols, and the linker could hand them to code running elsewhere.
bool ternary_gemm_panels(const uint8_t * w, size_t w_stride, int64_t rows, int64_t cols, const int8_t * x, size_t x_stride,
                         int64_t n, int32_t * y, size_t y_stride) {
    thread_local uint8_t * scratch = nullptr;
    thread_local size_t scratch_cap = 0;
    thread_local int32_t * sums = nullptr;
    thread_local size_t sums_cap = 0;
    const size_t need = static_cast<size_t>(kPanelRows * cols);
    if (need > scratch_cap) {
        std::free(scratch);
        scratch = static_cast<uint8_t *>(std::malloc(need));
        scratch_cap = scratch ? need : 0;
    }
    if (static_cast<size_t>(n) > sums_cap) {
        std::free(sums);
        sums = static_cast<int32_t *>(std::malloc(static_cast<size_t>(n) * sizeof(int32_t)));
        sums_cap = sums ? static_cast<size_t>(n) : 0;
    }
    if (!scratch || !sums) return false;
    for (int64_t t = 0; t < n; ++t) sums[t] = sum_i8(x + t * x_stride, cols);
    for (int64_t r0 = 0; r0 < rows; r0 += kPanelRows) {
        const int nr = rows - r0 >= kPanelRows ? kPanelRows : static_cast<int>(rows - r0);
        decode_panel(w + r0 * w_stride, w_stride, nr, cols, scratch);
        int64_t t = 0;
        for (; t < n; t += 4) {
            const int8_t * xs[4];
            const int64_t k = n - t < 4 ? n - t : 4;
            for (int64_t j = 0; j < k; ++j) xs[j] = x + (t + j) * x_stride;
            const int32_t * sx = sums + t;
            int32_t * yt = y + t * y_stride + r0;
            switch (k) {
                case 1: panel_tokens<1>(scratch, nr, cols, xs, sx, yt, y_stride); break;
                case 2: panel_tokens<2>(scratch, nr, cols, xs, sx, yt, y_stride); break;
                case 3: panel_tokens<3>(scratch, nr, cols, xs, sx, yt, y_stride); break;
                default: panel_tokens<4>(scratch, nr, cols, xs, sx, yt, y_stride); break;
            }
        }
    }
    return true;
}

void ternary_gemm_avx2(const uint8_t * w, size_t w_stride, int64_t rows, int64_t cols,
                       const int8_t * x, size_t x_stride, int64_t n, int32_t * y, size_t y_stride) {
    if (n >= 8 && ternary_gemm_panels(w, w_stride, rows, cols, x, x_stride, n, y, y_stride)) return;
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

inline __m256 abs_ps(__m256 v) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), v); }

inline __m256 round_half_away(__m256 v) {
    const __m256 a = abs_ps(v);
    const __m256 t = _mm256_round_ps(a, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m256 up = _mm256_and_ps(_mm256_cmp_ps(_mm256_sub_ps(a, t), _mm256_set1_ps(0.5f), _CMP_GE_OQ), _mm256_set1_ps(1.0f));
    return _mm256_or_ps(_mm256_add_ps(t, up), _mm256_and_ps(v, _mm256_set1_ps(-0.0f)));
}

// 8 floats, clamped and rounded, to 8 int8 in the low 8 bytes.
inline __m128i to_i8x8(__m256 v) {
    v = _mm256_max_ps(_mm256_min_ps(round_half_away(v), _mm256_set1_ps(127.0f)), _mm256_set1_ps(-128.0f));
    const __m256i i32 = _mm256_cvtps_epi32(v);
    const __m128i i16 = _mm_packs_epi32(_mm256_castsi256_si128(i32), _mm256_extracti128_si256(i32, 1));
    return _mm_packs_epi16(i16, i16);
}

float quantize_i8_avx2(const float * x, int64_t n, int8_t * q) {
    __m256 vmax = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) vmax = _mm256_max_ps(vmax, abs_ps(_mm256_loadu_ps(x + i)));
    float lanes[8];
    _mm256_storeu_ps(lanes, vmax);
    float amax = 0.0f;
    for (float v : lanes) amax = v > amax ? v : amax;
    for (; i < n; ++i) {
        const float a = x[i] < 0.0f ? -x[i] : x[i];
        amax = a > amax ? a : amax;
    }
    const float s = 127.0f / (amax > 1e-5f ? amax : 1e-5f);
    const __m256 vs = _mm256_set1_ps(s);
    for (i = 0; i + 8 <= n; i += 8) _mm_storel_epi64(reinterpret_cast<__m128i *>(q + i), to_i8x8(_mm256_mul_ps(_mm256_loadu_ps(x + i), vs)));
    if (i < n) {
        float buf[8] = {0};
        int8_t out[16];
        std::memcpy(buf, x + i, static_cast<size_t>(n - i) * sizeof(float));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out), to_i8x8(_mm256_mul_ps(_mm256_loadu_ps(buf), vs)));
        std::memcpy(q + i, out, static_cast<size_t>(n - i));
    }
    return s;
}

// ---- float -----------------------------------------------------------------------------------

inline __m256 load8(const float * a) { return _mm256_loadu_ps(a); }
inline __m256 load8(const uint16_t * a) { return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i *>(a))); }
// The first `left` (< 8) values, zeros after.
inline __m256 load8_part(const float * a, int64_t left) {
    float buf[8] = {0};
    std::memcpy(buf, a, static_cast<size_t>(left) * sizeof(float));
    return _mm256_loadu_ps(buf);
}
inline __m256 load8_part(const uint16_t * a, int64_t left) {
    uint16_t buf[8] = {0};
    std::memcpy(buf, a, static_cast<size_t>(left) * sizeof(uint16_t));
    return load8(buf);
}

inline float hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// out[t] = dot(w, xs[t]): 8-element chunk c into accumulator c % 4 (FMA), then
// (a0 + a1) + (a2 + a3) and a fixed horizontal sum; the same for every T.
template <int T, typename W>
void dot_tile(const W * w, int64_t cols, const float * const * xs, float * out) {
    __m256 acc[T][4];
    for (int t = 0; t < T; ++t)
        for (int j = 0; j < 4; ++j) acc[t][j] = _mm256_setzero_ps();
    int64_t k = 0;
    for (; k + 32 <= cols; k += 32) {
        for (int j = 0; j < 4; ++j) {
            const __m256 wv = load8(w + k + 8 * j);
            for (int t = 0; t < T; ++t) acc[t][j] = _mm256_fmadd_ps(wv, load8(xs[t] + k + 8 * j), acc[t][j]);
        }
    }
    int j = 0;
    for (; k + 8 <= cols; k += 8, ++j) {
        const __m256 wv = load8(w + k);
        for (int t = 0; t < T; ++t) acc[t][j] = _mm256_fmadd_ps(wv, load8(xs[t] + k), acc[t][j]);
    }
    if (k < cols) {
        const __m256 wv = load8_part(w + k, cols - k);
        for (int t = 0; t < T; ++t) acc[t][j] = _mm256_fmadd_ps(wv, load8_part(xs[t] + k, cols - k), acc[t][j]);
    }
    for (int t = 0; t < T; ++t)
        out[t] = hsum_ps(_mm256_add_ps(_mm256_add_ps(acc[t][0], acc[t][1]), _mm256_add_ps(acc[t][2], acc[t][3])));
}

// Strided f16 rows (attention's keys and values) prefetched rows_ahead() rows early, as on
// the AVX-512 path (x86_avx512.cpp has the figures).
constexpr int64_t kRowPrefetchBytes = 20480;
inline int64_t rows_ahead(size_t stride_bytes) {
    const int64_t n = kRowPrefetchBytes / static_cast<int64_t>(stride_bytes ? stride_bytes : 1);
    return n < 1 ? 1 : n > 16 ? 16 : n;
}
inline void prefetch_row(const void * p, int64_t bytes) {
    for (int64_t b = 0; b < bytes; b += 64) prefetch(static_cast<const char *>(p) + b);
}

template <int T>
void f16_gemm_tiles(const uint16_t * w, size_t w_stride, int64_t rows, int64_t cols,
                    const float * x, size_t x_stride, float * y, size_t y_stride) {
    const float * xs[T];
    float out[T];
    for (int t = 0; t < T; ++t) xs[t] = x + t * x_stride;
    const int64_t ahead = rows_ahead(w_stride * 2);
    for (int64_t r = 0; r < rows; ++r) {
        prefetch_row(w + (r + ahead) * w_stride, cols * 2);
        dot_tile<T>(w + r * w_stride, cols, xs, out);
        for (int t = 0; t < T; ++t) y[t * y_stride + r] = out[t];
    }
}

void f16_gemv_avx2(const uint16_t * w, size_t w_stride, int64_t rows, int64_t cols,
                   const float * x, float * y) {
    f16_gemm_tiles<1>(w, w_stride, rows, cols, x, 0, y, 0);
}

void f16_gemm_avx2(const uint16_t * w, size_t w_stride, int64_t rows, int64_t cols,
                   const float * x, size_t x_stride, int64_t n, float * y, size_t y_stride) {
    int64_t t = 0;
    for (; t + 2 <= n; t += 2)
        f16_gemm_tiles<2>(w, w_stride, rows, cols, x + t * x_stride, x_stride, y + t * y_stride, y_stride);
    if (t < n) f16_gemm_tiles<1>(w, w_stride, rows, cols, x + t * x_stride, x_stride, y + t * y_stride, y_stride);
}

float dot_f32_avx2(const float * a, const float * b, int64_t n) {
    const float * bs[1] = {b};
    float out;
    dot_tile<1>(a, n, bs, &out);
    return out;
}

// One pass of f16_axpy_rows over C full vectors of 8 columns, kept in registers while every
// row streams by.
template <int C>
void axpy_rows_pass(const uint16_t * v, size_t v_stride, int64_t rows, const float * a, float * y) {
    __m256 acc[C];
#pragma GCC unroll 8
    for (int k = 0; k < C; ++k) acc[k] = _mm256_loadu_ps(y + 8 * k);
    const int64_t ahead = rows_ahead(v_stride * 2);
    for (int64_t r = 0; r < rows; ++r) {
        const __m256 ar = _mm256_set1_ps(a[r]);
        const uint16_t * row = v + r * v_stride;
        prefetch_row(row + ahead * v_stride, 16 * C);
#pragma GCC unroll 8
        for (int k = 0; k < C; ++k) acc[k] = _mm256_fmadd_ps(ar, load8(row + 8 * k), acc[k]);
    }
#pragma GCC unroll 8
    for (int k = 0; k < C; ++k) _mm256_storeu_ps(y + 8 * k, acc[k]);
}

// Two heads over the same rows: each row's C vectors are loaded and converted once for both
// (the conversion and the loads, not the multiply-adds, bound the one-head pass).
template <int C>
void axpy_rows_pass2(const uint16_t * v, size_t v_stride, int64_t rows, const float * a0, const float * a1, float * y0,
                     float * y1) {
    __m256 acc0[C], acc1[C];
#pragma GCC unroll 8
    for (int k = 0; k < C; ++k) acc0[k] = _mm256_loadu_ps(y0 + 8 * k), acc1[k] = _mm256_loadu_ps(y1 + 8 * k);
    const int64_t ahead = rows_ahead(v_stride * 2);
    for (int64_t r = 0; r < rows; ++r) {
        const __m256 b0 = _mm256_set1_ps(a0[r]), b1 = _mm256_set1_ps(a1[r]);
        const uint16_t * row = v + r * v_stride;
        prefetch_row(row + ahead * v_stride, 16 * C);
#pragma GCC unroll 8
        for (int k = 0; k < C; ++k) {
            const __m256 vk = load8(row + 8 * k);
            acc0[k] = _mm256_fmadd_ps(b0, vk, acc0[k]);
            acc1[k] = _mm256_fmadd_ps(b1, vk, acc1[k]);
        }
    }
#pragma GCC unroll 8
    for (int k = 0; k < C; ++k) _mm256_storeu_ps(y0 + 8 * k, acc0[k]), _mm256_storeu_ps(y1 + 8 * k, acc1[k]);
}

void axpy_rows_one(const uint16_t * v, size_t v_stride, int64_t rows, int64_t cols, const float * a, float * y) {
    int64_t c = 0;
    for (; c + 64 <= cols; c += 64) axpy_rows_pass<8>(v + c, v_stride, rows, a, y + c);
    for (; c + 8 <= cols; c += 8) axpy_rows_pass<1>(v + c, v_stride, rows, a, y + c);
    if (c == cols) return;
    // The last 1..7 columns: the same fused multiply-adds on a partial vector.
    const int64_t left = cols - c;
    __m256 acc = load8_part(y + c, left);
    for (int64_t r = 0; r < rows; ++r) acc = _mm256_fmadd_ps(_mm256_set1_ps(a[r]), load8_part(v + r * v_stride + c, left), acc);
    float buf[8];
    _mm256_storeu_ps(buf, acc);
    std::memcpy(y + c, buf, static_cast<size_t>(left) * sizeof(float));
}

void f16_axpy_rows_avx2(const uint16_t * v, size_t v_stride, int64_t rows, int64_t cols, const float * a, size_t a_stride,
                        int64_t n, float * y, size_t y_stride) {
    int64_t h = 0;
    for (; h + 2 <= n; h += 2) {  // pairs of heads, 32 columns at a time (16 registers: 8 sums)
        const float * a0 = a + h * a_stride;
        float * y0 = y + h * y_stride;
        int64_t c = 0;
        for (; c + 32 <= cols; c += 32) axpy_rows_pass2<4>(v + c, v_stride, rows, a0, a0 + a_stride, y0 + c, y0 + y_stride + c);
        if (c < cols) {
            axpy_rows_one(v + c, v_stride, rows, cols - c, a0, y0 + c);
            axpy_rows_one(v + c, v_stride, rows, cols - c, a0 + a_stride, y0 + y_stride + c);
        }
    }
    if (h < n) axpy_rows_one(v, v_stride, rows, cols, a + h * a_stride, y + h * y_stride);
}

void f16_to_f32_row_avx2(const uint16_t * h, float * f, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(f + i, load8(h + i));
    if (i < n) {
        float buf[8];
        _mm256_storeu_ps(buf, load8_part(h + i, n - i));
        std::memcpy(f + i, buf, static_cast<size_t>(n - i) * sizeof(float));
    }
}

void f32_to_f16_row_avx2(const float * f, uint16_t * h, int64_t n) {
    constexpr int kRound = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128(reinterpret_cast<__m128i *>(h + i), _mm256_cvtps_ph(_mm256_loadu_ps(f + i), kRound));
    if (i < n) {
        uint16_t buf[8];
        _mm_storeu_si128(reinterpret_cast<__m128i *>(buf), _mm256_cvtps_ph(load8_part(f + i, n - i), kRound));
        std::memcpy(h + i, buf, static_cast<size_t>(n - i) * sizeof(uint16_t));
    }
}

// ---- Q8_0 head ---------------------------------------------------------------------------------
// One block of 32 per step: vpmaddubsw takes |w| (unsigned) times x with w's sign applied
// (|w|, |x| <= 127, so a pair sum stays within int16), vpmaddwd widens; each block's int32 sum
// is scaled by w_scale * x_scale and accumulated in float, block b into accumulator b % 2.

float q8_row_dot(const int8_t * w, const uint16_t * ws, int64_t cols, const int8_t * x, const float * xs) {
    const __m256i ones = _mm256_set1_epi16(1);
    // Block b into accumulator b % 2: `cur` is that accumulator, `other` the next block's (two
    // named registers; an array indexed by b % 2 was kept on the stack).
    __m256 cur = _mm256_setzero_ps(), other = cur;
    for (int64_t b = 0; b < cols / kQ8Block; ++b) {
        prefetch(w + b * kQ8Block + kPrefetchBytes);
        const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(w + b * kQ8Block));
        const __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(x + b * kQ8Block));
        const __m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(wv, wv), _mm256_sign_epi8(xv, wv));
        const __m256i s = _mm256_madd_epi16(p, ones);
        const float d = _cvtsh_ss(ws[b]) * xs[b];
        const __m256 next = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(d), cur);
        cur = other;
        other = next;
    }
    const __m256 v = _mm256_add_ps(cur, other);  // accumulator 0 + 1 (addition commutes exactly)
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    h = _mm_add_ps(h, _mm_movehl_ps(h, h));
    h = _mm_add_ss(h, _mm_movehdup_ps(h));
    return _mm_cvtss_f32(h);
}

void q8_gemm_avx2(const int8_t * w, const uint16_t * ws, int64_t rows, int64_t cols, const int8_t * x, const float * xs,
                  int64_t n, float * y, size_t y_stride) {
    const int64_t nb = cols / kQ8Block;
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t t = 0; t < n; ++t)
            y[t * y_stride + r] = q8_row_dot(w + r * cols, ws + r * nb, cols, x + t * cols, xs + t * nb);
}

void q8_gemv_avx2(const int8_t * w, const uint16_t * ws, int64_t rows, int64_t cols, const int8_t * x, const float * xs,
                  float * y) {
    q8_gemm_avx2(w, ws, rows, cols, x, xs, 1, y, 0);
}

// ---- Q6_K head -----------------------------------------------------------------------------------
// One 64-weight group per step: codes rebuilt from the planes, s = u - 32 in [-32, 31];
// vpmaddubsw takes |s| times x with s's sign (pair sums stay within int16), vpmaddwd widens to
// lanes of four weights; lanes 0-3 / 4-7 of each 32 weights are the two sub-blocks. Float
// accumulation: 32-weight half h of group g into accumulator h.

float q6_row_dot(const Q6Matrix & w, int64_t r, int64_t cols, const int8_t * x, const float * xs) {
    const uint8_t * ql = w.ql + r * cols / 2;
    const uint8_t * qh = w.qh + r * cols / 4;
    const int8_t * sc = w.sc + r * cols / 16;
    const uint16_t * d = w.d + r * cols / kQ6Super;
    const __m256i low4 = _mm256_set1_epi8(0x0f), three = _mm256_set1_epi8(3);
    const __m256i k32 = _mm256_set1_epi8(32), ones = _mm256_set1_epi16(1);
    __m256 acc[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int64_t g = 0; g < cols / 64; ++g) {
        const float db = _cvtsh_ss(d[g / 4]);
        prefetch(ql + g * 32 + kPrefetchBytes);
        if (g % 4 == 0) prefetch(qh + g * 16 + kPrefetchBytes / 2);  // qh runs at half ql's rate
        const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(ql + g * 32));
        const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i *>(qh + g * 16));
        // high bits of weights 0-15, 16-31 (shift 0, 2) and 32-47, 48-63 (shift 4, 6)
        const __m256i h01 = _mm256_set_m128i(_mm_srli_epi16(h, 2), h);
        const __m256i h23 = _mm256_set_m128i(_mm_srli_epi16(h, 6), _mm_srli_epi16(h, 4));
        const __m256i u0 = _mm256_or_si256(_mm256_and_si256(q, low4), _mm256_slli_epi16(_mm256_and_si256(h01, three), 4));
        const __m256i u1 =
            _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q, 4), low4), _mm256_slli_epi16(_mm256_and_si256(h23, three), 4));
        const __m256i us[2] = {u0, u1};
        for (int half = 0; half < 2; ++half) {
            const __m256i sv = _mm256_sub_epi8(us[half], k32);
            const __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(x + g * 64 + half * 32));
            const __m256i p = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(sv, sv), _mm256_sign_epi8(xv, sv)), ones);
            const int64_t s0 = g * 4 + half * 2;  // sub-blocks s0 (lanes 0-3) and s0 + 1 (lanes 4-7)
            const float xsc = xs[2 * g + half] * db;
            const __m256 scale = _mm256_set_m128(_mm_set1_ps(xsc * static_cast<float>(sc[s0 + 1])), _mm_set1_ps(xsc * static_cast<float>(sc[s0])));
            acc[half] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), scale, acc[half]);
        }
    }
    const __m256 v = _mm256_add_ps(acc[0], acc[1]);
    __m128 hsum = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    hsum = _mm_add_ps(hsum, _mm_movehl_ps(hsum, hsum));
    hsum = _mm_add_ss(hsum, _mm_movehdup_ps(hsum));
    return _mm_cvtss_f32(hsum);
}

void q6_gemm_avx2(const Q6Matrix & w, int64_t r0, int64_t rows, int64_t cols, const int8_t * x, const float * xs, int64_t n,
                  float * y, size_t y_stride) {
    const int64_t nb = cols / kQ8Block;
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t t = 0; t < n; ++t) y[t * y_stride + r] = q6_row_dot(w, r0 + r, cols, x + t * cols, xs + t * nb);
}

void q6_gemv_avx2(const Q6Matrix & w, int64_t r0, int64_t rows, int64_t cols, const int8_t * x, const float * xs, float * y) {
    q6_gemm_avx2(w, r0, rows, cols, x, xs, 1, y, 0);
}

}  // namespace

const KernelTable & kernels_avx2() {
    static const KernelTable table = {
        "avx2",
        ternary_gemv_avx2,
        ternary_gemm_avx2,
        quantize_i8_avx2,
        f16_gemv_avx2,
        f16_gemm_avx2,
        dot_f32_avx2,
        f16_axpy_rows_avx2,
        f16_to_f32_row_avx2,
        f32_to_f16_row_avx2,
        q8_gemv_avx2,
        q8_gemm_avx2,
        q6_gemv_avx2,
        q6_gemm_avx2,
    };
    return table;
}

}  // namespace tern
