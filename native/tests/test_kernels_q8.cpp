// Q8_0 head kernels: every path's q8_gemv / q8_gemm against an exact reference (integer block
// sums, combined in double), gemm == gemv bit for bit per output, any row split the same bits,
// batch-size invariance, guard bytes around every output; and the block quantizers.
#include "kernels/kernels.h"
#include "tern.h"
#include "test.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace tern;

namespace {

std::vector<const KernelTable *> paths() {
    std::vector<const KernelTable *> out;
    for (const char * name : {"scalar", "avx2", "avxvnni", "avx512", "amx", "neon"})
        if (const KernelTable * k = kernels_for(name)) out.push_back(k);
    return out;
}

std::string where(const KernelTable * k, const std::string & what) { return std::string(k->name) + ": " + what; }

// Floats with a spread of magnitudes (and some exact zeros and whole zero blocks).
std::vector<float> random_floats(std::mt19937 & rng, size_t n) {
    std::normal_distribution<float> g(0.0f, 1.0f);
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = rng() % 17 == 0 ? 0.0f : g(rng) * (rng() % 5 == 0 ? 8.0f : 1.0f);
    if (n >= 64)
        for (size_t i = 32; i < 64; ++i) v[i] = 0.0f;  // one all-zero block
    return v;
}

struct Q8Matrix {
    int64_t rows, cols;
    std::vector<int8_t> q;
    std::vector<uint16_t> s;
};

Q8Matrix make_matrix(std::mt19937 & rng, int64_t rows, int64_t cols) {
    Q8Matrix m{rows, cols, std::vector<int8_t>(static_cast<size_t>(rows * cols)), std::vector<uint16_t>(static_cast<size_t>(rows * cols / kQ8Block))};
    const std::vector<float> w = random_floats(rng, static_cast<size_t>(rows * cols));
    for (int64_t r = 0; r < rows; ++r) quantize_q8_weights(&w[r * cols], cols, &m.q[r * cols], &m.s[r * cols / kQ8Block]);
    return m;
}

// Exact block sums, combined in double.
double ref_dot(const Q8Matrix & m, int64_t r, const int8_t * x, const float * xs, double * mag) {
    double acc = 0;
    *mag = 0;
    for (int64_t b = 0; b < m.cols / kQ8Block; ++b) {
        int64_t s = 0, a = 0;
        for (int64_t k = b * kQ8Block; k < (b + 1) * kQ8Block; ++k) {
            s += m.q[r * m.cols + k] * x[k];
            a += std::abs(m.q[r * m.cols + k] * x[k]);
        }
        const double d = static_cast<double>(f16_to_f32(m.s[r * m.cols / kQ8Block + b])) * xs[b];
        acc += static_cast<double>(s) * d;
        *mag += static_cast<double>(a) * std::fabs(d);
    }
    return acc;
}

// A float sum of many terms: relative to the sum of magnitudes.
bool close_to(float got, double exact, double mag) { return std::fabs(got - exact) <= 1e-5 * mag + 1e-6; }

template <typename T>
struct Guarded {
    static constexpr size_t kGuard = 16;
    std::vector<T> v;
    explicit Guarded(size_t n) : v(n + 2 * kGuard) { std::memset(v.data(), 0xa5, v.size() * sizeof(T)); }
    T * data() { return v.data() + kGuard; }
    T & operator[](size_t i) { return v[i + kGuard]; }
    // Elements outside `written` keep the sentinel.
    template <typename W>
    bool untouched_outside(size_t n, W written) const {
        std::vector<unsigned char> sentinel(sizeof(T), 0xa5);
        for (size_t i = 0; i < v.size(); ++i) {
            const bool inside = i >= kGuard && i < kGuard + n;
            if (inside && written(i - kGuard)) continue;
            if (std::memcmp(&v[i], sentinel.data(), sizeof(T)) != 0) return false;
        }
        return true;
    }
};

}  // namespace

TEST_CASE("quantize_q8_blocks / quantize_q8_weights: |q| <= 127, error within half a step, zero blocks") {
    std::mt19937 rng(3);
    const int64_t n = 32 * 37;
    const std::vector<float> x = random_floats(rng, static_cast<size_t>(n));
    std::vector<int8_t> q(static_cast<size_t>(n)), qw(static_cast<size_t>(n));
    std::vector<float> s(static_cast<size_t>(n / 32));
    std::vector<uint16_t> sw(static_cast<size_t>(n / 32));
    quantize_q8_blocks(x.data(), n, q.data(), s.data());
    quantize_q8_weights(x.data(), n, qw.data(), sw.data());
    bool ok = true, okw = true, zero = true;
    for (int64_t i = 0; i < n; ++i) {
        const float d = s[i / 32], dw = f16_to_f32(sw[i / 32]);
        ok = ok && q[i] >= -127 && q[i] <= 127 && std::fabs(x[i] - q[i] * d) <= 0.5f * d * 1.0001f + 1e-30f;
        okw = okw && qw[i] >= -127 && qw[i] <= 127 && std::fabs(x[i] - qw[i] * dw) <= 0.5f * dw * 1.01f + 1e-30f;
    }
    for (int64_t i = 32; i < 64; ++i) zero = zero && q[i] == 0 && s[1] == 0.0f && qw[i] == 0;
    CHECK_MSG(ok, "activation blocks within half a step");
    CHECK_MSG(okw, "weight blocks within half a step of the half scale");
    CHECK_MSG(zero, "an all-zero block gives zeros and scale 0");
}

TEST_CASE("q8 gemv/gemm: every path near the exact sum, gemm == gemv bitwise, row splits, guards") {
    std::mt19937 rng(29);
    for (const KernelTable * k : paths()) {
        for (int64_t cols : {32, 64, 96, 256, 288, 544, 2560, 2592}) {
            const int64_t rows = 11, n = 5, nb = cols / kQ8Block;
            const Q8Matrix m = make_matrix(rng, rows, cols);
            const std::vector<float> xf = random_floats(rng, static_cast<size_t>(n * cols));
            std::vector<int8_t> x(static_cast<size_t>(n * cols));
            std::vector<float> xs(static_cast<size_t>(n * nb));
            for (int64_t t = 0; t < n; ++t) quantize_q8_blocks(&xf[t * cols], cols, &x[t * cols], &xs[t * nb]);
            const size_t y_stride = static_cast<size_t>(rows) + 3;
            Guarded<float> y(y_stride * n);
            k->q8_gemm(m.q.data(), m.s.data(), rows, cols, x.data(), xs.data(), n, y.data(), y_stride);
            CHECK_MSG(y.untouched_outside(y_stride * n, [&](size_t i) { return static_cast<int64_t>(i % y_stride) < rows; }),
                      where(k, "q8 gemm guards"));
            bool close = true, same = true, split = true;
            for (int64_t t = 0; t < n; ++t) {
                Guarded<float> yv(static_cast<size_t>(rows)), ys(static_cast<size_t>(rows));
                k->q8_gemv(m.q.data(), m.s.data(), rows, cols, &x[t * cols], &xs[t * nb], yv.data());
                k->q8_gemv(m.q.data(), m.s.data(), 3, cols, &x[t * cols], &xs[t * nb], ys.data());
                k->q8_gemv(m.q.data() + 3 * cols, m.s.data() + 3 * nb, rows - 3, cols, &x[t * cols], &xs[t * nb], ys.data() + 3);
                CHECK_MSG(yv.untouched_outside(static_cast<size_t>(rows), [](size_t) { return true; }), where(k, "q8 gemv guards"));
                for (int64_t r = 0; r < rows; ++r) {
                    double mag = 0;
                    const double exact = ref_dot(m, r, &x[t * cols], &xs[t * nb], &mag);
                    const float g = y[t * y_stride + r];
                    close = close && close_to(g, exact, mag);
                    same = same && std::memcmp(&g, &yv[r], sizeof g) == 0;
                    split = split && std::memcmp(&ys[r], &yv[r], sizeof g) == 0;
                }
            }
            const std::string note = "cols " + std::to_string(cols);
            CHECK_MSG(close, where(k, "q8 vs exact, " + note));
            CHECK_MSG(same, where(k, "q8 gemm == gemv bitwise, " + note));
            CHECK_MSG(split, where(k, "q8 gemv row split, " + note));
        }
    }
}

TEST_CASE("q8 gemm: same bits for any batch size (1..12 tokens)") {
    std::mt19937 rng(31);
    const int64_t rows = 6, cols = 2560 + 32, nb = cols / kQ8Block;
    const Q8Matrix m = make_matrix(rng, rows, cols);
    const std::vector<float> xf = random_floats(rng, static_cast<size_t>(12 * cols));
    std::vector<int8_t> x(static_cast<size_t>(12 * cols));
    std::vector<float> xs(static_cast<size_t>(12 * nb));
    for (int64_t t = 0; t < 12; ++t) quantize_q8_blocks(&xf[t * cols], cols, &x[t * cols], &xs[t * nb]);
    for (const KernelTable * k : paths()) {
        std::vector<float> single(static_cast<size_t>(12 * rows));
        for (int64_t t = 0; t < 12; ++t) k->q8_gemv(m.q.data(), m.s.data(), rows, cols, &x[t * cols], &xs[t * nb], &single[t * rows]);
        bool same = true;
        for (int64_t n = 1; n <= 12; ++n) {
            std::vector<float> batch(static_cast<size_t>(n * rows));
            k->q8_gemm(m.q.data(), m.s.data(), rows, cols, x.data(), xs.data(), n, batch.data(), static_cast<size_t>(rows));
            same = same && std::memcmp(batch.data(), single.data(), batch.size() * sizeof(float)) == 0;
        }
        CHECK_MSG(same, where(k, "q8 batch-size invariance"));
    }
}

struct Q6Rows {
    int64_t rows, cols;
    std::vector<uint8_t> ql, qh;
    std::vector<int8_t> sc;
    std::vector<uint16_t> d;
    Q6Matrix view() const { return {ql.data(), qh.data(), sc.data(), d.data()}; }
};

Q6Rows make_q6(std::mt19937 & rng, int64_t rows, int64_t cols, std::vector<float> * w_out = nullptr) {
    Q6Rows m{rows, cols, std::vector<uint8_t>(static_cast<size_t>(rows * cols / 2)), std::vector<uint8_t>(static_cast<size_t>(rows * cols / 4)),
             std::vector<int8_t>(static_cast<size_t>(rows * cols / 16)), std::vector<uint16_t>(static_cast<size_t>(rows * cols / kQ6Super))};
    const std::vector<float> w = random_floats(rng, static_cast<size_t>(rows * cols));
    for (int64_t r = 0; r < rows; ++r)
        quantize_q6_row(&w[r * cols], cols, &m.ql[r * cols / 2], &m.qh[r * cols / 4], &m.sc[r * cols / 16], &m.d[r * cols / kQ6Super]);
    if (w_out) *w_out = w;
    return m;
}

TEST_CASE("quantize_q6_row: codes in 0..63, dequantized within half a sub-block step, zero sub-blocks") {
    std::mt19937 rng(5);
    const int64_t cols = 256 * 3;
    std::vector<float> w;
    const Q6Rows m = make_q6(rng, 1, cols, &w);
    bool ok = true;
    for (int64_t k = 0; k < cols; ++k) {
        const int u = q6_code(m.ql.data(), m.qh.data(), k);
        const float step = f16_to_f32(m.d[k / 256]) * m.sc[k / 16];
        const float deq = step * static_cast<float>(u - 32);
        ok = ok && u >= 0 && u <= 63 && m.sc[k / 16] >= 0 && std::fabs(deq - w[k]) <= 0.5f * step * 1.01f + 1e-7f;
    }
    CHECK_MSG(ok, "q6 round trip");
    bool zero = true;  // random_floats zeroes elements 32..63: sub-blocks 2 and 3
    for (int64_t k = 32; k < 64; ++k) zero = zero && q6_code(m.ql.data(), m.qh.data(), k) == 32;
    CHECK_MSG(zero, "a zero sub-block codes 32");
}

TEST_CASE("q6 gemv/gemm: every path near the exact sum, gemm == gemv bitwise, row offsets and splits, guards") {
    std::mt19937 rng(37);
    for (const KernelTable * k : paths()) {
        for (int64_t cols : {256, 512, 2560}) {
            const int64_t rows = 9, n = 5, nb = cols / kQ8Block;
            const Q6Rows m = make_q6(rng, rows, cols);
            const Q6Matrix w = m.view();
            const std::vector<float> xf = random_floats(rng, static_cast<size_t>(n * cols));
            std::vector<int8_t> x(static_cast<size_t>(n * cols));
            std::vector<float> xs(static_cast<size_t>(n * nb));
            for (int64_t t = 0; t < n; ++t) quantize_q8_blocks(&xf[t * cols], cols, &x[t * cols], &xs[t * nb]);
            const size_t y_stride = static_cast<size_t>(rows) + 2;
            Guarded<float> y(y_stride * n);
            k->q6_gemm(w, 0, rows, cols, x.data(), xs.data(), n, y.data(), y_stride);
            CHECK_MSG(y.untouched_outside(y_stride * n, [&](size_t i) { return static_cast<int64_t>(i % y_stride) < rows; }),
                      where(k, "q6 gemm guards"));
            bool close = true, same = true, split = true;
            for (int64_t t = 0; t < n; ++t) {
                Guarded<float> yv(static_cast<size_t>(rows)), ys(static_cast<size_t>(rows));
                k->q6_gemv(w, 0, rows, cols, &x[t * cols], &xs[t * nb], yv.data());
                k->q6_gemv(w, 0, 4, cols, &x[t * cols], &xs[t * nb], ys.data());
                k->q6_gemv(w, 4, rows - 4, cols, &x[t * cols], &xs[t * nb], ys.data() + 4);
                CHECK_MSG(yv.untouched_outside(static_cast<size_t>(rows), [](size_t) { return true; }), where(k, "q6 gemv guards"));
                for (int64_t r = 0; r < rows; ++r) {
                    double exact = 0, mag = 0;
                    for (int64_t s = 0; s < cols / 16; ++s) {
                        int64_t sum = 0, a = 0;
                        for (int64_t c = s * 16; c < (s + 1) * 16; ++c) {
                            const int q = q6_code(&m.ql[r * cols / 2], &m.qh[r * cols / 4], c) - 32;
                            sum += q * x[t * cols + c];
                            a += std::abs(q * x[t * cols + c]);
                        }
                        const double dd = static_cast<double>(f16_to_f32(m.d[r * cols / 256 + s / 16])) * m.sc[r * cols / 16 + s] * xs[t * nb + s / 2];
                        exact += static_cast<double>(sum) * dd;
                        mag += static_cast<double>(a) * std::fabs(dd);
                    }
                    const float g = y[t * y_stride + r];
                    close = close && close_to(g, exact, mag);
                    same = same && std::memcmp(&g, &yv[r], sizeof g) == 0;
                    split = split && std::memcmp(&ys[r], &yv[r], sizeof g) == 0;
                }
            }
            const std::string note = "cols " + std::to_string(cols);
            CHECK_MSG(close, where(k, "q6 vs exact, " + note));
            CHECK_MSG(same, where(k, "q6 gemm == gemv bitwise, " + note));
            CHECK_MSG(split, where(k, "q6 gemv row offset split, " + note));
        }
    }
}

TEST_MAIN("test_kernels_q8")
