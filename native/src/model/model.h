// A loaded model: hyper-parameters, the ternary weights repacked into the kernels' layout, and
// the F16 embedding / head (left in the file mapping when possible: a lookup touches one row).
//
// Architectures (kArchitectures in model.cpp describes each): `bitnet-b1.58` and `bitnet-25`
// (Microsoft 2B4T: squared-ReLU gated FFN), `bitnet` (1bitLLM / upstream llama.cpp: SiLU gated
// FFN), both with sub-norms before the attention output and FFN down projections and NEOX RoPE;
// `llama` with ternary projections (Falcon3-1.58bit, Llama3-8B-1.58, TriLM: SiLU gated FFN, no
// sub-norms, NORM RoPE on the q/k rows the converter permuted, optional Llama 3 RoPE frequency
// scaling). All: weight-only RMSNorm, no biases, per-token int8 activations into every ternary
// projection. The head is `output.weight` when the file has one, `token_embd.weight` otherwise.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gguf/gguf.h"
#include "tokenizer/tokenizer.h"

namespace tern {

enum class FfnAct { Relu2, Silu };
// NEOX: dimension i of a head pairs with i + n_rot/2 (rotate-half). NORM: 2i pairs with 2i+1.
enum class RopeType { Neox, Norm };

// What one GGUF architecture name means for the graph.
struct ArchInfo {
    const char * name;  // general.architecture
    FfnAct act;
    RopeType rope;
    bool sub_norms;     // attn_sub_norm before attn_output, ffn_sub_norm before ffn_down
};
const ArchInfo * find_arch(const std::string & name);  // nullptr when not supported

struct Hparams {
    std::string arch;         // general.architecture as written in the file
    int64_t n_vocab = 0;
    int64_t n_embd = 0;
    int64_t n_layer = 0;
    int64_t n_head = 0;
    int64_t n_head_kv = 0;
    int64_t head_dim = 0;     // n_embd / n_head
    int64_t n_rot = 0;        // rope.dimension_count (= head_dim here)
    int64_t n_ff = 0;
    int64_t n_ctx_train = 0;
    float rms_eps = 1e-5f;
    float rope_theta = 10000.0f;
    FfnAct act = FfnAct::Relu2;
    RopeType rope_type = RopeType::Neox;
    bool sub_norms = true;
    // RoPE frequency scaling: the angle of pair i is pos * theta^(-2i/n_rot) / rope_freq_factors[i]
    // (empty: no scaling). From a `rope_freqs.weight` tensor (Llama 3.1 GGUFs) or the
    // rope.scaling.* keys (linear: every factor = rope.scaling.factor; llama3: Llama 3's
    // wavelength-dependent rule).
    std::vector<float> rope_freq_factors;

    int64_t kv_dim() const { return n_head_kv * head_dim; }
};

// 64-byte aligned bytes (kernel rows start on cache lines). From 4 MB up they start on a 2 MB
// boundary and ask for transparent huge pages (model.cpp).
class AlignedBytes {
public:
    AlignedBytes() = default;
    explicit AlignedBytes(size_t n);
    ~AlignedBytes();
    AlignedBytes(AlignedBytes && o) noexcept : p_(o.p_), n_(o.n_) { o.p_ = nullptr, o.n_ = 0; }
    AlignedBytes & operator=(AlignedBytes && o) noexcept;
    AlignedBytes(const AlignedBytes &) = delete;
    AlignedBytes & operator=(const AlignedBytes &) = delete;
    uint8_t * data() { return p_; }
    const uint8_t * data() const { return p_; }
    size_t size() const { return n_; }

private:
    uint8_t * p_ = nullptr;
    size_t n_ = 0;
};

// Columns [col0, col0 + cols) of a ternary matrix, packed on their own with one scale per row.
// The last segment ends at ternary_packed_cols(matrix cols): rows of a length that is not a
// multiple of 128 (1bitLLM's 3B: 8640) are padded with zero weights, which add exactly 0 to
// every path's sums whatever the activations there hold.
struct TernarySegment {
    int64_t col0 = 0, cols = 0;
    size_t stride = 0;           // packed bytes per row (ternary_row_bytes(cols))
    uint8_t * packed = nullptr;  // [rows][stride], inside Model::ternary_weights
    std::vector<float> scale;    // [rows]
};

// A ternary matrix in the kernels' layout: y[r] = sum over its segments of
// seg.scale[r] * sum_k W[r][seg.col0 + k] x[seg.col0 + k].
// A matrix is one segment of all its columns when each row has one scale (I2_S: one per tensor;
// most TQ1_0/TQ2_0 files). TriLM's files keep the scales of the model-parallel shards the model
// was trained in (up to 6 per matrix): the row-parallel projections (attn_output, ffn_down) then
// change scale along a row, and are split there into segments, each row's scale constant in each.
struct TernaryMatrix {
    int64_t rows = 0, cols = 0;  // outputs, inputs
    std::vector<TernarySegment> segments;
};

struct Layer {
    std::vector<float> attn_norm;      // [n_embd]
    TernaryMatrix wqkv;                // [n_embd + 2*kv_dim][n_embd]: q rows, then k, then v
    std::vector<float> attn_sub_norm;  // [n_embd]; empty without sub-norms (llama)
    TernaryMatrix wo;                  // [n_embd][n_embd]
    std::vector<float> ffn_norm;       // [n_embd]
    TernaryMatrix w_gate_up;           // [2*n_ff][n_embd]: gate rows, then up rows
    std::vector<float> ffn_sub_norm;   // [n_ff]; empty without sub-norms
    TernaryMatrix w_down;              // [n_embd][n_ff]
};

// The LM head's format in memory. F16: the file's table, copied into huge pages. Q8_0: requantized at load
// into head_q / head_scale (kernels.h, q8_gemv), blocks of 32 with a half scale (8.5 bits).
// Q6_K: requantized into the head_q6 planes (kernels.h, Q6Matrix; 6.5625 bits).
enum class HeadType { F16, Q8_0, Q6_K };
const char * head_type_name(HeadType t);  // "f16", "q8_0", "q6_k"

struct Model {
    Hparams hp;
    std::string path;
    std::unique_ptr<gguf::File> file;
    bool weights_loaded = false;       // false for a metadata-only load
    bool vocab_only = false;           // a file with a tokenizer and no tensors (metadata-only load)
    std::unique_ptr<Tokenizer> tokenizer;  // from tokenizer.ggml.*; null when the file has none

    const uint16_t * token_embd = nullptr;  // [n_vocab][n_embd] F16 (mapped, token_embd_owned or, tied, the F16 head)
    std::vector<uint16_t> token_embd_owned;
    const uint16_t * output = nullptr;      // [n_vocab][n_embd] F16 head (token_embd when tied); null once requantized
    std::vector<uint16_t> output_owned;
    bool tied_head = true;
    std::string head_tensor;                // "token_embd.weight" or "output.weight"
    HeadType head_type = HeadType::F16;
    AlignedBytes head_weights;              // the head in memory: an F16 copy, or the requantized arrays below
    int8_t * head_q = nullptr;              // Q8_0: [n_vocab][n_embd]
    uint16_t * head_scale = nullptr;        // Q8_0: [n_vocab][n_embd / 32] IEEE half
    uint8_t * head_q6_ql = nullptr;         // Q6_K planes (kernels.h Q6Matrix): [n_vocab][n_embd / 2]
    uint8_t * head_q6_qh = nullptr;         //   [n_vocab][n_embd / 4]
    int8_t * head_q6_sc = nullptr;          //   [n_vocab][n_embd / 16]
    uint16_t * head_q6_d = nullptr;         //   [n_vocab][n_embd / 256]
    uint64_t head_bytes = 0;                // bytes of the head read per token
    std::string weight_type;                // type of the ternary projections in the file, e.g. "I2_S"
    std::vector<float> output_norm;         // [n_embd]
    std::vector<Layer> layers;              // [n_layer]
    // Every layer's packed ternary rows in one allocation, in the order a token reads them: decode
    // streams them all per token, and one allocation gets huge pages over all but its last 2 MB
    // (per-matrix allocations of 1-4 MB would get almost none).
    AlignedBytes ternary_weights;

    uint64_t repacked_bytes = 0;  // ternary weights + their scales, in memory
    uint64_t n_params = 0;        // elements of every tensor in the file
};

typedef bool (*LoadProgress)(float progress, void * user);

struct LoadOptions {
    int n_threads = 1;
    bool metadata_only = false;  // parse and check everything, skip repacking the weights
    // The file may be only the start of a GGUF (its metadata and tensor table): checked as a
    // metadata-only load, the tensor data never read (gguf.h, File::Mode::HeaderOnly).
    bool header_only = false;
    std::string head_type;       // "" (default: q8_0 when n_embd allows), "q8_0", "q6_k", "f16"
    LoadProgress progress = nullptr;
    void * progress_user = nullptr;
};

// NeedMoreBytes: a header_only load of a file that ends inside the header.
enum class LoadError { None, Io, Format, Unsupported, OutOfMemory, Aborted, NeedMoreBytes };

// Loads (or, metadata_only, checks) a model. On failure: nullptr, *kind and a sentence in *error;
// for NeedMoreBytes, *need_bytes (when not null) is the size the file needs at least.
std::unique_ptr<Model> load_model(const std::string & path, const LoadOptions & opts, LoadError * kind,
                                  std::string * error, uint64_t * need_bytes = nullptr);
// The same over a buffer the caller keeps alive (tests, fuzzing).
std::unique_ptr<Model> load_model_from_memory(const void * data, size_t size, const LoadOptions & opts,
                                              LoadError * kind, std::string * error, uint64_t * need_bytes = nullptr);

// Bytes the engine holds for a context of n_ctx positions: the pieces and the sum.
struct MemoryEstimate {
    uint64_t weights = 0;   // repacked ternary weights, the head, norms, a converted embedding
    uint64_t kv_cache = 0;
    uint64_t scratch = 0;   // activations for one micro-batch, logits, attention rows
    uint64_t total = 0;
};
MemoryEstimate estimate_memory(const Model & m, int64_t n_ctx, int n_threads, int64_t n_batch);

}  // namespace tern
