// CPU feature detection: what the processor supports *and* the OS has enabled (on x86 the
// AVX and AVX-512 register state must be switched on in XCR0, or the instructions fault).
#include "tern.h"

#include <cstring>
#include <string>

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
#define TERN_X86 1
#if defined(_MSC_VER)
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#endif

#if defined(__aarch64__) || defined(_M_ARM64)
#define TERN_ARM64 1
#if defined(__linux__)
#include <sys/auxv.h>
#elif defined(__APPLE__)
#include <sys/sysctl.h>
#elif defined(_WIN32)
#include <windows.h>
#endif
#endif

namespace {

#ifdef TERN_X86
struct CpuidRegs { unsigned a, b, c, d; };

CpuidRegs cpuid(unsigned leaf, unsigned subleaf) {
    CpuidRegs r{};
#if defined(_MSC_VER)
    int v[4];
    __cpuidex(v, static_cast<int>(leaf), static_cast<int>(subleaf));
    r = {unsigned(v[0]), unsigned(v[1]), unsigned(v[2]), unsigned(v[3])};
#else
    __cpuid_count(leaf, subleaf, r.a, r.b, r.c, r.d);
#endif
    return r;
}

unsigned long long xgetbv0() {
#if defined(_MSC_VER)
    return _xgetbv(0);
#else
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (static_cast<unsigned long long>(hi) << 32) | lo;
#endif
}

bool bit(unsigned reg, int n) { return (reg >> n) & 1u; }

tern_cpu_features detect_x86() {
    tern_cpu_features f{};
    const unsigned max_leaf = cpuid(0, 0).a;
    if (max_leaf < 1) return f;
    const CpuidRegs l1 = cpuid(1, 0);
    f.sse42 = bit(l1.c, 20);
    const bool osxsave = bit(l1.c, 27);
    const unsigned long long xcr0 = osxsave ? xgetbv0() : 0;
    const bool os_avx = (xcr0 & 0x6) == 0x6;            // XMM and YMM state
    const bool os_avx512 = os_avx && (xcr0 & 0xe0) == 0xe0;  // opmask, ZMM hi256, hi16 ZMM
    f.avx = os_avx && bit(l1.c, 28);
    f.fma = f.avx && bit(l1.c, 12);
    f.f16c = f.avx && bit(l1.c, 29);
    if (max_leaf >= 7) {
        const CpuidRegs l7 = cpuid(7, 0);
        f.avx2 = f.avx && bit(l7.b, 5);
        f.avx512f = os_avx512 && bit(l7.b, 16);
        f.avx512dq = f.avx512f && bit(l7.b, 17);
        f.avx512bw = f.avx512f && bit(l7.b, 30);
        f.avx512vl = f.avx512f && bit(l7.b, 31);
        f.avx512vnni = f.avx512f && bit(l7.c, 11);
        const CpuidRegs l71 = cpuid(7, 1);
        f.avx_vnni = f.avx2 && bit(l71.a, 4);
    }
    return f;
}

std::string brand_x86() {
    if (cpuid(0x80000000u, 0).a < 0x80000004u) return "";
    char brand[49] = {0};
    for (unsigned i = 0; i < 3; ++i) {
        const CpuidRegs r = cpuid(0x80000002u + i, 0);
        std::memcpy(brand + 16 * i + 0, &r.a, 4);
        std::memcpy(brand + 16 * i + 4, &r.b, 4);
        std::memcpy(brand + 16 * i + 8, &r.c, 4);
        std::memcpy(brand + 16 * i + 12, &r.d, 4);
    }
    std::string s(brand);
    const auto first = s.find_first_not_of(' ');
    const auto last = s.find_last_not_of(' ');
    return first == std::string::npos ? "" : s.substr(first, last - first + 1);
}
#endif

#ifdef TERN_ARM64
tern_cpu_features detect_arm64() {
    tern_cpu_features f{};
    f.neon = true;  // Advanced SIMD is mandatory on AArch64.
#if defined(__linux__)
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
    f.dotprod = (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0;
#elif defined(__APPLE__)
    int v = 0;
    size_t len = sizeof(v);
    if (sysctlbyname("hw.optional.arm.FEAT_DotProd", &v, &len, nullptr, 0) == 0) f.dotprod = v != 0;
#elif defined(_WIN32)
#ifndef PF_ARM_V82_DP_INSTRUCTIONS_AVAILABLE
#define PF_ARM_V82_DP_INSTRUCTIONS_AVAILABLE 43
#endif
    f.dotprod = IsProcessorFeaturePresent(PF_ARM_V82_DP_INSTRUCTIONS_AVAILABLE) != 0;
#endif
    return f;
}
#endif

}  // namespace

extern "C" tern_cpu_features tern_cpu_detect(void) {
    static const tern_cpu_features features = [] {
#if defined(TERN_X86) && defined(TERN_X86_EMULATION)
        // The emulated test build (native/tests/emulation): an AVX2 CPU runs the AVX-VNNI,
        // AVX-512 and AMX paths in software, so it is reported to have them.
        tern_cpu_features f = detect_x86();
        if (f.avx2 && f.fma && f.f16c)
            f.avx_vnni = f.avx512f = f.avx512dq = f.avx512bw = f.avx512vl = f.avx512vnni = true;
        return f;
#elif defined(TERN_X86)
        return detect_x86();
#elif defined(TERN_ARM64)
        return detect_arm64();
#else
        return tern_cpu_features{};
#endif
    }();
    return features;
}

extern "C" const char * tern_cpu_name(void) {
    static const std::string name = [] {
#if defined(TERN_X86)
        return brand_x86();
#elif defined(__APPLE__) && defined(TERN_ARM64)
        char buf[128] = {0};
        size_t len = sizeof(buf) - 1;
        if (sysctlbyname("machdep.cpu.brand_string", buf, &len, nullptr, 0) == 0) return std::string(buf);
        return std::string();
#else
        return std::string();
#endif
    }();
    return name.c_str();
}
