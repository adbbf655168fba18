// Picks the kernel table: kernels_for(name) for a path this build contains and this CPU runs,
// kernels() for the path tern_isa_name() chose (CPU features, or TERN_ISA).
#include "kernels/kernels.h"
#include "kernels/kernels_isa.h"
#include "tern.h"

#include <cstring>

namespace tern {

const KernelTable * kernels_for(const char * isa) {
    if (isa == nullptr) return nullptr;
    if (std::strcmp(isa, "scalar") == 0) return &kernels_scalar();
    const tern_cpu_features f = tern_cpu_detect();
#if defined(TERN_HAVE_X86)
    if (std::strcmp(isa, "avx2") == 0)
        return f.avx2 && f.fma && f.f16c ? &kernels_avx2() : nullptr;
    if (std::strcmp(isa, "avx512") == 0)
        return f.avx2 && f.fma && f.f16c && f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq &&
                       f.avx512vnni
                   ? &kernels_avx512()
                   : nullptr;
#endif
#if defined(TERN_HAVE_ARM)
    if (std::strcmp(isa, "neon") == 0) return f.neon && f.dotprod ? &kernels_neon() : nullptr;
#endif
    (void)f;
    return nullptr;
}

const KernelTable & kernels() {
    static const KernelTable * const chosen = [] {
        const KernelTable * table = kernels_for(tern_isa_name());
        return table ? table : &kernels_scalar();
    }();
    return *chosen;
}

}  // namespace tern
