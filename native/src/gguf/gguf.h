// GGUF v2/v3 reader over a memory mapping.
//
// Everything the file says is checked before it is used: counts against the bytes left, every
// string and array length, tensor ranks, dimensions (overflow-safe products), types (known ggml
// types only, with their block sizes), offsets (aligned to general.alignment, inside the file,
// not overlapping). A malformed file gives nullptr and one sentence naming what is wrong; the
// reader never throws and never reads outside the buffer.
//
// Values and names are views into the mapping: they live as long as the File.
//
// A header-only parse (Mode::HeaderOnly) takes the start of a file, e.g. the first bytes of a
// remote model fetched with an HTTP Range request: the metadata and the tensor table are read
// and checked as above, the tensor data need not be present (TensorInfo::data is null), and
// file_size() is the size the tensor table implies. A buffer that ends inside the header fails
// with *need_bytes set to the size it needs at least (more may be asked for on the next try).
//
//   std::string err;
//   auto f = tern::gguf::File::open(path, &err);
//   std::vector<std::string_view> tokens;
//   if (!f || !f->get_string_array("tokenizer.ggml.tokens", &tokens)) ...
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gguf/mapped_file.h"

namespace tern {
namespace gguf {

// Metadata value types (GGUF spec).
enum class Type : uint32_t {
    U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, BOOL = 7,
    STRING = 8, ARRAY = 9, U64 = 10, I64 = 11, F64 = 12,
};
const char * type_name(Type t);

// Tensor types (ggml ids) this reader knows the size of. Others are refused at open.
enum TensorType : uint32_t {
    F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9,
    Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15,
    I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28, BF16 = 30,
    TQ1_0 = 34, TQ2_0 = 35,
    I2_S = 36,  // bitnet.cpp's fork: n/4 bytes of 2-bit codes, then a 32-byte tail (float scale first)
};
// "F16", "I2_S", ... or nullptr for an id this reader does not know.
const char * tensor_type_name(uint32_t type);
// Bytes of a tensor of `type` with `n_elements` elements whose first dimension is `ne0`.
// False (and *error set) when the type is unknown or the shape does not fit its blocks.
bool tensor_nbytes(uint32_t type, int64_t ne0, uint64_t n_elements, uint64_t * nbytes, std::string * error);

struct Value {
    Type type = Type::U8;
    const uint8_t * raw = nullptr;   // scalars: the value's bytes (little-endian)
    std::string_view str;            // STRING
    // ARRAY
    Type elem_type = Type::U8;
    uint64_t count = 0;
    const uint8_t * elems = nullptr;          // fixed-size element types: the first element
    std::vector<std::string_view> strings;    // STRING arrays: every element

    bool is_integer() const;  // U8..I64 (not BOOL)
    bool is_float() const;    // F32, F64
    int64_t as_int() const;   // integers and BOOL (U64 above INT64_MAX clamps)
    double as_float() const;  // floats and integers
    // A short printable form: the value, or "[N x type]" for arrays (first few elements).
    std::string to_string(size_t max_chars = 120) const;
};

struct KeyValue {
    std::string_view key;
    Value value;
};

struct TensorInfo {
    std::string_view name;
    uint32_t n_dims = 0;
    int64_t ne[4] = {1, 1, 1, 1};  // ne[0] is the innermost (contiguous) dimension
    uint32_t type = 0;
    uint64_t offset = 0;           // from the start of the data section
    uint64_t n_elements = 0;
    uint64_t n_bytes = 0;
    const uint8_t * data = nullptr;  // in the mapping
};

class File {
public:
    enum class Mode {
        Whole,       // the whole file: every tensor's bytes must be inside it
        HeaderOnly,  // the start of a file: metadata and tensor table only
    };

    // Maps and parses a file. need_bytes (HeaderOnly, may be null): set to the bytes the file
    // needs at least when it ends inside the header, else to 0.
    static std::unique_ptr<File> open(const std::string & path, std::string * error, Mode mode = Mode::Whole,
                                      uint64_t * need_bytes = nullptr);
    // Parses a buffer the caller keeps alive (tests, the fuzzer). Nothing is copied.
    static std::unique_ptr<File> from_memory(const void * data, size_t size, std::string * error,
                                             Mode mode = Mode::Whole, uint64_t * need_bytes = nullptr);

    uint32_t version() const { return version_; }
    uint64_t alignment() const { return alignment_; }
    uint64_t data_offset() const { return data_offset_; }  // start of the tensor data section
    // The whole file's size: the bytes parsed, or (header_only()) the data offset plus the end of
    // the last tensor rounded up to the alignment, as GGUF writers pad it (at least the bytes given).
    uint64_t file_size() const { return file_size_; }
    bool header_only() const { return mode_ == Mode::HeaderOnly; }

    const std::vector<KeyValue> & metadata() const { return kvs_; }
    const Value * find(std::string_view key) const;

    // Typed look-ups: false when the key is missing or has another type (no error text; the
    // caller names what it needed). Integer getters accept any integer type whose value fits.
    bool get_string(std::string_view key, std::string * out) const;
    bool get_int(std::string_view key, int64_t * out) const;
    bool get_uint32(std::string_view key, uint32_t * out) const;
    bool get_float(std::string_view key, double * out) const;
    bool get_bool(std::string_view key, bool * out) const;
    bool get_string_array(std::string_view key, std::vector<std::string_view> * out) const;
    bool get_int_array(std::string_view key, std::vector<int64_t> * out) const;
    bool get_float_array(std::string_view key, std::vector<float> * out) const;

    const std::vector<TensorInfo> & tensors() const { return tensors_; }
    const TensorInfo * find_tensor(std::string_view name) const;

    // Hands a tensor's file pages back to the OS (mapped files only; a no-op for buffers).
    void release(const TensorInfo & t) const;

private:
    File() = default;
    bool parse(std::string * error, uint64_t * need_bytes);
    bool place_tensors(std::string * error);

    std::unique_ptr<MappedFile> mapping_;
    const uint8_t * base_ = nullptr;
    uint64_t size_ = 0;       // bytes in the buffer
    uint64_t file_size_ = 0;
    Mode mode_ = Mode::Whole;
    uint32_t version_ = 0;
    uint64_t alignment_ = 32;
    uint64_t data_offset_ = 0;
    std::vector<KeyValue> kvs_;
    std::map<std::string_view, size_t> kv_index_;
    std::vector<TensorInfo> tensors_;
    std::map<std::string_view, size_t> tensor_index_;
};

}  // namespace gguf
}  // namespace tern
