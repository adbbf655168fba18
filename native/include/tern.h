/* Tern engine: the C API.
 *
 * A small C interface over the engine: opaque handles, functions that return error codes (the
 * library never calls exit()), and callbacks that return bool so the caller can stop work.
 */
#ifndef TERN_H
#define TERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- CPU features ------------------------------------------------------------------------ */

/* What the running CPU (and its OS) can execute; the kernels are dispatched on this. */
typedef struct tern_cpu_features {
    bool sse42;
    bool avx;
    bool avx2;
    bool fma;
    bool f16c;
    bool avx512f;
    bool avx512bw;
    bool avx512vl;
    bool avx512dq;
    bool avx512vnni;
    bool avx_vnni;
    bool neon;
    bool dotprod;
} tern_cpu_features;

/* The features of the CPU this process runs on, read once (cpuid/xgetbv, or the OS on ARM). */
tern_cpu_features tern_cpu_detect(void);

/* The CPU's brand string ("" where the CPU or OS does not say). Static storage. */
const char * tern_cpu_name(void);

/* Name of the instruction-set path the kernels use: "scalar", "avx2", "avxvnni", "avx512" or "neon".
 * Chosen from the CPU's features unless the environment variable TERN_ISA forces one. */
const char * tern_isa_name(void);

/* ---- Engine: models and contexts ----------------------------------------------------------
 *
 * Every function returns a tern_status (or a value documented as such); on failure
 * tern_last_error() holds a sentence naming what went wrong, for the calling thread. No function
 * calls exit() or lets a C++ exception escape.
 *
 *   tern_model_params mp = tern_model_default_params();
 *   tern_model * model;
 *   if (tern_model_load("model.gguf", &mp, &model) != TERN_OK) puts(tern_last_error());
 *   tern_context_params cp = tern_context_default_params();
 *   tern_context * ctx;
 *   tern_context_new(model, &cp, &ctx);
 *   tern_decode(ctx, ids, n_ids, false);
 *   const float * logits = tern_get_logits(ctx, -1);   // n_vocab floats
 *   tern_context_free(ctx); tern_model_free(model);
 */

typedef enum tern_status {
    TERN_OK = 0,
    TERN_ERR_INVALID_ARGUMENT = 1, /* a bad parameter, handle or token id */
    TERN_ERR_IO = 2,               /* the file cannot be opened or mapped */
    TERN_ERR_FORMAT = 3,           /* the file is malformed (says where) */
    TERN_ERR_UNSUPPORTED = 4,      /* an architecture or tensor type this engine does not run */
    TERN_ERR_OUT_OF_MEMORY = 5,
    TERN_ERR_ABORTED = 6,          /* a progress or abort callback returned false / true */
    TERN_ERR_CONTEXT_FULL = 7,     /* the tokens do not fit in the context */
    TERN_ERR_INTERNAL = 8,
    TERN_ERR_NEED_MORE_BYTES = 9   /* a header_only load of a file that ends inside the header */
} tern_status;

/* "OK", "INVALID_ARGUMENT", "IO", "FORMAT", "UNSUPPORTED", "OUT_OF_MEMORY", "ABORTED",
 * "CONTEXT_FULL", "INTERNAL", "NEED_MORE_BYTES". Static storage. */
const char * tern_status_name(tern_status status);

/* The message of the last failed call on this thread ("" if none). Valid until the next call. */
const char * tern_last_error(void);
/* After a load failed with TERN_ERR_NEED_MORE_BYTES on this thread: the size in bytes the file
 * needs at least (enough for the read that did not fit; the header may need more); else 0. */
uint64_t tern_last_needed_bytes(void);

typedef struct tern_model tern_model;
typedef struct tern_context tern_context;

/* Called during loading with progress in [0, 1]; return false to abort (TERN_ERR_ABORTED). */
typedef bool (*tern_progress_callback)(float progress, void * user_data);
/* Polled between layers during decode; return true to abort (TERN_ERR_ABORTED). */
typedef bool (*tern_abort_callback)(void * user_data);

typedef struct tern_model_params {
    int32_t n_threads;      /* threads used to repack the weights (0: all hardware threads) */
    bool metadata_only;     /* check the file and read its metadata, but do not load weights */
    /* The file may be only the start of a GGUF, e.g. its first bytes fetched with an HTTP Range
     * request: the metadata and the tensor table are read and checked as for the whole file, the
     * tensor data need not be present (implies metadata_only). The info, tensors and memory
     * estimate are those of the whole file; file_bytes is the size its tensor table implies. A
     * file that ends inside the header fails with TERN_ERR_NEED_MORE_BYTES. */
    bool header_only;
    tern_progress_callback progress;
    void * progress_user_data;
    /* The LM head's format in memory: NULL or "" for the default ("q8_0"), "q8_0", "q6_k" or
     * "f16" (the file's table as is). A quantized head is requantized from the file's F16/F32
     * table at load; the head's activations are then quantized per block to match. */
    const char * head_type;
} tern_model_params;

tern_model_params tern_model_default_params(void);
tern_status tern_model_load(const char * path, const tern_model_params * params, tern_model ** out);
/* The same over a buffer the caller keeps alive as long as the model (tests, fuzzing). */
tern_status tern_model_load_from_memory(const void * data, size_t size, const tern_model_params * params,
                                        tern_model ** out);
void tern_model_free(tern_model * model);

typedef struct tern_model_info {
    const char * arch;           /* general.architecture */
    const char * name;           /* general.name ("" if absent) */
    const char * weight_type;    /* the ternary projections' type in the file: "I2_S", "TQ1_0", "TQ2_0" */
    const char * ffn_act;        /* "relu2" or "silu" */
    const char * head_tensor;    /* "output.weight" or "token_embd.weight" (tied) */
    bool tied_head;
    bool weights_loaded;         /* false after a metadata_only load */
    bool header_only;            /* loaded with header_only: file_bytes is implied by the tensor table */
    int32_t gguf_version;
    int64_t n_vocab, n_embd, n_layer, n_head, n_head_kv, head_dim, n_rot, n_ff, n_ctx_train;
    float rms_eps, rope_theta;
    uint64_t file_bytes;
    uint64_t n_params;           /* elements of every tensor in the file */
    const char * head_type;      /* the head's format in memory: "f16", "q8_0" or "q6_k" */
    uint64_t head_bytes;         /* bytes of the head read per token */
    uint64_t ternary_bytes;      /* the repacked ternary projections and their scales, all read per token */
} tern_model_info;

/* Strings point into the model and live as long as it does. */
tern_status tern_model_get_info(const tern_model * model, tern_model_info * out);

typedef struct tern_tensor_info {
    const char * name;           /* not NUL-terminated in the file: use name_len */
    size_t name_len;
    const char * type;           /* "F16", "I2_S", ... */
    int32_t n_dims;
    int64_t ne[4];
    uint64_t offset;             /* absolute offset in the file */
    uint64_t n_bytes;
} tern_tensor_info;

int64_t tern_model_n_tensors(const tern_model * model);
tern_status tern_model_tensor(const tern_model * model, int64_t i, tern_tensor_info * out);

/* Metadata (every key of the file, tokenizer keys included), in file order. */
int64_t tern_model_meta_count(const tern_model * model);
/* Writes the key / a printable value (arrays as "[N x type] first, ...") into buf, NUL-terminated,
 * truncated to size; returns the full length, or -1 for a bad index. */
int32_t tern_model_meta_key(const tern_model * model, int64_t i, char * buf, size_t size);
int32_t tern_model_meta_value(const tern_model * model, int64_t i, char * buf, size_t size);
/* The whole value of a string key (e.g. tokenizer.chat_template), not cut like the printable one;
 * returns its length (write it with size > length), or -1 when the key is absent or not a string. */
int32_t tern_model_meta_string(const tern_model * model, const char * key, char * buf, size_t size);

typedef struct tern_memory_estimate {
    uint64_t weights_bytes;   /* repacked ternary weights, the head (F16 copy or requantized), norms */
    uint64_t kv_cache_bytes;  /* F16 K and V for n_ctx positions */
    uint64_t scratch_bytes;   /* activations, logits, attention rows */
    uint64_t total_bytes;
} tern_memory_estimate;

/* Resident memory a context of n_ctx positions needs (0: the model's training context). */
tern_status tern_model_estimate_memory(const tern_model * model, int32_t n_ctx, int32_t n_threads,
                                       tern_memory_estimate * out);

typedef struct tern_context_params {
    int32_t n_ctx;           /* positions in the KV cache (0: the model's training context) */
    int32_t n_threads;       /* 0: all hardware threads */
    int32_t n_batch;         /* tokens per internal micro-batch (memory, not results) */
    const char * isa;        /* NULL: tern_isa_name(); or "scalar", "avx2", "avx512", "neon" */
} tern_context_params;

tern_context_params tern_context_default_params(void);
tern_status tern_context_new(tern_model * model, const tern_context_params * params, tern_context ** out);
void tern_context_free(tern_context * ctx);

/* Changes the thread count for the next calls (no reload). */
tern_status tern_context_set_threads(tern_context * ctx, int32_t n_threads);
int32_t tern_context_threads(const tern_context * ctx);
/* The kernel path this context runs ("scalar", "avx2", ...). */
const char * tern_context_isa(const tern_context * ctx);
void tern_context_set_abort(tern_context * ctx, tern_abort_callback callback, void * user_data);

/* The paths whose code runs the ternary matrix products (the bulk of the work), named like the
 * paths above plus "amx": decode is one token (a GEMV), prefill a micro-batch of several (a GEMM).
 * They can differ from the kernel table's name, since a table borrows kernels from another
 * path: "amx" is the avx512 table with an AMX tile GEMM (used from 8 tokens on), "avxvnni" the
 * avx2 table with a VNNI GEMV. The file's weight format (I2_S, TQ1_0, TQ2_0) does not matter:
 * the loader repacks every format into the kernels' one layout. Static storage. */
typedef struct tern_kernel_paths {
    const char * decode;
    const char * prefill;
} tern_kernel_paths;

/* For the table a context would take with this isa (NULL or "": the default, as
 * tern_context_new chooses it, TERN_ISA respected) and micro-batches of n_batch tokens (0: the
 * default 64). TERN_ERR_UNSUPPORTED when the CPU or build lacks the path. */
tern_status tern_kernel_paths_for(const char * isa, int32_t n_batch, tern_kernel_paths * out);
/* The paths its ternary products take (see tern_kernel_paths), for its micro-batch size. */
tern_status tern_context_kernel_paths(const tern_context * ctx, tern_kernel_paths * out);

/* Appends ids at the current position and computes logits: of every token when all_logits,
 * else of the last one. Results are bit-identical for any thread count and any split of the
 * same ids into calls. */
tern_status tern_decode(tern_context * ctx, const int32_t * ids, int32_t n_ids, bool all_logits);
/* n_vocab logits of output i of the last decode (-1: the last output); NULL if out of range. */
const float * tern_get_logits(const tern_context * ctx, int32_t i);
int32_t tern_context_n_past(const tern_context * ctx);
int32_t tern_context_n_ctx(const tern_context * ctx);
/* Forgets positions n_keep.. (the KV cache keeps the prefix 0..n_keep-1). */
tern_status tern_context_truncate(tern_context * ctx, int32_t n_keep);

/* ---- Benchmark (tern bench) ----------------------------------------------------------------
 * One llama-bench-style repetition on a loaded model: a fresh context of n_prompt + n_gen
 * positions, the prompt evaluated in one call (prefill), then n_gen tokens generated one at a
 * time (greedy) after it (decode). Prompt ids are deterministic (seed). */

typedef struct tern_bench_params {
    int32_t n_threads;       /* 0: all hardware threads */
    int32_t n_prompt;        /* prompt tokens (0: no prefill measurement; decode starts from one token) */
    int32_t n_gen;           /* generated tokens */
    const char * isa;        /* NULL: tern_isa_name() */
    uint64_t seed;
} tern_bench_params;

typedef struct tern_bench_result {
    double prefill_seconds;      /* the n_prompt-token decode call */
    double first_token_seconds;  /* prefill + choosing the first token (time to first token) */
    double decode_seconds;       /* the n_gen single-token decode calls */
    int32_t n_prompt, n_gen;
    const char * isa;            /* the kernel path that ran (static storage) */
} tern_bench_result;

tern_bench_params tern_bench_default_params(void);
tern_status tern_bench_run(tern_model * model, const tern_bench_params * params, tern_bench_result * out);

/* This process's resident memory (VmRSS) and its high-water mark (VmHWM), 0 where the OS does
 * not say. */
typedef struct tern_memory_usage {
    uint64_t rss_bytes;
    uint64_t peak_rss_bytes;
} tern_memory_usage;
tern_status tern_process_memory(tern_memory_usage * out);

/* ---- Synthetic models (tern synth) ---------------------------------------------------------
 * Deterministic random ternary models laid out like Microsoft's 2B4T file; see
 * native/src/synth/synth.h for the weights. The same parameters always give the same bytes. */

typedef struct tern_synth_params {
    const char * arch;        /* "bitnet-b1.58", "bitnet-25" (adds output.weight), "bitnet", "llama" (no sub-norms, output.weight) */
    const char * format;      /* "I2_S", "TQ1_0", "TQ2_0" */
    int64_t n_embd, n_layer, n_head, n_head_kv, n_ff, n_vocab, n_ctx;
    float rope_theta, rms_eps;
    uint64_t seed;
    const char * vocab_path;  /* NULL: a synthetic byte-level vocabulary; else copy this GGUF's tokenizer keys */
    tern_progress_callback progress;
    void * progress_user_data;
} tern_synth_params;

/* The fixtures' tiny shape: embd 256, 4 layers, 4/2 heads, ff 768, vocab 511, ctx 4096. */
tern_synth_params tern_synth_default_params(void);
tern_status tern_synth_write(const char * path, const tern_synth_params * params);

/* ---- Tokenizer -----------------------------------------------------------------------------
 * Byte-level BPE read from the file's tokenizer.ggml.* keys (Llama 3 rules when the file names
 * no pre-tokenizer, as bitnet.cpp's converter writes them). A vocabulary-only GGUF (tokenizer
 * keys, no tensors) loads with metadata_only = true and serves these calls. Every call is
 * thread-safe on a shared model. */

/* Whether the file carries a tokenizer (the calls below fail or return -1 without one). */
bool tern_model_has_tokenizer(const tern_model * model);
/* Tokens in the vocabulary (0 without a tokenizer). */
int32_t tern_model_n_tokens(const tern_model * model);
/* BOS, EOS and EOT ids, -1 when the vocabulary has none. */
int32_t tern_token_bos(const tern_model * model);
int32_t tern_token_eos(const tern_model * model);
int32_t tern_token_eot(const tern_model * model);
/* Whether the file asks for BOS at the start of a prompt. */
bool tern_model_add_bos(const tern_model * model);
/* EOS or EOT: the model is done talking. */
bool tern_token_is_eog(const tern_model * model, int32_t id);
/* A control or user-defined token: its text is matched only when parse_special is asked for. */
bool tern_token_is_special(const tern_model * model, int32_t id);

/* Text (len bytes, any bytes) to ids. add_bos: prepend BOS when the file asks for it (false:
 * never). parse_special: the exact text of a special token becomes its id. *n_ids is always set
 * to the number of ids; if it exceeds max_ids nothing is written and the call fails with
 * TERN_ERR_INVALID_ARGUMENT (call again with a larger buffer). */
tern_status tern_tokenize(const tern_model * model, const char * text, size_t len, bool add_bos, bool parse_special,
                          int32_t * ids, int32_t max_ids, int32_t * n_ids);
/* The bytes of one token (the text of a special token, empty when skip_special), which may be
 * part of a UTF-8 character. Writes at most size - 1 bytes and a NUL; returns the full length,
 * or -1 for a bad id or no tokenizer. */
int32_t tern_token_to_piece(const tern_model * model, int32_t id, bool skip_special, char * buf, size_t size);
/* Ids to text. gpt2 vocabularies: the bytes concatenated (invalid UTF-8 if the ids split a
 * character); SentencePiece ("llama") vocabularies: sentencepiece's DecodeIds (control tokens
 * invisible, <unk> as " ⁇ ", the first piece without its leading space, valid UTF-8). Same
 * buffer rules. */
int32_t tern_detokenize(const tern_model * model, const int32_t * ids, int32_t n_ids, bool skip_special, char * buf,
                        size_t size);

/* Streaming detokenizer: push ids one at a time, get back only complete UTF-8 characters (the
 * bytes of a character split across tokens are held until the rest arrives). The pieces joined
 * equal tern_detokenize of the same ids when they are valid UTF-8 (SentencePiece: always). */
typedef struct tern_detokenizer tern_detokenizer;
tern_status tern_detokenizer_new(const tern_model * model, bool skip_special, tern_detokenizer ** out);
/* The text completed by this token (valid UTF-8; *len bytes, NUL-terminated), valid until the
 * next call on d. NULL for a bad id. */
const char * tern_detokenizer_push(tern_detokenizer * d, int32_t id, size_t * len);
/* The end of the stream: U+FFFD if a character was left incomplete, else "". */
const char * tern_detokenizer_flush(tern_detokenizer * d, size_t * len);
void tern_detokenizer_free(tern_detokenizer * d);

/* ---- Generation ------------------------------------------------------------------------------
 * tern_generate runs one request on a context: the full token sequence (e.g. the whole chat so
 * far). The context remembers the tokens its KV cache holds; the longest common prefix is kept
 * and only the rest is evaluated (result.n_prompt_computed). Then tokens are sampled until a
 * stop token (EOS/EOT), a stop string, max_tokens, the end of the context or a cancel, and each
 * is passed to on_token with its text (valid UTF-8: never half a character; text that might
 * begin a stop string is held back until it is decided) and timing.
 *
 * A request that cannot fit (n_prompt + max_tokens > n_ctx, or n_prompt >= n_ctx when
 * max_tokens is -1) fails with TERN_ERR_CONTEXT_FULL and a message giving the numbers; trimming
 * history is the caller's job. A cancel (abort returning true, on_token returning false, or the
 * context's abort callback) is not an error: the call returns TERN_OK with stop_reason
 * TERN_STOP_CANCELLED and the partial result. The abort callbacks are polled between layers
 * (every micro-batch of the prompt, every token) and between tokens. */

typedef struct tern_sampler_params {
    float temperature;        /* <= 0: greedy (argmax, lowest id on ties); default 0.7 */
    int32_t top_k;            /* <= 0: off; default 40 */
    float top_p;              /* >= 1: off; default 0.9 */
    float min_p;              /* <= 0: off; default 0.05 */
    float repeat_penalty;     /* 1: off; default 1.05 */
    int32_t repeat_last_n;    /* tokens the penalties look back over (prompt included); 0: off; default 64 */
    float frequency_penalty;  /* 0: off */
    float presence_penalty;   /* 0: off */
    uint64_t seed;            /* the same seed gives the same tokens */
} tern_sampler_params;

tern_sampler_params tern_sampler_default_params(void);

typedef enum tern_stop_reason {
    TERN_STOP_NONE = 0,
    TERN_STOP_END_OF_GENERATION = 1, /* EOS or EOT was sampled (it is the last id, its text is not shown) */
    TERN_STOP_STRING = 2,            /* a stop string appeared (the text ends before it) */
    TERN_STOP_MAX_TOKENS = 3,
    TERN_STOP_CONTEXT_END = 4,       /* max_tokens -1 and the context is full */
    TERN_STOP_CANCELLED = 5
} tern_stop_reason;

/* "none", "eog", "stop_string", "max_tokens", "context_end", "cancelled". Static storage. */
const char * tern_stop_reason_name(tern_stop_reason reason);

typedef struct tern_token_event {
    int32_t id;           /* the sampled id; -1: text held back until the end, released (last event) */
    int32_t index;        /* 0-based among the generated tokens */
    const char * text;    /* valid UTF-8, text_len bytes (NUL-terminated), possibly empty; valid during the call */
    size_t text_len;
    double ms;            /* since the previous token; for the first, since the request began (time to first token) */
    double elapsed_ms;    /* since the request began */
} tern_token_event;

/* Return false to stop (stop_reason TERN_STOP_CANCELLED). Called on the generating thread. */
typedef bool (*tern_token_callback)(const tern_token_event * event, void * user_data);

typedef struct tern_generate_params {
    tern_sampler_params sampler;
    int32_t max_tokens;                /* -1 (default): until the context is full */
    const char * const * stop_strings; /* n_stop_strings NUL-terminated strings */
    int32_t n_stop_strings;
    bool ignore_eog;                   /* do not stop on EOS / EOT */
    /* The reply continues the prompt's text (a completion, not a chat turn): a SentencePiece
     * vocabulary's first generated piece keeps its leading space ("is" + " Paris"), where a reply of
     * its own loses it, as sentencepiece decodes a sequence. Default false. */
    bool continuation;
    /* Prompt-lookup drafting: after each sampled token, up to draft_max tokens that followed the
     * sequence's last n-gram (n from draft_ngram_max down to draft_ngram_min) earlier in the
     * prompt or the output are evaluated with it in one batch, and each is kept only if sampling
     * gives exactly it. The output is identical to draft_max 0 for every sampler setting; text
     * that repeats its context (code, quotes, edits) comes faster. The drafts per step start at
     * 1, double after a step that kept them all and fall to the number kept after a rejection.
     * 0 (default): off. */
    int32_t draft_max;
    int32_t draft_ngram_min;           /* default 2 */
    int32_t draft_ngram_max;           /* default 4 */
    tern_token_callback on_token;
    void * on_token_user_data;
    tern_abort_callback abort;         /* return true to cancel */
    void * abort_user_data;
} tern_generate_params;

tern_generate_params tern_generate_default_params(void);

typedef struct tern_generate_result {
    int32_t n_prompt;            /* ids in the request */
    int32_t n_prompt_reused;     /* of them, already in the KV cache */
    int32_t n_prompt_computed;   /* of them, evaluated by this call */
    int32_t n_generated;         /* sampled ids (a stop token included) */
    int32_t n_drafted;           /* drafted tokens evaluated */
    int32_t n_draft_accepted;    /* of them, kept */
    double ttft_ms;              /* request start to the first sampled token */
    double prefill_ms;
    double decode_ms;            /* first token to the end */
    double total_ms;
    double prefill_tokens_per_s;
    double decode_tokens_per_s;
    tern_stop_reason stop_reason;
} tern_generate_result;

tern_status tern_generate(tern_context * ctx, const int32_t * prompt, int32_t n_prompt, const tern_generate_params * params,
                          tern_generate_result * out);

/* The tokens whose keys and values the context holds (what the next request can reuse). Writes
 * up to max ids; returns how many there are. */
int32_t tern_context_tokens(const tern_context * ctx, int32_t * out, int32_t max);

/* Bytes a context uses (its KV cache and scratch as allocated) plus the model's weights. */
tern_status tern_context_memory(const tern_context * ctx, tern_memory_estimate * out);

#ifdef __cplusplus
}
#endif

#endif /* TERN_H */
