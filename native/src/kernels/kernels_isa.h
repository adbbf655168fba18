// The instruction-set tables, each defined in its own file (x86_avx2.cpp, x86_avxvnni.cpp, x86_avx512.cpp,
// arm_neon.cpp) and present only in builds for that architecture. Only dispatch.cpp and the
// tests use these; everything else goes through kernels() / kernels_for().
#pragma once

#include "kernels/kernels.h"

namespace tern {

#if defined(TERN_HAVE_X86)
const KernelTable & kernels_avx2();
// The AVX2 table with the ternary GEMV on AVX-VNNI (vpdpbusd on ymm).
const KernelTable & kernels_avxvnni();
const KernelTable & kernels_avx512();
// AVX-512 plus AMX-INT8 tile GEMM for prefill; nullptr when the CPU or OS does not allow AMX.
const KernelTable * kernels_amx();
// Fewer tokens than this fill no AMX tile: its GEMM hands them to the AVX-512 GEMM.
constexpr int64_t kAmxMinTokens = 8;
#endif
#if defined(TERN_HAVE_ARM)
const KernelTable & kernels_neon();
#endif

}  // namespace tern
