// AVX-512 kernels (F, BW, VL, DQ, VNNI, plus F16C/FMA), compiled with their own flags and run
// only when the CPU has them (dispatch.cpp). Twin of kernels_scalar.cpp.
//
// Ternary: a 64-byte block is five digit planes of 64 weights (ternary_layout.h). With many
// tokens (GEMM tiles of 8, 16) a plane's digits d in {0,1,2} are decoded once with two compares
// into masks and vpdpbusd (unsigned x signed) adds d * x for each token; with few tokens (GEMV)
// the digits are never decoded (row_dot_offset_mul: 256 d = 3 m - m_next). Either way the
// offset is removed once per output: sum (d - 1) x = sum d x - sum x.
// Float: one fixed summation order per output (16-lane chunks, chunk c into accumulator c % 4,
// then a fixed reduction), the same code for GEMV and every GEMM tile.
//
// Everything is in an anonymous namespace: no inline function from this file may be shared
// with (and picked by the linker for) code compiled for other CPUs.
#include "kernels/kernels.h"
#include "kernels/kernels_isa.h"
#include "kernels/ternary_layout.h"
#include "util/aligned.h"

// GCC 12 warns about the deliberately undefined registers inside its own AVX-512 intrinsics
// (GCC bug 105593); the warnings are about its headers, not this code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#if defined(TERN_X86_EMULATION)
#include "x86_emulation.h"  // the emulated test build only (native/tests/emulation)
#else
#include <immintrin.h>
#endif

#include <cstdlib>
#include <cstring>

namespace tern {
namespace {

using namespace ternary_layout;

// ---- ternary ---------------------------------------------------------------------------------

// Digits (0, 1, 2) of 64 bytes m: (m >= 86) + (m >= 171).
inline __m512i digits(__m512i m) {
    const __mmask64 ge1 = _mm512_cmpge_epu8_mask(m, _mm512_set1_epi8(static_cast<char>(kDigitStep1)));
    const __mmask64 ge2 = _mm512_cmpge_epu8_mask(m, _mm512_set1_epi8(static_cast<char>(kDigitStep2)));
    const __m512i d = _mm512_maskz_mov_epi8(ge1, _mm512_set1_epi8(1));
    return _mm512_mask_mov_epi8(d, ge2, _mm512_set1_epi8(2));
}

// m * 3 mod 256 in every byte: moves the next digit to the top.
inline __m512i times3(__m512i m) { return _mm512_add_epi8(_mm512_add_epi8(m, m), m); }

// Sum of x[0 .. cols), cols a multiple of 64.
int32_t sum_i8(const int8_t * x, int64_t cols) {
    const __m512i ones = _mm512_set1_epi8(1);
    __m512i acc = _mm512_setzero_si512();
    for (int64_t k = 0; k < cols; k += 64) acc = _mm512_dpbusd_epi32(acc, ones, _mm512_loadu_si512(x + k));
    return _mm512_reduce_add_epi32(acc);
}

// Software prefetch distance for the weight streams (bytes ahead of the current load): the
// hardware prefetcher alone leaves the loads and the arithmetic serialised (measured: 6 GB/s per
// core without, 8+ with 4 kB; 2-16 kB all help). With the weights in huge pages 2-3 kB measured
// 3-5% faster per decode step than 4 kB (1 kB and 8 kB slower). Every kernel that streams
// weights from memory uses it, the small GEMM tiles too (a batch of 2-8 tokens, e.g. drafts
// being verified, is as memory-bound as one).
constexpr int64_t kPrefetchBytes = 3072;
inline void prefetch(const void * p) { _mm_prefetch(static_cast<const char *>(p), _MM_HINT_T0); }

// sum d * x over one packed row (d = weight + 1) for T tokens, without decoding digits: with
// m_i = (q * 3^i) mod 256, 3 * m_i = 256 * d_i + m_{i+1}, so
//     256 * sum_i d_i x_i = 3 * sum_i m_i x_i - sum_i m_{i+1} x_i,
// two vpdpbusd per plane (m is an unsigned byte, x signed) and two byte adds for the next m,
// instead of compares and blends. Used for few tokens (GEMV and small GEMM tiles); with many
// tokens, decoding once (row_dot_offset_tile) is cheaper. P accumulator pairs per token (plane
// i into i % P) hide vpdpbusd latency. Exact: lanes stay far inside int32 (<= 6120 * cols) and
// are summed in int64.
template <int T, int P>
void row_dot_offset_mul(const uint8_t * row, int64_t cols, const int8_t * const * xs, int32_t * out) {
    __m512i a[T][P], b[T][P];
    for (int t = 0; t < T; ++t)
        for (int p = 0; p < P; ++p) a[t][p] = b[t][p] = _mm512_setzero_si512();
    const int64_t full = cols / kBlockCols;
    for (int64_t blk = 0; blk < full; ++blk) {
        prefetch(row + blk * kBlockBytes + kPrefetchBytes);
        __m512i m = _mm512_loadu_si512(row + blk * kBlockBytes);
        for (int i = 0; i < kDigits; ++i) {
            const __m512i next = times3(m);
            for (int t = 0; t < T; ++t) {
                const __m512i xv = _mm512_loadu_si512(xs[t] + blk * kBlockCols + i * kPlaneCols);
                a[t][i % P] = _mm512_dpbusd_epi32(a[t][i % P], m, xv);
                b[t][i % P] = _mm512_dpbusd_epi32(b[t][i % P], next, xv);
            }
            m = next;
        }
    }
    const int planes = static_cast<int>((cols - full * kBlockCols) / kPlaneCols);
    if (planes > 0) {
        __m512i m = _mm512_loadu_si512(row + full * kBlockBytes);
        for (int i = 0; i < planes; ++i) {
            const __m512i next = times3(m);
            for (int t = 0; t < T; ++t) {
                const __m512i xv = _mm512_loadu_si512(xs[t] + full * kBlockCols + i * kPlaneCols);
                a[t][0] = _mm512_dpbusd_epi32(a[t][0], m, xv);
                b[t][0] = _mm512_dpbusd_epi32(b[t][0], next, xv);
            }
            m = next;
        }
    }
    for (int t = 0; t < T; ++t) {
        __m512i sa = a[t][0], sb = b[t][0];
        for (int p = 1; p < P; ++p) {
            sa = _mm512_add_epi32(sa, a[t][p]);
            sb = _mm512_add_epi32(sb, b[t][p]);
        }
        const __m512i v = _mm512_sub_epi32(_mm512_add_epi32(_mm512_add_epi32(sa, sa), sa), sb);
        const int64_t total = _mm512_reduce_add_epi64(_mm512_cvtepi32_epi64(_mm512_castsi512_si256(v))) +
                              _mm512_reduce_add_epi64(_mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(v, 1)));
        out[t] = static_cast<int32_t>(total / 256);
    }
}

// The same for one token (GEMV), written out with one accumulator pair per plane: GCC keeps
// named registers in place, where it shuffles an array of them every iteration.
int32_t row_dot_offset_mul1(const uint8_t * row, int64_t cols, const int8_t * x) {
    __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0, a4 = a0;
    __m512i b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0;
    const int64_t full = cols / kBlockCols;
    for (int64_t blk = 0; blk < full; ++blk) {
        const int8_t * xb = x + blk * kBlockCols;
        prefetch(row + blk * kBlockBytes + kPrefetchBytes);
        const __m512i m0 = _mm512_loadu_si512(row + blk * kBlockBytes);
        const __m512i m1 = times3(m0), m2 = times3(m1), m3 = times3(m2), m4 = times3(m3), m5 = times3(m4);
        const __m512i x0 = _mm512_loadu_si512(xb), x1 = _mm512_loadu_si512(xb + 64),
                      x2 = _mm512_loadu_si512(xb + 128), x3 = _mm512_loadu_si512(xb + 192),
                      x4 = _mm512_loadu_si512(xb + 256);
        a0 = _mm512_dpbusd_epi32(a0, m0, x0);
        b0 = _mm512_dpbusd_epi32(b0, m1, x0);
        a1 = _mm512_dpbusd_epi32(a1, m1, x1);
        b1 = _mm512_dpbusd_epi32(b1, m2, x1);
        a2 = _mm512_dpbusd_epi32(a2, m2, x2);
        b2 = _mm512_dpbusd_epi32(b2, m3, x2);
        a3 = _mm512_dpbusd_epi32(a3, m3, x3);
        b3 = _mm512_dpbusd_epi32(b3, m4, x3);
        a4 = _mm512_dpbusd_epi32(a4, m4, x4);
        b4 = _mm512_dpbusd_epi32(b4, m5, x4);
    }
    const int planes = static_cast<int>((cols - full * kBlockCols) / kPlaneCols);
    __m512i m = _mm512_loadu_si512(row + full * kBlockBytes);
    for (int i = 0; i < planes; ++i) {
        const __m512i next = times3(m);
        const __m512i xv = _mm512_loadu_si512(x + full * kBlockCols + i * kPlaneCols);
        a0 = _mm512_dpbusd_epi32(a0, m, xv);
        b0 = _mm512_dpbusd_epi32(b0, next, xv);
        m = next;
    }
    const __m512i sa = _mm512_add_epi32(_mm512_add_epi32(_mm512_add_epi32(a0, a1), _mm512_add_epi32(a2, a3)), a4);
    const __m512i sb = _mm512_add_epi32(_mm512_add_epi32(_mm512_add_epi32(b0, b1), _mm512_add_epi32(b2, b3)), b4);
    const __m512i v = _mm512_sub_epi32(_mm512_add_epi32(_mm512_add_epi32(sa, sa), sa), sb);
    const int64_t total = _mm512_reduce_add_epi64(_mm512_cvtepi32_epi64(_mm512_castsi512_si256(v))) +
                          _mm512_reduce_add_epi64(_mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(v, 1)));
    return static_cast<int32_t>(total / 256);
}

// T tokens against one row: each plane is decoded once and used T times. The tokens come
// interleaved by block (xt: for block b and token t, 320 bytes at (b * T + t) * 320), so every
// load is one base register plus a constant: sixteen separate pointers would not fit in
// registers and their reloads would compete with the vector work.
template <int T>
void row_dot_offset_tile(const uint8_t * row, int64_t cols, const int8_t * xt, int32_t * out) {
    __m512i acc[T];
    for (int t = 0; t < T; ++t) acc[t] = _mm512_setzero_si512();
    const int64_t blocks = (cols + kBlockCols - 1) / kBlockCols;
    for (int64_t b = 0; b < blocks; ++b) {
        const int64_t left = (cols - b * kBlockCols) / kPlaneCols;
        const int planes = left >= kDigits ? kDigits : static_cast<int>(left);
        const int8_t * xb = xt + b * T * kBlockCols;
        prefetch(row + b * kBlockBytes + kPrefetchBytes);
        __m512i q = _mm512_loadu_si512(row + b * kBlockBytes);
        for (int i = 0; i < planes; ++i) {
            const __m512i d = digits(q);
            const int8_t * xp = xb + i * kPlaneCols;
            for (int t = 0; t < T; ++t) acc[t] = _mm512_dpbusd_epi32(acc[t], d, _mm512_loadu_si512(xp + t * kBlockCols));
            q = times3(q);
        }
    }
    for (int t = 0; t < T; ++t) out[t] = _mm512_reduce_add_epi32(acc[t]);
}

void ternary_gemv_avx512(const uint8_t * w, size_t w_stride, int64_t rows, int64_t cols,
                         const int8_t * x, int32_t * y) {
    const int32_t sx = sum_i8(x, cols);
    for (int64_t r = 0; r < rows; ++r) y[r] = row_dot_offset_mul1(w + r * w_stride, cols, x) - sx;
}

// T tokens against `rows` rows. Tiles of 8 or more tokens decode each plane once (with the
// tokens interleaved into a scratch copy); smaller ones use the multiply form.
template <int T>
void ternary_gemm_tiles(const uint8_t * w, size_t w_stride, int64_t rows, int64_t cols,
                        const int8_t * x, size_t x_stride, int32_t * y, size_t y_stride) {
    const int8_t * xs[T];
    int32_t sx[T], out[T];
    for (int t = 0; t < T; ++t) {
        xs[t] = x + t * x_stride;
        sx[t] = sum_i8(xs[t], cols);
    }
    if constexpr (T >= 8) {
        const int64_t blocks = (cols + kBlockCols - 1) / kBlockCols;
        int8_t * xt = static_cast<int8_t *>(std::malloc(static_cast<size_t>(blocks * T * kBlockCols)));
        if (xt == nullptr) {  // no scratch memory: the same sums, a few tokens at a time
            ternary_gemm_tiles<4>(w, w_stride, rows, cols, x, x_stride, y, y_stride);
            ternary_gemm_tiles<T - 4>(w, w_stride, rows, cols, x + 4 * x_stride, x_stride, y + 4 * y_stride, y_stride);
            return;
        }
        for (int64_t b = 0; b < blocks; ++b) {
            const int64_t len = cols - b * kBlockCols < kBlockCols ? cols - b * kBlockCols : kBlockCols;
            for (int t = 0; t < T; ++t) std::memcpy(xt + (b * T + t) * kBlockCols, xs[t] + b * kBlockCols, static_cast<size_t>(len));
        }
        for (int64_t r = 0; r < rows; ++r) {
            row_dot_offset_tile<T>(w + r * w_stride, cols, xt, out);
            for (int t = 0; t < T; ++t) y[t * y_stride + r] = out[t] - sx[t];
        }
        std::free(xt);
    } else {
        for (int64_t r = 0; r < rows; ++r) {
            row_dot_offset_mul<T, (T == 2 ? 2 : 1)>(w + r * w_stride, cols, xs, out);
            for (int t = 0; t < T; ++t) y[t * y_stride + r] = out[t] - sx[t];
        }
    }
}

// Prefill GEMM for many tokens: a panel of up to kPanelRows rows is decoded once into digits
// (column order, one byte each, in a per-thread scratch that stays in L1), then a register
// tile of R rows x T tokens runs over it: per 64 columns R digit loads, T activation loads and
// R*T vpdpbusd, so the decode is paid once per panel instead of once per token tile and every
// activation load feeds R products. The sums are the same exact integers as every other path.
constexpr int kPanelRows = 4;
constexpr int kPanelTokens = 6;

void decode_panel(const uint8_t * w, size_t w_stride, int rows, int64_t cols, uint8_t * panel) {
    const int64_t blocks = (cols + kBlockCols - 1) / kBlockCols;
    for (int r = 0; r < rows; ++r) {
        const uint8_t * row = w + r * w_stride;
        uint8_t * out = panel + r * cols;
        for (int64_t b = 0; b < blocks; ++b) {
            const int64_t left = (cols - b * kBlockCols) / kPlaneCols;
            const int planes = left >= kDigits ? kDigits : static_cast<int>(left);
            prefetch(row + b * kBlockBytes + kPrefetchBytes);
            __m512i q = _mm512_loadu_si512(row + b * kBlockBytes);
            for (int i = 0; i < planes; ++i) {
                _mm512_storeu_si512(out + b * kBlockCols + i * kPlaneCols, digits(q));
                q = times3(q);
            }
        }
    }
}

// The register tile: 4 rows x 6 tokens (24 accumulators, 4 digit and 1 activation register).
// Named variables rather than arrays: GCC keeps an array of vector registers on the stack.
#define TERN_P_ACC4(t) __m512i c0##t = _mm512_setzero_si512(), c1##t = c0##t, c2##t = c0##t, c3##t = c0##t;
#define TERN_P_STEP4(t)                                                       \
    {                                                                         \
        const __m512i xv = _mm512_loadu_si512(x + (t) * x_stride + k);       \
        c0##t = _mm512_dpbusd_epi32(c0##t, w0, xv);                           \
        c1##t = _mm512_dpbusd_epi32(c1##t, w1, xv);                           \
        c2##t = _mm512_dpbusd_epi32(c2##t, w2, xv);                           \
        c3##t = _mm512_dpbusd_epi32(c3##t, w3, xv);                           \
    }
#define TERN_P_OUT4(t)                                                        \
    y[(t) * y_stride + 0] = _mm512_reduce_add_epi32(c0##t) - sx[t];           \
    y[(t) * y_stride + 1] = _mm512_reduce_add_epi32(c1##t) - sx[t];           \
    y[(t) * y_stride + 2] = _mm512_reduce_add_epi32(c2##t) - sx[t];           \
    y[(t) * y_stride + 3] = _mm512_reduce_add_epi32(c3##t) - sx[t];

void panel_4x6(const uint8_t * panel, int64_t cols, const int8_t * x, size_t x_stride, const int32_t * sx, int32_t * y,
               size_t y_stride) {
    TERN_P_ACC4(0) TERN_P_ACC4(1) TERN_P_ACC4(2) TERN_P_ACC4(3) TERN_P_ACC4(4) TERN_P_ACC4(5)
    for (int64_t k = 0; k < cols; k += kPlaneCols) {
        const __m512i w0 = _mm512_loadu_si512(panel + k), w1 = _mm512_loadu_si512(panel + cols + k),
                      w2 = _mm512_loadu_si512(panel + 2 * cols + k), w3 = _mm512_loadu_si512(panel + 3 * cols + k);
        TERN_P_STEP4(0) TERN_P_STEP4(1) TERN_P_STEP4(2) TERN_P_STEP4(3) TERN_P_STEP4(4) TERN_P_STEP4(5)
    }
    TERN_P_OUT4(0) TERN_P_OUT4(1) TERN_P_OUT4(2) TERN_P_OUT4(3) TERN_P_OUT4(4) TERN_P_OUT4(5)
}

// 4 rows x 1 token (the tokens left over after the 6-token tiles).
void panel_4x1(const uint8_t * panel, int64_t cols, const int8_t * x, size_t x_stride, const int32_t * sx, int32_t * y,
               size_t y_stride) {
    TERN_P_ACC4(0)
    for (int64_t k = 0; k < cols; k += kPlaneCols) {
        const __m512i w0 = _mm512_loadu_si512(panel + k), w1 = _mm512_loadu_si512(panel + cols + k),
                      w2 = _mm512_loadu_si512(panel + 2 * cols + k), w3 = _mm512_loadu_si512(panel + 3 * cols + k);
        TERN_P_STEP4(0)
    }
    TERN_P_OUT4(0)
}
#undef TERN_P_ACC4
#undef TERN_P_STEP4
#undef TERN_P_OUT4

// 1 row x 1 token (rows left over after the 4-row panels).
void panel_1x1(const uint8_t * panel, int64_t cols, const int8_t * x, int32_t sx, int32_t * y) {
    __m512i c = _mm512_setzero_si512();
    for (int64_t k = 0; k < cols; k += kPlaneCols)
        c = _mm512_dpbusd_epi32(c, _mm512_loadu_si512(panel + k), _mm512_loadu_si512(x + k));
    *y = _mm512_reduce_add_epi32(c) - sx;
}

// Returns false when the scratch cannot be had (the caller falls back to the tiles).
bool ternary_gemm_panels(const uint8_t * w, size_t w_stride, int64_t rows, int64_t cols, const int8_t * x, size_t x_stride,
                         int64_t n, int32_t * y, size_t y_stride) {
    thread_local uint8_t * panel = nullptr;
    thread_local size_t panel_cap = 0;
    thread_local int32_t * sums = nullptr;
    thread_local size_t sums_cap = 0;
    const size_t need = static_cast<size_t>(kPanelRows * cols);
    if (need > panel_cap) {
        aligned_free(panel);
        panel = static_cast<uint8_t *>(aligned_malloc((need + 63) / 64 * 64, 64));
        panel_cap = panel ? need : 0;
    }
    if (static_cast<size_t>(n) > sums_cap) {
        std::free(sums);
        sums = static_cast<int32_t *>(std::malloc(static_cast<size_t>(n) * sizeof(int32_t)));
        sums_cap = sums ? static_cast<size_t>(n) : 0;
    }
    if (!panel || !sums) return false;
    for (int64_t t = 0; t < n; ++t) sums[t] = sum_i8(x + t * x_stride, cols);
    for (int64_t r = 0; r < rows; r += kPanelRows) {
        const int nr = rows - r >= kPanelRows ? kPanelRows : static_cast<int>(rows - r);
        decode_panel(w + r * w_stride, w_stride, nr, cols, panel);
        if (nr == kPanelRows) {
            int64_t t = 0;
            for (; t + kPanelTokens <= n; t += kPanelTokens)
                panel_4x6(panel, cols, x + t * x_stride, x_stride, sums + t, y + t * y_stride + r, y_stride);
            for (; t < n; ++t) panel_4x1(panel, cols, x + t * x_stride, x_stride, sums + t, y + t * y_stride + r, y_stride);
        } else {
            for (int i = 0; i < nr; ++i)
                for (int64_t t = 0; t < n; ++t)
                    panel_1x1(panel + i * cols, cols, x + t * x_stride, sums[t], y + t * y_stride + r + i);
        }
    }
    return true;
}

void ternary_gemm_avx512(const uint8_t * w, size_t w_stride, int64_t rows, int64_t cols,
                         const int8_t * x, size_t x_stride, int64_t n, int32_t * y, size_t y_stride) {
    // Fewer than 8 tokens (a decode step with its drafts) are memory-bound: one pass over the
    // weights with every token in the tile, not a 4-token pass and a 2-token pass each reading
    // them again.
    switch (n) {
        case 1: ternary_gemv_avx512(w, w_stride, rows, cols, x, y); return;
        case 2: ternary_gemm_tiles<2>(w, w_stride, rows, cols, x, x_stride, y, y_stride); return;
        case 3: ternary_gemm_tiles<3>(w, w_stride, rows, cols, x, x_stride, y, y_stride); return;
        case 4: ternary_gemm_tiles<4>(w, w_stride, rows, cols, x, x_stride, y, y_stride); return;
        case 5: ternary_gemm_tiles<5>(w, w_stride, rows, cols, x, x_stride, y, y_stride); return;
        case 6: ternary_gemm_tiles<6>(w, w_stride, rows, cols, x, x_stride, y, y_stride); return;
        case 7: ternary_gemm_tiles<7>(w, w_stride, rows, cols, x, x_stride, y, y_stride); return;
        default: break;
    }
    if (ternary_gemm_panels(w, w_stride, rows, cols, x, x_stride, n, y, y_stride)) return;
    int64_t t = 0;
    for (; t + 16 <= n; t += 16)
        ternary_gemm_tiles<16>(w, w_stride, rows, cols, x + t * x_stride, x_stride, y + t * y_stride, y_stride);
    if (t + 8 <= n) {
        ternary_gemm_tiles<8>(w, w_stride, rows, cols, x + t * x_stride, x_stride, y + t * y_stride, y_stride);
        t += 8;
    }
    if (t + 4 <= n) {
        ternary_gemm_tiles<4>(w, w_stride, rows, cols, x + t * x_stride, x_stride, y + t * y_stride, y_stride);
        t += 4;
    }
    if (t + 2 <= n) {
        ternary_gemm_tiles<2>(w, w_stride, rows, cols, x + t * x_stride, x_stride, y + t * y_stride, y_stride);
        t += 2;
    }
    if (t < n) ternary_gemv_avx512(w, w_stride, rows, cols, x + t * x_stride, y + t * y_stride);
}

// ---- int8 quantization ---------------------------------------------------------------------------

inline __mmask16 tail_mask16(int64_t left) {
    return left >= 16 ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << left) - 1u);
}

// round half away from zero, exact: trunc(|v|) + (|v| - trunc(|v|) >= 0.5), with v's sign.
inline __m512 round_half_away(__m512 v) {
    const __m512 a = _mm512_abs_ps(v);
    const __m512 t = _mm512_roundscale_ps(a, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __mmask16 up = _mm512_cmp_ps_mask(_mm512_sub_ps(a, t), _mm512_set1_ps(0.5f), _CMP_GE_OQ);
    const __m512 r = _mm512_mask_add_ps(t, up, t, _mm512_set1_ps(1.0f));
    const __m512i sign = _mm512_and_si512(_mm512_castps_si512(v), _mm512_set1_epi32(static_cast<int>(0x80000000u)));
    return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(r), sign));
}

float quantize_i8_avx512(const float * x, int64_t n, int8_t * q) {
    __m512 vmax = _mm512_setzero_ps();
    for (int64_t i = 0; i < n; i += 16)
        vmax = _mm512_max_ps(vmax, _mm512_abs_ps(_mm512_maskz_loadu_ps(tail_mask16(n - i), x + i)));
    const float amax = _mm512_reduce_max_ps(vmax);
    const float s = 127.0f / (amax > 1e-5f ? amax : 1e-5f);
    const __m512 vs = _mm512_set1_ps(s);
    for (int64_t i = 0; i < n; i += 16) {
        const __mmask16 m = tail_mask16(n - i);
        __m512 v = round_half_away(_mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), vs));
        v = _mm512_max_ps(_mm512_min_ps(v, _mm512_set1_ps(127.0f)), _mm512_set1_ps(-128.0f));
        _mm_mask_storeu_epi8(q + i, m, _mm512_cvtsepi32_epi8(_mm512_cvtps_epi32(v)));
    }
    return s;
}

// ---- float -----------------------------------------------------------------------------------

// 16 values from a with mask m (zero elsewhere), as floats; overloads for float and half.
inline __m512 load16(const float * a, __mmask16 m) { return _mm512_maskz_loadu_ps(m, a); }
inline __m512 load16(const uint16_t * a, __mmask16 m) { return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, a)); }
inline __m512 load16(const float * a) { return _mm512_loadu_ps(a); }
inline __m512 load16(const uint16_t * a) {
    return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(a)));
}

// out[t] = dot(w, xs[t]) for T tokens, each in the one fixed order: 16-element chunk c into
// accumulator c % 4 (FMA), then (a0 + a1) + (a2 + a3) and a fixed horizontal sum.
template <int T, typename W>
void dot_tile(const W * w, int64_t cols, const float * const * xs, float * out) {
    __m512 acc[T][4];
    for (int t = 0; t < T; ++t)
        for (int j = 0; j < 4; ++j) acc[t][j] = _mm512_setzero_ps();
    int64_t k = 0;
    for (; k + 64 <= cols; k += 64) {
        for (int j = 0; j < 4; ++j) {
            const __m512 wv = load16(w + k + 16 * j);
            for (int t = 0; t < T; ++t) acc[t][j] = _mm512_fmadd_ps(wv, load16(xs[t] + k + 16 * j), acc[t][j]);
        }
    }
    // The last 1..63 columns, 16 at a time into accumulator j as above. j is unrolled to a
    // constant: indexed at run time, the accumulator array went to the stack, a store and a
    // reload of every accumulator on every row.
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) {
        if (k + 16 * j >= cols) break;
        const __mmask16 m = tail_mask16(cols - k - 16 * j);
        const __m512 wv = load16(w + k + 16 * j, m);
        for (int t = 0; t < T; ++t) acc[t][j] = _mm512_fmadd_ps(wv, load16(xs[t] + k + 16 * j, m), acc[t][j]);
    }
    for (int t = 0; t < T; ++t)
        out[t] = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(acc[t][0], acc[t][1]), _mm512_add_ps(acc[t][2], acc[t][3])));
}

void f16_gemv_avx512(const uint16_t * w, size_t w_stride, int64_t rows, int64_t cols,
                     const float * x, float * y) {
    const float * xs[1] = {x};
    for (int64_t r = 0; r < rows; ++r) dot_tile<1>(w + r * w_stride, cols, xs, y + r);
}

// Rows of f16 with a stride (attention's keys and values: one head's 256 bytes of every
// position's KV row) are a pattern the hardware prefetcher follows poorly: each row's lines are
// asked for rows_ahead() rows early, 16 rows or kRowPrefetchBytes of the stream, whichever is
// less (20 kB: 16 KV rows of the 2B4T shape; 4 rows of its head). Decode at 2048 tokens of
// context +9%, the same prefill +8%.
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

void f16_gemm_avx512(const uint16_t * w, size_t w_stride, int64_t rows, int64_t cols,
                     const float * x, size_t x_stride, int64_t n, float * y, size_t y_stride) {
    int64_t t = 0;
    for (; t + 4 <= n; t += 4)
        f16_gemm_tiles<4>(w, w_stride, rows, cols, x + t * x_stride, x_stride, y + t * y_stride, y_stride);
    for (; t + 2 <= n; t += 2)
        f16_gemm_tiles<2>(w, w_stride, rows, cols, x + t * x_stride, x_stride, y + t * y_stride, y_stride);
    for (; t < n; ++t)
        f16_gemm_tiles<1>(w, w_stride, rows, cols, x + t * x_stride, x_stride, y + t * y_stride, y_stride);
}

float dot_f32_avx512(const float * a, const float * b, int64_t n) {
    const float * bs[1] = {b};
    float out;
    dot_tile<1>(a, n, bs, &out);
    return out;
}

// One pass of f16_axpy_rows over C vectors of columns (the last one masked), kept in registers
// while every row streams by.
template <int C>
void axpy_rows_pass(const uint16_t * v, size_t v_stride, int64_t rows, const float * a, float * y, __mmask16 last) {
    __m512 acc[C];
#pragma GCC unroll 8
    for (int k = 0; k < C; ++k) acc[k] = _mm512_maskz_loadu_ps(k + 1 == C ? last : 0xffff, y + 16 * k);
    const int64_t ahead = rows_ahead(v_stride * 2);
    for (int64_t r = 0; r < rows; ++r) {
        const __m512 ar = _mm512_set1_ps(a[r]);
        const uint16_t * row = v + r * v_stride;
        prefetch_row(row + ahead * v_stride, 32 * C);
#pragma GCC unroll 8
        for (int k = 0; k < C; ++k) acc[k] = _mm512_fmadd_ps(ar, load16(row + 16 * k, k + 1 == C ? last : 0xffff), acc[k]);
    }
#pragma GCC unroll 8
    for (int k = 0; k < C; ++k) _mm512_mask_storeu_ps(y + 16 * k, k + 1 == C ? last : 0xffff, acc[k]);
}

// Two heads over the same rows: each row's C vectors are loaded and converted once for both
// (vcvtph2ps is two micro-ops on the FMA ports: it, not the multiply-adds, bounds the one-head
// pass).
template <int C>
void axpy_rows_pass2(const uint16_t * v, size_t v_stride, int64_t rows, const float * a0, const float * a1, float * y0,
                     float * y1) {
    __m512 acc0[C], acc1[C];
#pragma GCC unroll 8
    for (int k = 0; k < C; ++k) acc0[k] = _mm512_loadu_ps(y0 + 16 * k), acc1[k] = _mm512_loadu_ps(y1 + 16 * k);
    const int64_t ahead = rows_ahead(v_stride * 2);
    for (int64_t r = 0; r < rows; ++r) {
        const __m512 b0 = _mm512_set1_ps(a0[r]), b1 = _mm512_set1_ps(a1[r]);
        const uint16_t * row = v + r * v_stride;
        prefetch_row(row + ahead * v_stride, 32 * C);
#pragma GCC unroll 8
        for (int k = 0; k < C; ++k) {
            const __m512 vk = load16(row + 16 * k);
            acc0[k] = _mm512_fmadd_ps(b0, vk, acc0[k]);
            acc1[k] = _mm512_fmadd_ps(b1, vk, acc1[k]);
        }
    }
#pragma GCC unroll 8
    for (int k = 0; k < C; ++k) _mm512_storeu_ps(y0 + 16 * k, acc0[k]), _mm512_storeu_ps(y1 + 16 * k, acc1[k]);
}

void axpy_rows_one(const uint16_t * v, size_t v_stride, int64_t rows, int64_t cols, const float * a, float * y) {
    int64_t c = 0;
    for (; c + 128 <= cols; c += 128) axpy_rows_pass<8>(v + c, v_stride, rows, a, y + c, 0xffff);
    const int64_t left = cols - c;
    if (left == 0) return;
    const int vecs = static_cast<int>((left + 15) / 16);
    const __mmask16 last = tail_mask16(left - 16 * (vecs - 1));
    v += c;
    y += c;
    switch (vecs) {
        case 1: axpy_rows_pass<1>(v, v_stride, rows, a, y, last); break;
        case 2: axpy_rows_pass<2>(v, v_stride, rows, a, y, last); break;
        case 3: axpy_rows_pass<3>(v, v_stride, rows, a, y, last); break;
        case 4: axpy_rows_pass<4>(v, v_stride, rows, a, y, last); break;
        case 5: axpy_rows_pass<5>(v, v_stride, rows, a, y, last); break;
        case 6: axpy_rows_pass<6>(v, v_stride, rows, a, y, last); break;
        case 7: axpy_rows_pass<7>(v, v_stride, rows, a, y, last); break;
        default: axpy_rows_pass<8>(v, v_stride, rows, a, y, last); break;
    }
}

void f16_axpy_rows_avx512(const uint16_t * v, size_t v_stride, int64_t rows, int64_t cols, const float * a,
                          size_t a_stride, int64_t n, float * y, size_t y_stride) {
    int64_t h = 0;
    for (; h + 2 <= n; h += 2) {  // pairs of heads, 128 columns at a time
        const float * a0 = a + h * a_stride;
        float * y0 = y + h * y_stride;
        int64_t c = 0;
        for (; c + 128 <= cols; c += 128) axpy_rows_pass2<8>(v + c, v_stride, rows, a0, a0 + a_stride, y0 + c, y0 + y_stride + c);
        if (c < cols) {
            axpy_rows_one(v + c, v_stride, rows, cols - c, a0, y0 + c);
            axpy_rows_one(v + c, v_stride, rows, cols - c, a0 + a_stride, y0 + y_stride + c);
        }
    }
    if (h < n) axpy_rows_one(v, v_stride, rows, cols, a + h * a_stride, y + h * y_stride);
}

void f16_to_f32_row_avx512(const uint16_t * h, float * f, int64_t n) {
    for (int64_t i = 0; i < n; i += 16) {
        const __mmask16 m = tail_mask16(n - i);
        _mm512_mask_storeu_ps(f + i, m, load16(h + i, m));
    }
}

void f32_to_f16_row_avx512(const float * f, uint16_t * h, int64_t n) {
    for (int64_t i = 0; i < n; i += 16) {
        const __mmask16 m = tail_mask16(n - i);
        const __m256i v = _mm512_cvtps_ph(_mm512_maskz_loadu_ps(m, f + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm256_mask_storeu_epi16(h + i, m, v);
    }
}

// ---- Q8_0 head ---------------------------------------------------------------------------------
//
// 64 columns (two blocks) per step. vpdpbusd is unsigned x signed, so the weights go in as
// w + 128 (one xor) and the excess 128 * sum x is removed by starting each lane's sum at
// -128 * (its four x values), precomputed once per token (q8_prepare). Lane j of a step belongs
// to block j / 8: its int32 sum is scaled by w_scale[block] * x_scale[block] and accumulated in
// float, step s into accumulator s % 2, then a fixed reduction.

struct Q8Act {
    __m512i corr;   // -128 * (x[4j] + .. + x[4j+3]) per lane j
    __m512 scale;   // x_scale of lane j's block
};

// 64-byte mask of the valid columns of step c (the last step may hold one block).
inline __mmask64 q8_mask(int64_t cols, int64_t c) { return cols - c * 64 >= 64 ? ~__mmask64(0) : __mmask64(0xffffffffu); }

void q8_prepare(const int8_t * x, const float * xs, int64_t cols, Q8Act * out) {
    const int64_t nb = cols / kQ8Block, steps = (cols + 63) / 64;
    const __m512i k128 = _mm512_set1_epi8(static_cast<char>(0x80));
    for (int64_t c = 0; c < steps; ++c) {
        const __m512i xv = _mm512_maskz_loadu_epi8(q8_mask(cols, c), x + c * 64);
        out[c].corr = _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_dpbusd_epi32(_mm512_setzero_si512(), k128, xv));
        const float s0 = xs[2 * c], s1 = 2 * c + 1 < nb ? xs[2 * c + 1] : 0.0f;
        out[c].scale = _mm512_mask_blend_ps(0xff00, _mm512_set1_ps(s0), _mm512_set1_ps(s1));
    }
}

// T tokens against one row (token t's activations at x + t * cols, prepared at a + t * steps):
// the row is loaded and its scales arranged once per step for all of them; each token's sum is
// the same sequence of operations as for one token, so gemm == gemv bit for bit.
template <int T>
void q8_row_dot(const int8_t * w, const uint16_t * ws, int64_t cols, const int8_t * x, const Q8Act * a, float * out) {
    const int64_t nb = cols / kQ8Block, steps = (cols + 63) / 64;
    const __m512i k128 = _mm512_set1_epi8(static_cast<char>(0x80));
    const __m512i hi = _mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    // Step c goes into accumulator c % 2: cur[t] is that accumulator, other[t] the next step's
    // (registers; an accumulator array indexed by c % 2 was kept on the stack).
    __m512 cur[T], other[T];
#pragma GCC unroll 4
    for (int t = 0; t < T; ++t) cur[t] = other[t] = _mm512_setzero_ps();
    __m512 wsc = _mm512_setzero_ps();
    for (int64_t c = 0; c < steps; ++c) {
        if (c % 8 == 0) {  // the next 16 block scales
            const int64_t left = nb - 2 * c;
            const __mmask16 m = left >= 16 ? __mmask16(0xffff) : static_cast<__mmask16>((1u << left) - 1);
            wsc = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, ws + 2 * c));
        }
        const __mmask64 m = q8_mask(cols, c);
        prefetch(w + c * 64 + kPrefetchBytes);
        const __m512i wv = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, w + c * 64), k128);
        const __m512i idx = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(2 * (c % 8))), hi);
        const __m512 wscale = _mm512_permutexvar_ps(idx, wsc);
#pragma GCC unroll 4
        for (int t = 0; t < T; ++t) {
            const Q8Act & at = a[t * steps + c];
            const __m512i iv = _mm512_dpbusd_epi32(at.corr, wv, _mm512_maskz_loadu_epi8(m, x + t * cols + c * 64));
            const __m512 next = _mm512_fmadd_ps(_mm512_cvtepi32_ps(iv), _mm512_mul_ps(wscale, at.scale), cur[t]);
            cur[t] = other[t];
            other[t] = next;
        }
    }
#pragma GCC unroll 4
    for (int t = 0; t < T; ++t) out[t] = _mm512_reduce_add_ps(_mm512_add_ps(cur[t], other[t]));  // accumulator 0 + 1 (addition commutes exactly)
}

// Per-thread scratch for the prepared activations of n tokens.
Q8Act * q8_scratch(size_t n) {
    thread_local Q8Act * buf = nullptr;
    thread_local size_t cap = 0;
    if (n > cap) {
        aligned_free(buf);
        buf = static_cast<Q8Act *>(aligned_malloc(n * sizeof(Q8Act), 64));
        cap = buf ? n : 0;
    }
    return buf;
}

void q8_gemm_avx512(const int8_t * w, const uint16_t * ws, int64_t rows, int64_t cols, const int8_t * x, const float * xs,
                    int64_t n, float * y, size_t y_stride) {
    const int64_t nb = cols / kQ8Block, steps = (cols + 63) / 64;
    Q8Act * a = q8_scratch(static_cast<size_t>(n * steps));
    if (a == nullptr) std::abort();  // a few kB per token
    for (int64_t t = 0; t < n; ++t) q8_prepare(x + t * cols, xs + t * nb, cols, a + t * steps);
    // Up to four tokens per pass over a row (one load of its weights and scales for all).
    for (int64_t r = 0; r < rows; ++r) {
        const int8_t * wr = w + r * cols;
        const uint16_t * wsr = ws + r * nb;
        float out[4];
        for (int64_t t = 0; t < n; t += 4) {
            const int64_t k = n - t < 4 ? n - t : 4;
            const int8_t * xt = x + t * cols;
            const Q8Act * at = a + t * steps;
            switch (k) {
                case 1: q8_row_dot<1>(wr, wsr, cols, xt, at, out); break;
                case 2: q8_row_dot<2>(wr, wsr, cols, xt, at, out); break;
                case 3: q8_row_dot<3>(wr, wsr, cols, xt, at, out); break;
                default: q8_row_dot<4>(wr, wsr, cols, xt, at, out); break;
            }
            for (int64_t j = 0; j < k; ++j) y[(t + j) * y_stride + r] = out[j];
        }
    }
}

void q8_gemv_avx512(const int8_t * w, const uint16_t * ws, int64_t rows, int64_t cols, const int8_t * x, const float * xs,
                    float * y) {
    q8_gemm_avx512(w, ws, rows, cols, x, xs, 1, y, 0);
}

// ---- Q6_K head -----------------------------------------------------------------------------------
//
// One superblock (256 weights) per step, as two pairs of 64-weight groups: the 6-bit codes u
// are rebuilt in registers (per pair, low and high nibbles of 64 ql bytes, high bits from 32
// bytes of qh shifted per 16-byte lane), vpdpbusd takes u (unsigned) times the activations
// re-laid to match, and -32 * sum x comes in through the per-lane starting values (both
// prepared once per token). Each lane's sum is scaled by d * sc * x_scale of its sub-block and
// x block and accumulated in float: the low-nibble vectors into one accumulator, the high into
// the other.

// Activations re-laid for the row kernel, per pair of 64-weight groups (128 weights): the
// "lo" vector holds both groups' weights 0..31 (the low nibbles of the pair's 64 ql bytes), the
// "hi" vector their weights 32..63 (the high nibbles). So one 64-byte ql load serves two groups.
struct Q6Act {
    __m512i x;      // the 64 activations matching one u vector
    __m512i corr;   // -32 * (sum of lane l's four activations)
    __m512 scale;   // x_scale of each lane's block of 32
};

void q6_prepare(const int8_t * x, const float * xs, int64_t cols, Q6Act * out) {
    const __m512i k32 = _mm512_set1_epi8(32);
    for (int64_t p = 0; p < cols / 128; ++p) {
        const int8_t * xp = x + p * 128;
        for (int h = 0; h < 2; ++h) {  // 0: weights 0..31 of both groups, 1: weights 32..63
            const __m256i first = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(xp + 32 * h));
            const __m256i second = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(xp + 64 + 32 * h));
            const __m512i xv = _mm512_inserti64x4(_mm512_castsi256_si512(first), second, 1);
            Q6Act & a = out[2 * p + h];
            a.x = xv;
            a.corr = _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_dpbusd_epi32(_mm512_setzero_si512(), k32, xv));
            a.scale = _mm512_mask_blend_ps(0xff00, _mm512_set1_ps(xs[4 * p + h]), _mm512_set1_ps(xs[4 * p + 2 + h]));
        }
    }
}

// One row against prepared activations, a superblock (256 weights, two pairs of groups) per
// step: per pair one 64-byte ql load, one 32-byte qh load spread to the four 128-bit lanes, and
// two u vectors of 6-bit codes, each with one vpdpbusd (u unsigned, the -32 offset folded into
// the lanes' start) and one multiply-add by its lanes' sub-block and activation scales.
float q6_row_dot(const Q6Matrix & w, int64_t r, int64_t cols, const Q6Act * a) {
    const uint8_t * ql = w.ql + r * cols / 2;
    const uint8_t * qh = w.qh + r * cols / 4;
    const int8_t * sc = w.sc + r * cols / 16;
    const uint16_t * d = w.d + r * cols / kQ6Super;
    const __m512i low4 = _mm512_set1_epi8(0x0f);
    const __m512i hi2 = _mm512_set1_epi8(0x30);
    // 16-bit shift counts per 128-bit lane (two groups' qh, each twice): the lo vector's lanes
    // take bits 0-1 and 2-3 of each group's qh bytes, the hi vector's bits 4-5 and 6-7.
    const __m512i count_lo = _mm512_set_epi16(2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0,
                                              0, 0, 0, 0, 0);
    const __m512i count_hi = _mm512_add_epi16(count_lo, _mm512_set1_epi16(4));
    // Sub-block (of the superblock's 16) of each lane: pair p, vector lo/hi.
    const __m512i sub_lo0 = _mm512_set_epi32(5, 5, 5, 5, 4, 4, 4, 4, 1, 1, 1, 1, 0, 0, 0, 0);
    const __m512i sub_hi0 = _mm512_add_epi32(sub_lo0, _mm512_set1_epi32(2));
    const __m512i sub_lo1 = _mm512_add_epi32(sub_lo0, _mm512_set1_epi32(8));
    const __m512i sub_hi1 = _mm512_add_epi32(sub_lo0, _mm512_set1_epi32(10));
    __m512 acc0 = _mm512_setzero_ps(), acc1 = acc0;
    auto pair = [&](int64_t s, int p, __m512i sub_lo, __m512i sub_hi, __m512 sub) {
        const __m512i q = _mm512_loadu_si512(ql + s * 128 + p * 64);
        const __m512i lo = _mm512_and_si512(q, low4);
        const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(q, 4), low4);
        const __m512i h2 = _mm512_castsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(qh + s * 64 + p * 32)));
        const __m512i h = _mm512_shuffle_i64x2(h2, h2, _MM_SHUFFLE(1, 1, 0, 0));
        // u = nibble | (two qh bits << 4): lo | (b & c) is ternary-logic 0xF8.
        const __m512i u_lo = _mm512_ternarylogic_epi32(lo, _mm512_slli_epi16(_mm512_srlv_epi16(h, count_lo), 4), hi2, 0xF8);
        const __m512i u_hi = _mm512_ternarylogic_epi32(hi, _mm512_slli_epi16(_mm512_srlv_epi16(h, count_hi), 4), hi2, 0xF8);
        const Q6Act & al = a[4 * s + 2 * p];
        const Q6Act & ah = a[4 * s + 2 * p + 1];
        const __m512i iv_lo = _mm512_dpbusd_epi32(al.corr, u_lo, al.x);
        const __m512i iv_hi = _mm512_dpbusd_epi32(ah.corr, u_hi, ah.x);
        acc0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(iv_lo), _mm512_mul_ps(_mm512_permutexvar_ps(sub_lo, sub), al.scale), acc0);
        acc1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(iv_hi), _mm512_mul_ps(_mm512_permutexvar_ps(sub_hi, sub), ah.scale), acc1);
    };
    for (int64_t s = 0; s < cols / kQ6Super; ++s) {
        // The qh and sc streams run at 1/2 and 1/8 of ql's rate: the same distance in time.
        prefetch(ql + s * 128 + kPrefetchBytes);
        prefetch(ql + s * 128 + 64 + kPrefetchBytes);
        prefetch(qh + s * 64 + kPrefetchBytes / 2);
        if (s % 4 == 0) prefetch(sc + s * 16 + kPrefetchBytes / 8);
        const __m512i s32 = _mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i *>(sc + s * 16)));
        const __m512 sub = _mm512_mul_ps(_mm512_cvtepi32_ps(s32), _mm512_set1_ps(_cvtsh_ss(d[s])));
        pair(s, 0, sub_lo0, sub_hi0, sub);
        pair(s, 1, sub_lo1, sub_hi1, sub);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

void q6_gemm_avx512(const Q6Matrix & w, int64_t r0, int64_t rows, int64_t cols, const int8_t * x, const float * xs, int64_t n,
                    float * y, size_t y_stride) {
    const int64_t nb = cols / kQ8Block, groups = cols / 64;  // one Q6Act per 64 weights
    thread_local Q6Act * buf = nullptr;
    thread_local size_t cap = 0;
    const size_t need = static_cast<size_t>(n * groups);
    if (need > cap) {
        aligned_free(buf);
        buf = static_cast<Q6Act *>(aligned_malloc(need * sizeof(Q6Act), 64));
        cap = buf ? need : 0;
    }
    if (buf == nullptr) std::abort();  // a few kB per token
    for (int64_t t = 0; t < n; ++t) q6_prepare(x + t * cols, xs + t * nb, cols, buf + t * groups);
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t t = 0; t < n; ++t) y[t * y_stride + r] = q6_row_dot(w, r0 + r, cols, buf + t * groups);
}

void q6_gemv_avx512(const Q6Matrix & w, int64_t r0, int64_t rows, int64_t cols, const int8_t * x, const float * xs, float * y) {
    q6_gemm_avx512(w, r0, rows, cols, x, xs, 1, y, 0);
}

}  // namespace

const KernelTable & kernels_avx512() {
    static const KernelTable table = {
        "avx512",
        ternary_gemv_avx512,
        ternary_gemm_avx512,
        quantize_i8_avx512,
        f16_gemv_avx512,
        f16_gemm_avx512,
        dot_f32_avx512,
        f16_axpy_rows_avx512,
        f16_to_f32_row_avx512,
        f32_to_f16_row_avx512,
        q8_gemv_avx512,
        q8_gemm_avx512,
        q6_gemv_avx512,
        q6_gemm_avx512,
    };
    return table;
}

}  // namespace tern
