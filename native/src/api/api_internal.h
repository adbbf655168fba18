// The C API's handles, shared by the api_*.cpp files.
#pragma once

#include <memory>
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
}  // namespace tern_api
