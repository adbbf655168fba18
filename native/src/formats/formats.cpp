#include "formats/formats.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "gguf/gguf.h"
#include "kernels/kernels.h"

namespace tern {
namespace formats {

bool is_ternary_type(uint32_t t) { return t == gguf::I2_S || t == gguf::TQ1_0 || t == gguf::TQ2_0; }
bool is_float_type(uint32_t t) { return t == gguf::F32 || t == gguf::F16 || t == gguf::BF16; }

float bf16_to_f32(uint16_t h) {
    const uint32_t bits = static_cast<uint32_t>(h) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

// ---- I2_S ----------------------------------------------------------------------------------

bool decode_i2s_block(const uint8_t * block, int8_t * trits) {
    bool ok = true;
    for (int j = 0; j < 128; ++j) {
        const int code = (block[j % 32] >> (6 - 2 * (j / 32))) & 3;
        ok &= code != 3;
        trits[j] = static_cast<int8_t>(code - 1);
    }
    return ok;
}

void encode_i2s_block(const int8_t * trits, uint8_t * block) {
    std::memset(block, 0, 32);
    for (int j = 0; j < 128; ++j)
        block[j % 32] |= static_cast<uint8_t>((trits[j] + 1) << (6 - 2 * (j / 32)));
}

// ---- TQ2_0 ---------------------------------------------------------------------------------

bool decode_tq2_block(const uint8_t * block, int8_t * trits, float * d) {
    bool ok = true;
    for (int half = 0; half < 2; ++half)
        for (int m = 0; m < 32; ++m)
            for (int n = 0; n < 4; ++n) {
                const int code = (block[32 * half + m] >> (2 * n)) & 3;
                ok &= code != 3;
                trits[128 * half + m + 32 * n] = static_cast<int8_t>(code - 1);
            }
    uint16_t h;
    std::memcpy(&h, block + 64, 2);
    *d = f16_to_f32(h);
    return ok;
}

void encode_tq2_block(const int8_t * trits, uint16_t d, uint8_t * block) {
    std::memset(block, 0, 64);
    for (int half = 0; half < 2; ++half)
        for (int m = 0; m < 32; ++m)
            for (int n = 0; n < 4; ++n)
                block[32 * half + m] |= static_cast<uint8_t>((trits[128 * half + m + 32 * n] + 1) << (2 * n));
    std::memcpy(block + 64, &d, 2);
}

// ---- TQ1_0 ---------------------------------------------------------------------------------

// Trit n (0 = most significant) of a base-3 byte stored as ceil(v * 256 / 243).
static int tq1_trit(uint8_t byte, int n) {
    static const uint8_t pow3[5] = {1, 3, 9, 27, 81};
    const uint8_t m = static_cast<uint8_t>(byte * pow3[n]);
    return (m * 3) >> 8;
}

static uint8_t tq1_byte(const int * digits, int count) {
    int v = 0;
    for (int n = 0; n < 5; ++n) v = v * 3 + (n < count ? digits[n] : 0);
    return static_cast<uint8_t>((v * 256 + 242) / 243);
}

bool decode_tq1_block(const uint8_t * block, int8_t * trits, float * d) {
    const uint8_t * qs = block;
    const uint8_t * qh = block + 48;
    for (int m = 0; m < 32; ++m)
        for (int n = 0; n < 5; ++n) trits[m + 32 * n] = static_cast<int8_t>(tq1_trit(qs[m], n) - 1);
    for (int m = 0; m < 16; ++m)
        for (int n = 0; n < 5; ++n) trits[160 + m + 16 * n] = static_cast<int8_t>(tq1_trit(qs[32 + m], n) - 1);
    for (int j = 0; j < 4; ++j)
        for (int m = 0; m < 4; ++m) trits[240 + j + 4 * m] = static_cast<int8_t>(tq1_trit(qh[j], m) - 1);
    uint16_t h;
    std::memcpy(&h, block + 52, 2);
    *d = f16_to_f32(h);
    return true;  // every byte decodes to digits 0..2
}

void encode_tq1_block(const int8_t * trits, uint16_t d, uint8_t * block) {
    int digits[5];
    for (int m = 0; m < 32; ++m) {
        for (int n = 0; n < 5; ++n) digits[n] = trits[m + 32 * n] + 1;
        block[m] = tq1_byte(digits, 5);
    }
    for (int m = 0; m < 16; ++m) {
        for (int n = 0; n < 5; ++n) digits[n] = trits[160 + m + 16 * n] + 1;
        block[32 + m] = tq1_byte(digits, 5);
    }
    for (int j = 0; j < 4; ++j) {
        for (int m = 0; m < 4; ++m) digits[m] = trits[240 + j + 4 * m] + 1;
        block[48 + j] = tq1_byte(digits, 4);
    }
    std::memcpy(block + 52, &d, 2);
}

// ---- Tensors -------------------------------------------------------------------------------

static std::string describe(const TernaryTensor & t) {
    char buf[160];
    std::snprintf(buf, sizeof buf, " [%" PRId64 " x %" PRId64 "]", t.rows, t.cols);
    return "tensor '" + t.name + "' (" + (gguf::tensor_type_name(t.type) ? gguf::tensor_type_name(t.type) : "?") + buf + ")";
}

namespace {

float i2s_scale(const TernaryTensor & t) {
    const uint64_t n = static_cast<uint64_t>(t.rows) * static_cast<uint64_t>(t.cols);
    float s;
    std::memcpy(&s, t.data + n / 4, 4);  // the first float of the tail; the rest is ignored
    return s;
}

int64_t tq_block_bytes(uint32_t type) { return type == gguf::TQ2_0 ? kTq2BlockBytes : kTq1BlockBytes; }

const uint8_t * tq_block(const TernaryTensor & t, int64_t row, int64_t b) {
    const uint64_t first = static_cast<uint64_t>(row) * static_cast<uint64_t>(t.cols);
    return t.data + (first / kTqBlock + static_cast<uint64_t>(b)) * static_cast<uint64_t>(tq_block_bytes(t.type));
}

}  // namespace

bool check_ternary(const TernaryTensor & t, std::string * error) {
    if (!is_ternary_type(t.type)) {
        *error = describe(t) + ": not a ternary type";
        return false;
    }
    if (t.rows <= 0 || t.cols <= 0 || !t.data) {
        *error = describe(t) + ": empty";
        return false;
    }
    const uint64_t n = static_cast<uint64_t>(t.rows) * static_cast<uint64_t>(t.cols);
    // I2_S blocks run over the flattened tensor (a row may start inside one: 1bitLLM's 3B has rows
    // of 8640); TQ blocks are per row.
    if (t.type == gguf::I2_S ? n % kI2sBlock != 0 : t.cols % kTqBlock != 0) {
        *error = describe(t) + (t.type == gguf::I2_S ? ": holds " + std::to_string(n) + " weights, not a multiple of 128"
                                                     : ": rows of " + std::to_string(t.cols) + " weights are not a multiple of 256");
        return false;
    }
    uint64_t need = 0;
    if (t.type == gguf::I2_S) need = n / 4 + 4;
    else need = n / kTqBlock * static_cast<uint64_t>(tq_block_bytes(t.type));
    if (t.n_bytes < need) {
        *error = describe(t) + ": data is " + std::to_string(t.n_bytes) + " bytes, needs " + std::to_string(need);
        return false;
    }
    if (t.type == gguf::I2_S) {
        if (!std::isfinite(i2s_scale(t))) {
            *error = describe(t) + ": the I2_S scale is not a finite number";
            return false;
        }
    }
    return true;
}

bool ternary_row_scales(const TernaryTensor & t, int64_t row, float * scales, std::string * error) {
    const int64_t n_scales = ternary_scale_blocks(t.cols);
    if (t.type == gguf::I2_S) {
        std::fill(scales, scales + n_scales, i2s_scale(t));
        return true;
    }
    for (int64_t b = 0; b < n_scales; ++b) {
        uint16_t h;
        std::memcpy(&h, tq_block(t, row, b) + tq_block_bytes(t.type) - 2, 2);  // a TQ block ends with its fp16 scale
        scales[b] = f16_to_f32(h);
        if (!std::isfinite(scales[b])) {
            *error = describe(t) + ": block scale is not finite in row " + std::to_string(row);
            return false;
        }
    }
    return true;
}

bool decode_ternary_row(const TernaryTensor & t, int64_t row, int8_t * trits, float * scales, std::string * error) {
    if (t.type == gguf::I2_S) {
        std::fill(scales, scales + ternary_scale_blocks(t.cols), i2s_scale(t));
        // The blocks that hold elements [first, first + cols) of the flattened tensor, whole ones
        // decoded in place, the partial ones at either end through a block of scratch.
        const uint64_t first = static_cast<uint64_t>(row) * static_cast<uint64_t>(t.cols), end = first + static_cast<uint64_t>(t.cols);
        int8_t partial[kI2sBlock];
        for (uint64_t b = first / kI2sBlock; b * kI2sBlock < end; ++b) {
            const uint64_t b0 = b * kI2sBlock, lo = std::max(first, b0), hi = std::min(end, b0 + kI2sBlock);
            const bool whole = lo == b0 && hi == b0 + kI2sBlock;
            int8_t * out = whole ? trits + (b0 - first) : partial;
            if (!decode_i2s_block(t.data + b * kI2sBlockBytes, out)) {
                *error = describe(t) + ": invalid 2-bit code 3 in row " + std::to_string(row);
                return false;
            }
            if (!whole) std::memcpy(trits + (lo - first), partial + (lo - b0), static_cast<size_t>(hi - lo));
        }
        return true;
    }
    const bool tq2 = t.type == gguf::TQ2_0;
    for (int64_t b = 0; b < t.cols / kTqBlock; ++b) {
        const uint8_t * block = tq_block(t, row, b);
        int8_t * out = trits + b * kTqBlock;
        float d = 0;
        if (!(tq2 ? decode_tq2_block(block, out, &d) : decode_tq1_block(block, out, &d))) {
            *error = describe(t) + ": invalid 2-bit code 3 in row " + std::to_string(row);
            return false;
        }
        bool nonzero = false;
        for (int i = 0; i < kTqBlock; ++i) nonzero |= out[i] != 0;
        if (nonzero && !std::isfinite(d)) {
            *error = describe(t) + ": block scale is not finite in row " + std::to_string(row);
            return false;
        }
        scales[b] = nonzero ? d : 0.0f;
    }
    return true;
}

void float_row(uint32_t type, const uint8_t * data, int64_t cols, int64_t row, float * out) {
    if (type == gguf::F32) {
        std::memcpy(out, data + static_cast<size_t>(row) * cols * 4, static_cast<size_t>(cols) * 4);
    } else if (type == gguf::F16) {
        const uint8_t * p = data + static_cast<size_t>(row) * cols * 2;
        for (int64_t i = 0; i < cols; ++i) {
            uint16_t h;
            std::memcpy(&h, p + 2 * i, 2);
            out[i] = f16_to_f32(h);
        }
    } else if (type == gguf::Q8_0) {
        const int64_t nb = cols / kQ8Block;
        const uint8_t * p = data + static_cast<size_t>(row * nb) * kQ8BlockBytes;
        for (int64_t b = 0; b < nb; ++b, p += kQ8BlockBytes) {
            uint16_t h;
            std::memcpy(&h, p, 2);
            const float d = f16_to_f32(h);
            for (int64_t i = 0; i < kQ8Block; ++i) out[b * kQ8Block + i] = d * static_cast<float>(static_cast<int8_t>(p[2 + i]));
        }
    } else if (type == gguf::BF16) {
        const uint8_t * p = data + static_cast<size_t>(row) * cols * 2;
        for (int64_t i = 0; i < cols; ++i) {
            uint16_t h;
            std::memcpy(&h, p + 2 * i, 2);
            out[i] = bf16_to_f32(h);
        }
    }
}

}  // namespace formats
}  // namespace tern
