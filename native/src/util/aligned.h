// Aligned heap blocks on every platform. std::aligned_alloc is missing from the Windows C
// runtime, whose aligned blocks must be freed with _aligned_free, not free: allocate with
// aligned_malloc and give back with aligned_free, always as a pair.
#pragma once

#include <cstddef>

namespace tern {

// `bytes` (0 is taken as 1) at an address that is a multiple of `alignment` (a power of two, at
// least sizeof(void *)); nullptr when out of memory.
void * aligned_malloc(size_t bytes, size_t alignment);

// Frees a block from aligned_malloc; nullptr is ignored.
void aligned_free(void * p);

}  // namespace tern
