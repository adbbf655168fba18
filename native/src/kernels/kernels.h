// The engine's compute kernels: one signature each, a scalar reference for every one
// (kernels_scalar.cpp), and one file per instruction set (x86_avx2.cpp, x86_avx512.cpp,
// arm_neon.cpp), each compiled with its own flags. `kernels()` returns the table for the path
// chosen at run time (tern_isa_name(): CPU features, or TERN_ISA).
//
// Contract every implementation keeps (the tests check it):
//  - Ternary dot products are exact int32 sums, so every path gives the same integers.
//  - For every output, the GEMM result is bit-identical to the GEMV result for that token:
//    prefill of N tokens must equal N single steps. Float kernels therefore use one fixed
//    summation order per output, whatever the batch size, row range or thread.
//  - Kernels write only their outputs (the tests put guard bytes around them).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tern {

// Ternary weights in the engine's own packed layout (see kernels/README.md for the bytes).
// A matrix is `rows` rows of `cols` weights in {-1, 0, +1}; each row takes
// ternary_row_bytes(cols) bytes; cols must be a multiple of kTernaryColsMultiple.
constexpr int64_t kTernaryColsMultiple = 128;
size_t ternary_row_bytes(int64_t cols);
// A row of `cols` weights as packed: padded with zero weights to a multiple of kTernaryColsMultiple.
int64_t ternary_packed_cols(int64_t cols);
// Packs one row of trits (each -1, 0 or +1) into `out` (ternary_row_bytes(cols) bytes).
void ternary_pack_row(const int8_t * trits, int64_t cols, uint8_t * out);
// The inverse, for tests and tools.
void ternary_unpack_row(const uint8_t * packed, int64_t cols, int8_t * trits);

// A Q6_K head (README.md, "The Q6_K head"): rows of `cols` (a multiple of kQ6Super) weights,
// each 256-weight superblock = 16 sub-blocks of 16 with an int8 scale each, one IEEE-half scale
// d, and 6-bit codes u in [0, 63]: w = d * sc[sub] * (u - 32). The codes are split into planes:
// per 64-weight group g of a superblock, ql byte 32g + (j % 32) holds weight j's low 4 bits
// (low nibble for j < 32, high nibble for j >= 32) and qh byte 16g + (j % 16) its high 2 bits
// at bit 2 * (j / 16). Row r's planes start at ql + r*cols/2, qh + r*cols/4, sc + r*cols/16,
// d + r*cols/256. 6.5625 bits per weight.
struct Q6Matrix {
    const uint8_t * ql;
    const uint8_t * qh;
    const int8_t * sc;
    const uint16_t * d;
};
constexpr int64_t kQ6Super = 256;

struct KernelTable {
    const char * name;  // "scalar", "avx2", "avxvnni", "avx512", "amx", "neon"

    // y[r] = sum_k W[r][k] * x[k] for r in [0, rows); W packed, row r at w + r * w_stride.
    void (*ternary_gemv)(const uint8_t * w, size_t w_stride, int64_t rows, int64_t cols,
                         const int8_t * x, int32_t * y);
    // Y[t][r] = sum_k W[r][k] * X[t][k] for t in [0, n), r in [0, rows).
    void (*ternary_gemm)(const uint8_t * w, size_t w_stride, int64_t rows, int64_t cols,
                         const int8_t * x, size_t x_stride, int64_t n, int32_t * y, size_t y_stride);

    // Per-token int8 activation quantization (BitNet b1.58 absmax):
    // s = 127 / max(max|x|, 1e-5); q[i] = clamp(round_half_away(x[i] * s), -128, 127). Returns s.
    float (*quantize_i8)(const float * x, int64_t n, int8_t * q);

    // y[r] = dot(W[r], x) with W in IEEE half (row r at w + r * w_stride elements), x float.
    void (*f16_gemv)(const uint16_t * w, size_t w_stride, int64_t rows, int64_t cols,
                     const float * x, float * y);
    // Y[t][r] = dot(W[r], X[t]); bit-identical to f16_gemv per output.
    void (*f16_gemm)(const uint16_t * w, size_t w_stride, int64_t rows, int64_t cols,
                     const float * x, size_t x_stride, int64_t n, float * y, size_t y_stride);

    // Float helpers for norms and attention (fixed summation order per call).
    float (*dot_f32)(const float * a, const float * b, int64_t n);
    // Attention's weighted sums of value rows in IEEE half (row r at v + r * v_stride elements)
    // for n heads sharing them: y_h[i] += a_h[r] * V[r][i], with a_h = a + h * a_stride and
    // y_h = y + h * y_stride, for r = 0, 1, .., rows - 1 in that order, each term one fused
    // multiply-add (std::fma). So every path gives the same bits, and n heads at once the bits
    // of one at a time (paths may read each row once for two heads).
    void (*f16_axpy_rows)(const uint16_t * v, size_t v_stride, int64_t rows, int64_t cols, const float * a,
                          size_t a_stride, int64_t n, float * y, size_t y_stride);

    // Rows of IEEE half <-> float (embedding lookups, KV cache); exact, same bits as
    // f16_to_f32 / f32_to_f16 on every path (round to nearest even, NaN stays NaN and quiet).
    void (*f16_to_f32_row)(const uint16_t * h, float * f, int64_t n);
    void (*f32_to_f16_row)(const float * f, uint16_t * h, int64_t n);

    // Q8_0 LM head (README.md, "The Q8_0 head"): `cols` (a multiple of kQ8Block) int8 weights
    // per row, row r at w + r * cols, in blocks of 32 with one IEEE-half scale each (row r's at
    // w_scale + r * cols/32); activations quantized the same way by quantize_q8_blocks (token
    // t at x + t * cols, scales at x_scale + t * cols/32). Each block's integer dot product is
    // exact; blocks are combined in float in one fixed order per path, so gemm == gemv per
    // output and any row split gives the same bits.
    void (*q8_gemv)(const int8_t * w, const uint16_t * w_scale, int64_t rows, int64_t cols,
                    const int8_t * x, const float * x_scale, float * y);
    void (*q8_gemm)(const int8_t * w, const uint16_t * w_scale, int64_t rows, int64_t cols,
                    const int8_t * x, const float * x_scale, int64_t n, float * y, size_t y_stride);

    // Q6_K head, rows [r0, r0 + rows) of w; activations as for q8 (quantize_q8_blocks). The
    // same contract: exact integer sums per 16-weight sub-block, combined in float in one fixed
    // order per path; gemm == gemv per output.
    void (*q6_gemv)(const Q6Matrix & w, int64_t r0, int64_t rows, int64_t cols, const int8_t * x, const float * x_scale,
                    float * y);
    void (*q6_gemm)(const Q6Matrix & w, int64_t r0, int64_t rows, int64_t cols, const int8_t * x, const float * x_scale,
                    int64_t n, float * y, size_t y_stride);
};

// Q8_0 blocks: 32 values, one scale.
constexpr int64_t kQ8Block = 32;
// Activations for the Q8_0 head, the same on every path: per block of 32, d = max|x| / 127,
// q = round_half_away(x / d) (all zero when d is 0); writes n/32 scales (n a multiple of 32).
void quantize_q8_blocks(const float * x, int64_t n, int8_t * q, float * scales);
// Weights for the Q8_0 head (at load): the same with d stored as IEEE half and q computed from
// that rounded d, so the stored pair reproduces the row as closely as the half allows.
void quantize_q8_weights(const float * x, int64_t n, int8_t * q, uint16_t * scales);
// One row of n (a multiple of 256) weights into the Q6_K planes (ql n/2, qh n/4, sc n/16, d n/256).
void quantize_q6_row(const float * x, int64_t n, uint8_t * ql, uint8_t * qh, int8_t * sc, uint16_t * d);
// The 6-bit code u (0..63) of weight k of a Q6_K row (tests and the scalar kernels).
int q6_code(const uint8_t * ql, const uint8_t * qh, int64_t k);

// The scalar reference table (always present).
const KernelTable & kernels_scalar();
// The table for a named path, or nullptr when this build or CPU lacks it.
const KernelTable * kernels_for(const char * isa);
// The table the engine uses (tern_isa_name()).
const KernelTable & kernels();

// The path whose own code runs `table`'s ternary product of n_tokens tokens, the way Context
// runs it (a GEMV for one token, the GEMM for more). A table can borrow kernels from another
// path's table (amx = avx512 with an AMX GEMM, avxvnni = avx2 with a VNNI GEMV), and a kernel
// is named after the first path, in the order kernels_for() knows them, whose table holds it;
// so this can differ from table.name.
const char * ternary_path(const KernelTable & table, int64_t n_tokens);

// IEEE half <-> float, exact, for every path.
float f16_to_f32(uint16_t h);
uint16_t f32_to_f16(float f);

}  // namespace tern
