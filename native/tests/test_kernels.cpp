// Kernel tests: every kernel of every path this build and CPU run (scalar, avx2, avx512, neon)
// against its scalar twin and against plain references, on odd sizes, with guard bytes around
// every output. Ternary results must be exact; GEMM must equal GEMV bit for bit per output;
// float kernels must be within a tolerance of a double-precision reference.
#include "kernels/kernels.h"
#include "kernels/kernels_isa.h"
#include "tern.h"
#include "test.h"
#include "util/fma.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace tern;

namespace {

// The paths to test: every one this build contains and this CPU runs.
std::vector<const KernelTable *> paths() {
    std::vector<const KernelTable *> out;
    for (const char * name : {"scalar", "avx2", "avxvnni", "avx512", "amx", "neon"})
        if (const KernelTable * k = kernels_for(name)) out.push_back(k);
    return out;
}

std::string where(const KernelTable * k, const std::string & what) { return std::string(k->name) + ": " + what; }

// A buffer of `count` elements of T with guard bytes before and after (and, for strided outputs,
// everywhere not written): all bytes start as a sentinel and must stay so outside the outputs.
template <typename T>
class Guarded {
public:
    static constexpr size_t kGuard = 64;
    static constexpr unsigned char kSentinel = 0xa5;

    explicit Guarded(size_t count) : bytes_(count * sizeof(T) + 2 * kGuard, kSentinel), count_(count) {}
    T * data() { return reinterpret_cast<T *>(bytes_.data() + kGuard); }
    T & operator[](size_t i) { return data()[i]; }
    // True when the guards are intact and every element outside `written` still holds the
    // sentinel.
    template <typename Written>
    bool untouched_outside(Written written) const {
        for (size_t b = 0; b < bytes_.size(); ++b) {
            const bool in_data = b >= kGuard && b < kGuard + count_ * sizeof(T);
            if (in_data && written((b - kGuard) / sizeof(T))) continue;
            if (bytes_[b] != kSentinel) return false;
        }
        return true;
    }
    bool guards_intact() const {
        return untouched_outside([](size_t) { return true; });
    }

private:
    std::vector<unsigned char> bytes_;
    size_t count_;
};

std::vector<int8_t> random_trits(std::mt19937 & rng, size_t n) {
    std::vector<int8_t> t(n);
    for (auto & v : t) v = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
    return t;
}

std::vector<int8_t> random_i8(std::mt19937 & rng, size_t n) {
    std::vector<int8_t> t(n);
    for (auto & v : t) v = static_cast<int8_t>(static_cast<int>(rng() % 256) - 128);
    return t;
}

// A packed matrix with a row stride larger than the row (to catch stride mistakes).
struct PackedMatrix {
    int64_t rows, cols;
    size_t stride;
    std::vector<int8_t> trits;
    std::vector<uint8_t> bytes;
};

PackedMatrix pack_matrix(const std::vector<int8_t> & trits, int64_t rows, int64_t cols, size_t pad) {
    PackedMatrix m{rows, cols, ternary_row_bytes(cols) + pad, trits, {}};
    m.bytes.assign(m.stride * static_cast<size_t>(rows) + 1, 0x5a);
    for (int64_t r = 0; r < rows; ++r) ternary_pack_row(&trits[r * cols], cols, &m.bytes[r * m.stride]);
    return m;
}

int32_t ref_dot(const int8_t * w, const int8_t * x, int64_t n) {
    int32_t s = 0;
    for (int64_t k = 0; k < n; ++k) s += w[k] * x[k];
    return s;
}

const int64_t kColsSet[] = {128, 256, 384, 512, 640, 768, 896, 1280, 2560, 6912};

}  // namespace

// ---- the packed layout -------------------------------------------------------------------------

TEST_CASE("ternary row bytes: 64 bytes per 320 columns, rounded up") {
    CHECK(ternary_row_bytes(128) == 64);
    CHECK(ternary_row_bytes(320 * 8) == 512);   // 2560: exactly 1.6 bits per weight
    CHECK(ternary_row_bytes(6912) == 22 * 64);  // 21 full blocks + a 192-column tail
    for (int64_t cols = 128; cols <= 20480; cols += 128) {
        CHECK(ternary_row_bytes(cols) % 64 == 0);
        CHECK(ternary_row_bytes(cols) * 5 >= static_cast<size_t>(cols));
        CHECK(ternary_row_bytes(cols) * 5 < static_cast<size_t>(cols) + 320);
    }
}

TEST_CASE("ternary pack/unpack round trip, every digit pattern") {
    // Every one of the 3^5 byte values in every byte position of one block.
    const int64_t cols = 320;
    std::vector<int8_t> trits(cols), back(cols);
    for (int pattern = 0; pattern < 243; ++pattern) {
        for (int64_t j = 0; j < 64; ++j) {
            int v = (pattern + static_cast<int>(j)) % 243;
            for (int i = 4; i >= 0; --i) {
                trits[i * 64 + j] = static_cast<int8_t>(v % 3 - 1);
                v /= 3;
            }
        }
        std::vector<uint8_t> packed(ternary_row_bytes(cols));
        ternary_pack_row(trits.data(), cols, packed.data());
        ternary_unpack_row(packed.data(), cols, back.data());
        REQUIRE(back == trits);
    }
    // Random rows of every size, packed into a guarded buffer.
    std::mt19937 rng(7);
    for (int64_t cols2 = 128; cols2 <= 7040; cols2 += 128) {
        const std::vector<int8_t> t = random_trits(rng, static_cast<size_t>(cols2));
        Guarded<uint8_t> packed(ternary_row_bytes(cols2));
        ternary_pack_row(t.data(), cols2, packed.data());
        CHECK(packed.guards_intact());
        Guarded<int8_t> out(static_cast<size_t>(cols2));
        ternary_unpack_row(packed.data(), cols2, out.data());
        CHECK(out.guards_intact());
        CHECK(std::equal(t.begin(), t.end(), out.data()));
    }
}

// ---- ternary GEMV / GEMM ---------------------------------------------------------------------------

TEST_CASE("ternary gemv: every path exact against the plain dot product") {
    std::mt19937 rng(11);
    for (const KernelTable * k : paths()) {
        for (int64_t cols : kColsSet) {
            for (int64_t rows : {1, 3, 7, 33}) {
                const PackedMatrix m = pack_matrix(random_trits(rng, rows * cols), rows, cols, 64 * (rows % 2));
                // x at an odd address, to exercise unaligned loads.
                std::vector<int8_t> xbuf(cols + 1);
                const std::vector<int8_t> xv = random_i8(rng, cols);
                std::copy(xv.begin(), xv.end(), xbuf.begin() + 1);
                Guarded<int32_t> y(static_cast<size_t>(rows));
                k->ternary_gemv(m.bytes.data(), m.stride, rows, cols, xbuf.data() + 1, y.data());
                CHECK_MSG(y.guards_intact(), where(k, "gemv guards, cols " + std::to_string(cols)));
                bool ok = true;
                for (int64_t r = 0; r < rows; ++r) ok = ok && y[r] == ref_dot(&m.trits[r * cols], xv.data(), cols);
                CHECK_MSG(ok, where(k, "gemv cols " + std::to_string(cols) + " rows " + std::to_string(rows)));
            }
        }
    }
}

TEST_CASE("ternary gemv: extreme values (all -128 activations, all +1 or -1 weights)") {
    for (const KernelTable * k : paths()) {
        for (int64_t cols : {128, 6912, 13824}) {
            for (int8_t w : {int8_t(1), int8_t(-1), int8_t(0)}) {
                const PackedMatrix m = pack_matrix(std::vector<int8_t>(cols * 2, w), 2, cols, 0);
                for (int8_t xv : {int8_t(-128), int8_t(127)}) {
                    std::vector<int8_t> x(cols, xv);
                    Guarded<int32_t> y(2);
                    k->ternary_gemv(m.bytes.data(), m.stride, 2, cols, x.data(), y.data());
                    const int32_t want = static_cast<int32_t>(cols) * w * xv;
                    CHECK_MSG(y[0] == want && y[1] == want && y.guards_intact(), where(k, "extreme cols " + std::to_string(cols)));
                }
            }
        }
    }
}

TEST_CASE("ternary gemm: every path exact, equal to gemv per token, strided outputs guarded") {
    std::mt19937 rng(13);
    for (const KernelTable * k : paths()) {
        for (int64_t cols : {128, 384, 768, 2560, 6912}) {
            const int64_t rows = cols >= 2560 ? 5 : 19;
            const PackedMatrix m = pack_matrix(random_trits(rng, rows * cols), rows, cols, 32);
            for (int64_t n : {1, 2, 3, 4, 5, 6, 7, 8, 16, 17, 37}) {
                const size_t x_stride = static_cast<size_t>(cols) + 64;
                const size_t y_stride = static_cast<size_t>(rows) + 3;
                std::vector<int8_t> x(x_stride * n);
                for (auto & v : x) v = static_cast<int8_t>(static_cast<int>(rng() % 256) - 128);
                Guarded<int32_t> y(y_stride * n);
                k->ternary_gemm(m.bytes.data(), m.stride, rows, cols, x.data(), x_stride, n, y.data(), y_stride);
                CHECK_MSG(y.untouched_outside([&](size_t i) { return static_cast<int64_t>(i % y_stride) < rows; }),
                          where(k, "gemm guards"));
                bool exact = true, same = true;
                for (int64_t t = 0; t < n; ++t) {
                    Guarded<int32_t> yv(static_cast<size_t>(rows));
                    k->ternary_gemv(m.bytes.data(), m.stride, rows, cols, &x[t * x_stride], yv.data());
                    for (int64_t r = 0; r < rows; ++r) {
                        exact = exact && y[t * y_stride + r] == ref_dot(&m.trits[r * cols], &x[t * x_stride], cols);
                        same = same && y[t * y_stride + r] == yv[r];
                    }
                }
                const std::string note = "cols " + std::to_string(cols) + " n " + std::to_string(n);
                CHECK_MSG(exact, where(k, "gemm exact, " + note));
                CHECK_MSG(same, where(k, "gemm == gemv, " + note));
            }
        }
    }
}

// ---- quantize_i8 ---------------------------------------------------------------------------------

namespace {

// The definition, written out: s = 127 / max(max|x|, 1e-5); q = clamp(round half away(x * s)).
float ref_quantize(const std::vector<float> & x, std::vector<int8_t> & q) {
    float amax = 0.0f;
    for (float v : x) amax = std::max(amax, std::fabs(v));
    const float s = 127.0f / std::max(amax, 1e-5f);
    q.resize(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
        const float v = x[i] * s;
        const double a = std::fabs(static_cast<double>(v));
        double r = std::floor(a);
        if (a - r >= 0.5) r += 1.0;
        r = std::min(r, 128.0);
        const double signed_r = v < 0 ? -r : r;
        q[i] = static_cast<int8_t>(std::max(-128.0, std::min(127.0, signed_r)));
    }
    return s;
}

}  // namespace

TEST_CASE("quantize_i8: every path exact, including ties, near-ties and all-zero rows") {
    std::mt19937 rng(17);
    std::vector<std::vector<float>> inputs;
    // Ties: with max |x| = 127, s is exactly 1, so x * s = x.
    inputs.push_back({127.0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 126.5f, -126.5f, 0.49999997f, -0.49999997f,
                      0.50000006f, 3.4999998f, -127.0f, 0.0f, -0.0f, 64.5f});
    inputs.push_back(std::vector<float>(37, 0.0f));      // all zero
    inputs.push_back(std::vector<float>(16, -0.0f));
    inputs.push_back({1e-7f, -3e-6f, 2e-6f});             // below the 1e-5 floor
    inputs.push_back({-1000.0f, 999.9f, 3.0f});           // -128 never appears: |x*s| <= 127
    for (int64_t n : {1, 7, 8, 15, 16, 17, 31, 33, 100, 2560, 2563, 6912}) {
        std::vector<float> x(static_cast<size_t>(n));
        std::normal_distribution<float> dist(0.0f, 2.0f);
        for (auto & v : x) v = dist(rng);
        inputs.push_back(x);
    }
    for (const KernelTable * k : paths()) {
        for (const auto & x : inputs) {
            std::vector<int8_t> want;
            const float s_want = ref_quantize(x, want);
            Guarded<int8_t> q(x.size());
            const float s = k->quantize_i8(x.data(), static_cast<int64_t>(x.size()), q.data());
            CHECK_MSG(q.guards_intact(), where(k, "quantize guards"));
            CHECK_MSG(std::memcmp(&s, &s_want, sizeof s) == 0, where(k, "quantize scale, n " + std::to_string(x.size())));
            CHECK_MSG(std::equal(want.begin(), want.end(), q.data()), where(k, "quantize values, n " + std::to_string(x.size())));
        }
    }
}

// ---- float kernels -------------------------------------------------------------------------------

namespace {

std::vector<uint16_t> random_halves(std::mt19937 & rng, size_t n) {
    std::normal_distribution<float> dist(0.0f, 0.5f);
    std::vector<uint16_t> h(n);
    for (auto & v : h) v = f32_to_f16(dist(rng));
    return h;
}

std::vector<float> random_floats(std::mt19937 & rng, size_t n) {
    std::normal_distribution<float> dist(0.0f, 1.0f);
    std::vector<float> f(n);
    for (auto & v : f) v = dist(rng);
    return f;
}

// |got - exact| <= 1e-5 * sum |terms| (+ a tiny absolute floor): float rounding over a few
// thousand terms stays far inside this; a wrong element or order of magnitude does not.
bool close_to(float got, double exact, double magnitude) {
    return std::fabs(static_cast<double>(got) - exact) <= 1e-5 * magnitude + 1e-30;
}

}  // namespace

TEST_CASE("f16 gemv/gemm: within tolerance of double, gemm == gemv bitwise, row splits invariant") {
    std::mt19937 rng(19);
    for (const KernelTable * k : paths()) {
        for (int64_t cols : {1, 7, 8, 15, 16, 17, 33, 63, 64, 65, 100, 257, 2560, 2565}) {
            const int64_t rows = 9;
            const size_t w_stride = static_cast<size_t>(cols) + 5;
            const std::vector<uint16_t> w = random_halves(rng, w_stride * rows);
            const int64_t n = 7;
            const size_t x_stride = static_cast<size_t>(cols) + 3;
            const std::vector<float> x = random_floats(rng, x_stride * n);
            const size_t y_stride = static_cast<size_t>(rows) + 2;
            Guarded<float> y(y_stride * n);
            k->f16_gemm(w.data(), w_stride, rows, cols, x.data(), x_stride, n, y.data(), y_stride);
            CHECK_MSG(y.untouched_outside([&](size_t i) { return static_cast<int64_t>(i % y_stride) < rows; }),
                      where(k, "f16 gemm guards"));
            bool close = true, same = true, split_same = true;
            for (int64_t t = 0; t < n; ++t) {
                const float * xt = &x[t * x_stride];
                Guarded<float> yv(static_cast<size_t>(rows));
                k->f16_gemv(w.data(), w_stride, rows, cols, xt, yv.data());
                CHECK_MSG(yv.guards_intact(), where(k, "f16 gemv guards"));
                // The same rows in two uneven parts, as two threads would compute them.
                Guarded<float> ys(static_cast<size_t>(rows));
                k->f16_gemv(w.data(), w_stride, 4, cols, xt, ys.data());
                k->f16_gemv(w.data() + 4 * w_stride, w_stride, rows - 4, cols, xt, ys.data() + 4);
                for (int64_t r = 0; r < rows; ++r) {
                    double exact = 0, mag = 0;
                    for (int64_t c = 0; c < cols; ++c) {
                        const double term = static_cast<double>(f16_to_f32(w[r * w_stride + c])) * xt[c];
                        exact += term;
                        mag += std::fabs(term);
                    }
                    const float g = y[t * y_stride + r];
                    close = close && close_to(g, exact, mag);
                    same = same && std::memcmp(&g, &yv[r], sizeof g) == 0;
                    split_same = split_same && std::memcmp(&ys[r], &yv[r], sizeof g) == 0;
                }
            }
            const std::string note = "cols " + std::to_string(cols);
            CHECK_MSG(close, where(k, "f16 gemm vs double, " + note));
            CHECK_MSG(same, where(k, "f16 gemm == gemv bitwise, " + note));
            CHECK_MSG(split_same, where(k, "f16 gemv row split, " + note));
        }
    }
}

TEST_CASE("f16 gemm: same bits for any batch size (1..20 tokens)") {
    std::mt19937 rng(23);
    const int64_t rows = 5, cols = 2560 + 48;
    const std::vector<uint16_t> w = random_halves(rng, static_cast<size_t>(rows * cols));
    const std::vector<float> x = random_floats(rng, static_cast<size_t>(20 * cols));
    for (const KernelTable * k : paths()) {
        std::vector<float> single(static_cast<size_t>(20 * rows));
        for (int64_t t = 0; t < 20; ++t) k->f16_gemv(w.data(), cols, rows, cols, &x[t * cols], &single[t * rows]);
        bool same = true;
        for (int64_t n = 1; n <= 20; ++n) {
            std::vector<float> batch(static_cast<size_t>(n * rows));
            k->f16_gemm(w.data(), cols, rows, cols, x.data(), cols, n, batch.data(), rows);
            same = same && std::memcmp(batch.data(), single.data(), batch.size() * sizeof(float)) == 0;
        }
        CHECK_MSG(same, where(k, "batch-size invariance"));
    }
}

TEST_CASE("dot_f32: within tolerance of double") {
    std::mt19937 rng(29);
    for (const KernelTable * k : paths()) {
        for (int64_t n : {1, 3, 7, 8, 9, 16, 17, 31, 64, 65, 128, 129, 1000}) {
            const std::vector<float> a = random_floats(rng, static_cast<size_t>(n));
            const std::vector<float> b = random_floats(rng, static_cast<size_t>(n));
            double exact = 0, mag = 0;
            for (int64_t i = 0; i < n; ++i) {
                exact += static_cast<double>(a[i]) * b[i];
                mag += std::fabs(static_cast<double>(a[i]) * b[i]);
            }
            CHECK_MSG(close_to(k->dot_f32(a.data(), b.data(), n), exact, mag), where(k, "dot n " + std::to_string(n)));
        }
    }
}

TEST_CASE("fma_f32: one rounding, where rounding twice (through a double) would be wrong") {
    using tern::fma_f32;
    const float a = 1.0f + std::ldexp(1.0f, -12);  // a * a = 1 + 2^-11 + 2^-24: halfway between two floats
    const float tiny = std::ldexp(1.0f, -70);      // far below a double's unit at 1
    const float up = 1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -23), down = 1.0f + std::ldexp(1.0f, -11);
    CHECK(fma_f32(a, a, tiny) == up);    // (float)(double(a) * a + tiny) would give `down`
    CHECK(fma_f32(a, a, -tiny) == down);
    CHECK(fma_f32(-a, a, -tiny) == -up);
    CHECK(fma_f32(-a, a, tiny) == -down);
    CHECK(fma_f32(a, a, 0.0f) == down);  // exactly halfway: to even
    CHECK(fma_f32(2.0f, 3.0f, 1.0f) == 7.0f);
    CHECK(std::signbit(fma_f32(1.0f, -0.0f, -0.0f)));
    CHECK(std::isinf(fma_f32(std::numeric_limits<float>::max(), 2.0f, 0.0f)));
    CHECK(std::isnan(fma_f32(std::numeric_limits<float>::infinity(), 0.0f, 1.0f)));
    CHECK(fma_f32(std::ldexp(1.0f, -126), 0.5f, 0.0f) == std::ldexp(1.0f, -127));  // into the subnormals
#if defined(__GLIBC__)
    // glibc's fmaf is correctly rounded: the two agree on random operands of every scale.
    std::mt19937 rng(37);
    std::uniform_real_distribution<float> mant(-2.0f, 2.0f);
    std::uniform_int_distribution<int> scale(-40, 40);
    int differ = 0;
    for (int i = 0; i < 200000; ++i) {
        const float x = std::ldexp(mant(rng), scale(rng)), y = std::ldexp(mant(rng), scale(rng)), z = std::ldexp(mant(rng), scale(rng));
        const float want = std::fma(x, y, z), got = fma_f32(x, y, z);
        if (std::memcmp(&want, &got, sizeof want) != 0) ++differ;
    }
    CHECK_MSG(differ == 0, std::to_string(differ) + " of 200000 differ from glibc's fmaf");
#endif
}

TEST_CASE("f16_axpy_rows: every path gives the fused multiply-add chain's bits per head, guards intact") {
    std::mt19937 rng(31);
    for (const KernelTable * k : paths()) {
        for (int64_t cols : {1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 80, 96, 127, 128, 129, 200, 256, 300}) {
            for (int64_t rows : {0, 1, 2, 5, 33}) {
                for (int64_t n : {1, 2, 3, 4}) {  // heads sharing the rows (pairs, and a pair plus one)
                    const int64_t stride = cols + 11;  // rows of a wider cache line, as one KV head of many
                    std::vector<uint16_t> v(static_cast<size_t>(std::max<int64_t>(1, rows * stride)));
                    for (auto & h : v) h = f32_to_f16(std::uniform_real_distribution<float>(-4.0f, 4.0f)(rng));
                    const size_t a_stride = static_cast<size_t>(rows) + 5, y_stride = static_cast<size_t>(cols) + 3;
                    const std::vector<float> a = random_floats(rng, a_stride * static_cast<size_t>(n));
                    const std::vector<float> y0 = random_floats(rng, y_stride * static_cast<size_t>(n));
                    std::vector<float> want = y0;
                    for (int64_t h = 0; h < n; ++h)
                        for (int64_t r = 0; r < rows; ++r)
                            for (int64_t i = 0; i < cols; ++i) {
                                float & w = want[h * y_stride + i];
                                w = tern::fma_f32(a[h * a_stride + r], f16_to_f32(v[r * stride + i]), w);
                            }
                    Guarded<float> y(y_stride * static_cast<size_t>(n));
                    std::copy(y0.begin(), y0.end(), y.data());
                    k->f16_axpy_rows(v.data(), static_cast<size_t>(stride), rows, cols, a.data(), a_stride, n, y.data(), y_stride);
                    CHECK_MSG(y.guards_intact(), where(k, "guards"));
                    CHECK_MSG(std::memcmp(y.data(), want.data(), want.size() * sizeof(float)) == 0,
                              where(k, "bits, cols " + std::to_string(cols) + " rows " + std::to_string(rows) + " heads " +
                                           std::to_string(n)));
                }
            }
        }
    }
}

// ---- IEEE half conversion --------------------------------------------------------------------------

TEST_CASE("f16: all 65536 halves convert exactly and round-trip; every path agrees with scalar") {
    std::vector<uint16_t> all(65536);
    for (uint32_t i = 0; i < 65536; ++i) all[i] = static_cast<uint16_t>(i);
    int bad = 0;
    for (uint32_t i = 0; i < 65536; ++i) {
        const uint16_t h = static_cast<uint16_t>(i);
        const float f = f16_to_f32(h);
        const uint32_t exp = (h >> 10) & 0x1f, man = h & 0x3ff;
        // The value, computed independently in double.
        double v;
        if (exp == 0) v = std::ldexp(static_cast<double>(man), -24);
        else if (exp == 31) v = man ? NAN : INFINITY;
        else v = std::ldexp(static_cast<double>(man | 0x400), static_cast<int>(exp) - 25);
        if (h & 0x8000) v = -v;
        const uint16_t back = f32_to_f16(f);
        if (std::isnan(v)) {
            if (!std::isnan(f) || back != (h | 0x200)) ++bad;  // NaN stays NaN, made quiet
        } else {
            if (static_cast<double>(f) != v || std::signbit(f) != static_cast<bool>(h & 0x8000) || back != h) ++bad;
        }
    }
    CHECK(bad == 0);

    for (const KernelTable * k : paths()) {
        Guarded<float> f(65536 + 3);
        k->f16_to_f32_row(all.data(), f.data(), 65536);
        k->f16_to_f32_row(all.data() + 7, f.data() + 65536, 3);  // a short tail on its own
        CHECK_MSG(f.guards_intact(), where(k, "f16 -> f32 guards"));
        int mismatches = 0;
        for (uint32_t i = 0; i < 65536 + 3; ++i) {
            const float want = f16_to_f32(all[i < 65536 ? i : i - 65536 + 7]);
            if (std::memcmp(&f[i], &want, sizeof want) != 0) ++mismatches;
        }
        CHECK_MSG(mismatches == 0, where(k, "f16 -> f32 rows"));
    }
}

TEST_CASE("f32 -> f16: round to nearest even at every halfway point, paths agree with scalar") {
    std::vector<float> probe;
    // For every finite half h >= 0: h itself, the exact midpoint to the next half, and the floats
    // just either side of it (the midpoint rounds to the even one).
    for (uint32_t h = 0; h < 0x7c00; ++h) {
        const double lo = f16_to_f32(static_cast<uint16_t>(h));
        const double hi = h + 1 == 0x7c00 ? 65536.0 : f16_to_f32(static_cast<uint16_t>(h + 1));
        const float mid = static_cast<float>((lo + hi) / 2);  // exact in float
        probe.push_back(static_cast<float>(lo));
        probe.push_back(mid);
        probe.push_back(std::nextafter(mid, 0.0f));
        probe.push_back(std::nextafter(mid, INFINITY));
    }
    probe.push_back(INFINITY);
    probe.push_back(1e10f);
    probe.push_back(1e-30f);
    probe.push_back(std::numeric_limits<float>::denorm_min());
    probe.push_back(NAN);
    std::mt19937 rng(31);
    for (int i = 0; i < 200000; ++i) {
        const uint32_t bits = rng();
        float f;
        std::memcpy(&f, &bits, sizeof f);
        probe.push_back(f);
    }
    const size_t positive = probe.size();
    for (size_t i = 0; i < positive; ++i) probe.push_back(-probe[i]);

    // The scalar definition against a double-precision reference (finite, non-NaN values).
    int bad = 0;
    for (float f : probe) {
        if (std::isnan(f)) {
            const uint16_t h = f32_to_f16(f);
            if ((h & 0x7c00) != 0x7c00 || (h & 0x3ff) == 0) ++bad;
            continue;
        }
        const uint16_t h = f32_to_f16(f);
        const double got = f16_to_f32(h);
        // Nearest representable half (or inf past 65520), ties to even mantissa.
        const double a = std::fabs(static_cast<double>(f));
        double want;
        if (a >= 65520.0) {
            want = INFINITY;
        } else {
            const int e = a < std::ldexp(1.0, -14) ? -14 : std::ilogb(a);
            const double ulp = std::ldexp(1.0, e - 10);
            const double units = a / ulp;
            double r = std::floor(units);
            const double frac = units - r;
            if (frac > 0.5 || (frac == 0.5 && std::fmod(r, 2.0) != 0)) r += 1;
            want = r * ulp;
        }
        if (std::signbit(f)) want = -want;
        if (got != want || std::signbit(got) != std::signbit(f)) ++bad;
    }
    CHECK(bad == 0);

    for (const KernelTable * k : paths()) {
        Guarded<uint16_t> h(probe.size());
        k->f32_to_f16_row(probe.data(), h.data(), static_cast<int64_t>(probe.size()));
        CHECK_MSG(h.guards_intact(), where(k, "f32 -> f16 guards"));
        int mismatches = 0;
        for (size_t i = 0; i < probe.size(); ++i) mismatches += h[i] != f32_to_f16(probe[i]);
        CHECK_MSG(mismatches == 0, where(k, "f32 -> f16 rows, mismatches " + std::to_string(mismatches)));
        Guarded<uint16_t> tail(5);
        k->f32_to_f16_row(probe.data() + 11, tail.data(), 5);
        CHECK_MSG(tail.guards_intact(), where(k, "f32 -> f16 short row guards"));
    }
}

// ---- dispatch ------------------------------------------------------------------------------------

TEST_CASE("dispatch: kernels() is the chosen path, unknown names are refused") {
    // The chosen table is tern_isa_name()'s, or "amx" (AVX-512 plus AMX tile GEMM) on an
    // AVX-512 CPU that has AMX, unless TERN_ISA names a path.
    const std::string chosen = kernels().name, isa = tern_isa_name();
    CHECK(chosen == isa || (chosen == "amx" && isa == "avx512"));
    CHECK(kernels_for("scalar") == &kernels_scalar());
    CHECK(kernels_for("sse9") == nullptr);
    CHECK(kernels_for(nullptr) == nullptr);
    std::string names;
    for (const KernelTable * k : paths()) names += std::string(k->name) + " ";
    std::printf("kernel paths tested: %s(chosen: %s)\n", names.c_str(), kernels().name);
#if defined(TERN_HAVE_X86)
    const tern_cpu_features f = tern_cpu_detect();
    if (f.avx512f && f.avx512bw && f.avx512vl && f.avx512vnni) CHECK(kernels_for("avx512") != nullptr);
    CHECK((kernels_for("avxvnni") != nullptr) == (f.avx2 && f.fma && f.f16c && f.avx_vnni));
#endif
}

TEST_MAIN("test_kernels")
