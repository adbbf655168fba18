// Model loading: architecture and hyper-parameters from the metadata, every tensor's presence,
// shape and type checked, then the ternary projections decoded row by row and repacked into
// the kernels' layout (q/k/v and gate/up fused, one scale per row and column segment: one
// segment unless a row changes scale, as TriLM's model-parallel shards do), their file pages
// released.
#include "model/model.h"

#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <mutex>
#include <new>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "formats/formats.h"
#include "kernels/kernels.h"
#include "model/vocab.h"
#include "threads/thread_pool.h"
#include "util/aligned.h"
#include "util/format.h"

namespace tern {

// ---- AlignedBytes --------------------------------------------------------------------------

// Large buffers (the repacked weights, the quantized head) start on a 2 MB boundary and ask for
// transparent huge pages over their whole 2 MB pages (Linux, THP in "madvise" mode): decode
// streams ~770 MB per token, and with 4 kB pages every 4 kB costs a TLB miss. The tail past
// the last whole 2 MB page keeps small pages, so no memory is wasted.
static void * aligned_alloc64(size_t n) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr size_t kHuge = size_t(2) << 20;
    if (n >= 2 * kHuge) {
        void * p = aligned_malloc(n, kHuge);
        if (p) madvise(p, n / kHuge * kHuge, MADV_HUGEPAGE);
        return p;
    }
#endif
    return aligned_malloc(n, 64);
}

AlignedBytes::AlignedBytes(size_t n) : n_(n) {
    p_ = static_cast<uint8_t *>(aligned_alloc64(n));
    if (!p_) throw std::bad_alloc();
}

AlignedBytes::~AlignedBytes() { aligned_free(p_); }

AlignedBytes & AlignedBytes::operator=(AlignedBytes && o) noexcept {
    if (this != &o) {
        aligned_free(p_);
        p_ = o.p_, n_ = o.n_;
        o.p_ = nullptr, o.n_ = 0;
    }
    return *this;
}

const char * head_type_name(HeadType t) {
    switch (t) {
        case HeadType::Q8_0: return "q8_0";
        case HeadType::Q6_K: return "q6_k";
        case HeadType::F16: break;
    }
    return "f16";
}

// ---- Loader --------------------------------------------------------------------------------

namespace {

// Every architecture the engine runs, and how its graph differs.
const ArchInfo kArchitectures[] = {
    {"bitnet-b1.58", FfnAct::Relu2, RopeType::Neox, true},
    {"bitnet-25", FfnAct::Relu2, RopeType::Neox, true},
    {"bitnet", FfnAct::Silu, RopeType::Neox, true},
    // bitnet.cpp's converter permutes the q/k rows of `llama` files (LlamaModel.permute) so that
    // NORM RoPE on the stored rows equals rotate-half on the checkpoint's.
    {"llama", FfnAct::Silu, RopeType::Norm, false},
};

struct Loader {
    const gguf::File & f;
    Model & m;
    const LoadOptions & opts;
    LoadError * kind;
    std::string * error;

    bool fail(LoadError k, const std::string & why) {
        *kind = k;
        *error = why;
        return false;
    }

    bool hparam(const char * key, int64_t * out, bool required, int64_t fallback) {
        const std::string full = m.hp.arch + "." + key;
        const gguf::Value * v = f.find(full);
        if (!v) {
            if (required) return fail(LoadError::Format, "missing hyper-parameter '" + full + "'");
            *out = fallback;
            return true;
        }
        int64_t x = 0;
        if (!f.get_int(full, &x)) return fail(LoadError::Format, "hyper-parameter '" + full + "' is not an integer");
        *out = x;
        return true;
    }

    bool hparam_f(const char * key, float * out, float fallback) {
        const std::string full = m.hp.arch + "." + key;
        if (!f.find(full)) {
            *out = fallback;
            return true;
        }
        double x = 0;
        if (!f.get_float(full, &x) || !std::isfinite(x))
            return fail(LoadError::Format, "hyper-parameter '" + full + "' is not a finite number");
        *out = static_cast<float>(x);
        return true;
    }

    bool read_hparams() {
        Hparams & hp = m.hp;
        if (!f.get_string("general.architecture", &hp.arch))
            return fail(LoadError::Format, "missing or non-string 'general.architecture'");
        const ArchInfo * arch = find_arch(hp.arch);
        if (!arch)
            return fail(LoadError::Unsupported, "architecture '" + hp.arch.substr(0, 64) +
                                                    "' is not supported (this engine runs bitnet-b1.58, bitnet-25, bitnet and llama)");
        hp.act = arch->act;
        hp.rope_type = arch->rope;
        hp.sub_norms = arch->sub_norms;
        if (!hparam("embedding_length", &hp.n_embd, true, 0) || !hparam("block_count", &hp.n_layer, true, 0) ||
            !hparam("feed_forward_length", &hp.n_ff, true, 0) || !hparam("attention.head_count", &hp.n_head, true, 0) ||
            !hparam("context_length", &hp.n_ctx_train, true, 0) ||
            !hparam("attention.head_count_kv", &hp.n_head_kv, false, hp.n_head) ||
            !hparam_f("rope.freq_base", &hp.rope_theta, 10000.0f) ||
            !hparam_f("attention.layer_norm_rms_epsilon", &hp.rms_eps, 1e-5f))
            return false;
        auto in = [](int64_t v, int64_t lo, int64_t hi) { return v >= lo && v <= hi; };
        if (!in(hp.n_embd, 1, 1 << 16)) return fail(LoadError::Format, format("embedding_length %" PRId64 " is out of range", hp.n_embd));
        if (!in(hp.n_layer, 1, 1024)) return fail(LoadError::Format, format("block_count %" PRId64 " is out of range", hp.n_layer));
        if (!in(hp.n_ff, 1, 1 << 20)) return fail(LoadError::Format, format("feed_forward_length %" PRId64 " is out of range", hp.n_ff));
        if (!in(hp.n_ctx_train, 1, 1 << 24)) return fail(LoadError::Format, format("context_length %" PRId64 " is out of range", hp.n_ctx_train));
        if (!in(hp.n_head, 1, hp.n_embd) || hp.n_embd % hp.n_head != 0)
            return fail(LoadError::Format, format("attention.head_count %" PRId64 " does not divide embedding_length %" PRId64,
                                                  hp.n_head, hp.n_embd));
        if (!in(hp.n_head_kv, 1, hp.n_head) || hp.n_head % hp.n_head_kv != 0)
            return fail(LoadError::Format, format("attention.head_count_kv %" PRId64 " does not divide head_count %" PRId64,
                                                  hp.n_head_kv, hp.n_head));
        hp.head_dim = hp.n_embd / hp.n_head;
        // A head size of its own (attention.key_length / value_length, llama.cpp's keys) is read and
        // must be n_embd / n_head: the graph's q and attention output are n_embd wide.
        int64_t key_len = 0, value_len = 0;
        if (!hparam("attention.key_length", &key_len, false, hp.head_dim) ||
            !hparam("attention.value_length", &value_len, false, hp.head_dim))
            return false;
        if (key_len != hp.head_dim || value_len != hp.head_dim)
            return fail(LoadError::Unsupported, format("attention.key_length / value_length %" PRId64 " / %" PRId64
                                                       " differ from embedding_length / head_count = %" PRId64 " (not supported)",
                                                       key_len, value_len, hp.head_dim));
        if (!hparam("rope.dimension_count", &hp.n_rot, false, hp.head_dim)) return false;
        if (!in(hp.n_rot, 2, hp.head_dim) || hp.n_rot % 2 != 0)
            return fail(LoadError::Format, format("rope.dimension_count %" PRId64 " must be even and at most the head size %" PRId64,
                                                  hp.n_rot, hp.head_dim));
        if (!(hp.rope_theta > 0.0f)) return fail(LoadError::Format, "rope.freq_base must be positive");
        if (!rope_scaling()) return false;
        if (!(hp.rms_eps > 0.0f && hp.rms_eps < 1.0f)) return fail(LoadError::Format, "layer_norm_rms_epsilon is out of range");

        const gguf::TensorInfo * embd = f.find_tensor("token_embd.weight");
        if (!embd) return fail(LoadError::Format, "missing tensor 'token_embd.weight'");
        hp.n_vocab = embd->ne[1];
        int64_t vocab_key = 0;
        if (f.find(hp.arch + ".vocab_size") && (!f.get_int(hp.arch + ".vocab_size", &vocab_key) || vocab_key != hp.n_vocab))
            return fail(LoadError::Format, format("%s.vocab_size does not match token_embd.weight's %" PRId64 " rows",
                                                  hp.arch.c_str(), hp.n_vocab));
        if (!in(hp.n_vocab, 1, 1 << 24)) return fail(LoadError::Format, "vocabulary size is out of range");
        return true;
    }

    // RoPE frequency scaling from the rope.scaling.* keys (a rope_freqs tensor, read in load(),
    // takes precedence). "linear": positions divided by rope.scaling.factor. "llama3": Llama 3.1's
    // rule over rope.scaling.factor, .low_freq_factor (1), .high_freq_factor (4) and
    // .original_context_length (8192): wavelengths shorter than original/high keep their
    // frequency, longer than original/low are divided by the factor, in between blended.
    bool rope_scaling() {
        Hparams & hp = m.hp;
        std::string type;
        const std::string key = hp.arch + ".rope.scaling.type";
        if (!f.find(key)) return true;
        if (!f.get_string(key, &type)) return fail(LoadError::Format, "'" + key + "' is not a string");
        if (type == "none" || type.empty()) return true;
        float factor = 1.0f, lo = 1.0f, hi = 4.0f;
        int64_t orig = 8192;
        if (!hparam_f("rope.scaling.factor", &factor, 1.0f) || !hparam_f("rope.scaling.low_freq_factor", &lo, 1.0f) ||
            !hparam_f("rope.scaling.high_freq_factor", &hi, 4.0f) ||
            !hparam("rope.scaling.original_context_length", &orig, false, 8192))
            return false;
        if (!(factor >= 1.0f && factor <= 1024.0f)) return fail(LoadError::Format, "rope.scaling.factor is out of range");
        const int64_t half = hp.n_rot / 2;
        hp.rope_freq_factors.assign(static_cast<size_t>(half), factor);
        if (type == "linear") return true;
        if (type != "llama3")
            return fail(LoadError::Unsupported, "rope.scaling.type '" + type.substr(0, 32) + "' is not supported (linear, llama3)");
        if (!(lo > 0.0f && hi > lo) || orig < 1) return fail(LoadError::Format, "rope.scaling llama3 parameters are out of range");
        const double pi = 3.14159265358979323846;
        const double lo_wavelen = static_cast<double>(orig) / lo, hi_wavelen = static_cast<double>(orig) / hi;
        for (int64_t i = 0; i < half; ++i) {
            const double freq = std::pow(static_cast<double>(hp.rope_theta), -2.0 * static_cast<double>(i) / static_cast<double>(hp.n_rot));
            const double wavelen = 2.0 * pi / freq;
            double div = 1.0;  // the factor the frequency is divided by
            if (wavelen > lo_wavelen) {
                div = factor;
            } else if (wavelen >= hi_wavelen) {
                const double smooth = (static_cast<double>(orig) / wavelen - lo) / (hi - lo);
                div = 1.0 / ((1.0 - smooth) / factor + smooth);
            }
            hp.rope_freq_factors[static_cast<size_t>(i)] = static_cast<float>(div);
        }
        return true;
    }

    // A tensor that must exist with shape [ne0, ne1] (ne1 = 0: a vector) and a type of `cls`.
    enum Class { FloatVec, FloatMat, Ternary };
    const gguf::TensorInfo * need(const std::string & name, int64_t ne0, int64_t ne1, Class cls) {
        const gguf::TensorInfo * t = f.find_tensor(name);
        if (!t) {
            fail(LoadError::Format, "missing tensor '" + name + "'");
            return nullptr;
        }
        const bool vec = ne1 == 0;
        const bool shape_ok = vec ? (t->n_dims == 1 && t->ne[0] == ne0)
                                  : (t->n_dims == 2 && t->ne[0] == ne0 && t->ne[1] == ne1);
        if (!shape_ok) {
            std::string got = "[";
            for (uint32_t d = 0; d < t->n_dims; ++d) got += (d ? ", " : "") + std::to_string(t->ne[d]);
            got += "]";
            fail(LoadError::Format, "tensor '" + name + "' has shape " + got + ", expected " +
                                        (vec ? format("[%" PRId64 "]", ne0) : format("[%" PRId64 ", %" PRId64 "]", ne0, ne1)));
            return nullptr;
        }
        const char * tn = gguf::tensor_type_name(t->type);
        const bool type_ok = cls == Ternary    ? formats::is_ternary_type(t->type)
                             : cls == FloatMat ? formats::is_float_type(t->type) || t->type == gguf::Q8_0
                                               : formats::is_float_type(t->type);
        if (!type_ok) {
            fail(LoadError::Unsupported, "tensor '" + name + "' has type " + (tn ? tn : "?") + ", which this engine does not run here (" +
                                             (cls == Ternary ? "ternary projections must be I2_S, TQ1_0 or TQ2_0"
                             : cls == FloatMat ? "expected F32, F16, BF16 or Q8_0"
                                                             : "expected F32, F16 or BF16") + ")");
            return nullptr;
        }
        return t;
    }

    bool float_vector(const std::string & name, int64_t n, std::vector<float> * out) {
        const gguf::TensorInfo * t = need(name, n, 0, FloatVec);
        if (!t) return false;
        if (opts.metadata_only) return true;
        out->resize(static_cast<size_t>(n));
        formats::float_row(t->type, t->data, n, 0, out->data());
        for (float v : *out)
            if (!std::isfinite(v)) return fail(LoadError::Format, "tensor '" + name + "' holds a non-finite value");
        return true;
    }

    // [n_vocab][n_embd] table as F16: the mapping itself when it is F16 and 2-byte aligned.
    bool f16_table(const gguf::TensorInfo & t, const uint16_t ** out, std::vector<uint16_t> * owned) {
        if (opts.metadata_only) return true;
        if (t.type == gguf::F16 && reinterpret_cast<uintptr_t>(t.data) % 2 == 0) {
            *out = reinterpret_cast<const uint16_t *>(t.data);
            return true;
        }
        const int64_t rows = t.ne[1], cols = t.ne[0];
        owned->resize(static_cast<size_t>(rows * cols));
        std::vector<float> row(static_cast<size_t>(cols));
        for (int64_t r = 0; r < rows; ++r) {
            formats::float_row(t.type, t.data, cols, r, row.data());
            for (int64_t c = 0; c < cols; ++c) (*owned)[static_cast<size_t>(r * cols + c)] = f32_to_f16(row[static_cast<size_t>(c)]);
        }
        *out = owned->data();
        return true;
    }

    // The most scale changes along a row a matrix may have (TriLM: up to 6 shards, more segments
    // only where a shard ends inside a block of 256 columns).
    static constexpr size_t kMaxSegments = 16;

    // Where the rows of `parts` (stacked, same columns) change scale, as the first column of each
    // segment, 0 first: a row changes at a block whose scale differs from the last non-zero one
    // before it. Reads only the blocks' scales; I2_S has one per tensor.
    bool plan_segments(const std::vector<const gguf::TensorInfo *> & parts, ThreadPool & pool, std::vector<int64_t> * starts) {
        const int64_t cols = parts[0]->ne[0], n_scales = formats::ternary_scale_blocks(cols);
        std::vector<uint8_t> change(static_cast<size_t>(n_scales), 0);
        std::mutex mutex;
        std::string first_error;
        for (const gguf::TensorInfo * p : parts) {
            if (p->type == gguf::I2_S) continue;
            formats::TernaryTensor src{std::string(p->name), p->type, p->ne[1], p->ne[0], p->data, p->n_bytes};
            std::string why;
            if (!formats::check_ternary(src, &why)) return fail(LoadError::Format, why);
            const int64_t chunk = 256;
            pool.run((src.rows + chunk - 1) / chunk, [&](int64_t c, int) {
                std::vector<float> scales(static_cast<size_t>(n_scales));
                std::vector<uint8_t> local(static_cast<size_t>(n_scales), 0);
                std::string e;
                for (int64_t r = c * chunk; r < std::min(src.rows, (c + 1) * chunk); ++r) {
                    if (!formats::ternary_row_scales(src, r, scales.data(), &e)) {
                        std::lock_guard<std::mutex> lock(mutex);
                        if (first_error.empty()) first_error = e;
                        return;
                    }
                    float last = 0.0f;
                    for (int64_t b = 0; b < n_scales; ++b) {
                        const float d = scales[static_cast<size_t>(b)];
                        if (d == 0.0f) continue;
                        if (last != 0.0f && d != last) local[static_cast<size_t>(b)] = 1;
                        last = d;
                    }
                }
                std::lock_guard<std::mutex> lock(mutex);
                for (size_t b = 0; b < local.size(); ++b) change[b] |= local[b];
            });
            if (!first_error.empty()) return fail(LoadError::Format, first_error);
        }
        starts->assign(1, 0);
        for (int64_t b = 1; b < n_scales; ++b)
            if (change[static_cast<size_t>(b)]) starts->push_back(b * formats::kTqBlock);
        if (starts->size() > kMaxSegments)
            return fail(LoadError::Unsupported, format("tensor '%s': its rows change scale at %zu column positions; "
                                                       "at most %zu scale ranges per matrix are supported",
                                                       std::string(parts[0]->name).c_str(), starts->size() - 1, kMaxSegments));
        return true;
    }

    // Columns of segment i of `starts` in a matrix of `cols` columns, as packed: the last one padded
    // with zero weights to a multiple of 128 (ternary_packed_cols).
    static int64_t segment_cols(const std::vector<int64_t> & starts, size_t i, int64_t cols) {
        return i + 1 < starts.size() ? starts[i + 1] - starts[i] : ternary_packed_cols(cols) - starts[i];
    }

    // Bytes the segments starting at `starts` take for `rows` rows of `cols` columns.
    static size_t segment_bytes(const std::vector<int64_t> & starts, int64_t rows, int64_t cols) {
        size_t bytes = 0;
        for (size_t i = 0; i < starts.size(); ++i) bytes += static_cast<size_t>(rows) * ternary_row_bytes(segment_cols(starts, i, cols));
        return bytes;
    }

    // Repacks the given tensors (same column count) into one matrix, stacked by rows, split into
    // the column segments that start at `starts`, at *dest (which then moves past it).
    bool repack(const std::vector<const gguf::TensorInfo *> & parts, const std::vector<int64_t> & starts, TernaryMatrix * out,
                uint8_t ** dest, ThreadPool & pool, uint64_t * done, uint64_t total) {
        const int64_t cols = parts[0]->ne[0];
        int64_t rows = 0;
        for (const auto * p : parts) rows += p->ne[1];
        out->rows = rows;
        out->cols = cols;
        out->segments.resize(starts.size());
        for (size_t i = 0; i < starts.size(); ++i) {
            TernarySegment & seg = out->segments[i];
            seg.col0 = starts[i];
            seg.cols = segment_cols(starts, i, cols);
            seg.stride = ternary_row_bytes(seg.cols);
            seg.scale.assign(static_cast<size_t>(rows), 0.0f);
            m.repacked_bytes += static_cast<uint64_t>(rows) * seg.stride + static_cast<uint64_t>(rows) * 4;
            if (opts.metadata_only) continue;
            seg.packed = *dest;
            *dest += static_cast<size_t>(rows) * seg.stride;
        }
        if (opts.metadata_only) return true;
        const int64_t n_scales = formats::ternary_scale_blocks(cols);
        int64_t row0 = 0;
        for (const gguf::TensorInfo * p : parts) {
            formats::TernaryTensor src{std::string(p->name), p->type, p->ne[1], p->ne[0], p->data, p->n_bytes};
            std::string why;
            if (!formats::check_ternary(src, &why)) return fail(LoadError::Format, why);
            const int64_t chunk = 64;
            const int64_t n_chunks = (src.rows + chunk - 1) / chunk;
            std::mutex err_mutex;
            std::string first_error;
            pool.run(n_chunks, [&](int64_t c, int) {
                thread_local std::vector<int8_t> trits;
                thread_local std::vector<float> scales;
                trits.assign(static_cast<size_t>(ternary_packed_cols(cols)), 0);  // the padding stays 0
                scales.resize(static_cast<size_t>(n_scales));
                std::string e;
                for (int64_t r = c * chunk; r < std::min(src.rows, (c + 1) * chunk); ++r) {
                    if (!formats::decode_ternary_row(src, r, trits.data(), scales.data(), &e)) {
                        std::lock_guard<std::mutex> lock(err_mutex);
                        if (first_error.empty()) first_error = e;
                        return;
                    }
                    const size_t out_row = static_cast<size_t>(row0 + r);
                    for (TernarySegment & seg : out->segments) {
                        // The segment's scale for this row: its blocks' one non-zero scale.
                        float s = 0.0f;
                        for (int64_t b = seg.col0 / formats::kTqBlock; b < formats::ternary_scale_blocks(seg.col0 + seg.cols); ++b) {
                            const float d = scales[static_cast<size_t>(b)];
                            if (d == 0.0f) continue;
                            if (s != 0.0f && d != s) {
                                std::lock_guard<std::mutex> lock(err_mutex);
                                if (first_error.empty())
                                    first_error = format("tensor '%s': row %" PRId64 " changes scale inside columns %" PRId64 "..%" PRId64
                                                         " (the file changed while loading?)",
                                                         src.name.c_str(), r, seg.col0, seg.col0 + seg.cols);
                                return;
                            }
                            s = d;
                        }
                        seg.scale[out_row] = s;
                        ternary_pack_row(trits.data() + seg.col0, seg.cols, seg.packed + out_row * seg.stride);
                    }
                }
            });
            if (!first_error.empty()) return fail(LoadError::Format, first_error);
            f.release(*p);  // the repacked copy replaces the file's bytes
            row0 += src.rows;
            *done += p->n_elements;
            if (opts.progress && !opts.progress(static_cast<float>(static_cast<double>(*done) / static_cast<double>(total)),
                                                opts.progress_user))
                return fail(LoadError::Aborted, "loading was cancelled");
        }
        return true;
    }

    // Walks the head table `t` (m.output, F16) 4096 rows at a time: fn(first row, rows) per
    // range, then, when the table is the file's mapping, that range's pages are released (the
    // embedding lookup faults back in only the rows it reads).
    template <typename Fn>
    void head_chunks(const gguf::TensorInfo & t, Fn fn) {
        const int64_t V = m.hp.n_vocab, E = m.hp.n_embd, chunk = 4096;
        const bool mapped = m.output == reinterpret_cast<const uint16_t *>(t.data);
        for (int64_t r0 = 0; r0 < V; r0 += chunk) {
            const int64_t n = std::min(chunk, V - r0);
            fn(r0, n);
            if (!mapped) continue;
            gguf::TensorInfo range = t;  // release only these rows' bytes
            range.data = t.data + static_cast<size_t>(r0 * E) * 2;
            range.n_bytes = static_cast<uint64_t>(n * E) * 2;
            f.release(range);
        }
    }

    // The head requantized to Q8_0 or Q6_K from the F16 table, rows in parallel; the table's file
    // pages are released chunk by chunk behind it.
    bool requantize_head(const gguf::TensorInfo & t, ThreadPool & pool) {
        const int64_t V = m.hp.n_vocab, E = m.hp.n_embd, nb = E / kQ8Block;
        const bool q6 = m.head_type == HeadType::Q6_K;
        // One allocation (huge pages, as the ternary weights), arrays on 64-byte boundaries.
        const size_t VE = static_cast<size_t>(V * E);
        const std::vector<size_t> sizes = q6 ? std::vector<size_t>{VE / 2, VE / 4, VE / 16, VE / kQ6Super * 2}
                                              : std::vector<size_t>{VE, VE / kQ8Block * 2};
        size_t bytes = 0;
        for (size_t n : sizes) bytes += (n + 63) / 64 * 64;
        m.head_weights = AlignedBytes(bytes);
        std::vector<uint8_t *> at;
        uint8_t * p = m.head_weights.data();
        for (size_t n : sizes) at.push_back(p), p += (n + 63) / 64 * 64;
        if (q6) {
            m.head_q6_ql = at[0];
            m.head_q6_qh = at[1];
            m.head_q6_sc = reinterpret_cast<int8_t *>(at[2]);
            m.head_q6_d = reinterpret_cast<uint16_t *>(at[3]);
        } else {
            m.head_q = reinterpret_cast<int8_t *>(at[0]);
            m.head_scale = reinterpret_cast<uint16_t *>(at[1]);
        }
        head_chunks(t, [&](int64_t r0, int64_t n) {
            pool.run((n + 63) / 64, [&](int64_t task, int) {
                thread_local std::vector<float> row;
                row.resize(static_cast<size_t>(E));
                for (int64_t r = r0 + task * 64; r < std::min(r0 + n, r0 + (task + 1) * 64); ++r) {
                    for (int64_t c = 0; c < E; ++c) row[static_cast<size_t>(c)] = f16_to_f32(m.output[r * E + c]);
                    if (q6)
                        quantize_q6_row(row.data(), E, m.head_q6_ql + r * E / 2, m.head_q6_qh + r * E / 4,
                                        m.head_q6_sc + r * E / 16, m.head_q6_d + r * E / kQ6Super);
                    else
                        quantize_q8_weights(row.data(), E, m.head_q + r * E, m.head_scale + r * nb);
                }
            });
        });
        return true;
    }

    // The F16 head copied out of the mapping into huge pages (head_weights), the file's pages
    // released chunk by chunk behind the copy: decode reads all of it every token, and the
    // mapping's 4 kB pages cost a TLB miss per 4 kB (F16 decode +8-12%). A table converted at
    // load (not F16 in the file) is already in memory and stays where it is.
    void copy_head_f16(const gguf::TensorInfo & t) {
        if (m.output != reinterpret_cast<const uint16_t *>(t.data)) return;
        const int64_t E = m.hp.n_embd;
        m.head_weights = AlignedBytes(static_cast<size_t>(m.hp.n_vocab * E) * 2);
        uint16_t * dst = reinterpret_cast<uint16_t *>(m.head_weights.data());
        head_chunks(t, [&](int64_t r0, int64_t n) {
            std::memcpy(dst + r0 * E, m.output + r0 * E, static_cast<size_t>(n * E) * 2);
        });
        if (m.token_embd == m.output) m.token_embd = dst;  // tied: the embedding rows are the copy's
        m.output = dst;
    }

    // A Q8_0 head from the file, blocks {fp16 d, int8 q[32]} split into the kernels' planes
    // (head_q, head_scale) unchanged: value = d * q, exactly the file's.
    void copy_head_q8(const gguf::TensorInfo & t) {
        const int64_t V = m.hp.n_vocab, E = m.hp.n_embd, nb = E / kQ8Block;
        const size_t VE = static_cast<size_t>(V * E);
        m.head_weights = AlignedBytes((VE + 63) / 64 * 64 + (VE / kQ8Block * 2 + 63) / 64 * 64);
        m.head_q = reinterpret_cast<int8_t *>(m.head_weights.data());
        m.head_scale = reinterpret_cast<uint16_t *>(m.head_weights.data() + (VE + 63) / 64 * 64);
        for (int64_t r = 0; r < V; ++r)
            for (int64_t b = 0; b < nb; ++b) {
                const uint8_t * blk = t.data + static_cast<size_t>(r * nb + b) * formats::kQ8BlockBytes;
                std::memcpy(&m.head_scale[r * nb + b], blk, 2);
                std::memcpy(m.head_q + r * E + b * kQ8Block, blk + 2, kQ8Block);
            }
        f.release(t);
        m.output = nullptr;
    }

    bool load() {
        if (!read_hparams()) return false;
        const Hparams & hp = m.hp;
        for (const auto & t : f.tensors()) m.n_params += t.n_elements;

        const gguf::TensorInfo * embd = need("token_embd.weight", hp.n_embd, hp.n_vocab, FloatMat);
        if (!embd) return false;
        const gguf::TensorInfo * head = f.find_tensor("output.weight");
        if (head && !(head = need("output.weight", hp.n_embd, hp.n_vocab, FloatMat))) return false;
        if (!float_vector("output_norm.weight", hp.n_embd, &m.output_norm)) return false;
        // Llama 3.1-style RoPE frequency factors: one per rotated pair, dividing its frequency.
        if (f.find_tensor("rope_freqs.weight")) {
            std::vector<float> factors;
            if (!float_vector("rope_freqs.weight", hp.n_rot / 2, &factors)) return false;
            for (float v : factors)
                if (!(v > 0.0f)) return fail(LoadError::Format, "tensor 'rope_freqs.weight' holds a factor that is not positive");
            if (!opts.metadata_only) m.hp.rope_freq_factors = factors;
        }

        // Every layer's tensors are checked before any weight is decoded.
        const int64_t E = hp.n_embd, KV = hp.kv_dim(), F = hp.n_ff;
        struct LayerTensors {
            const gguf::TensorInfo *q, *k, *v, *o, *gate, *up, *down;
        };
        std::vector<LayerTensors> lt(static_cast<size_t>(hp.n_layer));
        uint64_t total = 0;
        m.layers.resize(static_cast<size_t>(hp.n_layer));
        for (int64_t i = 0; i < hp.n_layer; ++i) {
            const std::string p = "blk." + std::to_string(i) + ".";
            LayerTensors & t = lt[static_cast<size_t>(i)];
            Layer & L = m.layers[static_cast<size_t>(i)];
            if (!(t.q = need(p + "attn_q.weight", E, E, Ternary)) || !(t.k = need(p + "attn_k.weight", E, KV, Ternary)) ||
                !(t.v = need(p + "attn_v.weight", E, KV, Ternary)) || !(t.o = need(p + "attn_output.weight", E, E, Ternary)) ||
                !(t.gate = need(p + "ffn_gate.weight", E, F, Ternary)) || !(t.up = need(p + "ffn_up.weight", E, F, Ternary)) ||
                !(t.down = need(p + "ffn_down.weight", F, E, Ternary)))
                return false;
            if (!float_vector(p + "attn_norm.weight", E, &L.attn_norm) || !float_vector(p + "ffn_norm.weight", E, &L.ffn_norm))
                return false;
            if (hp.sub_norms && (!float_vector(p + "attn_sub_norm.weight", E, &L.attn_sub_norm) ||
                                 !float_vector(p + "ffn_sub_norm.weight", F, &L.ffn_sub_norm)))
                return false;
            for (const gguf::TensorInfo * x : {t.q, t.k, t.v, t.o, t.gate, t.up, t.down}) {
                const std::string tn = gguf::tensor_type_name(x->type);
                if (m.weight_type.empty()) m.weight_type = tn;
                else if (m.weight_type != tn) m.weight_type = "mixed";
                total += x->n_elements;
                // Rows of any length are packed padded to a multiple of 128 (ternary_packed_cols).
                if (x->type == gguf::I2_S ? x->n_elements % formats::kI2sBlock != 0 : x->ne[0] % formats::kTqBlock != 0)
                    return fail(LoadError::Unsupported,
                                "tensor '" + std::string(x->name) + "': " +
                                    (x->type == gguf::I2_S ? std::to_string(x->n_elements) + " weights are not a multiple of 128"
                                                           : "rows of " + std::to_string(x->ne[0]) + " weights are not a multiple of 256"));
            }
        }

        m.tied_head = head == nullptr;
        m.head_tensor = head ? "output.weight" : "token_embd.weight";
        if (!f16_table(*embd, &m.token_embd, &m.token_embd_owned)) return false;
        // A Q8_0 head in the file (llama-quantize's choice when n_embd % 256 != 0) is used as it is
        // for the default Q8_0 head; any other head format reads it through an F16 table.
        const bool head_q8_file = head && head->type == gguf::Q8_0;
        const bool head_q8_direct = head_q8_file && (opts.head_type.empty() || opts.head_type == "q8_0");
        if (head) {
            if (!head_q8_direct && !f16_table(*head, &m.output, &m.output_owned)) return false;
        } else {
            m.output = m.token_embd;
        }

        ThreadPool pool(opts.metadata_only ? 1 : std::max(1, opts.n_threads));
        // Each layer's four matrices (q/k/v and gate/up stacked by rows), their column segments
        // planned first (a metadata-only load assumes one), then the memory for all of them.
        struct Matrix {
            std::vector<const gguf::TensorInfo *> parts;
            TernaryMatrix * out;
            std::vector<int64_t> starts{0};
        };
        std::vector<Matrix> matrices;
        for (int64_t i = 0; i < hp.n_layer; ++i) {
            const LayerTensors & t = lt[static_cast<size_t>(i)];
            Layer & L = m.layers[static_cast<size_t>(i)];
            matrices.push_back({{t.q, t.k, t.v}, &L.wqkv});
            matrices.push_back({{t.o}, &L.wo});
            matrices.push_back({{t.gate, t.up}, &L.w_gate_up});
            matrices.push_back({{t.down}, &L.w_down});
        }
        size_t ternary_bytes = 0;
        for (Matrix & mx : matrices) {
            if (!opts.metadata_only && !plan_segments(mx.parts, pool, &mx.starts)) return false;
            int64_t rows = 0;
            for (const auto * p : mx.parts) rows += p->ne[1];
            ternary_bytes += segment_bytes(mx.starts, rows, mx.parts[0]->ne[0]);
        }
        if (!opts.metadata_only) m.ternary_weights = AlignedBytes(ternary_bytes);
        uint8_t * dest = m.ternary_weights.data();
        uint64_t done = 0;
        for (const Matrix & mx : matrices)
            if (!repack(mx.parts, mx.starts, mx.out, &dest, pool, &done, total)) return false;

        // The head's format: Q8_0 by default when rows split into blocks of 32.
        const bool q8_ok = hp.n_embd % kQ8Block == 0;
        if (opts.head_type.empty()) {
            m.head_type = q8_ok ? HeadType::Q8_0 : HeadType::F16;
        } else if (opts.head_type == "q8_0") {
            if (!q8_ok)
                return fail(LoadError::Unsupported, format("a q8_0 head needs embedding_length a multiple of 32 (it is %" PRId64 ")", hp.n_embd));
            m.head_type = HeadType::Q8_0;
        } else if (opts.head_type == "q6_k") {
            if (hp.n_embd % kQ6Super != 0)
                return fail(LoadError::Unsupported, format("a q6_k head needs embedding_length a multiple of 256 (it is %" PRId64 ")", hp.n_embd));
            m.head_type = HeadType::Q6_K;
        } else if (opts.head_type == "f16") {
            m.head_type = HeadType::F16;
        } else {
            return fail(LoadError::Unsupported, "unknown head type '" + opts.head_type.substr(0, 32) + "' (use q8_0, q6_k or f16)");
        }
        const uint64_t VE = static_cast<uint64_t>(hp.n_vocab) * static_cast<uint64_t>(hp.n_embd);
        m.head_bytes = m.head_type == HeadType::Q8_0   ? VE + VE / kQ8Block * 2
                       : m.head_type == HeadType::Q6_K ? VE / 2 + VE / 4 + VE / 16 + VE / kQ6Super * 2
                                                       : VE * 2;
        if (!opts.metadata_only && head_q8_direct) {
            copy_head_q8(*head);
        } else if (!opts.metadata_only && m.head_type == HeadType::F16) {
            copy_head_f16(head ? *head : *embd);
        } else if (!opts.metadata_only && m.head_type != HeadType::F16) {
            if (!requantize_head(head ? *head : *embd, pool)) return false;
            // The F16 head is no longer read (a tied one stays the embedding, for row lookups).
            m.output = nullptr;
            m.output_owned = std::vector<uint16_t>();
        }

        m.weights_loaded = !opts.metadata_only;
        return true;
    }
};

std::unique_ptr<Model> finish(std::unique_ptr<gguf::File> file, const std::string & path, const LoadOptions & opts,
                              LoadError * kind, std::string * error) {
    std::unique_ptr<Model> m(new Model());
    m->path = path;
    m->file = std::move(file);
    Loader loader{*m->file, *m, opts, kind, error};
    try {
        // A vocabulary-only file (tokenizer keys, no tensors) loads metadata-only, for tokenizing.
        m->vocab_only = opts.metadata_only && m->file->tensors().empty() && m->file->find("tokenizer.ggml.tokens");
        if (m->vocab_only) {
            m->file->get_string("general.architecture", &m->hp.arch);
        } else if (!loader.load()) {
            return nullptr;
        }
        switch (load_vocab(*m->file, &m->tokenizer, error)) {
            case VocabResult::Ok:
                if (!m->vocab_only && m->tokenizer->n_tokens() > m->hp.n_vocab) {
                    *kind = LoadError::Format;
                    *error = "the tokenizer has " + std::to_string(m->tokenizer->n_tokens()) + " tokens but the model only " +
                             std::to_string(m->hp.n_vocab) + " rows of token_embd.weight";
                    return nullptr;
                }
                if (m->vocab_only) m->hp.n_vocab = m->tokenizer->n_tokens();
                break;
            case VocabResult::Absent: break;
            case VocabResult::Unsupported: *kind = LoadError::Unsupported; return nullptr;
            case VocabResult::Format: *kind = LoadError::Format; return nullptr;
        }
    } catch (const std::bad_alloc &) {
        *kind = LoadError::OutOfMemory;
        *error = "out of memory while loading the weights";
        return nullptr;
    }
    *kind = LoadError::None;
    return m;
}

}  // namespace

const ArchInfo * find_arch(const std::string & name) {
    for (const ArchInfo & a : kArchitectures)
        if (name == a.name) return &a;
    return nullptr;
}

// A header-only load is a metadata-only one over a File that may end after its tensor table.
static LoadOptions effective(const LoadOptions & opts) {
    LoadOptions o = opts;
    o.metadata_only |= o.header_only;
    return o;
}

static gguf::File::Mode mode_of(const LoadOptions & opts) {
    return opts.header_only ? gguf::File::Mode::HeaderOnly : gguf::File::Mode::Whole;
}

std::unique_ptr<Model> load_model(const std::string & path, const LoadOptions & opts, LoadError * kind, std::string * error,
                                  uint64_t * need_bytes) {
    uint64_t need = 0;
    std::unique_ptr<gguf::File> f = gguf::File::open(path, error, mode_of(opts), &need);
    if (need_bytes) *need_bytes = need;
    if (!f) {
        // MappedFile's messages ("cannot open ...") are I/O errors; the parser's name the problem.
        const bool io = error->rfind("cannot ", 0) == 0 || error->find("not a regular file") != std::string::npos;
        *kind = need > 0 ? LoadError::NeedMoreBytes : io ? LoadError::Io : LoadError::Format;
        return nullptr;
    }
    return finish(std::move(f), path, effective(opts), kind, error);
}

std::unique_ptr<Model> load_model_from_memory(const void * data, size_t size, const LoadOptions & opts, LoadError * kind,
                                              std::string * error, uint64_t * need_bytes) {
    uint64_t need = 0;
    std::unique_ptr<gguf::File> f = gguf::File::from_memory(data, size, error, mode_of(opts), &need);
    if (need_bytes) *need_bytes = need;
    if (!f) {
        *kind = need > 0 ? LoadError::NeedMoreBytes : LoadError::Format;
        return nullptr;
    }
    return finish(std::move(f), "<memory>", effective(opts), kind, error);
}

MemoryEstimate estimate_memory(const Model & m, int64_t n_ctx, int n_threads, int64_t n_batch) {
    const Hparams & hp = m.hp;
    MemoryEstimate e;
    // The head lives in memory in every format (an F16 one copied or converted, the others
    // requantized); an untied embedding is only looked up by row, mapped or converted.
    e.weights = m.repacked_bytes + m.head_bytes + (m.tied_head ? 0 : m.token_embd_owned.size() * 2);
    for (const Layer & L : m.layers)
        e.weights += (L.attn_norm.size() + L.attn_sub_norm.size() + L.ffn_norm.size() + L.ffn_sub_norm.size()) * 4;
    e.weights += m.output_norm.size() * 4;
    e.kv_cache = 2ull * static_cast<uint64_t>(hp.n_layer) * static_cast<uint64_t>(n_ctx) * static_cast<uint64_t>(hp.kv_dim()) * 2;
    const uint64_t per_token = 4ull * static_cast<uint64_t>(4 * hp.n_embd + 2 * hp.kv_dim() + 4 * hp.n_ff) * 2;
    e.scratch = static_cast<uint64_t>(n_batch) * per_token + static_cast<uint64_t>(hp.n_vocab) * 4 +
                static_cast<uint64_t>(n_threads) * static_cast<uint64_t>(n_ctx) * 4;
    e.total = e.weights + e.kv_cache + e.scratch;
    return e;
}

}  // namespace tern
