// Which instruction-set path the kernels take: the best one the CPU runs and this build
// contains, unless TERN_ISA names another (scalar always works; an ISA the CPU lacks is refused
// and the best available is used instead, so a bad setting can never execute illegal code).
#include "tern.h"

#include <cstdlib>
#include <cstring>

namespace {

bool cpu_runs(const char * isa, const tern_cpu_features & f) {
    if (std::strcmp(isa, "scalar") == 0) return true;
#if defined(TERN_HAVE_X86)
    if (std::strcmp(isa, "avx2") == 0) return f.avx2 && f.fma && f.f16c;
    if (std::strcmp(isa, "avxvnni") == 0) return f.avx2 && f.fma && f.f16c && f.avx_vnni;
    if (std::strcmp(isa, "avx512") == 0)
        return f.avx2 && f.fma && f.f16c && f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq && f.avx512vnni;
#endif
#if defined(TERN_HAVE_ARM)
    if (std::strcmp(isa, "neon") == 0) return f.neon && f.dotprod;
#endif
    return false;
}

const char * best_isa(const tern_cpu_features & f) {
    static const char * const order[] = {"avx512", "avxvnni", "avx2", "neon"};
    for (const char * isa : order)
        if (cpu_runs(isa, f)) return isa;
    return "scalar";
}

}  // namespace

extern "C" const char * tern_isa_name(void) {
    static const char * const chosen = [] {
        const tern_cpu_features f = tern_cpu_detect();
        const char * forced = std::getenv("TERN_ISA");
        if (forced && *forced) {
            static const char * const known[] = {"scalar", "avx2", "avxvnni", "avx512", "neon"};
            for (const char * isa : known)
                if (std::strcmp(forced, isa) == 0 && cpu_runs(isa, f)) return isa;
        }
        return best_isa(f);
    }();
    return chosen;
}
