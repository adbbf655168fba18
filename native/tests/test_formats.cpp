// Weight format decoders against hand-built blocks (the bit layouts of BITNET.md), encoder
// round trips, whole-tensor row decoding, and the repack into the kernels' layout.
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "formats/formats.h"
#include "gguf/gguf.h"
#include "kernels/kernels.h"
#include "test.h"

using namespace tern;
using namespace tern::formats;

TEST_CASE("I2_S block: byte j%32, shift 6 - 2*(j/32), codes 0/1/2 = -1/0/+1") {
    uint8_t block[32];
    std::memset(block, 0x55, 32);  // every code 1: zero
    block[5] = 0x92;               // 10 01 00 10
    int8_t t[128];
    REQUIRE(decode_i2s_block(block, t));
    CHECK(t[5] == 1);
    CHECK(t[37] == 0);
    CHECK(t[69] == -1);
    CHECK(t[101] == 1);
    int nonzero = 0;
    for (int j = 0; j < 128; ++j) nonzero += t[j] != 0;
    CHECK(nonzero == 3);
    block[9] = 0xC0;  // code 3 in element 9
    CHECK(!decode_i2s_block(block, t));
}

TEST_CASE("TQ2_0 block: half h, byte m holds m + 32n at bits 2n (LSB first)") {
    uint8_t block[66];
    std::memset(block, 0x55, 64);
    block[32 + 3] = 0x1A;  // 00 01 10 10 -> n0 = 2, n1 = 2, n2 = 1, n3 = 0
    const uint16_t d = f32_to_f16(0.25f);
    std::memcpy(block + 64, &d, 2);
    int8_t t[256];
    float scale = 0;
    REQUIRE(decode_tq2_block(block, t, &scale));
    CHECK(scale == 0.25f);
    CHECK(t[128 + 3] == 1);
    CHECK(t[128 + 35] == 1);
    CHECK(t[128 + 67] == 0);
    CHECK(t[128 + 99] == -1);
    int nonzero = 0;
    for (int j = 0; j < 256; ++j) nonzero += t[j] != 0;
    CHECK(nonzero == 3);
}

TEST_CASE("TQ1_0 block: base 3, first trit most significant, byte = ceil(v*256/243)") {
    uint8_t block[54];
    // all digits 1 (zero weight): v = 121 -> ceil(121*256/243) = 128
    std::memset(block, 0, 54);
    for (int i = 0; i < 48; ++i) block[i] = 128;
    for (int j = 0; j < 4; ++j) block[48 + j] = static_cast<uint8_t>((120 * 256 + 242) / 243);  // 1,1,1,1,0
    // qs[7]: digits 2,0,1,1,2 -> v = 176 -> 186
    block[7] = 186;
    // qs[36] (= 32 + 4): digits 0,2,2,1,0 -> v = 0 + 54 + 18 + 3 + 0 = 75 -> ceil(75*256/243) = 80
    block[36] = 80;
    // qh[2]: digits 0,2,1,1,(0) -> v = 0 + 54 + 9 + 3 = 66 -> ceil(66*256/243) = 70
    block[50] = 70;
    const uint16_t d = f32_to_f16(1.5f);
    std::memcpy(block + 52, &d, 2);
    int8_t t[256];
    float scale = 0;
    REQUIRE(decode_tq1_block(block, t, &scale));
    CHECK(scale == 1.5f);
    const int expect7[5] = {1, -1, 0, 0, 1};
    for (int n = 0; n < 5; ++n) CHECK(t[7 + 32 * n] == expect7[n]);
    const int expect36[5] = {-1, 1, 1, 0, -1};
    for (int n = 0; n < 5; ++n) CHECK(t[160 + 4 + 16 * n] == expect36[n]);
    const int expect_qh[4] = {-1, 1, 0, 0};
    for (int m = 0; m < 4; ++m) CHECK(t[240 + 2 + 4 * m] == expect_qh[m]);
    int nonzero = 0;
    for (int j = 0; j < 256; ++j) nonzero += t[j] != 0;
    CHECK(nonzero == 3 + 4 + 2);
}

TEST_CASE("encoders round-trip through the decoders") {
    std::mt19937 rng(7);
    for (int rep = 0; rep < 50; ++rep) {
        int8_t in[256], out[256];
        for (int8_t & v : in) v = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
        uint8_t b32[32], b66[66], b54[54];
        encode_i2s_block(in, b32);
        REQUIRE(decode_i2s_block(b32, out));
        CHECK(std::memcmp(in, out, 128) == 0);
        float d = 0;
        encode_tq2_block(in, 0x3c00, b66);
        REQUIRE(decode_tq2_block(b66, out, &d));
        CHECK(std::memcmp(in, out, 256) == 0);
        CHECK(d == 1.0f);
        encode_tq1_block(in, 0x3800, b54);
        REQUIRE(decode_tq1_block(b54, out, &d));
        CHECK(std::memcmp(in, out, 256) == 0);
        CHECK(d == 0.5f);
    }
}

static std::vector<int8_t> random_trits(int64_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<int8_t> t(static_cast<size_t>(n));
    for (int8_t & v : t) v = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
    return t;
}

TEST_CASE("tensor rows: I2_S (garbage tail), TQ2_0, TQ1_0 agree and repack exactly") {
    const int64_t rows = 12, cols = 768;
    const auto w = random_trits(rows * cols, 11);
    // I2_S: flattened blocks, scale, then 28 garbage bytes
    std::vector<uint8_t> i2s(rows * cols / 4 + 32);
    for (int64_t b = 0; b < rows * cols / 128; ++b) encode_i2s_block(&w[b * 128], &i2s[b * 32]);
    const float s = 0.0371f;
    std::memcpy(&i2s[rows * cols / 4], &s, 4);
    for (int i = 4; i < 32; ++i) i2s[rows * cols / 4 + i] = static_cast<uint8_t>(0xA5 + i);
    std::vector<uint8_t> tq2(rows * cols / 256 * 66), tq1(rows * cols / 256 * 54);
    const uint16_t dh = f32_to_f16(0.0371f);
    for (int64_t b = 0; b < rows * cols / 256; ++b) {
        encode_tq2_block(&w[b * 256], dh, &tq2[b * 66]);
        encode_tq1_block(&w[b * 256], dh, &tq1[b * 54]);
    }
    TernaryTensor ts[3] = {{"i2s", gguf::I2_S, rows, cols, i2s.data(), i2s.size()},
                           {"tq2", gguf::TQ2_0, rows, cols, tq2.data(), tq2.size()},
                           {"tq1", gguf::TQ1_0, rows, cols, tq1.data(), tq1.size()}};
    for (const TernaryTensor & t : ts) {
        std::string err;
        REQUIRE(check_ternary(t, &err));
        std::vector<int8_t> row(cols), back(cols);
        std::vector<uint8_t> packed(ternary_row_bytes(cols));
        for (int64_t r = 0; r < rows; ++r) {
            std::vector<float> scales(ternary_scale_blocks(cols), -1.0f), read(scales.size(), -1.0f);
            REQUIRE(decode_ternary_row(t, r, row.data(), scales.data(), &err));
            REQUIRE(ternary_row_scales(t, r, read.data(), &err));
            CHECK(std::memcmp(row.data(), &w[r * cols], cols) == 0);
            for (size_t b = 0; b < scales.size(); ++b) {
                CHECK(std::fabs(scales[b] - 0.0371f) < 1e-4f);
                CHECK(read[b] == scales[b]);
            }
            ternary_pack_row(row.data(), cols, packed.data());
            ternary_unpack_row(packed.data(), cols, back.data());
            CHECK(std::memcmp(row.data(), back.data(), cols) == 0);
        }
    }
    // Too short a buffer, a bad shape, a non-finite scale.
    std::string err;
    TernaryTensor shortt = ts[1];
    shortt.n_bytes -= 1;
    CHECK(!check_ternary(shortt, &err));
    TernaryTensor badcols = ts[0];
    badcols.cols = 100;
    CHECK(!check_ternary(badcols, &err));
    std::vector<uint8_t> nan_i2s = i2s;
    const float nanv = NAN;
    std::memcpy(&nan_i2s[rows * cols / 4], &nanv, 4);
    TernaryTensor nant = ts[0];
    nant.data = nan_i2s.data();
    CHECK(!check_ternary(nant, &err));
}

TEST_CASE("I2_S rows that start inside a block (blocks run over the flattened tensor)") {
    const int64_t rows = 4, cols = 96;  // 384 weights: 3 blocks, rows 1 and 2 straddle two
    const auto w = random_trits(rows * cols, 5);
    std::vector<uint8_t> i2s(rows * cols / 4 + 32, 0);
    for (int64_t b = 0; b < rows * cols / 128; ++b) encode_i2s_block(&w[b * 128], &i2s[b * 32]);
    const float s = 0.5f;
    std::memcpy(&i2s[rows * cols / 4], &s, 4);
    TernaryTensor t{"odd", gguf::I2_S, rows, cols, i2s.data(), i2s.size()};
    std::string err;
    REQUIRE(check_ternary(t, &err));
    std::vector<int8_t> row(cols);
    float scales[1];
    for (int64_t r = 0; r < rows; ++r) {
        REQUIRE(decode_ternary_row(t, r, row.data(), scales, &err));
        CHECK(std::memcmp(row.data(), &w[r * cols], cols) == 0);
        CHECK(scales[0] == 0.5f);
    }
    // 100 x 3 = 300 weights is no whole number of blocks.
    TernaryTensor bad{"bad", gguf::I2_S, 3, 100, i2s.data(), i2s.size()};
    CHECK(!check_ternary(bad, &err));
    CHECK(err.find("not a multiple of 128") != std::string::npos);
}

TEST_CASE("TQ rows: each block's own scale (TriLM's model-parallel shards), 0 for an all-zero block") {
    const int64_t cols = 768;
    std::vector<int8_t> w(cols, 1), zero(256, 0);
    std::vector<uint8_t> tq2(3 * 66), tq1(3 * 54);
    const float d[3] = {0.5f, 0.25f, 9.0f};
    for (int b = 0; b < 3; ++b) {
        encode_tq2_block(b == 2 ? zero.data() : w.data(), f32_to_f16(d[b]), &tq2[b * 66]);
        encode_tq1_block(b == 2 ? zero.data() : w.data(), f32_to_f16(d[b]), &tq1[b * 54]);
    }
    for (const TernaryTensor & t : {TernaryTensor{"tq2", gguf::TQ2_0, 1, cols, tq2.data(), tq2.size()},
                                    TernaryTensor{"tq1", gguf::TQ1_0, 1, cols, tq1.data(), tq1.size()}}) {
        std::vector<int8_t> row(cols);
        float scales[3], read[3];
        std::string err;
        REQUIRE(decode_ternary_row(t, 0, row.data(), scales, &err));
        CHECK(scales[0] == 0.5f && scales[1] == 0.25f && scales[2] == 0.0f);
        // Without decoding, the stored scale: the loader's plan counts only its non-zero ones.
        REQUIRE(ternary_row_scales(t, 0, read, &err));
        CHECK(read[0] == 0.5f && read[1] == 0.25f && read[2] == 9.0f);
    }
    // A non-finite scale on a block that holds weights is an error.
    encode_tq2_block(w.data(), 0x7e00, &tq2[66]);  // NaN
    TernaryTensor bad{"nan", gguf::TQ2_0, 1, cols, tq2.data(), tq2.size()};
    std::vector<int8_t> row(cols);
    float scales[3];
    std::string err;
    CHECK(!decode_ternary_row(bad, 0, row.data(), scales, &err));
    CHECK(err.find("not finite") != std::string::npos);
    CHECK(!ternary_row_scales(bad, 0, scales, &err));
}

TEST_CASE("float rows: F32, F16, BF16") {
    const float vals[4] = {1.0f, -2.5f, 0.125f, 3.0f};
    std::vector<uint8_t> f32(16), f16(8), bf16(8);
    std::memcpy(f32.data(), vals, 16);
    for (int i = 0; i < 4; ++i) {
        const uint16_t h = f32_to_f16(vals[i]);
        std::memcpy(&f16[2 * i], &h, 2);
        uint32_t bits;
        std::memcpy(&bits, &vals[i], 4);
        const uint16_t b = static_cast<uint16_t>(bits >> 16);
        std::memcpy(&bf16[2 * i], &b, 2);
    }
    float out[2];
    for (uint32_t type : {uint32_t(gguf::F32), uint32_t(gguf::F16), uint32_t(gguf::BF16)}) {
        const uint8_t * d = type == gguf::F32 ? f32.data() : type == gguf::F16 ? f16.data() : bf16.data();
        float_row(type, d, 2, 1, out);
        CHECK(out[0] == 0.125f);
        CHECK(out[1] == 3.0f);
    }
}

TEST_MAIN("test_formats")
