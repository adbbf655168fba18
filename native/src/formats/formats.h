// Weight formats as they appear in GGUF files, decoded to what the engine works with:
//  - ternary tensors (I2_S, TQ1_0, TQ2_0) -> rows of trits {-1, 0, +1} and a scale per 256
//    columns (I2_S: one per tensor; TQ: each block's own), which the loader repacks into the
//    kernels' layout (kernels/ternary_layout.h, 1.6 bits);
//  - float tensors (F32, F16, BF16) -> float rows.
// The block decoders and encoders are public: the tests and `tern synth` use them.
//
// Bit layouts (BITNET.md):
//  I2_S  (id 36): 128-element blocks of 32 bytes over the flattened tensor; element j of a block
//        is in byte j % 32 at shift 6 - 2*(j / 32); codes 0/1/2 = -1/0/+1. One float32 scale at
//        byte n/4 (the 32-byte tail; only its first float is read).
//  TQ2_0 (id 35): 256-element blocks {qs[64], fp16 d}; in each 128-element half, byte m holds
//        element m + 32n at bits 2n..2n+1; value = (code - 1) * d.
//  TQ1_0 (id 34): 256-element blocks {qs[48], qh[4], fp16 d}; base-3, 5 trits per byte, first
//        trit most significant, byte = ceil(v * 256 / 243); qs[0..31] hold m + 32n (n < 5),
//        qs[32..47] hold 160 + m + 16n, qh[0..3] hold 240 + j + 4m (4 trits each).
#pragma once

#include <cstdint>
#include <string>

namespace tern {
namespace formats {

constexpr int64_t kI2sBlock = 128;
constexpr int64_t kI2sBlockBytes = 32;
constexpr int64_t kTqBlock = 256;
constexpr int64_t kTq2BlockBytes = 66;
constexpr int64_t kTq1BlockBytes = 54;
constexpr int64_t kQ8Block = 32;        // Q8_0 (id 8): blocks {fp16 d, int8 q[32]}, value = d * q
constexpr int64_t kQ8BlockBytes = 34;

bool is_ternary_type(uint32_t ggml_type);
bool is_float_type(uint32_t ggml_type);  // F32, F16, BF16

// Block decoders: false when a code is not a trit (I2_S / TQ2_0 code 3, TQ1_0 digit > 2 cannot
// happen by construction but a byte >= 243*256/243 is checked).
bool decode_i2s_block(const uint8_t * block, int8_t * trits /*[128]*/);
bool decode_tq2_block(const uint8_t * block, int8_t * trits /*[256]*/, float * d);
bool decode_tq1_block(const uint8_t * block, int8_t * trits /*[256]*/, float * d);

// Block encoders (`d` is the fp16 bits of the block scale for TQ).
void encode_i2s_block(const int8_t * trits /*[128]*/, uint8_t * block /*[32]*/);
void encode_tq2_block(const int8_t * trits /*[256]*/, uint16_t d, uint8_t * block /*[66]*/);
void encode_tq1_block(const int8_t * trits /*[256]*/, uint16_t d, uint8_t * block /*[54]*/);

// A ternary weight matrix as stored in a file: `rows` rows of `cols` weights (cols = ne[0]).
struct TernaryTensor {
    std::string name;
    uint32_t type = 0;
    int64_t rows = 0, cols = 0;
    const uint8_t * data = nullptr;
    uint64_t n_bytes = 0;
};

// Checks type, shape and size before any row is decoded: I2_S needs a multiple of 128 weights in
// all (its blocks run over the flattened tensor, so rows may have any length), TQ rows a multiple
// of 256.
bool check_ternary(const TernaryTensor & t, std::string * error);
// Scales per 256 columns of a row: ternary_scale_blocks(cols) entries (a short last one for I2_S).
inline int64_t ternary_scale_blocks(int64_t cols) { return (cols + kTqBlock - 1) / kTqBlock; }
// Decodes row `row` into cols trits and scales[ternary_scale_blocks(cols)]: value = trit * scale
// of its 256 columns. TQ1_0/TQ2_0 blocks carry their own scale (0 here for a block whose trits
// are all zero); I2_S has one for the whole tensor, repeated in every entry.
bool decode_ternary_row(const TernaryTensor & t, int64_t row, int8_t * trits, float * scales, std::string * error);
// The scales alone, without decoding the trits (a block whose scale is 0 holds no weight in a
// quantizer's output): what the loader reads to plan a matrix's column segments.
bool ternary_row_scales(const TernaryTensor & t, int64_t row, float * scales, std::string * error);

// Float rows: row `row` of a [rows][cols] F32/F16/BF16/Q8_0 tensor into out[cols] (Q8_0: cols a
// multiple of 32; the scalar reference of the format).
void float_row(uint32_t type, const uint8_t * data, int64_t cols, int64_t row, float * out);

float bf16_to_f32(uint16_t h);

}  // namespace formats
}  // namespace tern
