// The C API's handles, shared by the api_*.cpp files.
#pragma once

#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>

#include "model/context.h"
#include "model/model.h"
#include "runtime/session.h"
#include "tern.h"

struct tern_model {
    std::unique_ptr<tern::Model> m;
    std::string name;
};

struct tern_context {
    tern_model * model;
    std::unique_ptr<tern::Context> ctx;
    std::unique_ptr<tern::Session> session;  // the KV cache's tokens; tern_decode goes through it
};

namespace tern_api {

// Sets the calling thread's tern_last_error() message.
void set_last_error(const std::string & message);

// Records why and returns the status.
inline tern_status fail(tern_status status, const std::string & why) {
    set_last_error(why);
    return status;
}

// Runs f, turning exceptions into status codes: nothing escapes the C API.
template <typename F>
tern_status guarded(F && f) {
    try {
        return f();
    } catch (const std::bad_alloc &) {
        return fail(TERN_ERR_OUT_OF_MEMORY, "out of memory");
    } catch (const std::exception & e) {
        return fail(TERN_ERR_INTERNAL, std::string("internal error: ") + e.what());
    } catch (...) {
        return fail(TERN_ERR_INTERNAL, "internal error");
    }
}

// Copies s into buf (NUL-terminated, cut to size - 1 bytes); returns the full length, so a
// caller can size a buffer with a first call.
inline int32_t copy_out(const std::string & s, char * buf, size_t size) {
    if (buf && size > 0) {
        const size_t n = s.size() < size - 1 ? s.size() : size - 1;
        std::memcpy(buf, s.data(), n);
        buf[n] = '\0';
    }
    return static_cast<int32_t>(s.size() > 0x7fffffff ? 0x7fffffff : s.size());
}

}  // namespace tern_api
