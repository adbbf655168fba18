// Node-API bindings for the engine (the C API in tern.h): inspect(file, nCtx, options),
// kernelPaths(options), the Model class (Model.load, logits, run, setThreads, info, dispose) and
// synth(options). Every blocking call
// runs off the JS thread in an AsyncWorker and returns a Promise; failures reject with an Error
// whose `code` is the engine's status name ("FORMAT", "UNSUPPORTED", "CONTEXT_FULL", ...).
// Arguments are checked on the JS thread (TypeError) and copied into plain C++ values before the
// work is queued; Execute() touches only those.
#include <napi.h>

#include <atomic>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime.h"
#include "options.h"
#include "tern.h"

namespace tern_addon {

namespace {

// Runs `work` on a worker thread; resolves with `done(env)`, or rejects with the status's code
// and the engine's message.
class Task : public Napi::AsyncWorker {
public:
    using Work = std::function<tern_status()>;
    using Done = std::function<Napi::Value(Napi::Env)>;
    using Finally = std::function<void()>;

    // `finally` runs on the JS thread after either outcome.
    static Napi::Promise queue(Napi::Env env, Work work, Done done, Finally finally = nullptr) {
        Task * t = new Task(env, std::move(work), std::move(done));
        t->finally_ = std::move(finally);
        Napi::Promise p = t->deferred_.Promise();
        t->Queue();
        return p;
    }

private:
    Task(Napi::Env env, Work work, Done done)
        : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), work_(std::move(work)), done_(std::move(done)) {}

    void Execute() override {
        status_ = work_();
        if (status_ != TERN_OK) {
            message_ = tern_last_error();
            if (message_.empty()) message_ = tern_status_name(status_);
            need_bytes_ = tern_last_needed_bytes();  // thread-local: read on this thread
            SetError(message_);
        }
    }
    void OnOK() override {
        Napi::Env env = Env();
        Napi::HandleScope scope(env);
        if (finally_) finally_();
        try {
            deferred_.Resolve(done_(env));
        } catch (const Napi::Error & e) {
            deferred_.Reject(e.Value());
        }
    }
    void OnError(const Napi::Error &) override {
        Napi::HandleScope scope(Env());
        if (finally_) finally_();
        Napi::Object error = engine_error(Env(), status_code(status_), message_).Value();
        // NEED_MORE_BYTES: the size the file needs at least, for the caller's next try.
        if (status_ == TERN_ERR_NEED_MORE_BYTES) error.Set("needBytes", static_cast<double>(need_bytes_));
        deferred_.Reject(error);
    }

    Napi::Promise::Deferred deferred_;
    Work work_;
    Done done_;
    Finally finally_;
    tern_status status_ = TERN_OK;
    std::string message_;
    uint64_t need_bytes_ = 0;
};

std::string string_arg(const Napi::CallbackInfo & info, size_t i, const char * what) {
    if (info.Length() <= i || !info[i].IsString()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a string");
    return info[i].As<Napi::String>().Utf8Value();
}

std::vector<int32_t> ids_arg(const Napi::CallbackInfo & info, size_t i) {
    if (info.Length() <= i || !(info[i].IsArray() || info[i].IsTypedArray()))
        throw Napi::TypeError::New(info.Env(), "ids must be an array of token ids");
    Napi::Object arr = info[i].As<Napi::Object>();
    const uint32_t n = arr.Get("length").As<Napi::Number>().Uint32Value();
    std::vector<int32_t> ids(n);
    for (uint32_t k = 0; k < n; ++k) {
        Napi::Value v = arr.Get(k);
        if (!v.IsNumber()) throw Napi::TypeError::New(info.Env(), "ids must hold numbers");
        const double d = v.As<Napi::Number>().DoubleValue();
        if (!(d >= 0 && d <= 2147483647.0) || d != static_cast<double>(static_cast<int64_t>(d)))
            throw Napi::TypeError::New(info.Env(), "token id " + std::to_string(d) + " is not a non-negative integer");
        ids[k] = static_cast<int32_t>(d);
    }
    if (ids.empty()) throw Napi::TypeError::New(info.Env(), "ids must not be empty");
    return ids;
}

// ---- model description (plain data, filled off the JS thread) ------------------------------

struct TensorRow {
    std::string name, type;
    std::vector<int64_t> shape;
    uint64_t offset, bytes;
};

struct Description {
    tern_model_info info{};
    std::string arch, name, weight_type, ffn_act, head_tensor;
    std::vector<TensorRow> tensors;
    std::vector<std::pair<std::string, std::string>> metadata;
    bool has_chat_template = false;
    std::string chat_template;  // tokenizer.chat_template, whole
    tern_memory_estimate memory{};
    int32_t n_ctx = 0;
    tern_kernel_paths kernels{};
};

Napi::Object kernel_paths_object(Napi::Env env, const tern_kernel_paths & k) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("decode", k.decode);
    o.Set("prefill", k.prefill);
    return o;
}

// ctx: the context the model runs in (its kernel paths), or null (the paths a default context
// would take on this machine).
void describe(const tern_model * m, const tern_context * ctx, int32_t n_ctx, Description * d) {
    tern_model_get_info(m, &d->info);
    d->arch = d->info.arch;
    d->name = d->info.name;
    d->weight_type = d->info.weight_type;
    d->ffn_act = d->info.ffn_act;
    d->head_tensor = d->info.head_tensor;
    for (int64_t i = 0; i < tern_model_n_tensors(m); ++i) {
        tern_tensor_info t;
        tern_model_tensor(m, i, &t);
        TensorRow row{std::string(t.name, t.name_len), t.type, {}, t.offset, t.n_bytes};
        for (int k = 0; k < t.n_dims; ++k) row.shape.push_back(t.ne[k]);
        d->tensors.push_back(std::move(row));
    }
    for (int64_t i = 0; i < tern_model_meta_count(m); ++i) {
        std::string key(static_cast<size_t>(tern_model_meta_key(m, i, nullptr, 0)) + 1, '\0');
        tern_model_meta_key(m, i, &key[0], key.size());
        key.pop_back();
        std::string val(static_cast<size_t>(tern_model_meta_value(m, i, nullptr, 0)) + 1, '\0');
        tern_model_meta_value(m, i, &val[0], val.size());
        val.pop_back();
        d->metadata.emplace_back(std::move(key), std::move(val));
    }
    const int32_t template_len = tern_model_meta_string(m, "tokenizer.chat_template", nullptr, 0);
    if (template_len >= 0) {
        d->has_chat_template = true;
        d->chat_template.assign(static_cast<size_t>(template_len) + 1, '\0');
        tern_model_meta_string(m, "tokenizer.chat_template", &d->chat_template[0], d->chat_template.size());
        d->chat_template.pop_back();
    }
    d->n_ctx = n_ctx > 0 ? n_ctx : static_cast<int32_t>(d->info.n_ctx_train);
    tern_model_estimate_memory(m, d->n_ctx, 0, &d->memory);
    if (ctx) tern_context_kernel_paths(ctx, &d->kernels);
    else tern_kernel_paths_for(nullptr, 0, &d->kernels);
}

Napi::Object description_object(Napi::Env env, const Description & d) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("arch", d.arch);
    o.Set("name", d.name);
    o.Set("weightType", d.weight_type);
    o.Set("ffnAct", d.ffn_act);
    o.Set("headTensor", d.head_tensor);
    o.Set("tiedHead", d.info.tied_head);
    o.Set("ggufVersion", d.info.gguf_version);
    o.Set("fileBytes", static_cast<double>(d.info.file_bytes));
    o.Set("headerOnly", d.info.header_only);
    o.Set("nParams", static_cast<double>(d.info.n_params));
    Napi::Object hp = Napi::Object::New(env);
    hp.Set("nVocab", static_cast<double>(d.info.n_vocab));
    hp.Set("nEmbd", static_cast<double>(d.info.n_embd));
    hp.Set("nLayer", static_cast<double>(d.info.n_layer));
    hp.Set("nHead", static_cast<double>(d.info.n_head));
    hp.Set("nHeadKv", static_cast<double>(d.info.n_head_kv));
    hp.Set("headDim", static_cast<double>(d.info.head_dim));
    hp.Set("nRot", static_cast<double>(d.info.n_rot));
    hp.Set("nFf", static_cast<double>(d.info.n_ff));
    hp.Set("nCtxTrain", static_cast<double>(d.info.n_ctx_train));
    hp.Set("rmsEps", d.info.rms_eps);
    hp.Set("ropeTheta", d.info.rope_theta);
    o.Set("hparams", hp);
    Napi::Array tensors = Napi::Array::New(env, d.tensors.size());
    for (size_t i = 0; i < d.tensors.size(); ++i) {
        const TensorRow & t = d.tensors[i];
        Napi::Object r = Napi::Object::New(env);
        r.Set("name", t.name);
        r.Set("type", t.type);
        Napi::Array shape = Napi::Array::New(env, t.shape.size());
        for (size_t k = 0; k < t.shape.size(); ++k) shape.Set(static_cast<uint32_t>(k), static_cast<double>(t.shape[k]));
        r.Set("shape", shape);
        r.Set("offset", static_cast<double>(t.offset));
        r.Set("bytes", static_cast<double>(t.bytes));
        tensors.Set(static_cast<uint32_t>(i), r);
    }
    o.Set("tensors", tensors);
    Napi::Array meta = Napi::Array::New(env, d.metadata.size());
    for (size_t i = 0; i < d.metadata.size(); ++i) {
        Napi::Object kv = Napi::Object::New(env);
        kv.Set("key", d.metadata[i].first);
        kv.Set("value", d.metadata[i].second);
        meta.Set(static_cast<uint32_t>(i), kv);
    }
    o.Set("metadata", meta);
    o.Set("chatTemplate", d.has_chat_template ? Napi::Value(Napi::String::New(env, d.chat_template)) : env.Null());
    Napi::Object mem = Napi::Object::New(env);
    mem.Set("nCtx", d.n_ctx);
    mem.Set("weights", static_cast<double>(d.memory.weights_bytes));
    mem.Set("kvCache", static_cast<double>(d.memory.kv_cache_bytes));
    mem.Set("scratch", static_cast<double>(d.memory.scratch_bytes));
    mem.Set("total", static_cast<double>(d.memory.total_bytes));
    o.Set("memory", mem);
    o.Set("kernels", kernel_paths_object(env, d.kernels));
    return o;
}

// inspect(file: string, nCtx?: number, { header? }): Promise<Description> — a metadata-only load.
// header: the file may be only the start of a model (its metadata and tensor table, e.g. fetched
// with an HTTP Range request); the description is the whole file's, fileBytes the size its
// tensor table implies. A file that ends inside the header rejects with code NEED_MORE_BYTES
// and `needBytes`, the size it needs at least.
Napi::Value Inspect(const Napi::CallbackInfo & info) {
    const std::string path = string_arg(info, 0, "file");
    int32_t n_ctx = 0;
    if (info.Length() > 1 && !info[1].IsUndefined()) {
        if (!info[1].IsNumber() || info[1].As<Napi::Number>().Int32Value() < 0)
            throw Napi::TypeError::New(info.Env(), "nCtx must be a non-negative number");
        n_ctx = info[1].As<Napi::Number>().Int32Value();
    }
    bool header = false;
    if (info.Length() > 2 && !info[2].IsUndefined()) {
        if (!info[2].IsObject()) throw Napi::TypeError::New(info.Env(), "options must be an object");
        const Napi::Value h = info[2].As<Napi::Object>().Get("header");
        if (!h.IsUndefined() && !h.IsBoolean()) throw Napi::TypeError::New(info.Env(), "header must be true or false");
        header = h.IsBoolean() && h.As<Napi::Boolean>().Value();
    }
    auto d = std::make_shared<Description>();
    return Task::queue(
        info.Env(),
        [path, n_ctx, header, d]() {
            tern_model_params p = tern_model_default_params();
            p.metadata_only = true;
            p.header_only = header;
            tern_model * m = nullptr;
            const tern_status st = tern_model_load(path.c_str(), &p, &m);
            if (st != TERN_OK) return st;
            describe(m, nullptr, n_ctx, d.get());
            tern_model_free(m);
            return TERN_OK;
        },
        [d](Napi::Env env) -> Napi::Value { return description_object(env, *d); });
}

// kernelPaths({ isa?, nBatch? }): { decode, prefill } — the paths whose code runs the ternary
// products of a model loaded with this isa (absent: the default) and micro-batch size (tern.h,
// tern_kernel_paths). The same for every weight format: the loader repacks them all.
Napi::Value KernelPaths(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (info.Length() > 0 && !info[0].IsUndefined() && !info[0].IsObject())
        throw Napi::TypeError::New(env, "options must be an object");
    const Napi::Object opts = info.Length() > 0 && info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
    std::string isa;
    if (opts.Has("isa") && !opts.Get("isa").IsUndefined()) {
        if (!opts.Get("isa").IsString()) throw Napi::TypeError::New(env, "isa must be a string");
        isa = opts.Get("isa").As<Napi::String>().Utf8Value();
    }
    const int32_t n_batch = int_option(opts, "nBatch", 0, 0, 1 << 16);
    tern_kernel_paths k{};
    const tern_status st = tern_kernel_paths_for(isa.c_str(), n_batch, &k);
    if (st != TERN_OK) throw engine_error(env, status_code(st), tern_last_error());
    return kernel_paths_object(env, k);
}

// ---- Model -----------------------------------------------------------------------------------

// A model and its KV slots: each slot is a context (its own KV cache, scratch and thread pool)
// whose session remembers the tokens it holds, so a request continuing a slot's sequence reuses
// its prefix. Slot 0 (the app's own requests) is made by the load; slot 1 (the local API's) by
// the first generation that asks for it, with slot 0's settings, so the two never evict each
// other. One request runs at a time per Model, in either slot.
struct Engine {
    tern_model * model = nullptr;
    tern_context * ctx = nullptr;                     // slot 0; null when loaded metadata-only
    std::atomic<tern_context *> ctx_api{nullptr};     // slot 1, once used (written on a worker thread)
    int32_t n_batch = 0;                              // as loaded (0: the engine's default)
    std::string isa;                                  // as loaded ("": the default)

    ~Engine() {
        tern_context_free(ctx_api.load());
        tern_context_free(ctx);
        tern_model_free(model);
    }

    // The context of `slot`, making slot 1 on its first use: slot 0's positions, micro-batch,
    // kernel path and current thread count. Runs on the worker thread of the one request
    // running (the Model's busy guard), so nothing else makes or frees it meanwhile.
    tern_status context(int32_t slot, tern_context ** out) {
        if (slot == 0) {
            *out = ctx;
            return TERN_OK;
        }
        tern_context * c = ctx_api.load();
        if (!c) {
            tern_context_params cp = tern_context_default_params();
            cp.n_ctx = tern_context_n_ctx(ctx);
            cp.n_threads = tern_context_threads(ctx);
            if (n_batch > 0) cp.n_batch = n_batch;
            cp.isa = isa.empty() ? nullptr : isa.c_str();
            const tern_status st = tern_context_new(model, &cp, &c);
            if (st != TERN_OK) return st;
            ctx_api.store(c);
        }
        *out = c;
        return TERN_OK;
    }
};

struct AddonData {
    Napi::FunctionReference model_ctor;
    Napi::FunctionReference error_class;
    Napi::FunctionReference cancel_token_ctor;
};

int argmax(const float * x, int64_t n) {
    int best = 0;
    for (int64_t i = 1; i < n; ++i)
        if (x[i] > x[best]) best = static_cast<int>(i);  // ties: the lowest id
    return best;
}

class Model : public Napi::ObjectWrap<Model> {
public:
    static Napi::Function Define(Napi::Env env) {
        return DefineClass(env, "Model",
                           {StaticMethod("load", &Model::Load), InstanceMethod("info", &Model::Info),
                            InstanceMethod("logits", &Model::Logits), InstanceMethod("run", &Model::Run),
                            InstanceMethod("setThreads", &Model::SetThreads), InstanceMethod("dispose", &Model::Dispose),
                            InstanceMethod("tokenize", &Model::Tokenize), InstanceMethod("detokenize", &Model::Detokenize),
                            InstanceMethod("generate", &Model::Generate), InstanceMethod("cancel", &Model::Cancel),
                            InstanceMethod("memory", &Model::Memory),
                            InstanceMethod("specialTokens", &Model::SpecialTokens),
                            InstanceAccessor("isa", &Model::Isa, nullptr), InstanceAccessor("threads", &Model::Threads, nullptr)});
    }

    explicit Model(const Napi::CallbackInfo & info) : Napi::ObjectWrap<Model>(info) {
        if (info.Length() != 1 || !info[0].IsExternal())
            throw Napi::TypeError::New(info.Env(), "use Model.load(path, options) to create a model");
        engine_.reset(info[0].As<Napi::External<Engine>>().Data());
        describe(engine_->model, engine_->ctx, tern_context_n_ctx(engine_->ctx), &desc_);
    }

private:
    // Model.load(path, { threads?, nCtx?, nBatch?, isa?, head?, metadataOnly?, onProgress?, cancel? }): Promise<Model>
    // head: the LM head in memory, "q8_0" (default), "q6_k" or "f16".
    // onProgress(p) gets the load progress in [0, 1]; cancel is a CancelToken. metadataOnly: no
    // weights and no context (tokenize/detokenize/info only; a vocabulary-only file loads so).
    static Napi::Value Load(const Napi::CallbackInfo & info) {
        Napi::Env env = info.Env();
        LoadArgs args;
        args.path = string_arg(info, 0, "path");
        Napi::Object opts = info.Length() > 1 && info[1].IsObject() ? info[1].As<Napi::Object>() : Napi::Object::New(env);
        args.threads = int_option(opts, "threads", 0, 0, 1024);
        args.n_ctx = int_option(opts, "nCtx", 0, 0, 1 << 24);
        args.n_batch = int_option(opts, "nBatch", 0, 0, 1 << 16);
        if (opts.Has("isa") && opts.Get("isa").IsString()) args.isa = opts.Get("isa").As<Napi::String>().Utf8Value();
        if (opts.Has("head") && opts.Get("head").IsString()) args.head = opts.Get("head").As<Napi::String>().Utf8Value();
        args.metadata_only = opts.Has("metadataOnly") && opts.Get("metadataOnly").ToBoolean().Value();
        CancelFlag cancel;
        if (opts.Has("cancel") && !opts.Get("cancel").IsUndefined()) {
            Napi::Value c = opts.Get("cancel");
            AddonData * data = env.GetInstanceData<AddonData>();
            if (!c.IsObject() || !c.As<Napi::Object>().InstanceOf(data->cancel_token_ctor.Value()))
                throw Napi::TypeError::New(env, "cancel must be a CancelToken");
            cancel = CancelToken::Unwrap(c.As<Napi::Object>())->flag();
        }
        Napi::Value on_progress = opts.Has("onProgress") ? opts.Get("onProgress") : env.Undefined();
        if (!on_progress.IsUndefined() && !on_progress.IsFunction()) throw Napi::TypeError::New(env, "onProgress must be a function");
        const int32_t n_batch = args.n_batch;
        const std::string isa = args.isa;
        LoadWorker * w = new LoadWorker(env, std::move(args), cancel, on_progress,
                                        [n_batch, isa](Napi::Env env2, tern_model * m, tern_context * c) -> Napi::Value {
                                            AddonData * data = env2.GetInstanceData<AddonData>();
                                            Engine * e = new Engine();
                                            e->model = m;
                                            e->ctx = c;
                                            e->n_batch = n_batch;
                                            e->isa = isa;
                                            return data->model_ctor.New({Napi::External<Engine>::New(env2, e)});
                                        });
        Napi::Promise p = w->promise();
        w->Queue();
        return p;
    }

    Engine & engine(Napi::Env env) {
        if (!engine_ || disposing_) throw engine_error(env, "DISPOSED", "the model was disposed");
        if (busy_) throw engine_error(env, "BUSY", "the model is already running a request");
        if (!engine_->ctx) throw engine_error(env, "UNSUPPORTED", "the model was loaded metadata-only (no weights); load it fully to run it");
        return *engine_;
    }

    // For calls that only read the model (tokenizer): allowed while a generation runs.
    tern_model * model_for_reading(Napi::Env env) {
        if (!engine_ || disposing_) throw engine_error(env, "DISPOSED", "the model was disposed");
        if (!tern_model_has_tokenizer(engine_->model))
            throw engine_error(env, "UNSUPPORTED", "the model file has no tokenizer (tokenizer.ggml.tokens)");
        return engine_->model;
    }

    Napi::Value Info(const Napi::CallbackInfo & info) {
        if (!engine_) throw engine_error(info.Env(), "DISPOSED", "the model was disposed");
        Napi::Object o = description_object(info.Env(), desc_);
        Napi::Object tok = Napi::Object::New(info.Env());
        const tern_model * m = engine_->model;
        tok.Set("present", tern_model_has_tokenizer(m));
        tok.Set("nTokens", tern_model_n_tokens(m));
        tok.Set("bos", tern_token_bos(m));
        tok.Set("eos", tern_token_eos(m));
        tok.Set("eot", tern_token_eot(m));
        tok.Set("addBos", tern_model_add_bos(m));
        o.Set("tokenizer", tok);
        o.Set("nCtx", tern_context_n_ctx(engine_->ctx));
        o.Set("weightsLoaded", engine_->ctx != nullptr);
        return o;
    }

    // specialTokens(): {id, text}[] — the control and user-defined tokens, which tokenize() matches
    // only with special: true (a chat template's markers; user text never becomes one).
    Napi::Value SpecialTokens(const Napi::CallbackInfo & info) {
        Napi::Env env = info.Env();
        const tern_model * m = model_for_reading(env);
        Napi::Array out = Napi::Array::New(env);
        uint32_t n = 0;
        std::string piece;
        for (int32_t id = 0; id < tern_model_n_tokens(m); ++id) {
            if (!tern_token_is_special(m, id)) continue;
            piece.assign(static_cast<size_t>(tern_token_to_piece(m, id, false, nullptr, 0)) + 1, '\0');
            tern_token_to_piece(m, id, false, &piece[0], piece.size());
            piece.pop_back();
            Napi::Object t = Napi::Object::New(env);
            t.Set("id", id);
            t.Set("text", piece);
            out.Set(n++, t);
        }
        return out;
    }

    // logits(ids): Promise<Float32Array> — the last position's logits for ids from position 0.
    Napi::Value Logits(const Napi::CallbackInfo & info) {
        Napi::Env env = info.Env();
        Engine & e = engine(env);
        const std::vector<int32_t> ids = ids_arg(info, 0);
        const int64_t n_vocab = desc_.info.n_vocab;
        auto out = std::make_shared<std::vector<float>>();
        return Queued(env, [&e, ids, n_vocab, out]() {
            tern_context_truncate(e.ctx, 0);
            const tern_status st = tern_decode(e.ctx, ids.data(), static_cast<int32_t>(ids.size()), false);
            if (st != TERN_OK) return st;
            const float * l = tern_get_logits(e.ctx, -1);
            out->assign(l, l + n_vocab);
            return TERN_OK;
        }, [out](Napi::Env env2) -> Napi::Value {
            Napi::Float32Array a = Napi::Float32Array::New(env2, out->size());
            std::memcpy(a.Data(), out->data(), out->size() * sizeof(float));
            return a;
        });
    }

    // run(ids, n): Promise<number[]> — n greedy tokens after ids (argmax, ties to the lowest id).
    Napi::Value Run(const Napi::CallbackInfo & info) {
        Napi::Env env = info.Env();
        Engine & e = engine(env);
        const std::vector<int32_t> ids = ids_arg(info, 0);
        if (info.Length() < 2 || !info[1].IsNumber() || info[1].As<Napi::Number>().Int32Value() < 0)
            throw Napi::TypeError::New(env, "n must be a non-negative number");
        const int32_t n = info[1].As<Napi::Number>().Int32Value();
        const int64_t n_vocab = desc_.info.n_vocab;
        auto out = std::make_shared<std::vector<int32_t>>();
        return Queued(env, [&e, ids, n, n_vocab, out]() {
            tern_context_truncate(e.ctx, 0);
            tern_status st = tern_decode(e.ctx, ids.data(), static_cast<int32_t>(ids.size()), false);
            for (int32_t k = 0; st == TERN_OK && k < n; ++k) {
                const int32_t next = argmax(tern_get_logits(e.ctx, -1), n_vocab);
                out->push_back(next);
                if (k + 1 < n) st = tern_decode(e.ctx, &next, 1, false);
            }
            return st;
        }, [out](Napi::Env env2) -> Napi::Value {
            Napi::Array a = Napi::Array::New(env2, out->size());
            for (size_t k = 0; k < out->size(); ++k) a.Set(static_cast<uint32_t>(k), (*out)[k]);
            return a;
        });
    }

    Napi::Value Queued(Napi::Env env, std::function<tern_status()> work, Task::Done done, bool uses_context = true) {
        if (uses_context) busy_ = true;
        ++in_flight_;
        auto self = std::make_shared<Napi::ObjectReference>(Napi::Persistent(Value()));
        return Task::queue(env, std::move(work), std::move(done), [this, self, uses_context]() {
            if (uses_context) busy_ = false;
            Settled();
        });
    }

    // A queued call finished (JS thread): a pending dispose frees the engine once nothing runs.
    void Settled() {
        --in_flight_;
        if (disposing_ && in_flight_ == 0) FreeEngine();
    }

    // Frees the model and context off the JS thread, then resolves every dispose() promise.
    void FreeEngine() {
        auto holder = std::make_shared<std::unique_ptr<Engine>>(std::move(engine_));
        auto waiters = std::make_shared<std::vector<Napi::Promise::Deferred>>(std::move(dispose_waiters_));
        dispose_waiters_.clear();
        Task::queue(Env(), [holder]() { holder->reset(); return TERN_OK; },
                    [waiters](Napi::Env env) -> Napi::Value {
                        for (auto & d : *waiters) d.Resolve(env.Undefined());
                        return env.Undefined();
                    });
    }

    // tokenize(text, { addBos = true, special = false }): Promise<number[]>
    Napi::Value Tokenize(const Napi::CallbackInfo & info) {
        Napi::Env env = info.Env();
        tern_model * m = model_for_reading(env);
        const std::string text = string_arg(info, 0, "text");
        bool add_bos = true, special = false;
        if (info.Length() > 1 && info[1].IsObject()) {
            Napi::Object o = info[1].As<Napi::Object>();
            if (o.Has("addBos") && !o.Get("addBos").IsUndefined()) add_bos = o.Get("addBos").ToBoolean().Value();
            if (o.Has("special") && !o.Get("special").IsUndefined()) special = o.Get("special").ToBoolean().Value();
        }
        auto out = std::make_shared<std::vector<int32_t>>();
        return Queued(env, [m, text, add_bos, special, out]() {
            int32_t n = 0;
            tern_tokenize(m, text.data(), text.size(), add_bos, special, nullptr, 0, &n);
            out->resize(static_cast<size_t>(n));
            return tern_tokenize(m, text.data(), text.size(), add_bos, special, out->data(), n, &n);
        }, [out](Napi::Env env2) -> Napi::Value {
            Napi::Array a = Napi::Array::New(env2, out->size());
            for (size_t k = 0; k < out->size(); ++k) a.Set(static_cast<uint32_t>(k), (*out)[k]);
            return a;
        }, false);
    }

    // detokenize(ids, { skipSpecial = false, stream = false }): Promise<string | string[]>.
    // stream: one piece per id as a streaming decoder gives them (never half a UTF-8 character;
    // the flush, if any, is a last extra piece).
    Napi::Value Detokenize(const Napi::CallbackInfo & info) {
        Napi::Env env = info.Env();
        tern_model * m = model_for_reading(env);
        if (info.Length() < 1 || !(info[0].IsArray() || info[0].IsTypedArray()))
            throw Napi::TypeError::New(env, "ids must be an array of token ids");
        std::vector<int32_t> ids;
        if (info[0].As<Napi::Object>().Get("length").As<Napi::Number>().Uint32Value() > 0) ids = ids_arg(info, 0);
        bool skip = false, stream = false;
        if (info.Length() > 1 && info[1].IsObject()) {
            Napi::Object o = info[1].As<Napi::Object>();
            if (o.Has("skipSpecial") && !o.Get("skipSpecial").IsUndefined()) skip = o.Get("skipSpecial").ToBoolean().Value();
            if (o.Has("stream") && !o.Get("stream").IsUndefined()) stream = o.Get("stream").ToBoolean().Value();
        }
        const int32_t n_tokens = tern_model_n_tokens(m);
        for (int32_t id : ids)
            if (id >= n_tokens)
                throw engine_error(env, "INVALID_ARGUMENT", "token id " + std::to_string(id) + " is outside the vocabulary (0.." +
                                                                std::to_string(n_tokens - 1) + ")");
        auto out = std::make_shared<std::vector<std::string>>();
        return Queued(env, [m, ids, skip, stream, out]() {
            if (!stream) {
                const int32_t len = tern_detokenize(m, ids.data(), static_cast<int32_t>(ids.size()), skip, nullptr, 0);
                std::string s(static_cast<size_t>(len) + 1, '\0');
                tern_detokenize(m, ids.data(), static_cast<int32_t>(ids.size()), skip, &s[0], s.size());
                s.pop_back();
                out->push_back(std::move(s));
                return TERN_OK;
            }
            tern_detokenizer * d = nullptr;
            const tern_status st = tern_detokenizer_new(m, skip, &d);
            if (st != TERN_OK) return st;
            size_t len = 0;
            for (int32_t id : ids) {
                const char * piece = tern_detokenizer_push(d, id, &len);
                out->emplace_back(piece ? piece : "", piece ? len : 0);
            }
            const char * rest = tern_detokenizer_flush(d, &len);
            if (len > 0) out->emplace_back(rest, len);
            tern_detokenizer_free(d);
            return TERN_OK;
        }, [out, stream](Napi::Env env2) -> Napi::Value {
            if (!stream) return Napi::String::New(env2, (*out)[0]);
            Napi::Array a = Napi::Array::New(env2, out->size());
            for (size_t k = 0; k < out->size(); ++k) a.Set(static_cast<uint32_t>(k), Napi::String::New(env2, (*out)[k]));
            return a;
        }, false);
    }

    // generate(ids, options, onToken?): Promise<GenerateResult>. ids: the full request (the
    // whole conversation); the prefix cached in the request's slot is reused. options.slot: 0
    // (default, the app's) or 1 (the local API's: a second context, made by its first use).
    // onToken({ id, index, text, ms, elapsedMs }) runs on the JS thread for every token, in
    // order, before the promise settles.
    Napi::Value Generate(const Napi::CallbackInfo & info) {
        Napi::Env env = info.Env();
        Engine & e = engine(env);
        GenerateArgs args = generate_args(env, ids_arg(info, 0), info.Length() > 1 ? info[1] : env.Undefined());
        Napi::Function on_token;
        if (info.Length() > 2 && !info[2].IsUndefined()) {
            if (!info[2].IsFunction()) throw Napi::TypeError::New(env, "onToken must be a function");
            on_token = info[2].As<Napi::Function>();
        }
        busy_ = true;
        ++in_flight_;
        cancel_ = std::make_shared<std::atomic<bool>>(false);
        auto self = std::make_shared<Napi::ObjectReference>(Napi::Persistent(Value()));
        const int32_t slot = args.slot;
        Engine * ep = &e;  // freed only once this request has settled (Settled, FreeEngine)
        ContextSource context = [ep, slot](tern_context ** out) { return ep->context(slot, out); };
        GenerateWorker * w = new GenerateWorker(env, std::move(context), std::move(args), cancel_, on_token, [this, self]() {
            busy_ = false;
            Settled();
        });
        Napi::Promise p = w->promise();
        w->Queue();
        return p;
    }

    // cancel(): stops the running generation, in either slot (its promise resolves with
    // stopReason "cancelled").
    Napi::Value Cancel(const Napi::CallbackInfo & info) {
        if (cancel_) cancel_->store(true);
        return info.Env().Undefined();
    }

    // memory(): bytes this model and its contexts hold (weights, KV cache, scratch). kvCache and
    // scratch are summed over the slots in use (`slots`: 1, or 2 once the API's slot was made);
    // nPast is slot 0's, nPastApi slot 1's (0 while it does not exist).
    Napi::Value Memory(const Napi::CallbackInfo & info) {
        Napi::Env env = info.Env();
        if (!engine_ || disposing_) throw engine_error(env, "DISPOSED", "the model was disposed");
        tern_memory_estimate m{};
        if (engine_->ctx) tern_context_memory(engine_->ctx, &m);
        else tern_model_estimate_memory(engine_->model, 0, 1, &m);
        tern_memory_estimate api{};
        tern_context * ctx_api = engine_->ctx_api.load();
        if (ctx_api) tern_context_memory(ctx_api, &api);
        Napi::Object o = Napi::Object::New(env);
        o.Set("weights", static_cast<double>(m.weights_bytes));
        o.Set("kvCache", static_cast<double>(engine_->ctx ? m.kv_cache_bytes + api.kv_cache_bytes : 0));
        o.Set("scratch", static_cast<double>(engine_->ctx ? m.scratch_bytes + api.scratch_bytes : 0));
        o.Set("total", static_cast<double>(engine_->ctx ? m.total_bytes + api.kv_cache_bytes + api.scratch_bytes : m.weights_bytes));
        o.Set("nCtx", tern_context_n_ctx(engine_->ctx));
        o.Set("nPast", engine_->ctx ? tern_context_tokens(engine_->ctx, nullptr, 0) : 0);
        o.Set("slots", engine_->ctx ? (ctx_api ? 2 : 1) : 0);
        o.Set("nPastApi", ctx_api ? tern_context_tokens(ctx_api, nullptr, 0) : 0);
        return o;
    }

    Napi::Value SetThreads(const Napi::CallbackInfo & info) {
        Engine & e = engine(info.Env());
        if (info.Length() < 1 || !info[0].IsNumber() || info[0].As<Napi::Number>().Int32Value() < 0)
            throw Napi::TypeError::New(info.Env(), "threads must be a non-negative number");
        const int32_t n = info[0].As<Napi::Number>().Int32Value();
        tern_context_set_threads(e.ctx, n);
        if (tern_context * api = e.ctx_api.load()) tern_context_set_threads(api, n);  // both slots
        return info.Env().Undefined();
    }

    // dispose(): Promise<void>. Safe at any time: a running generation is cancelled, and the
    // model is freed (off the JS thread) once every queued call has finished.
    Napi::Value Dispose(const Napi::CallbackInfo & info) {
        Napi::Env env = info.Env();
        Napi::Promise::Deferred d = Napi::Promise::Deferred::New(env);
        if (!engine_) {
            d.Resolve(env.Undefined());
            return d.Promise();
        }
        dispose_waiters_.push_back(d);
        if (cancel_) cancel_->store(true);
        if (!disposing_) {
            disposing_ = true;
            if (in_flight_ == 0) FreeEngine();
        }
        return d.Promise();
    }

    Napi::Value Isa(const Napi::CallbackInfo & info) {
        return Napi::String::New(info.Env(), engine_ ? tern_context_isa(engine_->ctx) : "");
    }
    Napi::Value Threads(const Napi::CallbackInfo & info) {
        return Napi::Number::New(info.Env(), engine_ ? tern_context_threads(engine_->ctx) : 0);
    }

    std::unique_ptr<Engine> engine_;
    Description desc_;
    std::atomic<bool> busy_{false};
    bool disposing_ = false;
    int in_flight_ = 0;                                   // queued calls not yet settled (JS thread)
    std::vector<Napi::Promise::Deferred> dispose_waiters_;
    CancelFlag cancel_;                                   // of the current generation
};

}  // namespace

// synth(path, { arch, format, nEmbd, nLayer, nHead, nHeadKv, nFf, nVocab, nCtx, ropeTheta, rmsEps?, seed, vocabFrom? })
Napi::Value Synth(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    const std::string path = string_arg(info, 0, "path");
    if (info.Length() < 2 || !info[1].IsObject()) throw Napi::TypeError::New(env, "options must be an object");
    Napi::Object o = info[1].As<Napi::Object>();
    auto str = [&](const char * key, bool required) -> std::string {
        if (!o.Has(key) || o.Get(key).IsUndefined()) {
            if (required) throw Napi::TypeError::New(env, std::string(key) + " is required");
            return "";
        }
        if (!o.Get(key).IsString()) throw Napi::TypeError::New(env, std::string(key) + " must be a string");
        return o.Get(key).As<Napi::String>().Utf8Value();
    };
    auto num = [&](const char * key, double fallback) -> double {
        if (!o.Has(key) || o.Get(key).IsUndefined()) return fallback;
        if (!o.Get(key).IsNumber()) throw Napi::TypeError::New(env, std::string(key) + " must be a number");
        return o.Get(key).As<Napi::Number>().DoubleValue();
    };
    struct Args {
        std::string arch, format, vocab;
        tern_synth_params p;
    };
    auto a = std::make_shared<Args>();
    a->arch = str("arch", true);
    a->format = str("format", true);
    a->vocab = str("vocabFrom", false);
    a->p = tern_synth_default_params();
    a->p.n_embd = static_cast<int64_t>(num("nEmbd", static_cast<double>(a->p.n_embd)));
    a->p.n_layer = static_cast<int64_t>(num("nLayer", static_cast<double>(a->p.n_layer)));
    a->p.n_head = static_cast<int64_t>(num("nHead", static_cast<double>(a->p.n_head)));
    a->p.n_head_kv = static_cast<int64_t>(num("nHeadKv", static_cast<double>(a->p.n_head_kv)));
    a->p.n_ff = static_cast<int64_t>(num("nFf", static_cast<double>(a->p.n_ff)));
    a->p.n_vocab = static_cast<int64_t>(num("nVocab", static_cast<double>(a->p.n_vocab)));
    a->p.n_ctx = static_cast<int64_t>(num("nCtx", static_cast<double>(a->p.n_ctx)));
    a->p.rope_theta = static_cast<float>(num("ropeTheta", a->p.rope_theta));
    a->p.rms_eps = static_cast<float>(num("rmsEps", a->p.rms_eps));
    const double seed = num("seed", 1);
    if (!(seed >= 0 && seed <= 9007199254740991.0)) throw Napi::TypeError::New(env, "seed must be a non-negative integer");
    a->p.seed = static_cast<uint64_t>(seed);
    return Task::queue(
        env,
        [path, a]() {
            a->p.arch = a->arch.c_str();
            a->p.format = a->format.c_str();
            a->p.vocab_path = a->vocab.empty() ? nullptr : a->vocab.c_str();
            return tern_synth_write(path.c_str(), &a->p);
        },
        [](Napi::Env e) -> Napi::Value { return e.Undefined(); });
}

}  // namespace tern_addon

namespace tern_addon {
Napi::FunctionReference & error_class(Napi::Env env) { return env.GetInstanceData<AddonData>()->error_class; }
}  // namespace tern_addon

// Called from addon.cpp's Init.
void TernRegisterEngine(Napi::Env env, Napi::Object exports) {
    using namespace tern_addon;
    AddonData * data = new AddonData();
    Napi::Function ctor = Model::Define(env);
    data->model_ctor = Napi::Persistent(ctor);
    env.SetInstanceData<AddonData>(data);
    exports.Set("Model", ctor);
    Napi::Function cancel_token = CancelToken::Define(env);
    data->cancel_token_ctor = Napi::Persistent(cancel_token);
    exports.Set("CancelToken", cancel_token);
    exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass, "setErrorClass"));
    exports.Set("inspect", Napi::Function::New(env, Inspect, "inspect"));
    exports.Set("kernelPaths", Napi::Function::New(env, KernelPaths, "kernelPaths"));
    exports.Set("synth", Napi::Function::New(env, Synth, "synth"));
}
