// Picks the kernel table: kernels_for(name) for a path this build contains and this CPU runs,
// kernels() for the path tern_isa_name() chose (CPU features, or TERN_ISA).
#include "kernels/kernels.h"
#include "tern.h"

#include <cstring>

namespace tern {

const KernelTable * kernels_for(const char * isa) {
    if (isa == nullptr) return nullptr;
    if (std::strcmp(isa, "scalar") == 0) return &kernels_scalar();
    // The instruction-set tables (kernels_isa.h) are being written; until then, scalar only.
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
