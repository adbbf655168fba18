// AMX (Advanced Matrix Extensions, int8) prefill GEMM: the "amx" path is the AVX-512 table with
// ternary_gemm replaced by tile products, chosen when the CPU has AMX-TILE/AMX-INT8 and the OS
// grants the tile state (Linux: arch_prctl ARCH_REQ_XCOMP_PERM). Compiled with the AVX-512
// file's flags plus AMX for this file only (the pragma below); like every ISA file, nothing
// here is shared inline with other files.
//
// TDPBUSD multiplies unsigned bytes (A) by signed bytes (B) into int32 tiles, exactly. A holds
// 16 weight rows x 64 columns of digits d = w + 1 in {0, 1, 2}, decoded once per 32-row panel
// into a scratch buffer; B holds 64 columns of 16 tokens' activations, packed once per call as
// the instruction wants (16 rows of 4 consecutive columns x 16 tokens). A 32-row x 32-token
// block keeps four C tiles. sum w x = sum d x - sum x, as on every path, so the int32 results
// are the same integers as the scalar reference.
// AMX needs the Linux permission call and GCC/Clang's tile intrinsics: elsewhere (MSVC, macOS)
// this file only says that the path is absent.
#if !(defined(__linux__) && defined(__GNUC__))

#include "kernels/kernels_isa.h"

namespace tern {
const KernelTable * kernels_amx() { return nullptr; }
}  // namespace tern

#else

#if defined(TERN_X86_EMULATION)
// The emulated test build: tiles in software, no AMX instruction emitted.
#elif defined(__GNUC__) && !defined(__clang__)
#pragma GCC target("amx-tile,amx-int8")
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#elif defined(__clang__)
#pragma clang attribute push(__attribute__((target("amx-tile,amx-int8"))), apply_to = function)
#endif

#include "kernels/kernels.h"
#include "kernels/kernels_isa.h"
#include "kernels/ternary_layout.h"
#include "util/aligned.h"

#if defined(TERN_X86_EMULATION)
#include "x86_emulation.h"  // the emulated test build only (native/tests/emulation)
#else
#include <immintrin.h>
#endif

#include <cpuid.h>
#include <cstdlib>
#include <cstring>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace tern {
namespace {

using namespace ternary_layout;

constexpr int kTileRows = 16;      // rows of A / tokens of B per tile
constexpr int kTileBytes = 64;     // bytes per tile row
constexpr int kPanel = 2 * kTileRows;  // weight rows per panel (two A tiles)

struct TileConfig {
    uint8_t palette;
    uint8_t start_row;
    uint8_t reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
};

// Tiles 0..3: C (int32 16x16); 4, 5: A (two 16-row weight slices); 6, 7: B (two token groups).
void configure_tiles() {
    TileConfig cfg;
    std::memset(&cfg, 0, sizeof cfg);
    cfg.palette = 1;
    for (int i = 0; i < 8; ++i) {
        cfg.colsb[i] = kTileBytes;
        cfg.rows[i] = kTileRows;
    }
    _tile_loadconfig(&cfg);
}

// Digits (0, 1, 2) of 64 bytes m: (m >= 86) + (m >= 171).
__m512i digits(__m512i m) {
    const __mmask64 ge1 = _mm512_cmpge_epu8_mask(m, _mm512_set1_epi8(static_cast<char>(kDigitStep1)));
    const __mmask64 ge2 = _mm512_cmpge_epu8_mask(m, _mm512_set1_epi8(static_cast<char>(kDigitStep2)));
    const __m512i d = _mm512_maskz_mov_epi8(ge1, _mm512_set1_epi8(1));
    return _mm512_mask_mov_epi8(d, ge2, _mm512_set1_epi8(2));
}

__m512i times3(__m512i m) { return _mm512_add_epi8(_mm512_add_epi8(m, m), m); }

// Weights are read once per panel, as a stream: prefetched this far ahead (see x86_avx512.cpp).
constexpr int64_t kPrefetchBytes = 4096;

// `rows` packed rows -> digits in column order, row stride cols; rows up to kPanel zero-filled.
void decode_panel(const uint8_t * w, size_t w_stride, int rows, int64_t cols, uint8_t * panel) {
    const int64_t blocks = (cols + kBlockCols - 1) / kBlockCols;
    for (int r = 0; r < rows; ++r) {
        const uint8_t * row = w + r * w_stride;
        uint8_t * out = panel + r * cols;
        for (int64_t b = 0; b < blocks; ++b) {
            const int64_t left = (cols - b * kBlockCols) / kPlaneCols;
            const int planes = left >= kDigits ? kDigits : static_cast<int>(left);
            _mm_prefetch(reinterpret_cast<const char *>(row + b * kBlockBytes + kPrefetchBytes), _MM_HINT_T0);
            __m512i q = _mm512_loadu_si512(row + b * kBlockBytes);
            for (int i = 0; i < planes; ++i) {
                _mm512_storeu_si512(out + b * kBlockCols + i * kPlaneCols, digits(q));
                q = times3(q);
            }
        }
    }
    if (rows < kPanel) std::memset(panel + rows * cols, 0, static_cast<size_t>((kPanel - rows) * cols));
}

// Activations of n tokens as B tiles: for token group g (16 tokens, zero-padded) and 64-column
// step s, 1 kB at (g * steps + s) * 1024: row kk holds, for each token j, columns 4kk..4kk+3.
void pack_tokens(const int8_t * x, size_t x_stride, int64_t n, int64_t cols, int64_t groups, uint8_t * xp) {
    const int64_t steps = cols / kTileBytes;
    for (int64_t g = 0; g < groups; ++g)
        for (int64_t s = 0; s < steps; ++s) {
            uint32_t * dst = reinterpret_cast<uint32_t *>(xp + (g * steps + s) * kTileRows * kTileBytes);
            for (int j = 0; j < kTileRows; ++j) {
                const int64_t t = g * kTileRows + j;
                if (t >= n) {
                    for (int kk = 0; kk < kTileRows; ++kk) dst[kk * kTileRows + j] = 0;
                    continue;
                }
                uint32_t src[kTileRows];
                std::memcpy(src, x + t * x_stride + s * kTileBytes, sizeof src);
                for (int kk = 0; kk < kTileRows; ++kk) dst[kk * kTileRows + j] = src[kk];
            }
        }
}

int32_t sum_i8(const int8_t * x, int64_t cols) {
    const __m512i ones = _mm512_set1_epi8(1);
    __m512i acc = _mm512_setzero_si512();
    for (int64_t k = 0; k < cols; k += 64) acc = _mm512_dpbusd_epi32(acc, ones, _mm512_loadu_si512(x + k));
    return _mm512_reduce_add_epi32(acc);
}

// A per-thread buffer of at least n bytes, 64-byte aligned.
struct Scratch {
    uint8_t * p = nullptr;
    size_t cap = 0;
    ~Scratch() { aligned_free(p); }
    uint8_t * get(size_t n) {
        if (n > cap) {
            aligned_free(p);
            p = static_cast<uint8_t *>(aligned_malloc((n + 63) / 64 * 64, 64));
            cap = p ? n : 0;
        }
        return p;
    }
};

void ternary_gemm_amx(const uint8_t * w, size_t w_stride, int64_t rows, int64_t cols, const int8_t * x, size_t x_stride,
                      int64_t n, int32_t * y, size_t y_stride) {
    const KernelTable & avx512 = kernels_avx512();
    if (n < kAmxMinTokens) {  // too few tokens to fill a tile: the AVX-512 kernels
        avx512.ternary_gemm(w, w_stride, rows, cols, x, x_stride, n, y, y_stride);
        return;
    }
    thread_local Scratch panel_buf, token_buf, sum_buf;
    const int64_t steps = cols / kTileBytes;
    const int64_t groups = ((n + kTileRows - 1) / kTileRows + 1) / 2 * 2;  // even: two B tiles per block
    uint8_t * panel = panel_buf.get(static_cast<size_t>(kPanel * cols));
    uint8_t * xp = token_buf.get(static_cast<size_t>(groups * steps * kTileRows * kTileBytes));
    int32_t * sums = reinterpret_cast<int32_t *>(sum_buf.get(static_cast<size_t>(n) * 4 + 4 * kTileRows * kTileRows * 4));
    if (!panel || !xp || !sums) {
        avx512.ternary_gemm(w, w_stride, rows, cols, x, x_stride, n, y, y_stride);
        return;
    }
    int32_t * cbuf = sums + n;  // four 16x16 C tiles
    for (int64_t t = 0; t < n; ++t) sums[t] = sum_i8(x + t * x_stride, cols);
    pack_tokens(x, x_stride, n, cols, groups, xp);

    configure_tiles();
    for (int64_t r0 = 0; r0 < rows; r0 += kPanel) {
        const int nr = rows - r0 >= kPanel ? kPanel : static_cast<int>(rows - r0);
        decode_panel(w + r0 * w_stride, w_stride, nr, cols, panel);
        for (int64_t g = 0; g < groups; g += 2) {
            _tile_zero(0);
            _tile_zero(1);
            _tile_zero(2);
            _tile_zero(3);
            const uint8_t * b0 = xp + g * steps * kTileRows * kTileBytes;
            const uint8_t * b1 = b0 + steps * kTileRows * kTileBytes;
            for (int64_t s = 0; s < steps; ++s) {
                _tile_loadd(4, panel + s * kTileBytes, cols);
                _tile_loadd(5, panel + kTileRows * cols + s * kTileBytes, cols);
                _tile_loadd(6, b0 + s * kTileRows * kTileBytes, kTileBytes);
                _tile_loadd(7, b1 + s * kTileRows * kTileBytes, kTileBytes);
                _tile_dpbusd(0, 4, 6);
                _tile_dpbusd(1, 4, 7);
                _tile_dpbusd(2, 5, 6);
                _tile_dpbusd(3, 5, 7);
            }
            // C tile (i, j): rows 16i.., tokens of group g + j; element [row][token].
            _tile_stored(0, cbuf, kTileBytes);
            _tile_stored(1, cbuf + 256, kTileBytes);
            _tile_stored(2, cbuf + 512, kTileBytes);
            _tile_stored(3, cbuf + 768, kTileBytes);
            for (int i = 0; i < 2; ++i)
                for (int j = 0; j < 2; ++j) {
                    const int32_t * c = cbuf + (i * 2 + j) * 256;
                    for (int tt = 0; tt < kTileRows; ++tt) {
                        const int64_t t = (g + j) * kTileRows + tt;
                        if (t >= n) break;
                        for (int rr = 0; rr < kTileRows; ++rr) {
                            const int64_t r = i * kTileRows + rr;
                            if (r >= nr) break;
                            y[t * y_stride + r0 + r] = c[rr * kTileRows + tt] - sums[t];
                        }
                    }
                }
        }
    }
    _tile_release();
}

// CPU has AMX-TILE and AMX-INT8, and the OS lets this process use the tile data.
bool amx_usable() {
    static const bool ok = [] {
#if defined(TERN_X86_EMULATION)
        return true;  // tiles in software: nothing to ask of the CPU or the OS
#else
        unsigned a, b, c, d;
        if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
        if (!((d >> 24) & 1) || !((d >> 25) & 1)) return false;
#if defined(__linux__)
        constexpr long kReqXcompPerm = 0x1023;  // ARCH_REQ_XCOMP_PERM
        constexpr long kXtileData = 18;         // XFEATURE_XTILEDATA
        if (syscall(SYS_arch_prctl, kReqXcompPerm, kXtileData) != 0) return false;
        unsigned lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        return ((lo >> 17) & 3) == 3;
#else
        return false;
#endif
#endif  // TERN_X86_EMULATION
    }();
    return ok;
}

}  // namespace

const KernelTable * kernels_amx() {
    if (!amx_usable()) return nullptr;
    static const KernelTable table = [] {
        KernelTable t = kernels_avx512();
        t.name = "amx";
        t.ternary_gemm = ternary_gemm_amx;
        return t;
    }();
    return &table;
}

}  // namespace tern

#if defined(__clang__) && !defined(TERN_X86_EMULATION)
#pragma clang attribute pop
#endif

#endif  // Linux with GCC or Clang
