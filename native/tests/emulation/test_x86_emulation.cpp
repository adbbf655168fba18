// The software AVX-512 / AVX-VNNI / AMX of the emulated test build (x86_emulation.h), checked
// against the instructions' definitions in Intel's manuals: the intrinsics written here rather
// than taken from SIMDe, and the AMX tile machine. Built only with TERN_X86_EMULATION.
#include "x86_emulation.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>

#include "test.h"

namespace {

__m512 floats(std::initializer_list<float> v) {
    float a[16] = {};
    std::copy(v.begin(), v.end(), a);
    return _mm512_loadu_ps(a);
}

void store(float * out, __m512 v) { _mm512_storeu_ps(out, v); }

// Two pages, the second inaccessible: a load that touches it crashes the test.
struct GuardedPage {
    long size = sysconf(_SC_PAGESIZE);
    char * base = static_cast<char *>(mmap(nullptr, 2 * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    GuardedPage() { mprotect(base + size, size, PROT_NONE); }
    ~GuardedPage() { munmap(base, 2 * size); }
    char * end() const { return base + size; }  // the first byte that may not be read
};

// Runs f in a child process; true if it was killed by SIGABRT (an emulated CPU fault).
template <typename F>
bool aborts(F f) {
    const pid_t pid = fork();
    if (pid == 0) {
        std::freopen("/dev/null", "w", stderr);
        f();
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

}  // namespace

TEST_CASE("VRNDSCALEPS: the rounding mode from imm8 bits 1..0, fraction bits from 7..4, bit 3 only quiets") {
    float out[16];
    store(out, _mm512_roundscale_ps(floats({0.4f, -1.5f, 2.5f, 126.7f, -0.6f}), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC));
    CHECK(out[0] == 0.0f && out[1] == -1.0f && out[2] == 2.0f && out[3] == 126.0f && out[4] == 0.0f);
    store(out, _mm512_roundscale_ps(floats({2.5f, 3.5f, -2.5f}), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    CHECK(out[0] == 2.0f && out[1] == 4.0f && out[2] == -2.0f);
    store(out, _mm512_roundscale_ps(floats({1.3f, -1.3f}), _MM_FROUND_TO_NEG_INF));
    CHECK(out[0] == 1.0f && out[1] == -2.0f);
    store(out, _mm512_roundscale_ps(floats({1.3f, -1.3f}), _MM_FROUND_TO_POS_INF));
    CHECK(out[0] == 2.0f && out[1] == -1.0f);
    // M = 1: multiples of 1/2.
    store(out, _mm512_roundscale_ps(floats({1.3f, 1.7f}), (1 << 4) | _MM_FROUND_TO_NEG_INF));
    CHECK(out[0] == 1.0f && out[1] == 1.5f);
}

TEST_CASE("VCVTPS2DQ: nearest even; NaN and out of range give 0x80000000") {
    int32_t out[16];
    const float nan = std::numeric_limits<float>::quiet_NaN();
    _mm512_storeu_si512(out, _mm512_cvtps_epi32(floats({2.5f, -2.5f, 3.5f, 3e9f, -3e9f, nan, -2147483648.0f, 127.4f})));
    CHECK(out[0] == 2 && out[1] == -2 && out[2] == 4);
    CHECK(out[3] == INT32_MIN && out[4] == INT32_MIN && out[5] == INT32_MIN);
    CHECK(out[6] == INT32_MIN && out[7] == 127);
}

TEST_CASE("VCVTDQ2PS, VPMOVSXDQ, VPMOVSXBD: lanes converted in place") {
    int32_t in[16];
    for (int i = 0; i < 16; ++i) in[i] = (i % 2 ? -1 : 1) * (16777217 + i);  // not all exact in float
    float f[16];
    _mm512_storeu_ps(f, _mm512_cvtepi32_ps(_mm512_loadu_si512(in)));
    for (int i = 0; i < 16; ++i) CHECK(f[i] == static_cast<float>(in[i]));
    int64_t wide[8];
    _mm512_storeu_si512(wide, _mm512_cvtepi32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(in))));
    for (int i = 0; i < 8; ++i) CHECK(wide[i] == in[i]);
    int8_t bytes[16];
    for (int i = 0; i < 16; ++i) bytes[i] = static_cast<int8_t>(i * 17 - 128);
    int32_t out[16];
    _mm512_storeu_si512(out, _mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i *>(bytes))));
    for (int i = 0; i < 16; ++i) CHECK(out[i] == bytes[i]);
}

TEST_CASE("masked loads read only the selected lanes and zero the rest; masked stores write only those") {
    GuardedPage page;
    REQUIRE(page.base != MAP_FAILED);
    float * f = reinterpret_cast<float *>(page.end()) - 3;  // three floats before the guard
    f[0] = 1.0f, f[1] = 2.0f, f[2] = 3.0f;
    float out[16];
    store(out, _mm512_maskz_loadu_ps(0x7, f));
    CHECK(out[0] == 1.0f && out[1] == 2.0f && out[2] == 3.0f);
    for (int i = 3; i < 16; ++i) CHECK(out[i] == 0.0f);
    int8_t * b = reinterpret_cast<int8_t *>(page.end()) - 5;
    for (int i = 0; i < 5; ++i) b[i] = static_cast<int8_t>(i + 1);
    int8_t bytes[64];
    _mm512_storeu_si512(bytes, _mm512_maskz_loadu_epi8(0x15, b));  // lanes 0, 2, 4
    CHECK(bytes[0] == 1 && bytes[1] == 0 && bytes[2] == 3 && bytes[3] == 0 && bytes[4] == 5 && bytes[5] == 0);
    uint16_t * h = reinterpret_cast<uint16_t *>(page.end()) - 2;
    h[0] = 0x3c00, h[1] = 0x4000;  // 1.0, 2.0 as halves
    store(out, _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(0x3, h)));
    CHECK(out[0] == 1.0f && out[1] == 2.0f && out[2] == 0.0f);

    float dst[16];
    for (float & d : dst) d = -1.0f;
    _mm512_mask_storeu_ps(dst, 0x8001, floats({5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}));
    CHECK(dst[0] == 5.0f && dst[15] == 20.0f);
    for (int i = 1; i < 15; ++i) CHECK(dst[i] == -1.0f);
    int8_t q[16];
    std::memset(q, 0x55, sizeof q);
    _mm_mask_storeu_epi8(q, 0x2, _mm_set1_epi8(9));
    CHECK(q[0] == 0x55 && q[1] == 9 && q[2] == 0x55);
}

TEST_CASE("half conversions round to nearest even, overflow to infinity") {
    float f[16] = {1.0f, 65504.0f, 65520.0f, 1.0f + 1.0f / 2048.0f, 1.0f + 3.0f / 2048.0f, -0.0f};
    uint16_t h[16];
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(h), _mm512_cvtps_ph(_mm512_loadu_ps(f), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    CHECK(h[0] == 0x3c00 && h[1] == 0x7bff && h[2] == 0x7c00);
    CHECK(h[3] == 0x3c00 && h[4] == 0x3c02);  // ties to even
    CHECK(h[5] == 0x8000);
    float back[16];
    store(back, _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(h))));
    CHECK(back[0] == 1.0f && back[1] == 65504.0f && std::isinf(back[2]));
}

TEST_CASE("reductions: integer sums wrap; the float sum in GCC's order (halves, quarters, pairs)") {
    int32_t i32[16];
    for (int i = 0; i < 16; ++i) i32[i] = INT32_MAX / 8 + i;
    int32_t want = 0;
    for (int v : i32) want = static_cast<int32_t>(static_cast<uint32_t>(want) + static_cast<uint32_t>(v));
    CHECK(_mm512_reduce_add_epi32(_mm512_loadu_si512(i32)) == want);
    int64_t i64[8] = {1, -2, 3, -4, 5, -6, 7, INT64_MAX};
    CHECK(_mm512_reduce_add_epi64(_mm512_loadu_si512(i64)) == static_cast<int64_t>(static_cast<uint64_t>(INT64_MAX) + 4));
    // Lane 8 cancels lane 0 in the first step (upper half + lower half), so the small lanes
    // survive: 1e8 + (-1e8), then twelve ones and two halves, 13. Summed left to right the 1e8
    // would swallow the first seven of them (6.5).
    float v[16];
    for (float & x : v) x = 1.0f;
    v[0] = 1e8f, v[8] = -1e8f, v[1] = 0.5f, v[9] = 0.5f;
    CHECK(_mm512_reduce_add_ps(_mm512_loadu_ps(v)) == 13.0f);
    v[5] = 42.0f;
    CHECK(_mm512_reduce_max_ps(_mm512_loadu_ps(v)) == 1e8f);
}

TEST_CASE("VPDPBUSD ymm (AVX-VNNI): unsigned a times signed b, four per lane, added to src") {
    const __m256i r = _mm256_dpbusd_avx_epi32(_mm256_set1_epi32(10), _mm256_set1_epi8(static_cast<char>(200)), _mm256_set1_epi8(-3));
    int32_t out[8];
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(out), r);
    for (int v : out) CHECK(v == 10 + 4 * 200 * -3);
}

TEST_CASE("AMX: TDPBUSD over configured tiles equals the definition; loads zero the rows beyond the tile") {
    // C: 3 rows x 5 int32; A: 3 rows x 8 bytes (two 4-byte groups); B: 2 rows x 20 bytes.
    uint8_t cfg[64] = {};
    cfg[0] = 1;
    const uint16_t colsb[3] = {20, 8, 20};
    const uint8_t rows[3] = {3, 3, 2};
    for (int t = 0; t < 3; ++t) {
        std::memcpy(cfg + 16 + 2 * t, &colsb[t], 2);
        cfg[48 + t] = rows[t];
    }
    std::mt19937 rng(7);
    uint8_t a[3][8];
    int8_t b[2][20];
    int32_t c[3][5];
    for (auto & row : a)
        for (auto & x : row) x = static_cast<uint8_t>(rng());
    for (auto & row : b)
        for (auto & x : row) x = static_cast<int8_t>(rng());
    for (auto & row : c)
        for (auto & x : row) x = static_cast<int32_t>(rng() % 1000);
    _tile_loadconfig(cfg);
    _tile_loadd(0, c, sizeof c[0]);
    _tile_loadd(1, a, sizeof a[0]);
    _tile_loadd(2, b, sizeof b[0]);
    _tile_dpbusd(0, 1, 2);
    int32_t got[3][5];
    _tile_stored(0, got, sizeof got[0]);
    for (int m = 0; m < 3; ++m)
        for (int n = 0; n < 5; ++n) {
            int32_t want = c[m][n];
            for (int k = 0; k < 2; ++k)
                for (int i = 0; i < 4; ++i) want += a[m][4 * k + i] * b[k][4 * n + i];
            CHECK(got[m][n] == want);
        }
    _tile_zero(0);
    _tile_stored(0, got, sizeof got[0]);
    for (auto & row : got)
        for (int x : row) CHECK(x == 0);
    _tile_release();

    // What a CPU refuses aborts: no configuration, and tiles whose shapes do not fit.
    CHECK(aborts([] { _tile_zero(0); }));
    CHECK(aborts([&] {
        _tile_loadconfig(cfg);
        _tile_dpbusd(0, 2, 1);  // A with B's shape
    }));
}

TEST_MAIN("test_x86_emulation")
