// Picks the kernel table: kernels_for(name) for a path this build contains and this CPU runs,
// kernels() for the path tern_isa_name() chose (CPU features, or TERN_ISA); and names the path
// whose code a table runs for decode and prefill (ternary_path).
#include "kernels/kernels.h"
#include "kernels/kernels_isa.h"
#include "tern.h"

#include <cstdlib>
#include <cstring>

namespace tern {

namespace {

// Every path kernels_for() knows, in the order a borrowed kernel is credited.
const char * const kPaths[] = {"scalar", "avx2", "avxvnni", "avx512", "amx", "neon"};

// The first path whose table holds the same function as `table` in member `fn`.
template <typename Fn>
const char * origin(const KernelTable & table, Fn KernelTable::*fn) {
    for (const char * path : kPaths) {
        const KernelTable * t = kernels_for(path);
        if (t && t->*fn == table.*fn) return t->name;
    }
    return table.name;
}

}  // namespace

const KernelTable * kernels_for(const char * isa) {
    if (isa == nullptr) return nullptr;
    if (std::strcmp(isa, "scalar") == 0) return &kernels_scalar();
    const tern_cpu_features f = tern_cpu_detect();
#if defined(TERN_HAVE_X86)
    if (std::strcmp(isa, "avx2") == 0)
        return f.avx2 && f.fma && f.f16c ? &kernels_avx2() : nullptr;
    if (std::strcmp(isa, "avxvnni") == 0)
        return f.avx2 && f.fma && f.f16c && f.avx_vnni ? &kernels_avxvnni() : nullptr;
    const bool avx512 = f.avx2 && f.fma && f.f16c && f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq && f.avx512vnni;
    if (std::strcmp(isa, "avx512") == 0) return avx512 ? &kernels_avx512() : nullptr;
    if (std::strcmp(isa, "amx") == 0) return avx512 ? kernels_amx() : nullptr;
#endif
#if defined(TERN_HAVE_ARM)
    if (std::strcmp(isa, "neon") == 0) return f.neon && f.dotprod ? &kernels_neon() : nullptr;
#endif
    (void)f;
    return nullptr;
}

const KernelTable & kernels() {
    static const KernelTable * const chosen = [] {
        // AVX-512 machines with AMX take the amx table (AVX-512 plus tile GEMM), unless TERN_ISA
        // names a path; TERN_ISA=amx asks for it explicitly.
        const char * forced = std::getenv("TERN_ISA");
        const bool unforced = forced == nullptr || *forced == '\0' || std::strcmp(forced, "amx") == 0;
        if (unforced && std::strcmp(tern_isa_name(), "avx512") == 0)
            if (const KernelTable * amx = kernels_for("amx")) return amx;
        const KernelTable * table = kernels_for(tern_isa_name());
        return table ? table : &kernels_scalar();
    }();
    return *chosen;
}

const char * ternary_path(const KernelTable & table, int64_t n_tokens) {
    if (n_tokens <= 1) return origin(table, &KernelTable::ternary_gemv);
#if defined(TERN_HAVE_X86)
    const KernelTable * amx = kernels_for("amx");
    if (amx && table.ternary_gemm == amx->ternary_gemm && n_tokens < kAmxMinTokens)
        return origin(kernels_avx512(), &KernelTable::ternary_gemm);
#endif
    return origin(table, &KernelTable::ternary_gemm);
}

}  // namespace tern
