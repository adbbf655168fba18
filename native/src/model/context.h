// An inference context over a loaded model: the F16 KV cache, scratch buffers, the thread pool
// and the logits of the last decode. decode() appends tokens at the current position.
//
// Determinism: every output element is computed by one thread in a fixed order (work is split
// by output rows, by (token, run of query heads sharing a KV head), or by fixed column chunks
// whose partial sums are added in chunk order; never by thread inside a sum), ternary products
// are exact integers, and every per-token step is independent of the batch. So the logits are
// bit-identical whatever the thread count, and a batch of N tokens gives the same logits as N
// single-token calls (prompt-lookup drafting relies on that).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "model/model.h"
#include "threads/thread_pool.h"

namespace tern {

// Deliberate mistakes, for tests only: each must make the fixture comparison fail, which shows
// the fixtures catch it (test_model.cpp). Never set outside tests.
enum class GraphMistake {
    None,
    RopeSwapped,    // the other RoPE pairing (NEOX on a NORM architecture and the reverse)
    ScaleDivided,   // ternary outputs divided by the weight scale instead of multiplied
    TiedHead,       // logits from token_embd instead of output.weight (needs an F16 head)
};

struct ContextOptions {
    int64_t n_ctx = 0;         // 0: the model's training context
    int n_threads = 1;
    int64_t n_batch = 64;      // tokens per micro-batch inside one decode call
    const KernelTable * kernels = nullptr;  // nullptr: kernels()
    GraphMistake mistake = GraphMistake::None;  // tests only
};

enum class DecodeError { None, InvalidArgument, ContextFull, Aborted, OutOfMemory };

typedef bool (*AbortCheck)(void * user);

class Context {
public:
    Context(const Model & model, const ContextOptions & opts);

    // Evaluates ids[0..n) at positions n_past()..n_past()+n-1. Logits: of every token when
    // all_logits, else of the last one. On error nothing is appended.
    DecodeError decode(const int32_t * ids, int64_t n, bool all_logits, std::string * error);

    const float * logits(int64_t i) const;  // i in [0, n_logits())
    int64_t n_logits() const { return n_out_; }
    int64_t n_past() const { return n_past_; }
    int64_t n_ctx() const { return n_ctx_; }
    int64_t n_batch() const { return n_batch_; }
    void truncate(int64_t n_keep) { if (n_keep >= 0 && n_keep < n_past_) n_past_ = n_keep; }
    void set_threads(int n) { pool_.set_threads(n); }
    int threads() const { return pool_.threads(); }
    const KernelTable & kernel_table() const { return *kt_; }
    void set_abort(AbortCheck check, void * user) { abort_ = check, abort_user_ = user; }

private:
    void forward(const int32_t * ids, int64_t n, int64_t pos, bool all_logits, int64_t out_base);
    void ternary_matmul(const TernaryMatrix & w, const int8_t * xq, const float * act_scale, int64_t n, float * y);
    void attention(int64_t layer, const float * q, int64_t n, int64_t pos, float * out);

    const Model & m_;
    const KernelTable * kt_;
    ThreadPool pool_;
    int64_t n_ctx_;
    int64_t n_batch_;
    int64_t n_past_ = 0;
    AbortCheck abort_ = nullptr;
    void * abort_user_ = nullptr;
    bool aborted_ = false;
    GraphMistake mistake_ = GraphMistake::None;

    std::vector<uint16_t> k_cache_;  // [n_layer][n_ctx][kv_dim] F16
    std::vector<uint16_t> v_cache_;  // [n_layer][n_ctx][kv_dim] F16

    // Scratch for one micro-batch of up to n_batch tokens (T below).
    std::vector<float> x_;        // [T][n_embd]  residual stream
    std::vector<float> xn_;       // [T][max(n_embd, n_ff)]  normed input of a projection
    AlignedBytes xq_;             // [T][max(n_embd, n_ff) as packed]  its int8 quantization (64-byte
                                  // rows: the kernels' activation loads must not split cache lines)
    std::vector<float> xs_;       // [T]  the quantization scales
    std::vector<int32_t> acc_;    // [T][max rows]  exact ternary sums
    std::vector<float> qkv_;      // [T][n_embd + 2*kv_dim]
    std::vector<float> att_;      // [T][n_embd]  attention output (heads concatenated)
    std::vector<float> proj_;     // [T][n_embd]  attn_output / ffn_down output
    std::vector<float> gu_;       // [T][2*n_ff]  gate and up
    std::vector<float> ff_;       // [T][n_ff]  act(gate) * up
    std::vector<double> act_ss_;  // [T][chunks of n_ff]  its sums of squares per chunk
    std::vector<float> scores_;   // [threads][n_ctx]  attention weights of one (token, head)
    std::vector<float> hn_;       // [T][n_embd]  final-normed rows that need logits
    AlignedBytes hq_;             // [T][n_embd]  their Q8_0 blocks (quantized head)
    std::vector<float> hqs_;      // [T][n_embd / 32]  the blocks' scales
    std::vector<float> logits_;   // [n_out][n_vocab]
    int64_t n_out_ = 0;
    std::vector<double> inv_freq_;  // [n_rot/2] RoPE: theta^(-2i/n_rot) / rope_freq_factors[i]
    std::vector<float> rope_cs_;    // [T][n_rot/2][2] cos, sin of the micro-batch's positions
};

}  // namespace tern
