// printf-style formatting into a std::string, for error messages.
#pragma once

#include <string>

namespace tern {

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 1, 2)))
#endif
std::string format(const char * fmt, ...);

}  // namespace tern
