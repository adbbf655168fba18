// bench(path, { threads, nPrompt, nGen, reps, head?, isa? }): Promise<BenchReport> — the addon
// side of `tern bench`. Loads the model once (timing the load and reading resident memory after
// it), then runs tern_bench_run `reps` times per thread count, off the JS thread. The raw times
// come back; the command computes medians and spreads.
#include <napi.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "options.h"
#include "tern.h"

namespace tern_bench_addon {

namespace {

struct Args {
    std::string path, head, isa;
    std::vector<int32_t> threads;
    int32_t n_prompt = 128, n_gen = 64, reps = 3;
};

struct Run {
    int32_t threads;
    tern_bench_result r;
};

struct Report {
    double load_seconds = 0;
    tern_memory_usage before{}, after_load{}, end{};
    tern_model_info info{};
    std::string arch, weight_type, head_type;
    std::vector<Run> runs;
    tern_memory_estimate kv{};
};

class BenchWorker : public Napi::AsyncWorker {
public:
    BenchWorker(Napi::Env env, Args args)
        : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), args_(std::move(args)) {}
    Napi::Promise Promise() { return deferred_.Promise(); }

    void Execute() override {
        tern_process_memory(&rep_.before);
        tern_model_params mp = tern_model_default_params();
        mp.head_type = args_.head.empty() ? nullptr : args_.head.c_str();
        tern_model * model = nullptr;
        const auto t0 = std::chrono::steady_clock::now();
        tern_status st = tern_model_load(args_.path.c_str(), &mp, &model);
        if (st != TERN_OK) return Fail(st);
        rep_.load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        tern_process_memory(&rep_.after_load);
        tern_model_get_info(model, &rep_.info);
        rep_.arch = rep_.info.arch;
        rep_.weight_type = rep_.info.weight_type;
        rep_.head_type = rep_.info.head_type;
        tern_model_estimate_memory(model, args_.n_prompt + args_.n_gen + 1, 1, &rep_.kv);
        for (int32_t t : args_.threads) {
            for (int32_t k = 0; k < args_.reps; ++k) {
                tern_bench_params bp = tern_bench_default_params();
                bp.n_threads = t;
                bp.n_prompt = args_.n_prompt;
                bp.n_gen = args_.n_gen;
                bp.isa = args_.isa.empty() ? nullptr : args_.isa.c_str();
                Run run{t, {}};
                st = tern_bench_run(model, &bp, &run.r);
                if (st != TERN_OK) {
                    tern_model_free(model);
                    return Fail(st);
                }
                rep_.runs.push_back(run);
            }
        }
        tern_process_memory(&rep_.end);
        tern_model_free(model);
    }

    void OnOK() override {
        Napi::Env env = Env();
        Napi::Object o = Napi::Object::New(env);
        o.Set("arch", rep_.arch);
        o.Set("weightType", rep_.weight_type);
        o.Set("headType", rep_.head_type);
        o.Set("headBytes", static_cast<double>(rep_.info.head_bytes));
        o.Set("ternaryBytes", static_cast<double>(rep_.info.ternary_bytes));
        o.Set("fileBytes", static_cast<double>(rep_.info.file_bytes));
        o.Set("kvCacheBytes", static_cast<double>(rep_.kv.kv_cache_bytes));
        o.Set("weightsBytes", static_cast<double>(rep_.kv.weights_bytes));
        o.Set("loadSeconds", rep_.load_seconds);
        Napi::Object mem = Napi::Object::New(env);
        mem.Set("rssBefore", static_cast<double>(rep_.before.rss_bytes));
        mem.Set("rssAfterLoad", static_cast<double>(rep_.after_load.rss_bytes));
        mem.Set("peakAfterLoad", static_cast<double>(rep_.after_load.peak_rss_bytes));
        mem.Set("rssEnd", static_cast<double>(rep_.end.rss_bytes));
        mem.Set("peakEnd", static_cast<double>(rep_.end.peak_rss_bytes));
        o.Set("memory", mem);
        Napi::Array runs = Napi::Array::New(env, rep_.runs.size());
        for (size_t i = 0; i < rep_.runs.size(); ++i) {
            const Run & r = rep_.runs[i];
            Napi::Object ro = Napi::Object::New(env);
            ro.Set("threads", r.threads);
            ro.Set("isa", r.r.isa ? r.r.isa : "");
            ro.Set("nPrompt", r.r.n_prompt);
            ro.Set("nGen", r.r.n_gen);
            ro.Set("prefillSeconds", r.r.prefill_seconds);
            ro.Set("firstTokenSeconds", r.r.first_token_seconds);
            ro.Set("decodeSeconds", r.r.decode_seconds);
            runs.Set(static_cast<uint32_t>(i), ro);
        }
        o.Set("runs", runs);
        deferred_.Resolve(o);
    }

    void OnError(const Napi::Error & e) override {
        Napi::Error err = Napi::Error::New(Env(), message_);
        err.Set("code", Napi::String::New(Env(), tern_status_name(status_)));
        deferred_.Reject(err.Value());
    }

private:
    void Fail(tern_status st) {
        status_ = st;
        message_ = tern_last_error();
        if (message_.empty()) message_ = tern_status_name(st);
        SetError(message_);
    }

    Napi::Promise::Deferred deferred_;
    Args args_;
    Report rep_;
    tern_status status_ = TERN_OK;
    std::string message_;
};

std::string string_field(const Napi::Object & o, const char * key) {
    if (!o.Has(key) || o.Get(key).IsUndefined()) return "";
    if (!o.Get(key).IsString()) throw Napi::TypeError::New(o.Env(), std::string(key) + " must be a string");
    return o.Get(key).As<Napi::String>().Utf8Value();
}

Napi::Value Bench(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "path must be a string");
    Args a;
    a.path = info[0].As<Napi::String>().Utf8Value();
    const Napi::Object o = info.Length() > 1 && info[1].IsObject() ? info[1].As<Napi::Object>() : Napi::Object::New(env);
    a.n_prompt = tern_addon::int_option(o, "nPrompt", 128, 0, 1 << 16);
    a.n_gen = tern_addon::int_option(o, "nGen", 64, 0, 1 << 16);
    a.reps = tern_addon::int_option(o, "reps", 3, 1, 1000);
    if (a.n_prompt + a.n_gen < 1) throw Napi::TypeError::New(env, "nPrompt and nGen must not both be 0");
    a.head = string_field(o, "head");
    a.isa = string_field(o, "isa");
    if (o.Has("threads") && o.Get("threads").IsArray()) {
        const Napi::Array t = o.Get("threads").As<Napi::Array>();
        for (uint32_t i = 0; i < t.Length(); ++i) {
            const Napi::Value v = t.Get(i);
            if (!v.IsNumber() || v.As<Napi::Number>().Int32Value() < 0 || v.As<Napi::Number>().Int32Value() > 1024)
                throw Napi::TypeError::New(env, "threads must hold whole numbers in [0, 1024]");
            a.threads.push_back(v.As<Napi::Number>().Int32Value());
        }
    }
    if (a.threads.empty()) a.threads.push_back(0);
    BenchWorker * w = new BenchWorker(env, std::move(a));
    Napi::Promise p = w->Promise();
    w->Queue();
    return p;
}

}  // namespace

}  // namespace tern_bench_addon

// Called from addon.cpp's Init.
void TernRegisterBench(Napi::Env env, Napi::Object exports) {
    exports.Set("bench", Napi::Function::New(env, tern_bench_addon::Bench, "bench"));
}
