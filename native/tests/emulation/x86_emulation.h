// AVX-512, AVX-VNNI and AMX-INT8 in software, for the test build that runs those kernel paths on
// a CPU without them (scripts/x86-emulation-test.sh; CMake option TERN_X86_EMULATION).
//
// The instruction-set files (kernels/x86_avx512.cpp, x86_avx512_amx.cpp, x86_avxvnni.cpp)
// include this header instead of <immintrin.h> in that build only, and are then compiled with the
// AVX2 flags alone. The vector intrinsics come from SIMDe (Debian's libsimde-dev, "SIMD
// Everywhere"), whose native aliases map _mm512_* names and the __m512* types onto portable code
// (two AVX2 halves where it can). The few this engine uses that SIMDe 0.7 lacks are written
// below from their definitions in Intel's Intrinsics Guide and Software Developer's Manual;
// the float reductions follow GCC's own sequence (avx512fintrin.h, __MM512_REDUCE_OP), so they
// round as the real build does. AMX is a small tile machine: eight tiles of up to 16 rows of 64
// bytes per thread, configured by _tile_loadconfig; an instruction a real CPU would refuse
// (no configuration, shapes that do not fit) aborts with a message.
//
// Nothing here is in the product: the release build includes <immintrin.h> and runs the real
// instructions.
#pragma once

#if !defined(TERN_X86_EMULATION)
#error "x86_emulation.h is for the TERN_X86_EMULATION test build only"
#endif

#include <immintrin.h>

#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace tern_emulation {

// ---- lanes in and out -------------------------------------------------------------------------

template <typename T, typename V>
inline void lanes(const V & v, T * out) {
    static_assert(sizeof(V) % sizeof(T) == 0, "lane size");
    std::memcpy(out, &v, sizeof(V));
}

template <typename V, typename T>
inline V from_lanes(const T * in) {
    V v;
    std::memcpy(&v, in, sizeof(V));
    return v;
}

// ---- the AVX-512 and AVX-VNNI intrinsics SIMDe 0.7 does not have --------------------------------

// VPDPBUSD ymm, VEX form (AVX-VNNI): the same operation as the EVEX one.
inline __m256i dpbusd_avx_epi32(__m256i src, __m256i a, __m256i b) { return simde_mm256_dpbusd_epi32(src, a, b); }

// Masked loads read only the lanes their mask selects (the rest may be unmapped memory) and zero
// the others; masked stores write only the selected lanes.
template <typename V, typename T, int N>
inline V maskz_loadu(uint64_t mask, const void * p) {
    T v[N] = {};
    for (int i = 0; i < N; ++i)
        if ((mask >> i) & 1) std::memcpy(&v[i], static_cast<const char *>(p) + i * sizeof(T), sizeof(T));
    return from_lanes<V>(v);
}

template <typename T, int N, typename V>
inline void mask_storeu(void * p, uint64_t mask, const V & a) {
    T v[N];
    lanes(a, v);
    for (int i = 0; i < N; ++i)
        if ((mask >> i) & 1) std::memcpy(static_cast<char *>(p) + i * sizeof(T), &v[i], sizeof(T));
}

// Lane by lane, N lanes of In from a into as many of Out: the sign extensions (VPMOVSXDQ,
// VPMOVSXBD) and VCVTDQ2PS, which rounds by the current mode (to nearest even) as C++ does.
template <typename Out, typename In, int N, typename R, typename V>
inline R convert(const V & a) {
    In in[N];
    Out out[N];
    std::memcpy(in, &a, sizeof in);
    for (int i = 0; i < N; ++i) out[i] = static_cast<Out>(in[i]);
    return from_lanes<R>(out);
}

inline __m512i cvtepi32_epi64(__m256i a) { return convert<int64_t, int32_t, 8, __m512i>(a); }
inline __m512i cvtepi8_epi32(__m128i a) { return convert<int32_t, int8_t, 16, __m512i>(a); }
inline __m512 cvtepi32_ps(__m512i a) { return convert<float, int32_t, 16, __m512>(a); }

// VCVTPS2DQ: round to nearest even; NaN and out-of-range give the "integer indefinite" 0x80000000.
inline __m512i cvtps_epi32(__m512 a) {
    float in[16];
    int32_t out[16];
    lanes(a, in);
    for (int i = 0; i < 16; ++i) {
        const float r = std::nearbyint(in[i]);
        out[i] = (r >= -2147483648.0f && r < 2147483648.0f) ? static_cast<int32_t>(r) : INT32_MIN;
    }
    return from_lanes<__m512i>(out);
}

// Half <-> float: F16C on each 256-bit half (the host has F16C; the conversions are exact).
inline __m512 cvtph_ps(__m256i a) {
    const __m256 lo = _mm256_cvtph_ps(_mm256_castsi256_si128(a));
    const __m256 hi = _mm256_cvtph_ps(_mm256_extracti128_si256(a, 1));
    float out[16];
    _mm256_storeu_ps(out, lo);
    _mm256_storeu_ps(out + 8, hi);
    return from_lanes<__m512>(out);
}

template <int Rounding>
inline __m256i cvtps_ph(__m512 a) {
    float in[16];
    lanes(a, in);
    const __m128i lo = _mm256_cvtps_ph(_mm256_loadu_ps(in), Rounding);
    const __m128i hi = _mm256_cvtps_ph(_mm256_loadu_ps(in + 8), Rounding);
    return _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
}

// VRNDSCALEPS: imm8 bits 7..4 = M fraction bits kept, bit 2 = use the current mode (round to
// nearest even), bits 1..0 = the mode (nearest even, down, up, toward zero); bit 3 only
// suppresses the inexact exception. (SIMDe 0.7.4 reads bit 3 as part of M.)
template <int Imm>
inline __m512 roundscale_ps(__m512 a) {
    const float scale = std::ldexp(1.0f, (Imm >> 4) & 15);
    const int mode = (Imm & 4) ? 0 : (Imm & 3);
    float v[16];
    lanes(a, v);
    for (int i = 0; i < 16; ++i) {
        const float x = v[i] * scale;
        const float r = mode == 0 ? std::nearbyint(x) : mode == 1 ? std::floor(x) : mode == 2 ? std::ceil(x) : std::trunc(x);
        v[i] = r / scale;
    }
    return from_lanes<__m512>(v);
}

// Integer sums, wrapping (in unsigned arithmetic): any order gives the same result.
template <typename Int, typename UInt>
inline Int reduce_add(__m512i a) {
    Int v[64 / sizeof(Int)];
    lanes(a, v);
    UInt s = 0;
    for (Int x : v) s += static_cast<UInt>(x);
    return static_cast<Int>(s);
}

inline int32_t reduce_add_epi32(__m512i a) { return reduce_add<int32_t, uint32_t>(a); }
inline int64_t reduce_add_epi64(__m512i a) { return reduce_add<int64_t, uint64_t>(a); }

// MAXPS: the second operand unless the first is greater (so a NaN or equal zeros give b).
inline float max_ps(float a, float b) { return a > b ? a : b; }

// GCC's __MM512_REDUCE_OP for floats: upper 256 op lower 256, upper 128 op lower 128, then lanes
// {2,3,0,1} op the vector, then lane 0 op lane 1.
template <typename Op>
inline float reduce_ps(__m512 a, Op op) {
    float v[16];
    lanes(a, v);
    float t3[8], t6[4], t8[4];
    for (int i = 0; i < 8; ++i) t3[i] = op(v[8 + i], v[i]);
    for (int i = 0; i < 4; ++i) t6[i] = op(t3[4 + i], t3[i]);
    const int swap[4] = {2, 3, 0, 1};
    for (int i = 0; i < 4; ++i) t8[i] = op(t6[i], t6[swap[i]]);
    return op(t8[0], t8[1]);
}

inline float reduce_add_ps(__m512 a) {
    return reduce_ps(a, [](float x, float y) { return x + y; });
}
inline float reduce_max_ps(__m512 a) { return reduce_ps(a, max_ps); }

// ---- AMX-INT8 ---------------------------------------------------------------------------------

struct Tiles {
    bool configured = false;
    uint16_t colsb[8] = {};
    uint8_t rows[8] = {};
    uint8_t data[8][16][64] = {};
};

inline Tiles & tiles() {
    thread_local Tiles t;
    return t;
}

[[noreturn]] inline void fault(const char * what) {
    std::fprintf(stderr, "x86 emulation: AMX fault: %s\n", what);
    std::abort();
}

inline Tiles & configured(int tile) {
    Tiles & t = tiles();
    if (!t.configured) fault("tile instruction without a tile configuration");
    if (tile < 0 || tile > 7) fault("no such tile");
    if (t.rows[tile] == 0 || t.colsb[tile] == 0) fault("tile not configured");
    return t;
}

// LDTILECFG: the 64-byte configuration (palette 1: eight tiles, rows <= 16, colsb <= 64).
inline void tile_loadconfig(const void * config) {
    uint8_t c[64];
    std::memcpy(c, config, sizeof c);
    Tiles & t = tiles();
    if (c[0] == 0) {  // palette 0: the tiles are released
        t = Tiles{};
        return;
    }
    if (c[0] != 1) fault("palette other than 1");
    for (int i = 0; i < 8; ++i) {
        std::memcpy(&t.colsb[i], c + 16 + 2 * i, 2);
        t.rows[i] = c[48 + i];
        if (t.rows[i] > 16 || t.colsb[i] > 64) fault("tile larger than 16 rows of 64 bytes");
    }
    std::memset(t.data, 0, sizeof t.data);
    t.configured = true;
}

inline void tile_release() { tiles() = Tiles{}; }

inline void tile_zero(int tile) {
    Tiles & t = configured(tile);
    std::memset(t.data[tile], 0, sizeof t.data[tile]);
}

// TILELOADD: rows of colsb bytes from base + r * stride; the rest of the tile zeroed.
inline void tile_loadd(int tile, const void * base, long stride) {
    Tiles & t = configured(tile);
    std::memset(t.data[tile], 0, sizeof t.data[tile]);
    for (int r = 0; r < t.rows[tile]; ++r)
        std::memcpy(t.data[tile][r], static_cast<const char *>(base) + r * stride, t.colsb[tile]);
}

inline void tile_stored(int tile, void * base, long stride) {
    Tiles & t = configured(tile);
    for (int r = 0; r < t.rows[tile]; ++r)
        std::memcpy(static_cast<char *>(base) + r * stride, t.data[tile][r], t.colsb[tile]);
}

// TDPBUSD c, a, b: c[m][n] += sum over k, i of unsigned a[m][4k + i] * signed b[k][4n + i], int32
// lanes wrapping; a's rows must be c's, a's 4-byte columns b's rows, b's row width c's.
inline void tile_dpbusd(int c, int a, int b) {
    Tiles & t = configured(c);
    configured(a);
    configured(b);
    if (t.rows[a] != t.rows[c] || t.colsb[a] / 4 != t.rows[b] || t.colsb[b] != t.colsb[c] || t.colsb[c] % 4)
        fault("TDPBUSD tile shapes do not fit");
    for (int m = 0; m < t.rows[c]; ++m)
        for (int n = 0; n < t.colsb[c] / 4; ++n) {
            int32_t acc;
            std::memcpy(&acc, &t.data[c][m][4 * n], 4);
            uint32_t sum = static_cast<uint32_t>(acc);
            for (int k = 0; k < t.colsb[a] / 4; ++k)
                for (int i = 0; i < 4; ++i) {
                    const int32_t x = t.data[a][m][4 * k + i];
                    const int32_t y = static_cast<int8_t>(t.data[b][k][4 * n + i]);
                    sum += static_cast<uint32_t>(x * y);
                }
            acc = static_cast<int32_t>(sum);
            std::memcpy(&t.data[c][m][4 * n], &acc, 4);
        }
}

}  // namespace tern_emulation

// The names the kernels call, pointed at the code above (after every header, so the compiler's
// own declarations are untouched).
// SIMDe has these but names no native alias for them.
#undef _mm512_shuffle_i64x2
#define _mm512_shuffle_i64x2(a, b, imm8) simde_mm512_shuffle_i64x2(a, b, imm8)

#undef _mm256_dpbusd_avx_epi32
#define _mm256_dpbusd_avx_epi32(src, a, b) tern_emulation::dpbusd_avx_epi32(src, a, b)
#undef _mm256_maskz_loadu_epi16
#define _mm256_maskz_loadu_epi16(k, p) (tern_emulation::maskz_loadu<__m256i, int16_t, 16>((k), (p)))
#undef _mm256_mask_storeu_epi16
#define _mm256_mask_storeu_epi16(p, k, a) (tern_emulation::mask_storeu<int16_t, 16>((p), (k), (a)))
#undef _mm_mask_storeu_epi8
#define _mm_mask_storeu_epi8(p, k, a) (tern_emulation::mask_storeu<int8_t, 16>((p), (k), (a)))
#undef _mm512_maskz_loadu_epi8
#define _mm512_maskz_loadu_epi8(k, p) (tern_emulation::maskz_loadu<__m512i, int8_t, 64>((k), (p)))
#undef _mm512_maskz_loadu_ps
#define _mm512_maskz_loadu_ps(k, p) (tern_emulation::maskz_loadu<__m512, float, 16>((k), (p)))
#undef _mm512_mask_storeu_ps
#define _mm512_mask_storeu_ps(p, k, a) (tern_emulation::mask_storeu<float, 16>((p), (k), (a)))
#undef _mm512_cvtepi32_epi64
#define _mm512_cvtepi32_epi64(a) tern_emulation::cvtepi32_epi64(a)
#undef _mm512_cvtepi8_epi32
#define _mm512_cvtepi8_epi32(a) tern_emulation::cvtepi8_epi32(a)
#undef _mm512_cvtepi32_ps
#define _mm512_cvtepi32_ps(a) tern_emulation::cvtepi32_ps(a)
#undef _mm512_cvtps_epi32
#define _mm512_cvtps_epi32(a) tern_emulation::cvtps_epi32(a)
#undef _mm512_cvtph_ps
#define _mm512_cvtph_ps(a) tern_emulation::cvtph_ps(a)
#undef _mm512_cvtps_ph
#define _mm512_cvtps_ph(a, rounding) tern_emulation::cvtps_ph<(rounding)>(a)
#undef _mm512_roundscale_ps
#define _mm512_roundscale_ps(a, imm8) tern_emulation::roundscale_ps<(imm8)>(a)
#undef _mm512_reduce_add_epi32
#define _mm512_reduce_add_epi32(a) tern_emulation::reduce_add_epi32(a)
#undef _mm512_reduce_add_epi64
#define _mm512_reduce_add_epi64(a) tern_emulation::reduce_add_epi64(a)
#undef _mm512_reduce_add_ps
#define _mm512_reduce_add_ps(a) tern_emulation::reduce_add_ps(a)
#undef _mm512_reduce_max_ps
#define _mm512_reduce_max_ps(a) tern_emulation::reduce_max_ps(a)

#undef _tile_loadconfig
#define _tile_loadconfig(config) tern_emulation::tile_loadconfig(config)
#undef _tile_release
#define _tile_release() tern_emulation::tile_release()
#undef _tile_zero
#define _tile_zero(tile) tern_emulation::tile_zero(tile)
#undef _tile_loadd
#define _tile_loadd(tile, base, stride) tern_emulation::tile_loadd((tile), (base), static_cast<long>(stride))
#undef _tile_stored
#define _tile_stored(tile, base, stride) tern_emulation::tile_stored((tile), (base), static_cast<long>(stride))
#undef _tile_dpbusd
#define _tile_dpbusd(c, a, b) tern_emulation::tile_dpbusd((c), (a), (b))
