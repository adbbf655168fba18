// Node-API entry point: registers each part of the addon's surface.
#include <napi.h>

#include "tern.h"

void TernRegisterEngine(Napi::Env env, Napi::Object exports);  // engine.cpp
void TernRegisterBench(Napi::Env env, Napi::Object exports);   // bench.cpp
void TernRegisterEnergy(Napi::Env env, Napi::Object exports);  // energy.cpp

namespace {

Napi::Value CpuInfo(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    const tern_cpu_features f = tern_cpu_detect();
    Napi::Object features = Napi::Object::New(env);
    features.Set("sse42", f.sse42);
    features.Set("avx", f.avx);
    features.Set("avx2", f.avx2);
    features.Set("fma", f.fma);
    features.Set("f16c", f.f16c);
    features.Set("avx512f", f.avx512f);
    features.Set("avx512bw", f.avx512bw);
    features.Set("avx512vl", f.avx512vl);
    features.Set("avx512dq", f.avx512dq);
    features.Set("avx512vnni", f.avx512vnni);
    features.Set("avxVnni", f.avx_vnni);
    features.Set("neon", f.neon);
    features.Set("dotprod", f.dotprod);

    Napi::Object out = Napi::Object::New(env);
    out.Set("name", tern_cpu_name());
    out.Set("isa", tern_isa_name());
    out.Set("features", features);
    // The paths the ternary products take by default (the same for every weight format).
    tern_kernel_paths k{};
    tern_kernel_paths_for(nullptr, 0, &k);
    Napi::Object kernels = Napi::Object::New(env);
    kernels.Set("decode", k.decode);
    kernels.Set("prefill", k.prefill);
    out.Set("kernels", kernels);
    return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
    exports.Set("cpuInfo", Napi::Function::New(env, CpuInfo, "cpuInfo"));
    TernRegisterEngine(env, exports);
    TernRegisterBench(env, exports);
    TernRegisterEnergy(env, exports);
    return exports;
}

}  // namespace

NODE_API_MODULE(tern, Init)
