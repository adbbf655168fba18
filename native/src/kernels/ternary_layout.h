// The engine's packed ternary layout, shared by every kernel file (README.md has the bytes).
//
// A row of `cols` weights is cut into blocks of 320 columns; each block takes 64 bytes. Byte j
// of a block holds five base-3 digits d0..d4 (d = weight + 1, d0 most significant), digit i
// being the weight of column 320*b + 64*i + j. So "digit plane" i of the 64 bytes is 64
// consecutive columns, which a 512-, 256- or 128-bit register decodes at once against
// consecutive activations. The byte stores q = ceil(v * 256 / 243) for v = sum d_i * 3^(4-i),
// so digit i comes out with a multiply and a shift: m = (q * 3^i) mod 256, d_i = (3 * m) >> 8,
// i.e. d_i = (m >= 86) + (m >= 171).
//
// cols is a multiple of 128, so cols % 320 is 0, 64, 128, 192 or 256: the last block of a row
// may hold only 1..4 planes (unused digits are 1, a zero weight, and are never read).
// 5 weights per byte = 1.6 bits per weight (6912 columns: 1408 bytes = 1.63 bits).
//
// Only constants here (internal linkage), no inline functions: this header is included by
// files compiled with AVX-512 flags, and a shared inline function could be emitted with those
// instructions and picked by the linker for a caller on another CPU.
#pragma once

#include <cstdint>

namespace tern {
namespace ternary_layout {

constexpr int64_t kPlaneCols = 64;                      // columns per digit plane = bytes per block
constexpr int kDigits = 5;                              // digits (weights) per byte
constexpr int64_t kBlockCols = kPlaneCols * kDigits;    // 320 columns per block
constexpr int64_t kBlockBytes = kPlaneCols;             // 64 bytes per block
// 3^i mod 256 for digit i.
constexpr uint8_t kPow3[kDigits] = {1, 3, 9, 27, 81};
// m >= kDigitStep1 adds one to the digit, m >= kDigitStep2 another.
constexpr uint8_t kDigitStep1 = 86;
constexpr uint8_t kDigitStep2 = 171;

}  // namespace ternary_layout
}  // namespace tern
