// AVX-VNNI kernels: the AVX2 table with the ternary GEMV (decode) redone with vpdpbusd on ymm
// registers (VEX-encoded, the AVX-VNNI extension). Intel's client CPUs from
// Alder Lake on have it without AVX-512, so without this they would take the AVX2 path, whose
// digit decoding (two compares and two adds per 32 bytes and plane, then vpmaddubsw) makes the
// decode compute-bound. Compiled with its own flags, run only when the CPU has AVX-VNNI
// (dispatch.cpp), everything else taken from the AVX2 table: its GEMM decodes each plane's
// digits once for all tokens, which measured faster than this multiply form from 2 tokens on
// (L2-resident matrix, GB/s: 2 tokens 6.7 against 3.4, 3 tokens 3.8 against 2.6).
//
// The product is the AVX-512 file's multiply form, 32 bytes at a time: with m_i = (q * 3^i)
// mod 256, 3 * m_i = 256 * d_i + m_{i+1}, so
//     256 * sum_i d_i x_i = 3 * sum_i m_i x_i - sum_i m_{i+1} x_i,
// two vpdpbusd per plane (m an unsigned byte, x signed) and two byte adds for the next m, no
// digit ever decoded. Every int32 lane of 3a - b is 256 times that lane's share of sum d x (the
// identity holds per byte), so lanes are shifted down exactly before the horizontal sum.
// sum (d - 1) x = sum d x - sum x, as on every path: the same integers as kernels_scalar.cpp.
//
// Everything is in an anonymous namespace: no inline function from this file may be shared
// with (and picked by the linker for) code compiled for other CPUs.
#include "kernels/kernels.h"
#include "kernels/kernels_isa.h"
#include "kernels/ternary_layout.h"

#if defined(TERN_X86_EMULATION)
#include "x86_emulation.h"  // the emulated test build only (native/tests/emulation)
#else
#include <immintrin.h>
#endif

namespace tern {
namespace {

using namespace ternary_layout;

// m * 3 mod 256 in every byte: moves the next digit to the top.
inline __m256i times3(__m256i m) { return _mm256_add_epi8(_mm256_add_epi8(m, m), m); }

inline __m256i load32(const void * p) { return _mm256_loadu_si256(static_cast<const __m256i *>(p)); }

// Prefetch distance in the weight stream, as on the AVX2 and AVX-512 paths.
constexpr int64_t kPrefetchBytes = 3072;
inline void prefetch(const void * p) { _mm_prefetch(static_cast<const char *>(p), _MM_HINT_T0); }

inline int32_t hsum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

// Sum of x[0 .. cols), cols a multiple of 64.
int32_t sum_i8(const int8_t * x, int64_t cols) {
    const __m256i ones = _mm256_set1_epi8(1);
    __m256i acc = _mm256_setzero_si256();
    for (int64_t k = 0; k < cols; k += 32) acc = _mm256_dpbusd_avx_epi32(acc, ones, load32(x + k));
    return hsum_i32(acc);
}

// sum d * x of one row. One accumulator pair per plane (ten independent vpdpbusd chains hide
// its latency), in named registers: GCC kept an array of them on the stack (5.8 GB/s on an
// L2-resident matrix, against 8.6 for AVX2 and 14.2 written out).
int32_t row_dot_mul1(const uint8_t * row, int64_t cols, const int8_t * x) {
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0, a4 = a0;
    __m256i b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0;
    const int64_t full = cols / kBlockCols;
    for (int64_t blk = 0; blk < full; ++blk) {
        prefetch(row + blk * kBlockBytes + kPrefetchBytes);
        for (int half = 0; half < 2; ++half) {
            const int8_t * xb = x + blk * kBlockCols + 32 * half;
            const __m256i m0 = load32(row + blk * kBlockBytes + 32 * half);
            const __m256i m1 = times3(m0), m2 = times3(m1), m3 = times3(m2), m4 = times3(m3), m5 = times3(m4);
            a0 = _mm256_dpbusd_avx_epi32(a0, m0, load32(xb));
            b0 = _mm256_dpbusd_avx_epi32(b0, m1, load32(xb));
            a1 = _mm256_dpbusd_avx_epi32(a1, m1, load32(xb + 64));
            b1 = _mm256_dpbusd_avx_epi32(b1, m2, load32(xb + 64));
            a2 = _mm256_dpbusd_avx_epi32(a2, m2, load32(xb + 128));
            b2 = _mm256_dpbusd_avx_epi32(b2, m3, load32(xb + 128));
            a3 = _mm256_dpbusd_avx_epi32(a3, m3, load32(xb + 192));
            b3 = _mm256_dpbusd_avx_epi32(b3, m4, load32(xb + 192));
            a4 = _mm256_dpbusd_avx_epi32(a4, m4, load32(xb + 256));
            b4 = _mm256_dpbusd_avx_epi32(b4, m5, load32(xb + 256));
        }
    }
    const int planes = static_cast<int>((cols - full * kBlockCols) / kPlaneCols);
    for (int half = 0; half < 2 && planes > 0; ++half) {
        __m256i m = load32(row + full * kBlockBytes + 32 * half);
        for (int i = 0; i < planes; ++i) {
            const __m256i next = times3(m);
            const __m256i xv = load32(x + full * kBlockCols + i * kPlaneCols + 32 * half);
            a0 = _mm256_dpbusd_avx_epi32(a0, m, xv);
            b0 = _mm256_dpbusd_avx_epi32(b0, next, xv);
            m = next;
        }
    }
    const __m256i sa = _mm256_add_epi32(_mm256_add_epi32(_mm256_add_epi32(a0, a1), _mm256_add_epi32(a2, a3)), a4);
    const __m256i sb = _mm256_add_epi32(_mm256_add_epi32(_mm256_add_epi32(b0, b1), _mm256_add_epi32(b2, b3)), b4);
    return hsum_i32(_mm256_srai_epi32(_mm256_sub_epi32(_mm256_add_epi32(_mm256_add_epi32(sa, sa), sa), sb), 8));
}

void ternary_gemv_avxvnni(const uint8_t * w, size_t w_stride, int64_t rows, int64_t cols, const int8_t * x, int32_t * y) {
    const int32_t sx = sum_i8(x, cols);
    for (int64_t r = 0; r < rows; ++r) y[r] = row_dot_mul1(w + r * w_stride, cols, x) - sx;
}

}  // namespace

const KernelTable & kernels_avxvnni() {
    static const KernelTable table = [] {
        KernelTable k = kernels_avx2();
        k.name = "avxvnni";
        k.ternary_gemv = ternary_gemv_avxvnni;
        return k;
    }();
    return table;
}

}  // namespace tern
