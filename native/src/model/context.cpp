// The forward pass, written to be read top to bottom (Context::forward). Shapes: T tokens in
// the micro-batch, E = n_embd, F = n_ff, H = n_head, G = n_head_kv, D = head_dim,
// KV = G * D, V = n_vocab.
#include "model/context.h"

#include "threads/row_split.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>

namespace tern {

namespace {

// Exact half -> float for every 16-bit pattern, built once (attention reads the F16 cache).
const float * f16_table() {
    static const std::vector<float> table = [] {
        std::vector<float> t(65536);
        for (uint32_t i = 0; i < 65536; ++i) t[i] = f16_to_f32(static_cast<uint16_t>(i));
        return t;
    }();
    return table.data();
}

// sum(x^2) over n values in double: four partial sums (element i into i % 4, combined in a
// fixed order), the same bits on every call without one long chain of dependent additions.
double sum_squares(const float * x, int64_t n) {
    double part[4] = {0.0, 0.0, 0.0, 0.0};
    int64_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (int k = 0; k < 4; ++k) part[k] += static_cast<double>(x[i + k]) * x[i + k];
    for (; i < n; ++i) part[i % 4] += static_cast<double>(x[i]) * x[i];
    return (part[0] + part[1]) + (part[2] + part[3]);
}

// out = x / sqrt(ss / n + eps) * w over n values, with ss = sum(x^2).
void rmsnorm_scaled(float * out, const float * x, const float * w, int64_t n, double ss, float eps) {
    const float inv = static_cast<float>(1.0 / std::sqrt(ss / static_cast<double>(n) + eps));
    for (int64_t i = 0; i < n; ++i) out[i] = x[i] * inv * w[i];
}

// out = x / sqrt(mean(x^2) + eps) * w, over n values.
void rmsnorm(float * out, const float * x, const float * w, int64_t n, float eps) {
    rmsnorm_scaled(out, x, w, n, sum_squares(x, n), eps);
}

// The feed-forward activation is computed in fixed chunks of this many columns, one pool task
// each, so that a single token's activation and sub-norm are not left to one thread.
constexpr int64_t kActChunk = 1024;

// The rotation of one position: cs[2i] = cos, cs[2i+1] = sin of pos * inv_freq[i], i < n_rot/2.
void rope_angles(float * cs, int64_t n_rot, int64_t pos, const double * inv_freq) {
    for (int64_t i = 0; i < n_rot / 2; ++i) {
        const double angle = static_cast<double>(pos) * inv_freq[i];
        cs[2 * i] = static_cast<float>(std::cos(angle));
        cs[2 * i + 1] = static_cast<float>(std::sin(angle));
    }
}

// NEOX ("rotate half") RoPE on one head vector: dimension i pairs with i + n_rot/2.
void rope_neox(float * v, int64_t n_rot, const float * cs) {
    const int64_t half = n_rot / 2;
    for (int64_t i = 0; i < half; ++i) {
        const float c = cs[2 * i], s = cs[2 * i + 1];
        const float x0 = v[i], x1 = v[i + half];
        v[i] = x0 * c - x1 * s;
        v[i + half] = x0 * s + x1 * c;
    }
}

// NORM RoPE on one head vector: dimension 2i pairs with 2i + 1.
void rope_norm(float * v, int64_t n_rot, const float * cs) {
    for (int64_t i = 0; i < n_rot / 2; ++i) {
        const float c = cs[2 * i], s = cs[2 * i + 1];
        const float x0 = v[2 * i], x1 = v[2 * i + 1];
        v[2 * i] = x0 * c - x1 * s;
        v[2 * i + 1] = x0 * s + x1 * c;
    }
}

float silu(float x) { return x / (1.0f + std::exp(-x)); }

}  // namespace

Context::Context(const Model & model, const ContextOptions & opts)
    : m_(model),
      kt_(opts.kernels ? opts.kernels : &kernels()),
      pool_(std::max(1, opts.n_threads)),
      n_ctx_(opts.n_ctx > 0 ? opts.n_ctx : model.hp.n_ctx_train),
      n_batch_(std::max<int64_t>(1, opts.n_batch)),
      mistake_(opts.mistake) {
    const Hparams & hp = m_.hp;
    const size_t L = static_cast<size_t>(hp.n_layer), C = static_cast<size_t>(n_ctx_), KV = static_cast<size_t>(hp.kv_dim());
    k_cache_.assign(L * C * KV, 0);
    v_cache_.assign(L * C * KV, 0);
    const size_t T = static_cast<size_t>(n_batch_), E = static_cast<size_t>(hp.n_embd), F = static_cast<size_t>(hp.n_ff);
    const size_t wide = std::max(E, F);
    const size_t max_rows = std::max({E + 2 * KV, E, 2 * F});
    x_.resize(T * E);
    xn_.resize(T * wide);
    // Rows as the packed weights are wide (ternary_packed_cols); zeroed, so the padding columns
    // (whose weights are 0) never read an unset byte.
    const size_t wide_q = static_cast<size_t>(std::max(ternary_packed_cols(hp.n_embd), ternary_packed_cols(hp.n_ff)));
    xq_ = AlignedBytes(T * wide_q);
    std::memset(xq_.data(), 0, T * wide_q);
    xs_.resize(T);
    acc_.resize(T * max_rows);
    qkv_.resize(T * (E + 2 * KV));
    att_.resize(T * E);
    proj_.resize(T * E);
    gu_.resize(T * 2 * F);
    ff_.resize(T * F);
    hn_.resize(T * E);
    if (m_.head_type != HeadType::F16) {
        hq_ = AlignedBytes(T * E);
        hqs_.resize(T * E / kQ8Block);
    }
    inv_freq_.resize(static_cast<size_t>(hp.n_rot / 2));
    for (int64_t i = 0; i < hp.n_rot / 2; ++i) {
        double f = std::pow(static_cast<double>(hp.rope_theta), -2.0 * static_cast<double>(i) / static_cast<double>(hp.n_rot));
        if (!hp.rope_freq_factors.empty()) f /= static_cast<double>(hp.rope_freq_factors[static_cast<size_t>(i)]);
        inv_freq_[static_cast<size_t>(i)] = f;
    }
    f16_table();
}

const float * Context::logits(int64_t i) const {
    if (i < 0 || i >= n_out_) return nullptr;
    return logits_.data() + static_cast<size_t>(i) * static_cast<size_t>(m_.hp.n_vocab);
}

DecodeError Context::decode(const int32_t * ids, int64_t n, bool all_logits, std::string * error) {
    const Hparams & hp = m_.hp;
    if (!ids || n <= 0) {
        *error = "decode needs at least one token id";
        return DecodeError::InvalidArgument;
    }
    for (int64_t i = 0; i < n; ++i)
        if (ids[i] < 0 || ids[i] >= hp.n_vocab) {
            *error = "token id " + std::to_string(ids[i]) + " at index " + std::to_string(i) + " is outside the vocabulary (0.." +
                     std::to_string(hp.n_vocab - 1) + ")";
            return DecodeError::InvalidArgument;
        }
    if (n > n_ctx_ - n_past_) {
        *error = "the context is full: " + std::to_string(n_past_) + " positions used, " + std::to_string(n) +
                 " more requested, context size " + std::to_string(n_ctx_);
        return DecodeError::ContextFull;
    }
    try {
        const int64_t n_out = all_logits ? n : 1;
        logits_.resize(static_cast<size_t>(n_out) * static_cast<size_t>(hp.n_vocab));
        n_out_ = 0;
        aborted_ = false;
        for (int64_t off = 0; off < n; off += n_batch_) {
            const int64_t cnt = std::min(n_batch_, n - off);
            const bool last = off + cnt == n;
            if (all_logits || last)
                forward(ids + off, cnt, n_past_ + off, all_logits, all_logits ? off : 0);
            else
                forward(ids + off, cnt, n_past_ + off, false, -1);
            if (aborted_) {
                n_out_ = 0;
                *error = "decoding was cancelled";
                return DecodeError::Aborted;
            }
        }
        n_out_ = n_out;
    } catch (const std::bad_alloc &) {
        *error = "out of memory during decode";
        return DecodeError::OutOfMemory;
    }
    n_past_ += n;
    return DecodeError::None;
}

// y[t][r] = sum over the column segments of acc[t][r] / act_scale[t] * seg.scale[r], with acc =
// the segment's W xq exact in int32 (one segment, all columns, unless the file's rows change scale).
// Work is split by output rows only; each row adds its segments in order.
void Context::ternary_matmul(const TernaryMatrix & w, const int8_t * xq, const float * act_scale, int64_t n, float * y) {
    const int64_t rows = w.rows;
    const size_t x_stride = static_cast<size_t>(ternary_packed_cols(w.cols));  // xq rows, as quantized by forward()
    const RowSplit split = n == 1 ? RowSplit::decode(rows, pool_.threads()) : RowSplit::prefill(rows, pool_.threads());
    int32_t * acc = acc_.data();
    pool_.run(split.tasks(), [&](int64_t task, int) {
        const auto [r0, nr] = split.task_rows(task);
        if (nr == 0) return;
        for (size_t k = 0; k < w.segments.size(); ++k) {
            const TernarySegment & seg = w.segments[k];
            const uint8_t * wr = seg.packed + static_cast<size_t>(r0) * seg.stride;
            const int8_t * x = xq + seg.col0;  // activation rows stay 64-byte aligned: col0 is a multiple of 256
            if (n == 1)
                kt_->ternary_gemv(wr, seg.stride, nr, seg.cols, x, acc + r0);
            else
                kt_->ternary_gemm(wr, seg.stride, nr, seg.cols, x, x_stride, n, acc + r0, static_cast<size_t>(rows));
            const float * scale = seg.scale.data();
            for (int64_t t = 0; t < n; ++t) {  // vectorized (the scale of token t hoisted)
                const int32_t * a = acc + t * rows;
                float * out = y + t * rows;
                const float s = act_scale[t];
                if (mistake_ == GraphMistake::ScaleDivided) {
                    for (int64_t r = r0; r < r0 + nr; ++r) out[r] = (k ? out[r] : 0.0f) + static_cast<float>(a[r]) / s / scale[r];
                    continue;
                }
                if (k == 0)
                    for (int64_t r = r0; r < r0 + nr; ++r) out[r] = static_cast<float>(a[r]) / s * scale[r];
                else
                    for (int64_t r = r0; r < r0 + nr; ++r) out[r] += static_cast<float>(a[r]) / s * scale[r];
            }
        }
    });
}

// out[t][h*D..] = softmax(q[t][h] . K[0..pos+t][g] / sqrt(D)) . V[0..pos+t][g], g = h / (H/G).
// One task per token and run of query heads that share a KV head (grouped-query attention):
// their scores come from one pass over the cached keys (an f16 GEMM with the heads as its
// tokens: each key converted once for all of them), then each head's softmax and weighted sum
// of values. q rows are the q part of qkv (row stride E + 2*KV).
void Context::attention(int64_t layer, const float * qkv, int64_t n, int64_t pos, float * out) {
    const Hparams & hp = m_.hp;
    const int64_t H = hp.n_head, D = hp.head_dim, KV = hp.kv_dim(), E = hp.n_embd, W = E + 2 * KV;
    const int64_t group = hp.n_head / hp.n_head_kv;
    const float scale = 1.0f / std::sqrt(static_cast<float>(D));
    const uint16_t * K = k_cache_.data() + static_cast<size_t>(layer) * static_cast<size_t>(n_ctx_ * KV);
    const uint16_t * V = v_cache_.data() + static_cast<size_t>(layer) * static_cast<size_t>(n_ctx_ * KV);
    // Heads per task: the whole group, halved while that leaves fewer than 4 tasks per thread
    // (one token's 5 groups on 2 threads would leave one thread idle a third of the time).
    int64_t per_task = group;
    while (per_task % 2 == 0 && n * H / per_task < 4 * pool_.threads()) per_task /= 2;
    // Per thread: the scores of one task's heads ([per_task][n_ctx]) and their outputs being
    // accumulated ([per_task][D], written to `out` once at the end: heads of neighbouring tasks
    // share cache lines there, and the other thread writing them on every key would bounce the
    // lines). Slices are whole cache lines apart.
    const size_t per_thread = (static_cast<size_t>(per_task * (n_ctx_ + D)) + 15) / 16 * 16 + 16;
    scores_.resize(static_cast<size_t>(pool_.threads()) * per_thread);
    const int64_t runs = H / per_task;
    pool_.run(n * runs, [&](int64_t task, int thread) {
        // Latest tokens first: they have the most keys, and the cheap tasks then fill the end.
        const int64_t t = n - 1 - task / runs, h0 = task % runs * per_task, g = h0 / group;
        const int64_t n_keys = pos + t + 1;  // causal: positions 0..pos+t
        float * scores = scores_.data() + static_cast<size_t>(thread) * per_thread;
        float * acc = scores + per_task * n_ctx_;
        // scores[k][j] = q[h0 + k] . K[j]: an f16 GEMM over the cached keys (row stride KV); each
        // output is bit-identical to the GEMV of that head alone, and its summation order
        // depends only on D, so the scores do not depend on n or on the grouping.
        kt_->f16_gemm(K + g * D, static_cast<size_t>(KV), n_keys, D, qkv + t * W + h0 * D, static_cast<size_t>(D), per_task,
                      scores, static_cast<size_t>(n_ctx_));
        for (int64_t k = 0; k < per_task; ++k) {
            float * s = scores + k * n_ctx_;
            float max = -INFINITY;
            for (int64_t j = 0; j < n_keys; ++j) {
                s[j] *= scale;
                max = std::max(max, s[j]);
            }
            float sum = 0.0f;
            for (int64_t j = 0; j < n_keys; ++j) {
                s[j] = std::exp(s[j] - max);
                sum += s[j];
            }
            for (int64_t j = 0; j < n_keys; ++j) s[j] /= sum;
        }
        // o_k = sum_j (s_k[j] / sum_k) V[j]: one fused multiply-add per key and dimension, keys
        // in order, for the task's heads together (the value rows read once for two heads).
        std::fill(acc, acc + per_task * D, 0.0f);
        kt_->f16_axpy_rows(V + g * D, static_cast<size_t>(KV), n_keys, D, scores, static_cast<size_t>(n_ctx_), per_task, acc,
                           static_cast<size_t>(D));
        std::copy(acc, acc + per_task * D, out + t * E + h0 * D);
    });
}

void Context::forward(const int32_t * ids, int64_t T, int64_t pos, bool all_logits, int64_t out_base) {
    const Hparams & hp = m_.hp;
    const int64_t E = hp.n_embd, F = hp.n_ff, H = hp.n_head, G = hp.n_head_kv, D = hp.head_dim, KV = hp.kv_dim();
    const int64_t V = hp.n_vocab, W = E + 2 * KV;

    float * x = x_.data();       // [T][E]
    float * xn = xn_.data();     // [T][E] or [T][F]
    int8_t * xq = reinterpret_cast<int8_t *>(xq_.data());  // [T][EQ] or [T][FQ]
    const int64_t EQ = ternary_packed_cols(E), FQ = ternary_packed_cols(F);  // as ternary_matmul reads them
    float * xs = xs_.data();     // [T]
    float * qkv = qkv_.data();   // [T][W]: q [E], k [KV], v [KV]
    float * att = att_.data();   // [T][E]
    float * proj = proj_.data(); // [T][E]
    float * gu = gu_.data();     // [T][2F]: gate [F], up [F]
    float * ff = ff_.data();     // [T][F]

    // x = token_embd[id]
    for (int64_t t = 0; t < T; ++t) kt_->f16_to_f32_row(m_.token_embd + static_cast<size_t>(ids[t]) * E, x + t * E, E);
    // RoPE rotations of these positions, once for every layer and head.
    const int64_t R = hp.n_rot;
    rope_cs_.resize(static_cast<size_t>(T * R));
    float * cs = rope_cs_.data();
    for (int64_t t = 0; t < T; ++t) rope_angles(cs + t * R, R, pos + t, inv_freq_.data());

    // The per-token stages (norms, quantization, RoPE, activations, residuals) run one task per
    // token: each token's values are computed by one thread in a fixed order, as before.
    auto per_token = [&](const ThreadPool::Fn & fn) { pool_.run(T, fn); };
    const int64_t act_chunks = (F + kActChunk - 1) / kActChunk;
    act_ss_.resize(static_cast<size_t>(T * act_chunks));
    double * act_ss = act_ss_.data();  // [T][act_chunks]

    const bool neox = (hp.rope_type == RopeType::Neox) != (mistake_ == GraphMistake::RopeSwapped);

    for (int64_t l = 0; l < hp.n_layer; ++l) {
        const Layer & L = m_.layers[static_cast<size_t>(l)];

        // ---- attention ----
        per_token([&](int64_t t, int) {
            rmsnorm(xn + t * E, x + t * E, L.attn_norm.data(), E, hp.rms_eps);
            xs[t] = kt_->quantize_i8(xn + t * E, E, xq + t * EQ);
        });
        ternary_matmul(L.wqkv, xq, xs, T, qkv);  // qkv [T][W]
        per_token([&](int64_t t, int) {
            float * q = qkv + t * W;
            float * k = q + E;
            const float * v = k + KV;
            auto rope = neox ? rope_neox : rope_norm;
            for (int64_t h = 0; h < H; ++h) rope(q + h * D, R, cs + t * R);
            for (int64_t g = 0; g < G; ++g) rope(k + g * D, R, cs + t * R);
            const size_t at = (static_cast<size_t>(l) * static_cast<size_t>(n_ctx_) + static_cast<size_t>(pos + t)) * static_cast<size_t>(KV);
            kt_->f32_to_f16_row(k, k_cache_.data() + at, KV);
            kt_->f32_to_f16_row(v, v_cache_.data() + at, KV);
        });
        attention(l, qkv, T, pos, att);  // att [T][E]
        per_token([&](int64_t t, int) {  // attn_output reads the heads sub-normed, or (llama) as they are
            if (hp.sub_norms) rmsnorm(xn + t * E, att + t * E, L.attn_sub_norm.data(), E, hp.rms_eps);
            xs[t] = kt_->quantize_i8(hp.sub_norms ? xn + t * E : att + t * E, E, xq + t * EQ);
        });
        ternary_matmul(L.wo, xq, xs, T, proj);  // proj [T][E]

        // ---- feed-forward ----
        per_token([&](int64_t t, int) {
            for (int64_t i = t * E; i < (t + 1) * E; ++i) x[i] += proj[i];
            rmsnorm(xn + t * E, x + t * E, L.ffn_norm.data(), E, hp.rms_eps);
            xs[t] = kt_->quantize_i8(xn + t * E, E, xq + t * EQ);
        });
        ternary_matmul(L.w_gate_up, xq, xs, T, gu);  // gu [T][2F]
        // ff = act(gate) * up and its sum of squares per fixed chunk (one task per token and
        // chunk; the chunks' sums are added in order below, so the bits do not depend on the
        // threads or the batch); then per token the sub-norm and the quantization.
        pool_.run(T * act_chunks, [&](int64_t task, int) {
            const int64_t t = task / act_chunks, c = task % act_chunks;
            const int64_t i0 = c * kActChunk, i1 = std::min(F, i0 + kActChunk);
            // This loop vectorizes (-fno-trapping-math, native/CMakeLists.txt) instead of branching
            // per element on the sign of the gate (half of those branches mispredicted: 13% of a
            // prefill's samples).
            const float * gate = gu + t * 2 * F;
            const float * up = gate + F;
            float * o = ff + t * F;
            if (hp.act == FfnAct::Relu2) {
                for (int64_t i = i0; i < i1; ++i) {
                    const float r = gate[i] > 0.0f ? gate[i] : 0.0f;
                    o[i] = r * r * up[i];
                }
            } else {
                for (int64_t i = i0; i < i1; ++i) o[i] = silu(gate[i]) * up[i];
            }
            if (hp.sub_norms) act_ss[task] = sum_squares(o + i0, i1 - i0);
        });
        per_token([&](int64_t t, int) {
            double ss = 0.0;
            for (int64_t c = 0; c < act_chunks; ++c) ss += act_ss[t * act_chunks + c];
            if (hp.sub_norms) rmsnorm_scaled(xn + t * F, ff + t * F, L.ffn_sub_norm.data(), F, ss, hp.rms_eps);
            xs[t] = kt_->quantize_i8(hp.sub_norms ? xn + t * F : ff + t * F, F, xq + t * FQ);
        });
        ternary_matmul(L.w_down, xq, xs, T, proj);  // proj [T][E]
        per_token([&](int64_t t, int) {
            for (int64_t i = t * E; i < (t + 1) * E; ++i) x[i] += proj[i];
        });

        if (abort_ && abort_(abort_user_)) {
            aborted_ = true;
            return;
        }
    }

    if (out_base < 0) return;  // no logits wanted from this micro-batch
    // Rows that need logits: every token, or the last one.
    const int64_t first = all_logits ? 0 : T - 1, count = T - first;
    float * hn = hn_.data();  // [count][E]
    for (int64_t k = 0; k < count; ++k) rmsnorm(hn + k * E, x + (first + k) * E, m_.output_norm.data(), E, hp.rms_eps);
    float * out = logits_.data() + static_cast<size_t>(out_base) * static_cast<size_t>(V);  // [count][V]
    const int64_t chunk = std::max<int64_t>(64, (V / (pool_.threads() * 8) + 63) / 64 * 64);
    if (m_.head_type != HeadType::F16) {
        // Q8_0 / Q6_K head: the normed rows quantized per block of 32, then integer dot products.
        const int64_t nb = E / kQ8Block;
        int8_t * hq = reinterpret_cast<int8_t *>(hq_.data());
        float * hqs = hqs_.data();
        for (int64_t k = 0; k < count; ++k) quantize_q8_blocks(hn + k * E, E, hq + k * E, hqs + k * nb);
        const Q6Matrix q6{m_.head_q6_ql, m_.head_q6_qh, m_.head_q6_sc, m_.head_q6_d};
        pool_.run((V + chunk - 1) / chunk, [&](int64_t task, int) {
            const int64_t r0 = task * chunk, nr = std::min(chunk, V - r0);
            if (m_.head_type == HeadType::Q6_K) {
                if (count == 1)
                    kt_->q6_gemv(q6, r0, nr, E, hq, hqs, out + r0);
                else
                    kt_->q6_gemm(q6, r0, nr, E, hq, hqs, count, out + r0, static_cast<size_t>(V));
                return;
            }
            const int8_t * w = m_.head_q + static_cast<size_t>(r0) * static_cast<size_t>(E);
            const uint16_t * ws = m_.head_scale + static_cast<size_t>(r0) * static_cast<size_t>(nb);
            if (count == 1)
                kt_->q8_gemv(w, ws, nr, E, hq, hqs, out + r0);
            else
                kt_->q8_gemm(w, ws, nr, E, hq, hqs, count, out + r0, static_cast<size_t>(V));
        });
        return;
    }
    pool_.run((V + chunk - 1) / chunk, [&](int64_t task, int) {
        const int64_t r0 = task * chunk, nr = std::min(chunk, V - r0);
        const uint16_t * head = mistake_ == GraphMistake::TiedHead ? m_.token_embd : m_.output;
        const uint16_t * w = head + static_cast<size_t>(r0) * static_cast<size_t>(E);
        if (count == 1)
            kt_->f16_gemv(w, static_cast<size_t>(E), nr, E, hn, out + r0);
        else
            kt_->f16_gemm(w, static_cast<size_t>(E), nr, E, hn, static_cast<size_t>(E), count, out + r0, static_cast<size_t>(V));
    });
}

}  // namespace tern
