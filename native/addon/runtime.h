// Addon pieces of the runtime (runtime.cpp): JS error classes, cancel flags, and the workers
// that stream (model loading with progress, generation with every token).
#pragma once

#include <napi.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tern.h"

namespace tern_addon {

// An Error of the class registered with setErrorClass (else a plain Error) with `code`.
// Engine status names become codes, ABORTED as "CANCELLED".
Napi::Error engine_error(Napi::Env env, const std::string & code, const std::string & message);
const char * status_code(tern_status s);
Napi::Value SetErrorClass(const Napi::CallbackInfo & info);
// The registered class, kept with the addon's per-environment data (engine.cpp).
Napi::FunctionReference & error_class(Napi::Env env);

using CancelFlag = std::shared_ptr<std::atomic<bool>>;

// new CancelToken(): cancel() sets a flag a running load polls; `cancelled` reads it.
class CancelToken : public Napi::ObjectWrap<CancelToken> {
public:
    static Napi::Function Define(Napi::Env env);
    explicit CancelToken(const Napi::CallbackInfo & info);
    CancelFlag flag() const { return flag_; }

private:
    Napi::Value Cancel(const Napi::CallbackInfo & info);
    Napi::Value Cancelled(const Napi::CallbackInfo & info);
    CancelFlag flag_;
};

// Generation settings, copied from JS before the work is queued.
struct GenerateArgs {
    std::vector<int32_t> prompt;
    tern_sampler_params sampler = tern_sampler_default_params();
    int32_t max_tokens = -1;
    std::vector<std::string> stop;
    bool ignore_eog = false;
    bool continuation = false;  // the reply continues the prompt's text (tern.h)
    int32_t draft_max = 0;  // prompt-lookup drafting (tern.h): 0 = off
    int32_t slot = 0;       // the KV slot (context) to run in: 0 the app's, 1 the local API's
};
GenerateArgs generate_args(Napi::Env env, std::vector<int32_t> prompt, const Napi::Value & options);

struct TokenMsg {
    int32_t id = -1;
    int32_t index = 0;
    std::string text;
    double ms = 0, elapsed_ms = 0;
};

// Gives the context a generation runs in, on the worker thread (so it may make it there: a KV
// slot is created by its first use). A failure status leaves its message in tern_last_error().
using ContextSource = std::function<tern_status(tern_context ** out)>;

// Runs tern_generate on a worker thread; each token reaches onToken on the JS thread, in order,
// exactly once (AsyncProgressQueueWorker), before the promise resolves with the statistics.
// `finally` runs on the JS thread after either outcome.
class GenerateWorker : public Napi::AsyncProgressQueueWorker<TokenMsg> {
public:
    GenerateWorker(Napi::Env env, ContextSource context, GenerateArgs args, CancelFlag cancel, Napi::Function on_token,
                   std::function<void()> finally);
    Napi::Promise promise() { return deferred_.Promise(); }

protected:
    void Execute(const ExecutionProgress & progress) override;
    void OnProgress(const TokenMsg * data, size_t count) override;
    void OnOK() override;
    void OnError(const Napi::Error & e) override;

private:
    static bool on_token(const tern_token_event * e, void * user);
    static bool on_abort(void * user);

    Napi::Promise::Deferred deferred_;
    ContextSource context_;
    GenerateArgs args_;
    CancelFlag cancel_;
    Napi::FunctionReference on_token_;
    std::function<void()> finally_;
    const ExecutionProgress * progress_ = nullptr;
    tern_status status_ = TERN_OK;
    std::string message_;
    tern_generate_result result_{};
    std::vector<int32_t> ids_;
    std::string text_;
    Napi::ObjectReference js_error_;  // an exception thrown by onToken
};

// Loads a model (and a context unless metadata-only) on a worker thread, with progress in
// [0, 1] reaching onProgress on the JS thread and a cancel flag polled by the loader.
struct LoadArgs {
    std::string path;
    int32_t threads = 0, n_ctx = 0, n_batch = 0;
    std::string isa;
    std::string head;  // LM head format: "" (default q8_0), "q8_0", "q6_k", "f16"
    bool metadata_only = false;
};

class LoadWorker : public Napi::AsyncProgressQueueWorker<float> {
public:
    // make(model, ctx) turns the loaded handles into the JS Model (on the JS thread).
    using Make = std::function<Napi::Value(Napi::Env, tern_model *, tern_context *)>;
    LoadWorker(Napi::Env env, LoadArgs args, CancelFlag cancel, Napi::Value on_progress, Make make);
    ~LoadWorker() override;
    Napi::Promise promise() { return deferred_.Promise(); }

protected:
    void Execute(const ExecutionProgress & progress) override;
    void OnProgress(const float * data, size_t count) override;
    void OnOK() override;
    void OnError(const Napi::Error & e) override;

private:
    static bool on_progress(float p, void * user);

    Napi::Promise::Deferred deferred_;
    LoadArgs args_;
    CancelFlag cancel_;
    Napi::FunctionReference on_progress_;
    Make make_;
    const ExecutionProgress * progress_ = nullptr;
    float last_sent_ = -1.0f;
    tern_model * model_ = nullptr;
    tern_context * ctx_ = nullptr;
    tern_status status_ = TERN_OK;
    std::string message_;
};

}  // namespace tern_addon
