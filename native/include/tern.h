/* Tern engine: the C API.
 *
 * A small C interface over the engine: opaque handles, functions that return error codes (the
 * library never calls exit()), and callbacks that return bool so the caller can stop work.
 */
#ifndef TERN_H
#define TERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- CPU features ------------------------------------------------------------------------ */

/* What the running CPU (and its OS) can execute; the kernels are dispatched on this. */
typedef struct tern_cpu_features {
    bool sse42;
    bool avx;
    bool avx2;
    bool fma;
    bool f16c;
    bool avx512f;
    bool avx512bw;
    bool avx512vl;
    bool avx512dq;
    bool avx512vnni;
    bool avx_vnni;
    bool neon;
    bool dotprod;
} tern_cpu_features;

/* The features of the CPU this process runs on, read once (cpuid/xgetbv, or the OS on ARM). */
tern_cpu_features tern_cpu_detect(void);

/* The CPU's brand string ("" where the CPU or OS does not say). Static storage. */
const char * tern_cpu_name(void);

/* Name of the instruction-set path the kernels use: "scalar", "avx2", "avx512" or "neon".
 * Chosen from the CPU's features unless the environment variable TERN_ISA forces one. */
const char * tern_isa_name(void);

#ifdef __cplusplus
}
#endif

#endif /* TERN_H */
