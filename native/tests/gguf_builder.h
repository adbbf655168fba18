// Test helper: builds GGUF files byte by byte (valid ones, and broken ones by editing the bytes).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace tern_test {

struct GgufBuilder {
    struct Tensor {
        std::string name;
        std::vector<uint64_t> dims;
        uint32_t type;
        std::vector<uint8_t> data;
        int64_t offset = -1;  // -1: placed after the previous one, aligned
    };
    uint32_t version = 3;
    uint64_t alignment = 32;
    std::vector<std::vector<uint8_t>> kvs;  // each encoded key + type + value
    uint64_t n_kv_override = UINT64_MAX, n_tensors_override = UINT64_MAX;
    std::vector<Tensor> tensors;

    static void put(std::vector<uint8_t> & b, const void * p, size_t n) {
        const uint8_t * q = static_cast<const uint8_t *>(p);
        b.insert(b.end(), q, q + n);
    }
    static void u32(std::vector<uint8_t> & b, uint32_t v) { put(b, &v, 4); }
    static void u64(std::vector<uint8_t> & b, uint64_t v) { put(b, &v, 8); }
    static void str(std::vector<uint8_t> & b, const std::string & s) {
        u64(b, s.size());
        put(b, s.data(), s.size());
    }

    void kv_string(const std::string & k, const std::string & v) {
        std::vector<uint8_t> b;
        str(b, k);
        u32(b, 8);
        str(b, v);
        kvs.push_back(b);
    }
    void kv_u32(const std::string & k, uint32_t v) {
        std::vector<uint8_t> b;
        str(b, k);
        u32(b, 4);
        u32(b, v);
        kvs.push_back(b);
    }
    void kv_f32(const std::string & k, float v) {
        std::vector<uint8_t> b;
        str(b, k);
        u32(b, 6);
        put(b, &v, 4);
        kvs.push_back(b);
    }
    void kv_bool(const std::string & k, bool v) {
        std::vector<uint8_t> b;
        str(b, k);
        u32(b, 7);
        b.push_back(v ? 1 : 0);
        kvs.push_back(b);
    }
    void kv_strings(const std::string & k, const std::vector<std::string> & v) {
        std::vector<uint8_t> b;
        str(b, k);
        u32(b, 9);
        u32(b, 8);
        u64(b, v.size());
        for (const std::string & s : v) str(b, s);
        kvs.push_back(b);
    }
    void kv_i32s(const std::string & k, const std::vector<int32_t> & v) {
        std::vector<uint8_t> b;
        str(b, k);
        u32(b, 9);
        u32(b, 5);
        u64(b, v.size());
        put(b, v.data(), v.size() * 4);
        kvs.push_back(b);
    }
    void kv_f32s(const std::string & k, const std::vector<float> & v) {
        std::vector<uint8_t> b;
        str(b, k);
        u32(b, 9);
        u32(b, 6);
        u64(b, v.size());
        put(b, v.data(), v.size() * 4);
        kvs.push_back(b);
    }
    void tensor(const std::string & name, std::vector<uint64_t> dims, uint32_t type, std::vector<uint8_t> data) {
        tensors.push_back({name, std::move(dims), type, std::move(data), -1});
    }

    std::vector<uint8_t> build() const {
        std::vector<uint8_t> b;
        u32(b, 0x46554747);
        u32(b, version);
        u64(b, n_tensors_override != UINT64_MAX ? n_tensors_override : tensors.size());
        u64(b, n_kv_override != UINT64_MAX ? n_kv_override : kvs.size());
        for (const auto & kv : kvs) put(b, kv.data(), kv.size());
        std::vector<uint64_t> offsets;
        uint64_t at = 0;
        for (const Tensor & t : tensors) {
            const uint64_t off = t.offset != -1 ? static_cast<uint64_t>(t.offset) : at;
            offsets.push_back(off);
            if (t.offset == -1) at = (off + t.data.size() + alignment - 1) / alignment * alignment;
        }
        for (size_t i = 0; i < tensors.size(); ++i) {
            const Tensor & t = tensors[i];
            str(b, t.name);
            u32(b, static_cast<uint32_t>(t.dims.size()));
            for (uint64_t d : t.dims) u64(b, d);
            u32(b, t.type);
            u64(b, offsets[i]);
        }
        while (b.size() % alignment) b.push_back(0);
        const size_t data_start = b.size();
        for (size_t i = 0; i < tensors.size(); ++i) {
            if (tensors[i].data.empty()) continue;  // a tensor whose bytes are not written
            const size_t end = data_start + offsets[i] + tensors[i].data.size();
            if (b.size() < end) b.resize(end, 0);
            std::memcpy(b.data() + data_start + offsets[i], tensors[i].data.data(), tensors[i].data.size());
        }
        while (b.size() % alignment) b.push_back(0);
        return b;
    }
};

// Deterministic tensor data for synthetic test models: an LCG, so every platform and compiler
// gives the same bytes.
struct TensorBytes {
    uint32_t seed;

    uint32_t next() {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 8;
    }
    // float32 values in [base, base + 0.1) (norm weights).
    std::vector<uint8_t> f32(uint64_t n, float base) {
        std::vector<uint8_t> d(n * 4);
        for (uint64_t i = 0; i < n; ++i) {
            const float v = base + 0.1f * static_cast<float>(next() % 100) / 100.0f;
            std::memcpy(&d[i * 4], &v, 4);
        }
        return d;
    }
    // Small float16 values: exponent 0x3400 (0.25..0.5), random sign and mantissa.
    std::vector<uint8_t> f16(uint64_t n) {
        std::vector<uint8_t> d(n * 2);
        for (uint64_t i = 0; i < n; ++i) {
            const uint32_t mantissa = next() & 0x3ff;
            const uint32_t sign = next() & 1;
            const uint16_t h = static_cast<uint16_t>(0x3400 | mantissa | (sign << 15));
            std::memcpy(&d[i * 2], &h, 2);
        }
        return d;
    }
    // I2_S: n ternary codes, four to a byte (the high pair first), then the scale and zeros.
    std::vector<uint8_t> i2s(uint64_t n, float scale) {
        std::vector<uint8_t> d(n / 4 + 32);
        for (uint64_t i = 0; i < n / 4; ++i) {
            uint8_t byte = 0;
            for (int k = 0; k < 4; ++k) byte = static_cast<uint8_t>(byte << 2 | (next() % 3));
            d[i] = byte;
        }
        std::memcpy(&d[n / 4], &scale, 4);
        return d;
    }
};

}  // namespace tern_test
