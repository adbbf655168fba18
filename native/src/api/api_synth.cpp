// C API: tern_synth_*.
#include <exception>
#include <new>
#include <string>

#include "synth/synth.h"
#include "tern.h"

// api.cpp keeps the thread-local message; this file reports through the same function.
namespace tern_api {
void set_last_error(const std::string & message);
}

extern "C" tern_synth_params tern_synth_default_params(void) {
    const tern::SynthParams d;
    tern_synth_params p;
    p.arch = "bitnet-b1.58";
    p.format = "I2_S";
    p.n_embd = d.n_embd;
    p.n_layer = d.n_layer;
    p.n_head = d.n_head;
    p.n_head_kv = d.n_head_kv;
    p.n_ff = d.n_ff;
    p.n_vocab = d.n_vocab;
    p.n_ctx = d.n_ctx;
    p.rope_theta = d.rope_theta;
    p.rms_eps = d.rms_eps;
    p.seed = d.seed;
    p.vocab_path = nullptr;
    p.progress = nullptr;
    p.progress_user_data = nullptr;
    return p;
}

extern "C" tern_status tern_synth_write(const char * path, const tern_synth_params * params) {
    try {
        if (!path || !params || !params->arch || !params->format) {
            tern_api::set_last_error("tern_synth_write: NULL argument");
            return TERN_ERR_INVALID_ARGUMENT;
        }
        tern::SynthParams p;
        p.arch = params->arch;
        p.format = params->format;
        p.n_embd = params->n_embd;
        p.n_layer = params->n_layer;
        p.n_head = params->n_head;
        p.n_head_kv = params->n_head_kv;
        p.n_ff = params->n_ff;
        p.n_vocab = params->n_vocab;
        p.n_ctx = params->n_ctx;
        p.rope_theta = params->rope_theta;
        p.rms_eps = params->rms_eps;
        p.seed = params->seed;
        p.vocab_path = params->vocab_path ? params->vocab_path : "";
        p.progress = params->progress;
        p.progress_user = params->progress_user_data;
        std::string why;
        switch (tern::synth_write(path, p, &why)) {
            case tern::SynthError::None: return TERN_OK;
            case tern::SynthError::InvalidArgument: tern_api::set_last_error(why); return TERN_ERR_INVALID_ARGUMENT;
            case tern::SynthError::Io: tern_api::set_last_error(why); return TERN_ERR_IO;
            case tern::SynthError::Aborted: tern_api::set_last_error(why); return TERN_ERR_ABORTED;
        }
        return TERN_ERR_INTERNAL;
    } catch (const std::bad_alloc &) {
        tern_api::set_last_error("out of memory");
        return TERN_ERR_OUT_OF_MEMORY;
    } catch (...) {
        tern_api::set_last_error("internal error");
        return TERN_ERR_INTERNAL;
    }
}
