// The runtime's addon pieces: error classes, cancel tokens, and the streaming workers.
#include "runtime.h"

#include "options.h"

namespace tern_addon {

const char * status_code(tern_status s) { return s == TERN_ERR_ABORTED ? "CANCELLED" : tern_status_name(s); }

Napi::Error engine_error(Napi::Env env, const std::string & code, const std::string & message) {
    const std::string c = code == "ABORTED" ? "CANCELLED" : code;
    Napi::FunctionReference & cls = error_class(env);
    if (!cls.IsEmpty()) {
        Napi::Object e = cls.New({Napi::String::New(env, message), Napi::String::New(env, c)});
        return Napi::Error(env, e);
    }
    Napi::Error e = Napi::Error::New(env, message);
    e.Set("code", Napi::String::New(env, c));
    return e;
}

// setErrorClass(cls): engine errors are thrown as new cls(message, code).
Napi::Value SetErrorClass(const Napi::CallbackInfo & info) {
    if (info.Length() < 1 || !info[0].IsFunction()) throw Napi::TypeError::New(info.Env(), "setErrorClass needs a class");
    error_class(info.Env()) = Napi::Persistent(info[0].As<Napi::Function>());
    return info.Env().Undefined();
}

// ---- CancelToken -----------------------------------------------------------------------------

Napi::Function CancelToken::Define(Napi::Env env) {
    return DefineClass(env, "CancelToken",
                       {InstanceMethod("cancel", &CancelToken::Cancel), InstanceAccessor("cancelled", &CancelToken::Cancelled, nullptr)});
}

CancelToken::CancelToken(const Napi::CallbackInfo & info)
    : Napi::ObjectWrap<CancelToken>(info), flag_(std::make_shared<std::atomic<bool>>(false)) {}

Napi::Value CancelToken::Cancel(const Napi::CallbackInfo & info) {
    flag_->store(true);
    return info.Env().Undefined();
}

Napi::Value CancelToken::Cancelled(const Napi::CallbackInfo & info) { return Napi::Boolean::New(info.Env(), flag_->load()); }

// ---- generate arguments ----------------------------------------------------------------------

GenerateArgs generate_args(Napi::Env env, std::vector<int32_t> prompt, const Napi::Value & options) {
    GenerateArgs a;
    a.prompt = std::move(prompt);
    if (options.IsUndefined() || options.IsNull()) return a;
    if (!options.IsObject()) throw Napi::TypeError::New(env, "options must be an object");
    Napi::Object o = options.As<Napi::Object>();
    tern_sampler_params & s = a.sampler;
    s.temperature = static_cast<float>(number_option(o, "temperature", s.temperature, 0, 1e6, false));
    s.top_k = static_cast<int32_t>(number_option(o, "topK", s.top_k, 0, 1 << 30, true));
    s.top_p = static_cast<float>(number_option(o, "topP", s.top_p, 0, 1, false));
    s.min_p = static_cast<float>(number_option(o, "minP", s.min_p, 0, 1, false));
    s.repeat_penalty = static_cast<float>(number_option(o, "repeatPenalty", s.repeat_penalty, 0, 1e6, false));
    s.repeat_last_n = static_cast<int32_t>(number_option(o, "repeatLastN", s.repeat_last_n, 0, 1 << 24, true));
    s.frequency_penalty = static_cast<float>(number_option(o, "frequencyPenalty", s.frequency_penalty, -1e6, 1e6, false));
    s.presence_penalty = static_cast<float>(number_option(o, "presencePenalty", s.presence_penalty, -1e6, 1e6, false));
    s.seed = static_cast<uint64_t>(number_option(o, "seed", static_cast<double>(s.seed), 0, 9007199254740991.0, true));
    a.max_tokens = static_cast<int32_t>(number_option(o, "maxTokens", -1, -1, 1 << 24, true));
    if (o.Has("ignoreEog") && !o.Get("ignoreEog").IsUndefined()) a.ignore_eog = o.Get("ignoreEog").ToBoolean().Value();
    if (o.Has("continuation") && !o.Get("continuation").IsUndefined()) a.continuation = o.Get("continuation").ToBoolean().Value();
    a.draft_max = static_cast<int32_t>(number_option(o, "draftMax", 0, 0, 64, true));
    a.slot = static_cast<int32_t>(number_option(o, "slot", 0, 0, 1, true));
    if (o.Has("stop") && !o.Get("stop").IsUndefined()) {
        Napi::Value v = o.Get("stop");
        if (!v.IsArray()) throw Napi::TypeError::New(env, "stop must be an array of strings");
        Napi::Array arr = v.As<Napi::Array>();
        for (uint32_t i = 0; i < arr.Length(); ++i) {
            if (!arr.Get(i).IsString()) throw Napi::TypeError::New(env, "stop must be an array of strings");
            a.stop.push_back(arr.Get(i).As<Napi::String>().Utf8Value());
        }
    }
    return a;
}

// ---- GenerateWorker ----------------------------------------------------------------------------

GenerateWorker::GenerateWorker(Napi::Env env, ContextSource context, GenerateArgs args, CancelFlag cancel, Napi::Function on_token,
                               std::function<void()> finally)
    : Napi::AsyncProgressQueueWorker<TokenMsg>(env, "tern.generate"),
      deferred_(Napi::Promise::Deferred::New(env)),
      context_(std::move(context)),
      args_(std::move(args)),
      cancel_(std::move(cancel)),
      finally_(std::move(finally)) {
    if (!on_token.IsEmpty()) on_token_ = Napi::Persistent(on_token);
}

bool GenerateWorker::on_token(const tern_token_event * e, void * user) {
    GenerateWorker * w = static_cast<GenerateWorker *>(user);
    TokenMsg m;
    m.id = e->id;
    m.index = e->index;
    m.text.assign(e->text, e->text_len);
    m.ms = e->ms;
    m.elapsed_ms = e->elapsed_ms;
    if (m.id >= 0) w->ids_.push_back(m.id);
    w->text_ += m.text;
    w->progress_->Send(&m, 1);
    return !w->cancel_->load();
}

bool GenerateWorker::on_abort(void * user) { return static_cast<GenerateWorker *>(user)->cancel_->load(); }

void GenerateWorker::Execute(const ExecutionProgress & progress) {
    progress_ = &progress;
    std::vector<const char *> stops;
    for (const std::string & s : args_.stop) stops.push_back(s.c_str());
    tern_generate_params p = tern_generate_default_params();
    p.sampler = args_.sampler;
    p.max_tokens = args_.max_tokens;
    p.stop_strings = stops.data();
    p.n_stop_strings = static_cast<int32_t>(stops.size());
    p.ignore_eog = args_.ignore_eog;
    p.continuation = args_.continuation;
    p.draft_max = args_.draft_max;
    p.on_token = &GenerateWorker::on_token;
    p.on_token_user_data = this;
    p.abort = &GenerateWorker::on_abort;
    p.abort_user_data = this;
    tern_context * ctx = nullptr;
    status_ = context_(&ctx);
    if (status_ == TERN_OK) status_ = tern_generate(ctx, args_.prompt.data(), static_cast<int32_t>(args_.prompt.size()), &p, &result_);
    if (status_ != TERN_OK) {
        message_ = tern_last_error();
        if (message_.empty()) message_ = tern_status_name(status_);
        SetError(message_);
    }
}

void GenerateWorker::OnProgress(const TokenMsg * data, size_t count) {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (on_token_.IsEmpty() || !js_error_.IsEmpty()) return;
    for (size_t i = 0; i < count; ++i) {
        Napi::Object ev = Napi::Object::New(env);
        ev.Set("id", data[i].id);
        ev.Set("index", data[i].index);
        ev.Set("text", Napi::String::New(env, data[i].text));
        ev.Set("ms", data[i].ms);
        ev.Set("elapsedMs", data[i].elapsed_ms);
        try {
            on_token_.Call({ev});
        } catch (const Napi::Error & e) {
            // The listener failed: stop generating and reject with its error.
            js_error_ = Napi::Persistent(e.Value());
            cancel_->store(true);
            return;
        }
    }
}

void GenerateWorker::OnOK() {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (finally_) finally_();
    if (!js_error_.IsEmpty()) {
        deferred_.Reject(js_error_.Value());
        return;
    }
    const tern_generate_result & r = result_;
    Napi::Object o = Napi::Object::New(env);
    o.Set("promptTokens", r.n_prompt);
    o.Set("promptTokensReused", r.n_prompt_reused);
    o.Set("promptTokensComputed", r.n_prompt_computed);
    o.Set("generatedTokens", r.n_generated);
    o.Set("draftedTokens", r.n_drafted);
    o.Set("draftTokensAccepted", r.n_draft_accepted);
    o.Set("ttftMs", r.ttft_ms);
    o.Set("prefillMs", r.prefill_ms);
    o.Set("decodeMs", r.decode_ms);
    o.Set("totalMs", r.total_ms);
    o.Set("prefillTokensPerSecond", r.prefill_tokens_per_s);
    o.Set("decodeTokensPerSecond", r.decode_tokens_per_s);
    o.Set("stopReason", tern_stop_reason_name(r.stop_reason));
    Napi::Array ids = Napi::Array::New(env, ids_.size());
    for (size_t i = 0; i < ids_.size(); ++i) ids.Set(static_cast<uint32_t>(i), ids_[i]);
    o.Set("ids", ids);
    o.Set("text", Napi::String::New(env, text_));
    deferred_.Resolve(o);
}

void GenerateWorker::OnError(const Napi::Error &) {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (finally_) finally_();
    if (!js_error_.IsEmpty()) {
        deferred_.Reject(js_error_.Value());
        return;
    }
    deferred_.Reject(engine_error(env, status_code(status_), message_).Value());
}

// ---- LoadWorker ----------------------------------------------------------------------------------

LoadWorker::LoadWorker(Napi::Env env, LoadArgs args, CancelFlag cancel, Napi::Value on_progress, Make make)
    : Napi::AsyncProgressQueueWorker<float>(env, "tern.load"),
      deferred_(Napi::Promise::Deferred::New(env)),
      args_(std::move(args)),
      cancel_(std::move(cancel)),
      make_(std::move(make)) {
    if (on_progress.IsFunction()) on_progress_ = Napi::Persistent(on_progress.As<Napi::Function>());
}

LoadWorker::~LoadWorker() {
    tern_context_free(ctx_);  // still set only when the model was not handed over
    tern_model_free(model_);
}

bool LoadWorker::on_progress(float p, void * user) {
    LoadWorker * w = static_cast<LoadWorker *>(user);
    if (p >= 1.0f || p - w->last_sent_ >= 0.01f) {  // at most about a hundred messages
        w->last_sent_ = p;
        w->progress_->Send(&p, 1);
    }
    return !(w->cancel_ && w->cancel_->load());
}

void LoadWorker::Execute(const ExecutionProgress & progress) {
    progress_ = &progress;
    tern_model_params mp = tern_model_default_params();
    mp.n_threads = args_.threads;
    mp.metadata_only = args_.metadata_only;
    mp.head_type = args_.head.empty() ? nullptr : args_.head.c_str();
    mp.progress = &LoadWorker::on_progress;
    mp.progress_user_data = this;
    status_ = tern_model_load(args_.path.c_str(), &mp, &model_);
    if (status_ == TERN_OK && cancel_ && cancel_->load()) {
        status_ = TERN_ERR_ABORTED;
        message_ = "loading was cancelled";
    } else if (status_ == TERN_OK && !args_.metadata_only) {
        tern_context_params cp = tern_context_default_params();
        cp.n_threads = args_.threads;
        cp.n_ctx = args_.n_ctx;
        if (args_.n_batch > 0) cp.n_batch = args_.n_batch;
        cp.isa = args_.isa.empty() ? nullptr : args_.isa.c_str();
        status_ = tern_context_new(model_, &cp, &ctx_);
    }
    if (status_ != TERN_OK) {
        if (message_.empty()) message_ = tern_last_error();
        if (message_.empty()) message_ = tern_status_name(status_);
        SetError(message_);
    }
}

void LoadWorker::OnProgress(const float * data, size_t count) {
    if (on_progress_.IsEmpty()) return;
    Napi::HandleScope scope(Env());
    for (size_t i = 0; i < count; ++i) {
        try {
            on_progress_.Call({Napi::Number::New(Env(), data[i])});
        } catch (const Napi::Error &) {
            // A failing progress listener does not stop the load.
        }
    }
}

void LoadWorker::OnOK() {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    try {
        tern_model * m = model_;
        tern_context * c = ctx_;
        model_ = nullptr;
        ctx_ = nullptr;
        deferred_.Resolve(make_(env, m, c));
    } catch (const Napi::Error & e) {
        deferred_.Reject(e.Value());
    }
}

void LoadWorker::OnError(const Napi::Error &) {
    Napi::HandleScope scope(Env());
    deferred_.Reject(engine_error(Env(), status_code(status_), message_).Value());
}

}  // namespace tern_addon
