// The C API over the engine's C++ core: handles, status codes and thread-local error messages.
// Every entry point catches everything; nothing escapes as a C++ exception.
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <new>
#include <string>

#include "api/api_internal.h"
#include "kernels/kernels.h"
#include "model/context.h"
#include "model/model.h"
#include "tern.h"
#include "threads/thread_pool.h"

using tern_api::copy_out;
using tern_api::fail;
using tern_api::guarded;

namespace {

thread_local std::string g_last_error;
thread_local uint64_t g_last_needed_bytes = 0;

tern_status from_load(tern::LoadError k) {
    switch (k) {
        case tern::LoadError::None: return TERN_OK;
        case tern::LoadError::Io: return TERN_ERR_IO;
        case tern::LoadError::Format: return TERN_ERR_FORMAT;
        case tern::LoadError::Unsupported: return TERN_ERR_UNSUPPORTED;
        case tern::LoadError::OutOfMemory: return TERN_ERR_OUT_OF_MEMORY;
        case tern::LoadError::Aborted: return TERN_ERR_ABORTED;
        case tern::LoadError::NeedMoreBytes: return TERN_ERR_NEED_MORE_BYTES;
    }
    return TERN_ERR_INTERNAL;
}

tern_status load_common(const tern_model_params * params, tern_model ** out,
                        const std::function<std::unique_ptr<tern::Model>(const tern::LoadOptions &, tern::LoadError *, std::string *,
                                                                         uint64_t *)> & load) {
    if (!out) return fail(TERN_ERR_INVALID_ARGUMENT, "tern_model_load: out is NULL");
    *out = nullptr;
    const tern_model_params p = params ? *params : tern_model_default_params();
    tern::LoadOptions opts;
    opts.n_threads = p.n_threads > 0 ? p.n_threads : tern::ThreadPool::hardware_threads();
    opts.metadata_only = p.metadata_only;
    opts.header_only = p.header_only;
    opts.progress = p.progress;
    opts.progress_user = p.progress_user_data;
    opts.head_type = p.head_type ? p.head_type : "";
    tern::LoadError kind = tern::LoadError::None;
    std::string why;
    uint64_t need = 0;
    std::unique_ptr<tern::Model> m = load(opts, &kind, &why, &need);
    if (!m) {
        const tern_status st = fail(from_load(kind), why);
        g_last_needed_bytes = need;
        return st;
    }
    std::unique_ptr<tern_model> h(new tern_model());
    h->m = std::move(m);
    h->m->file->get_string("general.name", &h->name);
    *out = h.release();
    g_last_error.clear();
    g_last_needed_bytes = 0;
    return TERN_OK;
}

// The kernel table a context takes for `isa` (NULL or "": the default).
tern_status kernel_table(const char * isa, const tern::KernelTable ** out) {
    if (!isa || !*isa) {
        *out = &tern::kernels();
        return TERN_OK;
    }
    *out = tern::kernels_for(isa);
    if (!*out) return fail(TERN_ERR_UNSUPPORTED, std::string("kernel path '") + isa + "' is not available on this CPU or build");
    return TERN_OK;
}

void kernel_paths(const tern::KernelTable & table, int64_t n_batch, tern_kernel_paths * out) {
    out->decode = tern::ternary_path(table, 1);
    out->prefill = tern::ternary_path(table, n_batch);
}

}  // namespace

namespace tern_api {
void set_last_error(const std::string & message) {
    g_last_error = message;
    g_last_needed_bytes = 0;
}
}  // namespace tern_api

extern "C" {

const char * tern_status_name(tern_status status) {
    switch (status) {
        case TERN_OK: return "OK";
        case TERN_ERR_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
        case TERN_ERR_IO: return "IO";
        case TERN_ERR_FORMAT: return "FORMAT";
        case TERN_ERR_UNSUPPORTED: return "UNSUPPORTED";
        case TERN_ERR_OUT_OF_MEMORY: return "OUT_OF_MEMORY";
        case TERN_ERR_ABORTED: return "ABORTED";
        case TERN_ERR_CONTEXT_FULL: return "CONTEXT_FULL";
        case TERN_ERR_INTERNAL: return "INTERNAL";
        case TERN_ERR_NEED_MORE_BYTES: return "NEED_MORE_BYTES";
    }
    return "UNKNOWN";
}

const char * tern_last_error(void) { return g_last_error.c_str(); }

uint64_t tern_last_needed_bytes(void) { return g_last_needed_bytes; }

tern_model_params tern_model_default_params(void) {
    tern_model_params p;
    p.n_threads = 0;
    p.metadata_only = false;
    p.header_only = false;
    p.progress = nullptr;
    p.progress_user_data = nullptr;
    p.head_type = nullptr;
    return p;
}

tern_status tern_model_load(const char * path, const tern_model_params * params, tern_model ** out) {
    return guarded([&] {
        if (!path) return fail(TERN_ERR_INVALID_ARGUMENT, "tern_model_load: path is NULL");
        const std::string p(path);
        return load_common(params, out, [&](const tern::LoadOptions & o, tern::LoadError * k, std::string * e, uint64_t * need) {
            return tern::load_model(p, o, k, e, need);
        });
    });
}

tern_status tern_model_load_from_memory(const void * data, size_t size, const tern_model_params * params, tern_model ** out) {
    return guarded([&] {
        return load_common(params, out, [&](const tern::LoadOptions & o, tern::LoadError * k, std::string * e, uint64_t * need) {
            return tern::load_model_from_memory(data, size, o, k, e, need);
        });
    });
}

void tern_model_free(tern_model * model) { delete model; }

tern_status tern_model_get_info(const tern_model * model, tern_model_info * out) {
    if (!model || !out) return fail(TERN_ERR_INVALID_ARGUMENT, "tern_model_get_info: NULL argument");
    const tern::Model & m = *model->m;
    const tern::Hparams & hp = m.hp;
    out->arch = hp.arch.c_str();
    out->name = model->name.c_str();
    out->weight_type = m.weight_type.c_str();
    out->ffn_act = hp.act == tern::FfnAct::Relu2 ? "relu2" : "silu";
    out->head_tensor = m.head_tensor.c_str();
    out->tied_head = m.tied_head;
    out->weights_loaded = m.weights_loaded;
    out->header_only = m.file->header_only();
    out->gguf_version = static_cast<int32_t>(m.file->version());
    out->n_vocab = hp.n_vocab;
    out->n_embd = hp.n_embd;
    out->n_layer = hp.n_layer;
    out->n_head = hp.n_head;
    out->n_head_kv = hp.n_head_kv;
    out->head_dim = hp.head_dim;
    out->n_rot = hp.n_rot;
    out->n_ff = hp.n_ff;
    out->n_ctx_train = hp.n_ctx_train;
    out->rms_eps = hp.rms_eps;
    out->rope_theta = hp.rope_theta;
    out->file_bytes = m.file->file_size();
    out->n_params = m.n_params;
    out->head_type = tern::head_type_name(m.head_type);
    out->head_bytes = m.head_bytes;
    out->ternary_bytes = m.repacked_bytes;
    return TERN_OK;
}

int64_t tern_model_n_tensors(const tern_model * model) {
    return model ? static_cast<int64_t>(model->m->file->tensors().size()) : 0;
}

tern_status tern_model_tensor(const tern_model * model, int64_t i, tern_tensor_info * out) {
    if (!model || !out || i < 0 || i >= tern_model_n_tensors(model))
        return fail(TERN_ERR_INVALID_ARGUMENT, "tern_model_tensor: bad model or index");
    const tern::gguf::TensorInfo & t = model->m->file->tensors()[static_cast<size_t>(i)];
    out->name = t.name.data();
    out->name_len = t.name.size();
    const char * tn = tern::gguf::tensor_type_name(t.type);
    out->type = tn ? tn : "?";
    out->n_dims = static_cast<int32_t>(t.n_dims);
    for (int d = 0; d < 4; ++d) out->ne[d] = t.ne[d];
    out->offset = model->m->file->data_offset() + t.offset;
    out->n_bytes = t.n_bytes;
    return TERN_OK;
}

int64_t tern_model_meta_count(const tern_model * model) {
    return model ? static_cast<int64_t>(model->m->file->metadata().size()) : 0;
}

int32_t tern_model_meta_key(const tern_model * model, int64_t i, char * buf, size_t size) {
    if (!model || i < 0 || i >= tern_model_meta_count(model)) return -1;
    try {
        return copy_out(std::string(model->m->file->metadata()[static_cast<size_t>(i)].key), buf, size);
    } catch (...) {
        return -1;
    }
}

int32_t tern_model_meta_string(const tern_model * model, const char * key, char * buf, size_t size) {
    if (!model || !key) return -1;
    try {
        const tern::gguf::Value * v = model->m->file->find(key);
        if (!v || v->type != tern::gguf::Type::STRING) return -1;
        return copy_out(std::string(v->str), buf, size);
    } catch (...) {
        return -1;
    }
}

int32_t tern_model_meta_value(const tern_model * model, int64_t i, char * buf, size_t size) {
    if (!model || i < 0 || i >= tern_model_meta_count(model)) return -1;
    try {
        return copy_out(model->m->file->metadata()[static_cast<size_t>(i)].value.to_string(), buf, size);
    } catch (...) {
        return -1;
    }
}

tern_status tern_model_estimate_memory(const tern_model * model, int32_t n_ctx, int32_t n_threads, tern_memory_estimate * out) {
    if (!model || !out || n_ctx < 0) return fail(TERN_ERR_INVALID_ARGUMENT, "tern_model_estimate_memory: bad argument");
    const tern::Model & m = *model->m;
    const tern::MemoryEstimate e = tern::estimate_memory(m, n_ctx > 0 ? n_ctx : m.hp.n_ctx_train,
                                                         n_threads > 0 ? n_threads : tern::ThreadPool::hardware_threads(), 64);
    out->weights_bytes = e.weights;
    out->kv_cache_bytes = e.kv_cache;
    out->scratch_bytes = e.scratch;
    out->total_bytes = e.total;
    return TERN_OK;
}

tern_context_params tern_context_default_params(void) {
    tern_context_params p;
    p.n_ctx = 0;
    p.n_threads = 0;
    p.n_batch = 64;
    p.isa = nullptr;
    return p;
}

tern_status tern_context_new(tern_model * model, const tern_context_params * params, tern_context ** out) {
    return guarded([&] {
        if (!model || !out) return fail(TERN_ERR_INVALID_ARGUMENT, "tern_context_new: NULL argument");
        *out = nullptr;
        if (!model->m->weights_loaded)
            return fail(TERN_ERR_INVALID_ARGUMENT, "the model was loaded metadata-only; load it fully to run it");
        const tern_context_params p = params ? *params : tern_context_default_params();
        if (p.n_ctx < 0 || p.n_batch < 0 || p.n_threads < 0)
            return fail(TERN_ERR_INVALID_ARGUMENT, "tern_context_new: negative n_ctx, n_batch or n_threads");
        tern::ContextOptions o;
        o.n_ctx = p.n_ctx;
        o.n_threads = p.n_threads > 0 ? p.n_threads : tern::ThreadPool::hardware_threads();
        o.n_batch = p.n_batch > 0 ? p.n_batch : 64;
        const tern_status st = kernel_table(p.isa, &o.kernels);
        if (st != TERN_OK) return st;
        std::unique_ptr<tern_context> c(new tern_context());
        c->model = model;
        c->ctx.reset(new tern::Context(*model->m, o));
        c->session.reset(new tern::Session(*model->m, *c->ctx));
        *out = c.release();
        return TERN_OK;
    });
}

void tern_context_free(tern_context * ctx) {
    if (ctx) ctx->session.reset();  // before the context it points to
    delete ctx;
}

tern_status tern_context_set_threads(tern_context * ctx, int32_t n_threads) {
    return guarded([&] {
        if (!ctx || n_threads < 0) return fail(TERN_ERR_INVALID_ARGUMENT, "tern_context_set_threads: bad argument");
        ctx->ctx->set_threads(n_threads > 0 ? n_threads : tern::ThreadPool::hardware_threads());
        return TERN_OK;
    });
}

int32_t tern_context_threads(const tern_context * ctx) { return ctx ? ctx->ctx->threads() : 0; }

const char * tern_context_isa(const tern_context * ctx) { return ctx ? ctx->ctx->kernel_table().name : ""; }

tern_status tern_kernel_paths_for(const char * isa, int32_t n_batch, tern_kernel_paths * out) {
    if (!out || n_batch < 0) return fail(TERN_ERR_INVALID_ARGUMENT, "tern_kernel_paths_for: bad argument");
    const tern::KernelTable * table = nullptr;
    const tern_status st = kernel_table(isa, &table);
    if (st != TERN_OK) return st;
    kernel_paths(*table, n_batch > 0 ? n_batch : tern_context_default_params().n_batch, out);
    return TERN_OK;
}

tern_status tern_context_kernel_paths(const tern_context * ctx, tern_kernel_paths * out) {
    if (!ctx || !out) return fail(TERN_ERR_INVALID_ARGUMENT, "tern_context_kernel_paths: NULL argument");
    kernel_paths(ctx->ctx->kernel_table(), ctx->ctx->n_batch(), out);
    return TERN_OK;
}

void tern_context_set_abort(tern_context * ctx, tern_abort_callback callback, void * user_data) {
    if (ctx) ctx->session->set_abort(callback, user_data);
}

tern_status tern_decode(tern_context * ctx, const int32_t * ids, int32_t n_ids, bool all_logits) {
    return guarded([&] {
        if (!ctx) return fail(TERN_ERR_INVALID_ARGUMENT, "tern_decode: ctx is NULL");
        std::string why;
        switch (ctx->session->decode(ids, n_ids, all_logits, &why)) {
            case tern::DecodeError::None: return TERN_OK;
            case tern::DecodeError::InvalidArgument: return fail(TERN_ERR_INVALID_ARGUMENT, why);
            case tern::DecodeError::ContextFull: return fail(TERN_ERR_CONTEXT_FULL, why);
            case tern::DecodeError::Aborted: return fail(TERN_ERR_ABORTED, why);
            case tern::DecodeError::OutOfMemory: return fail(TERN_ERR_OUT_OF_MEMORY, why);
        }
        return fail(TERN_ERR_INTERNAL, "unknown decode result");
    });
}

const float * tern_get_logits(const tern_context * ctx, int32_t i) {
    if (!ctx) return nullptr;
    const int64_t n = ctx->ctx->n_logits();
    return ctx->ctx->logits(i < 0 ? n + i : i);
}

int32_t tern_context_n_past(const tern_context * ctx) { return ctx ? static_cast<int32_t>(ctx->ctx->n_past()) : 0; }
int32_t tern_context_n_ctx(const tern_context * ctx) { return ctx ? static_cast<int32_t>(ctx->ctx->n_ctx()) : 0; }

tern_status tern_context_truncate(tern_context * ctx, int32_t n_keep) {
    if (!ctx || n_keep < 0) return fail(TERN_ERR_INVALID_ARGUMENT, "tern_context_truncate: bad argument");
    ctx->session->truncate(n_keep);
    return TERN_OK;
}

}  // extern "C"
