#include "util/aligned.h"

#include <cstdlib>
#ifdef _WIN32
#include <malloc.h>
#endif

namespace tern {

void * aligned_malloc(size_t bytes, size_t alignment) {
    if (bytes == 0) bytes = 1;
#ifdef _WIN32
    return _aligned_malloc(bytes, alignment);
#else
    void * p = nullptr;
    return posix_memalign(&p, alignment, bytes) == 0 ? p : nullptr;
#endif
}

void aligned_free(void * p) {
#ifdef _WIN32
    _aligned_free(p);
#else
    std::free(p);
#endif
}

}  // namespace tern
