// Kernel tests (first cut): the packed layout round trip and the scalar ternary GEMV against a
// plain dot product.
#include "kernels/kernels.h"
#include "test.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

using namespace tern;

TEST_CASE("ternary pack/unpack round trip and scalar gemv") {
    std::mt19937 rng(1);
    for (int64_t cols : {128, 256, 512, 768, 2560, 6912}) {
        const int64_t rows = 7;
        const size_t rb = ternary_row_bytes(cols);
        std::vector<int8_t> trits(rows * cols), back(cols), x(cols);
        std::vector<uint8_t> packed(rows * rb);
        for (auto & t : trits) t = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
        for (auto & v : x) v = static_cast<int8_t>(static_cast<int>(rng() % 256) - 128);
        for (int64_t r = 0; r < rows; ++r) {
            ternary_pack_row(&trits[r * cols], cols, &packed[r * rb]);
            ternary_unpack_row(&packed[r * rb], cols, back.data());
            CHECK(std::equal(back.begin(), back.end(), trits.begin() + r * cols));
        }
        std::vector<int32_t> y(rows);
        kernels_scalar().ternary_gemv(packed.data(), rb, rows, cols, x.data(), y.data());
        for (int64_t r = 0; r < rows; ++r) {
            int32_t want = 0;
            for (int64_t k = 0; k < cols; ++k) want += trits[r * cols + k] * x[k];
            CHECK(y[r] == want);
        }
    }
}

TEST_MAIN("test_kernels")
