// Kernel micro-benchmark: ternary GEMV throughput in GB/s of packed weights (the decode-bound
// number) per path and thread count for the BitNet b1.58 2B4T shapes, next to the machine's
// plain read bandwidth; plus ternary GEMM (prefill) and the heads' GEMV rates (f16, q8_0, q6_k). Working sets are far
// larger than the caches (each shape is cycled through copies totalling TERN_BENCH_MB, 1024 MB by
// default), so the GEMV figures are memory-bound like a real decode step.
//   cmake -S . -B build/bench -DTERN_BUILD_BENCH=ON && cmake --build build/bench --target kernel_bench
//   build/bench/native/kernel_bench [path ...]      # default: every path this CPU runs
#include "kernels/kernels.h"
#include "tern.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <random>
#include <string>
#include <thread>
#include <vector>

#ifdef __linux__
#include <sys/mman.h>
#endif

using namespace tern;

namespace {

using Clock = std::chrono::steady_clock;

// Buffers laid out as the engine keeps them: activations on 64-byte boundaries (a split cache
// line per load would measure something the engine never does), weights on 2 MB boundaries with
// transparent huge pages asked for (model.cpp, AlignedBytes), so TLB misses cost what they cost
// the engine.
template <typename T, size_t Align>
struct AlignedAlloc {
    using value_type = T;
    template <typename U>
    struct rebind {
        using other = AlignedAlloc<U, Align>;
    };
    AlignedAlloc() = default;
    template <typename U>
    AlignedAlloc(const AlignedAlloc<U, Align> &) {}
    T * allocate(size_t n) {
        const size_t bytes = (n * sizeof(T) + Align - 1) / Align * Align;
        void * p = std::aligned_alloc(Align, bytes);
        if (!p) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        if (Align >= kHugePage) madvise(p, bytes, MADV_HUGEPAGE);
#endif
        return static_cast<T *>(p);
    }
    void deallocate(T * p, size_t) { std::free(p); }
    bool operator==(const AlignedAlloc &) const { return true; }
    bool operator!=(const AlignedAlloc &) const { return false; }
    static constexpr size_t kHugePage = size_t(2) << 20;
};
using ActVec = std::vector<int8_t, AlignedAlloc<int8_t, 64>>;
template <typename T>
using WeightVec = std::vector<T, AlignedAlloc<T, AlignedAlloc<T, 64>::kHugePage>>;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

size_t working_set_bytes() {
    const char * mb = std::getenv("TERN_BENCH_MB");
    return static_cast<size_t>(mb ? std::atoi(mb) : 1024) << 20;
}

// Runs body(thread, threads) on `threads` threads at once (every thread loops on its own
// share, no barrier between repetitions); returns the best wall time of TERN_BENCH_RUNS runs
// (default 5: the machine may be shared, the best run is the least disturbed).
double run_threads(int threads, const std::function<void(int, int)> & body) {
    const char * runs_env = std::getenv("TERN_BENCH_RUNS");
    const int runs = runs_env ? std::max(1, std::atoi(runs_env)) : 5;
    double best = 1e30;
    for (int run = 0; run < runs; ++run) {
        const auto t0 = Clock::now();
        std::vector<std::thread> pool;
        for (int i = 1; i < threads; ++i) pool.emplace_back(body, i, threads);
        body(0, threads);
        for (auto & t : pool) t.join();
        best = std::min(best, seconds_since(t0));
    }
    return best;
}

// Plain read bandwidth: sums 64-bit words of a large buffer.
double read_bandwidth_gbs(int threads) {
    const size_t bytes = working_set_bytes();
    WeightVec<uint64_t> buf(bytes / 8);
    for (size_t i = 0; i < buf.size(); ++i) buf[i] = i;
    const int reps = 1;
    std::vector<uint64_t> sink(threads * 8);
    auto body = [&](int t, int n) {
        const size_t lo = buf.size() * t / n, hi = buf.size() * (t + 1) / n;
        uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int r = 0; r < reps; ++r)
            for (size_t i = lo; i + 4 <= hi; i += 4) {
                s0 += buf[i];
                s1 += buf[i + 1];
                s2 += buf[i + 2];
                s3 += buf[i + 3];
            }
        sink[t * 8] = s0 + s1 + s2 + s3;
    };
    body(0, 1);  // warm (page faults)
    const double s = run_threads(threads, body);
    return static_cast<double>(bytes) * reps / s / 1e9;
}

struct TernaryShape {
    int64_t rows, cols;
};

// GEMV over copies of a rows x cols packed matrix totalling the working set; GB/s of weights.
double ternary_gemv_gbs(const KernelTable & k, TernaryShape shape, int threads) {
    const size_t row_bytes = ternary_row_bytes(shape.cols);
    const size_t matrix_bytes = row_bytes * shape.rows;
    const size_t copies = std::max<size_t>(1, working_set_bytes() / matrix_bytes);
    WeightVec<uint8_t> w(matrix_bytes * copies);
    std::mt19937 rng(1);
    std::vector<int8_t> trits(shape.cols);
    for (int64_t r = 0; r < shape.rows; ++r) {
        for (auto & t : trits) t = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
        ternary_pack_row(trits.data(), shape.cols, &w[r * row_bytes]);
    }
    for (size_t c = 1; c < copies; ++c) std::memcpy(&w[c * matrix_bytes], w.data(), matrix_bytes);
    ActVec x(shape.cols);
    for (auto & v : x) v = static_cast<int8_t>(static_cast<int>(rng() % 256) - 128);
    std::vector<int32_t> y(shape.rows);
    const int reps = 1;
    auto body = [&](int t, int n) {
        const int64_t lo = shape.rows * t / n, hi = shape.rows * (t + 1) / n;
        for (int r = 0; r < reps; ++r)
            for (size_t c = 0; c < copies; ++c)
                k.ternary_gemv(&w[c * matrix_bytes + lo * row_bytes], row_bytes, hi - lo, shape.cols, x.data(), &y[lo]);
    };
    const double s = run_threads(threads, body);
    return static_cast<double>(matrix_bytes) * copies * reps / s / 1e9;
}

// GEMM of `n` tokens on one (cache-resident or not) matrix: giga weight-token products per second.
double ternary_gemm_gops(const KernelTable & k, TernaryShape shape, int64_t n, int threads) {
    const size_t row_bytes = ternary_row_bytes(shape.cols);
    WeightVec<uint8_t> w(row_bytes * shape.rows);
    std::mt19937 rng(2);
    std::vector<int8_t> trits(shape.cols);
    for (int64_t r = 0; r < shape.rows; ++r) {
        for (auto & t : trits) t = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
        ternary_pack_row(trits.data(), shape.cols, &w[r * row_bytes]);
    }
    ActVec x(shape.cols * n);
    for (auto & v : x) v = static_cast<int8_t>(static_cast<int>(rng() % 256) - 128);
    std::vector<int32_t> y(shape.rows * n);
    const int reps = 2;
    auto body = [&](int t, int nt) {
        const int64_t lo = shape.rows * t / nt, hi = shape.rows * (t + 1) / nt;
        for (int r = 0; r < reps; ++r)
            k.ternary_gemm(&w[lo * row_bytes], row_bytes, hi - lo, shape.cols, x.data(), shape.cols, n, &y[lo], shape.rows);
    };
    const double s = run_threads(threads, body);
    return static_cast<double>(shape.rows) * shape.cols * n * reps / s / 1e9;
}

// f16 GEMV (an output head's shape) over copies totalling the working set; GB/s of weights.
double f16_gemv_gbs(const KernelTable & k, int64_t rows, int64_t cols, int threads) {
    const size_t matrix = static_cast<size_t>(rows * cols);
    const size_t copies = std::max<size_t>(1, working_set_bytes() / (matrix * 2));
    WeightVec<uint16_t> w(matrix * copies, f32_to_f16(0.01f));
    std::vector<float> x(cols, 0.5f), y(rows);
    const int reps = 1;
    auto body = [&](int t, int n) {
        const int64_t lo = rows * t / n, hi = rows * (t + 1) / n;
        for (int r = 0; r < reps; ++r)
            for (size_t c = 0; c < copies; ++c) k.f16_gemv(&w[c * matrix + lo * cols], cols, hi - lo, cols, x.data(), &y[lo]);
    };
    body(0, 1);
    const double s = run_threads(threads, body);
    return static_cast<double>(matrix) * 2 * copies * reps / s / 1e9;
}

// Q8_0 GEMV (the default head's kernel) over copies totalling the working set; GB/s of weights
// and scales (8.5 bits per weight).
double q8_gemv_gbs(const KernelTable & k, int64_t rows, int64_t cols, int threads) {
    const size_t matrix = static_cast<size_t>(rows * cols), nb = static_cast<size_t>(cols / kQ8Block);
    const size_t copies = std::max<size_t>(1, working_set_bytes() / (matrix + matrix / kQ8Block * 2));
    WeightVec<int8_t> w(matrix * copies, 3);
    WeightVec<uint16_t> ws(static_cast<size_t>(rows) * nb * copies, f32_to_f16(0.01f));
    ActVec x(cols, 5);
    std::vector<float> xs(nb, 0.1f), y(rows);
    auto body = [&](int t, int n) {
        const int64_t lo = rows * t / n, hi = rows * (t + 1) / n;
        for (size_t c = 0; c < copies; ++c)
            k.q8_gemv(&w[c * matrix + lo * cols], &ws[(c * rows + lo) * nb], hi - lo, cols, x.data(), xs.data(), &y[lo]);
    };
    body(0, 1);
    const double s = run_threads(threads, body);
    return static_cast<double>(matrix + matrix / kQ8Block * 2) * copies / s / 1e9;
}

// Q6_K GEMV over copies of a rows x cols head (planes of random codes, unit scales); GB/s of
// ql + qh + sc + d.
double q6_gemv_gbs(const KernelTable & k, int64_t rows, int64_t cols, int threads) {
    const size_t n = static_cast<size_t>(rows * cols);
    const size_t bytes = n / 2 + n / 4 + n / 16 + n / kQ6Super * 2;
    const size_t copies = std::max<size_t>(1, working_set_bytes() / bytes);
    WeightVec<uint8_t> ql(n / 2 * copies), qh(n / 4 * copies);
    WeightVec<int8_t> sc(n / 16 * copies, 1);
    WeightVec<uint16_t> d(n / kQ6Super * copies, f32_to_f16(0.01f));
    std::mt19937 rng(3);
    for (auto & b : ql) b = static_cast<uint8_t>(rng());
    for (auto & b : qh) b = static_cast<uint8_t>(rng());
    ActVec x(cols, 5);
    std::vector<float> xs(static_cast<size_t>(cols / kQ8Block), 0.1f), y(rows);
    auto body = [&](int t, int nt) {
        const int64_t lo = rows * t / nt, hi = rows * (t + 1) / nt;
        for (size_t c = 0; c < copies; ++c) {
            const Q6Matrix w{&ql[c * n / 2], &qh[c * n / 4], &sc[c * n / 16], &d[c * n / kQ6Super]};
            k.q6_gemv(w, lo, hi - lo, cols, x.data(), xs.data(), &y[lo]);
        }
    };
    body(0, 1);
    const double s = run_threads(threads, body);
    return static_cast<double>(bytes) * copies / s / 1e9;
}

}  // namespace

int main(int argc, char ** argv) {
    std::vector<const KernelTable *> paths;
    if (argc > 1) {
        for (int i = 1; i < argc; ++i) {
            const KernelTable * k = kernels_for(argv[i]);
            if (!k) {
                std::fprintf(stderr, "kernel_bench: path %s not available here\n", argv[i]);
                return 2;
            }
            paths.push_back(k);
        }
    } else {
        for (const char * name : {"scalar", "avx2", "avxvnni", "avx512", "amx", "neon"})
            if (const KernelTable * k = kernels_for(name)) paths.push_back(k);
    }
    std::printf("CPU: %s; working set %zu MB per measurement\n", tern_cpu_name(), working_set_bytes() >> 20);
    std::printf("read bandwidth: 1 thread %.1f GB/s, 2 threads %.1f GB/s\n", read_bandwidth_gbs(1), read_bandwidth_gbs(2));

    const TernaryShape shapes[] = {{2560, 2560}, {6912, 2560}, {2560, 6912}};
    std::printf("\nternary GEMV, GB/s of packed weights (%.2f bits/weight at 2560 cols, %.2f at 6912)\n",
                ternary_row_bytes(2560) * 8.0 / 2560, ternary_row_bytes(6912) * 8.0 / 6912);
    std::printf("%-8s %-12s %10s %10s\n", "path", "shape", "1 thread", "2 threads");
    for (const KernelTable * k : paths)
        for (const TernaryShape & s : shapes) {
            const std::string name = std::to_string(s.rows) + "x" + std::to_string(s.cols);
            const double g1 = ternary_gemv_gbs(*k, s, 1);
            const double g2 = ternary_gemv_gbs(*k, s, 2);
            std::printf("%-8s %-12s %10.1f %10.1f\n", k->name, name.c_str(), g1, g2);
        }

    std::printf("\nternary GEMM, 128 tokens, 6912x2560: giga weight-token products/s\n");
    std::printf("%-8s %10s %10s\n", "path", "1 thread", "2 threads");
    for (const KernelTable * k : paths) {
        if (std::strcmp(k->name, "scalar") == 0) {
            std::printf("%-8s %10.1f %10s\n", k->name, ternary_gemm_gops(*k, {6912, 2560}, 16, 1), "(16 tok)");
            continue;
        }
        std::printf("%-8s %10.1f %10.1f\n", k->name, ternary_gemm_gops(*k, {6912, 2560}, 128, 1),
                    ternary_gemm_gops(*k, {6912, 2560}, 128, 2));
    }

    std::printf("\nf16 GEMV 16384x2560 (head-like), GB/s of weights\n");
    std::printf("%-8s %10s %10s\n", "path", "1 thread", "2 threads");
    for (const KernelTable * k : paths)
        std::printf("%-8s %10.1f %10.1f\n", k->name, f16_gemv_gbs(*k, 16384, 2560, 1), f16_gemv_gbs(*k, 16384, 2560, 2));

    std::printf("\nq8_0 GEMV 16384x2560 (the default head), GB/s of weights and scales\n");
    std::printf("%-8s %10s %10s\n", "path", "1 thread", "2 threads");
    for (const KernelTable * k : paths)
        std::printf("%-8s %10.1f %10.1f\n", k->name, q8_gemv_gbs(*k, 16384, 2560, 1), q8_gemv_gbs(*k, 16384, 2560, 2));

    std::printf("\nq6_k GEMV 16384x2560, GB/s of its planes and scales\n");
    std::printf("%-8s %10s %10s\n", "path", "1 thread", "2 threads");
    for (const KernelTable * k : paths)
        std::printf("%-8s %10.1f %10.1f\n", k->name, q6_gemv_gbs(*k, 16384, 2560, 1), q6_gemv_gbs(*k, 16384, 2560, 2));
    return 0;
}
