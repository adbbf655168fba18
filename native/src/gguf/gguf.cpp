#include "gguf/gguf.h"
#include "util/format.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace tern {
namespace gguf {

namespace {

constexpr uint32_t kMagic = 0x46554747;          // "GGUF" little-endian
constexpr uint64_t kMaxKeyBytes = 65535;          // GGUF spec
constexpr uint64_t kMaxTensorNameBytes = 4096;
constexpr uint32_t kMaxDims = 4;
constexpr uint64_t kMaxAlignment = 1u << 20;
constexpr int64_t kMaxElements = int64_t(1) << 50;

template <typename T>
T load(const uint8_t * p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Size in bytes of a fixed-size metadata type; 0 for STRING / ARRAY / unknown.
uint64_t scalar_size(Type t) {
    switch (t) {
        case Type::U8: case Type::I8: case Type::BOOL: return 1;
        case Type::U16: case Type::I16: return 2;
        case Type::U32: case Type::I32: case Type::F32: return 4;
        case Type::U64: case Type::I64: case Type::F64: return 8;
        default: return 0;
    }
}

bool known_type(uint32_t t) { return t <= static_cast<uint32_t>(Type::F64); }

// Reads the buffer front to back; every read checks the bytes left first. A prefix (a
// header-only parse) may end anywhere: a read that does not fit then asks for more bytes
// (*need_bytes) instead of calling the file truncated.
struct Cursor {
    const uint8_t * base;
    uint64_t size;
    uint64_t pos = 0;
    std::string * error;
    bool prefix = false;
    uint64_t * need_bytes = nullptr;  // prefix: the bytes the buffer needs at least

    uint64_t left() const { return size - pos; }
    // The most bytes a length read from the file may claim: what is left of a whole file; no
    // bound for a prefix (need() asks for the rest).
    uint64_t room() const { return prefix ? UINT64_MAX : left(); }

    bool need(uint64_t n, const std::string & what) {
        if (n <= left()) return true;
        if (prefix) {
            *need_bytes = n > UINT64_MAX - pos ? UINT64_MAX : pos + n;
            *error = format("the header needs at least %" PRIu64 " bytes (%s at offset %" PRIu64
                            "), the file has only %" PRIu64,
                            *need_bytes, what.c_str(), pos, size);
            return false;
        }
        *error = format("file truncated: %s needs %" PRIu64 " bytes at offset %" PRIu64 " but only %" PRIu64
                        " remain (file is %" PRIu64 " bytes)",
                        what.c_str(), n, pos, left(), size);
        return false;
    }
    // Whether `count` items of at least `item` bytes each can follow. When they cannot, a whole
    // file fails with the caller's sentence `impossible`; a prefix asks for the bytes.
    bool room_for(uint64_t count, uint64_t item, const std::string & what, const std::string & impossible) {
        if (count <= left() / item) return true;
        if (prefix) return need(count > UINT64_MAX / item ? UINT64_MAX : count * item, what);
        *error = impossible;
        return false;
    }
    bool u32(uint32_t * v, const std::string & what) {
        if (!need(4, what)) return false;
        *v = load<uint32_t>(base + pos);
        pos += 4;
        return true;
    }
    bool u64(uint64_t * v, const std::string & what) {
        if (!need(8, what)) return false;
        *v = load<uint64_t>(base + pos);
        pos += 8;
        return true;
    }
    bool string(std::string_view * s, uint64_t max_len, const std::string & what) {
        uint64_t n;
        if (!u64(&n, what + " (length)")) return false;
        if (n > max_len) {
            *error = format("%s: string length %" PRIu64 " exceeds the limit of %" PRIu64 " at offset %" PRIu64,
                            what.c_str(), n, max_len, pos - 8);
            return false;
        }
        if (!need(n, what)) return false;
        *s = std::string_view(reinterpret_cast<const char *>(base + pos), static_cast<size_t>(n));
        pos += n;
        return true;
    }
};

struct TypeSize {
    uint32_t id;
    const char * name;
    int64_t block;   // elements per block
    uint64_t bytes;  // bytes per block
};

const TypeSize kTensorTypes[] = {
    {F32, "F32", 1, 4},       {F16, "F16", 1, 2},       {Q4_0, "Q4_0", 32, 18},   {Q4_1, "Q4_1", 32, 20},
    {Q5_0, "Q5_0", 32, 22},   {Q5_1, "Q5_1", 32, 24},   {Q8_0, "Q8_0", 32, 34},   {Q8_1, "Q8_1", 32, 36},
    {Q2_K, "Q2_K", 256, 84},  {Q3_K, "Q3_K", 256, 110}, {Q4_K, "Q4_K", 256, 144}, {Q5_K, "Q5_K", 256, 176},
    {Q6_K, "Q6_K", 256, 210}, {Q8_K, "Q8_K", 256, 292}, {I8, "I8", 1, 1},         {I16, "I16", 1, 2},
    {I32, "I32", 1, 4},       {I64, "I64", 1, 8},       {F64, "F64", 1, 8},       {BF16, "BF16", 1, 2},
    {TQ1_0, "TQ1_0", 256, 54}, {TQ2_0, "TQ2_0", 256, 66}, {I2_S, "I2_S", 4, 1},
};

const TypeSize * find_type(uint32_t id) {
    for (const TypeSize & t : kTensorTypes)
        if (t.id == id) return &t;
    return nullptr;
}

}  // namespace

const char * type_name(Type t) {
    switch (t) {
        case Type::U8: return "u8";
        case Type::I8: return "i8";
        case Type::U16: return "u16";
        case Type::I16: return "i16";
        case Type::U32: return "u32";
        case Type::I32: return "i32";
        case Type::F32: return "f32";
        case Type::BOOL: return "bool";
        case Type::STRING: return "string";
        case Type::ARRAY: return "array";
        case Type::U64: return "u64";
        case Type::I64: return "i64";
        case Type::F64: return "f64";
    }
    return "?";
}

const char * tensor_type_name(uint32_t type) {
    const TypeSize * t = find_type(type);
    return t ? t->name : nullptr;
}

bool tensor_nbytes(uint32_t type, int64_t ne0, uint64_t n_elements, uint64_t * nbytes, std::string * error) {
    const TypeSize * t = find_type(type);
    if (!t) {
        *error = format("unknown tensor type id %u", type);
        return false;
    }
    if (type == I2_S) {
        // bitnet.cpp: n/4 bytes of 2-bit codes plus a 32-byte tail holding the float scale.
        if (n_elements % 4 != 0) {
            *error = format("I2_S needs a multiple of 4 elements, got %" PRIu64, n_elements);
            return false;
        }
        *nbytes = n_elements / 4 + 32;
        return true;
    }
    if (ne0 % t->block != 0) {
        *error = format("%s needs the first dimension to be a multiple of %" PRId64 ", got %" PRId64, t->name,
                        t->block, ne0);
        return false;
    }
    // n_elements <= 2^50 and bytes per block <= 292, so this cannot overflow.
    *nbytes = n_elements / static_cast<uint64_t>(t->block) * t->bytes;
    return true;
}

// ---- Value --------------------------------------------------------------------------------

bool Value::is_integer() const {
    switch (type) {
        case Type::U8: case Type::I8: case Type::U16: case Type::I16: case Type::U32: case Type::I32:
        case Type::U64: case Type::I64: return true;
        default: return false;
    }
}

bool Value::is_float() const { return type == Type::F32 || type == Type::F64; }

static int64_t int_at(Type t, const uint8_t * p) {
    switch (t) {
        case Type::U8: return load<uint8_t>(p);
        case Type::I8: return load<int8_t>(p);
        case Type::U16: return load<uint16_t>(p);
        case Type::I16: return load<int16_t>(p);
        case Type::U32: return load<uint32_t>(p);
        case Type::I32: return load<int32_t>(p);
        case Type::BOOL: return load<uint8_t>(p) != 0;
        case Type::U64: {
            const uint64_t v = load<uint64_t>(p);
            return v > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(v);
        }
        case Type::I64: return load<int64_t>(p);
        case Type::F32:
        case Type::F64: {
            const double d = t == Type::F32 ? load<float>(p) : load<double>(p);
            if (!(d > -9.2e18 && d < 9.2e18)) return 0;  // NaN or out of range
            return static_cast<int64_t>(d);
        }
        default: return 0;
    }
}

static double float_at(Type t, const uint8_t * p) {
    if (t == Type::F32) return load<float>(p);
    if (t == Type::F64) return load<double>(p);
    return static_cast<double>(int_at(t, p));
}

int64_t Value::as_int() const { return raw ? int_at(type, raw) : 0; }
double Value::as_float() const { return raw ? float_at(type, raw) : 0.0; }

static std::string scalar_string(Type t, const uint8_t * p) {
    char buf[64];
    switch (t) {
        case Type::BOOL: return load<uint8_t>(p) ? "true" : "false";
        case Type::F32: std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(load<float>(p))); return buf;
        case Type::F64: std::snprintf(buf, sizeof buf, "%.17g", load<double>(p)); return buf;
        case Type::U64: std::snprintf(buf, sizeof buf, "%" PRIu64, load<uint64_t>(p)); return buf;
        default: std::snprintf(buf, sizeof buf, "%" PRId64, int_at(t, p)); return buf;
    }
}

std::string Value::to_string(size_t max_chars) const {
    std::string out;
    if (type == Type::STRING) {
        out = std::string(str.substr(0, max_chars));
        if (str.size() > max_chars) out += "...";
        return out;
    }
    if (type != Type::ARRAY) return scalar_string(type, raw);
    out = "[" + std::to_string(count) + " x " + type_name(elem_type) + "]";
    const uint64_t shown = std::min<uint64_t>(count, 4);
    for (uint64_t i = 0; i < shown && out.size() < max_chars; ++i) {
        out += i == 0 ? " " : ", ";
        if (elem_type == Type::STRING) {
            out += "\"" + std::string(strings[i].substr(0, 32)) + "\"";
        } else if (elem_type != Type::ARRAY) {
            out += scalar_string(elem_type, elems + i * scalar_size(elem_type));
        }
    }
    if (count > shown) out += ", ...";
    return out;
}

// ---- File ---------------------------------------------------------------------------------

std::unique_ptr<File> File::open(const std::string & path, std::string * error, Mode mode, uint64_t * need_bytes) {
    if (need_bytes) *need_bytes = 0;
    std::unique_ptr<MappedFile> m = MappedFile::open(path, error);
    if (!m) return nullptr;
    std::unique_ptr<File> f(new File());
    f->base_ = m->data();
    f->size_ = m->size();
    f->mode_ = mode;
    f->mapping_ = std::move(m);
    std::string why;
    if (!f->parse(&why, need_bytes)) {
        *error = "'" + path + "': " + why;
        return nullptr;
    }
    return f;
}

std::unique_ptr<File> File::from_memory(const void * data, size_t size, std::string * error, Mode mode,
                                        uint64_t * need_bytes) {
    if (need_bytes) *need_bytes = 0;
    std::unique_ptr<File> f(new File());
    f->base_ = static_cast<const uint8_t *>(data);
    f->size_ = size;
    f->mode_ = mode;
    if (!data && size) {
        *error = "null buffer";
        return nullptr;
    }
    if (!f->parse(error, need_bytes)) return nullptr;
    return f;
}

// Reads one value of type `t` (not ARRAY unless allow_array) at the cursor into *v.
static bool read_value(Cursor & c, Type t, Value * v, const std::string & what) {
    v->type = t;
    if (t == Type::STRING) return c.string(&v->str, c.room(), what);
    const uint64_t n = scalar_size(t);
    if (n == 0) {
        *c.error = format("%s: unexpected value type %u", what.c_str(), static_cast<uint32_t>(t));
        return false;
    }
    if (!c.need(n, what)) return false;
    v->raw = c.base + c.pos;
    c.pos += n;
    return true;
}

bool File::parse(std::string * error, uint64_t * need_bytes) {
    uint64_t need_unused = 0;
    Cursor c{base_, size_, 0, error, mode_ == Mode::HeaderOnly, need_bytes ? need_bytes : &need_unused};
    uint32_t magic = 0;
    if (!c.u32(&magic, "the magic number")) return false;
    if (magic != kMagic) {
        *error = format("not a GGUF file (magic bytes %02x %02x %02x %02x, expected 'GGUF')", base_[0], base_[1],
                        base_[2], base_[3]);
        return false;
    }
    if (!c.u32(&version_, "the version")) return false;
    if (version_ != 2 && version_ != 3) {
        *error = format("unsupported GGUF version %u (this reader handles 2 and 3)", version_);
        return false;
    }
    uint64_t n_tensors = 0, n_kv = 0;
    if (!c.u64(&n_tensors, "the tensor count") || !c.u64(&n_kv, "the metadata count")) return false;
    // A key-value pair takes at least 12 bytes (key length + type), a tensor at least 24.
    if (!c.room_for(n_kv, 12, format("%" PRIu64 " metadata entries", n_kv),
                    format("metadata count %" PRIu64 " is impossible for a file of %" PRIu64 " bytes", n_kv, size_)) ||
        !c.room_for(n_tensors, 24, format("%" PRIu64 " tensor entries", n_tensors),
                    format("tensor count %" PRIu64 " is impossible for a file of %" PRIu64 " bytes", n_tensors, size_)))
        return false;

    kvs_.reserve(static_cast<size_t>(n_kv));
    for (uint64_t i = 0; i < n_kv; ++i) {
        KeyValue kv;
        const std::string what = format("metadata entry %" PRIu64, i);
        if (!c.string(&kv.key, kMaxKeyBytes, what + " key")) return false;
        if (kv.key.empty()) {
            *error = what + " has an empty key";
            return false;
        }
        const std::string named = what + " '" + std::string(kv.key.substr(0, 80)) + "'";
        uint32_t type = 0;
        if (!c.u32(&type, named + " type")) return false;
        if (!known_type(type)) {
            *error = format("%s has unknown value type %u", named.c_str(), type);
            return false;
        }
        Value & v = kv.value;
        v.type = static_cast<Type>(type);
        if (v.type == Type::ARRAY) {
            uint32_t et = 0;
            if (!c.u32(&et, named + " array element type")) return false;
            if (!known_type(et)) {
                *error = format("%s: unknown array element type %u", named.c_str(), et);
                return false;
            }
            v.elem_type = static_cast<Type>(et);
            if (v.elem_type == Type::ARRAY) {
                *error = named + ": nested arrays are not supported";
                return false;
            }
            if (!c.u64(&v.count, named + " array length")) return false;
            const uint64_t elem = v.elem_type == Type::STRING ? 8 : scalar_size(v.elem_type);
            if (!c.room_for(v.count, elem, named + " array",
                            format("%s: array length %" PRIu64 " of %s exceeds the %" PRIu64 " bytes left in the file",
                                   named.c_str(), v.count, type_name(v.elem_type), c.left())))
                return false;
            if (v.elem_type == Type::STRING) {
                v.strings.resize(static_cast<size_t>(v.count));
                for (uint64_t j = 0; j < v.count; ++j)
                    if (!c.string(&v.strings[j], c.room(), format("%s element %" PRIu64, named.c_str(), j)))
                        return false;
            } else {
                v.elems = base_ + c.pos;
                c.pos += v.count * elem;
            }
        } else if (!read_value(c, v.type, &v, named + " value")) {
            return false;
        }
        if (!kv_index_.emplace(kv.key, kvs_.size()).second) {
            *error = "duplicate metadata key '" + std::string(kv.key.substr(0, 80)) + "'";
            return false;
        }
        kvs_.push_back(std::move(kv));
    }
    // kv_index_ holds views into the mapping, not into kvs_, so reallocation above is safe.

    if (const Value * a = find("general.alignment")) {
        if (a->type != Type::U32) {
            *error = std::string("general.alignment must be a u32, found ") + type_name(a->type);
            return false;
        }
        const uint64_t al = static_cast<uint64_t>(a->as_int());
        if (al == 0 || (al & (al - 1)) != 0 || al > kMaxAlignment) {
            *error = format("general.alignment %" PRIu64 " is not a power of two between 1 and %" PRIu64, al,
                            kMaxAlignment);
            return false;
        }
        alignment_ = al;
    }

    tensors_.reserve(static_cast<size_t>(n_tensors));
    for (uint64_t i = 0; i < n_tensors; ++i) {
        TensorInfo t;
        const std::string what = format("tensor %" PRIu64, i);
        if (!c.string(&t.name, kMaxTensorNameBytes, what + " name")) return false;
        const std::string named = what + " '" + std::string(t.name.substr(0, 80)) + "'";
        if (!c.u32(&t.n_dims, named + " rank")) return false;
        if (t.n_dims == 0 || t.n_dims > kMaxDims) {
            *error = format("%s has %u dimensions (1 to %u allowed)", named.c_str(), t.n_dims, kMaxDims);
            return false;
        }
        uint64_t n = 1;
        for (uint32_t d = 0; d < t.n_dims; ++d) {
            uint64_t dim = 0;
            if (!c.u64(&dim, named + " shape")) return false;
            if (dim == 0 || dim > static_cast<uint64_t>(kMaxElements) || n > static_cast<uint64_t>(kMaxElements) / dim) {
                *error = format("%s has an invalid or too large dimension %u = %" PRIu64, named.c_str(), d, dim);
                return false;
            }
            n *= dim;
            t.ne[d] = static_cast<int64_t>(dim);
        }
        t.n_elements = n;
        if (!c.u32(&t.type, named + " type") || !c.u64(&t.offset, named + " offset")) return false;
        std::string why;
        if (!tensor_nbytes(t.type, t.ne[0], t.n_elements, &t.n_bytes, &why)) {
            *error = named + ": " + why;
            return false;
        }
        if (t.offset % alignment_ != 0) {
            *error = format("%s: data offset %" PRIu64 " is not a multiple of the alignment %" PRIu64, named.c_str(),
                            t.offset, alignment_);
            return false;
        }
        if (!tensor_index_.emplace(t.name, tensors_.size()).second) {
            *error = "duplicate tensor name '" + std::string(t.name.substr(0, 80)) + "'";
            return false;
        }
        tensors_.push_back(t);
    }

    // The data section starts at the next multiple of the alignment.
    const uint64_t pad = (alignment_ - c.pos % alignment_) % alignment_;
    data_offset_ = c.pos + pad;
    file_size_ = mode_ == Mode::HeaderOnly ? std::max(size_, data_offset_) : size_;
    return tensors_.empty() || place_tensors(error);
}

// Every tensor inside the file (a whole one: its bytes present; a header: below any plausible
// size, and the file's size taken from the last one) and no two overlapping.
bool File::place_tensors(std::string * error) {
    auto name80 = [](const TensorInfo & t) { return static_cast<int>(std::min<size_t>(t.name.size(), 80)); };
    if (mode_ == Mode::HeaderOnly) {
        constexpr uint64_t kMaxDataBytes = uint64_t(1) << 60;
        uint64_t end = 0;
        for (const TensorInfo & t : tensors_) {
            if (t.offset > kMaxDataBytes || t.n_bytes > kMaxDataBytes - t.offset) {
                *error = format("tensor '%.*s' (%" PRIu64 " bytes at data offset %" PRIu64
                                ") ends past any plausible file size",
                                name80(t), t.name.data(), t.n_bytes, t.offset);
                return false;
            }
            end = std::max(end, t.offset + t.n_bytes);
        }
        // GGUF writers pad every tensor's data, the last one included, to the alignment.
        file_size_ = std::max(size_, data_offset_ + (end + alignment_ - 1) / alignment_ * alignment_);
    } else {
        if (data_offset_ > size_) {
            *error = format("file truncated: the tensor data section would start at offset %" PRIu64
                            " but the file is %" PRIu64 " bytes",
                            data_offset_, size_);
            return false;
        }
        const uint64_t data_size = size_ - data_offset_;
        for (TensorInfo & t : tensors_) {
            if (t.offset > data_size || t.n_bytes > data_size - t.offset) {
                *error = format("tensor '%.*s' (%" PRIu64 " bytes at data offset %" PRIu64
                                ") extends past the end of the file (data section is %" PRIu64 " bytes)",
                                name80(t), t.name.data(), t.n_bytes, t.offset, data_size);
                return false;
            }
            t.data = base_ + data_offset_ + t.offset;
        }
    }
    std::vector<const TensorInfo *> by_offset;
    for (const TensorInfo & t : tensors_) by_offset.push_back(&t);
    std::sort(by_offset.begin(), by_offset.end(),
              [](const TensorInfo * a, const TensorInfo * b) { return a->offset < b->offset; });
    for (size_t i = 1; i < by_offset.size(); ++i) {
        const TensorInfo & a = *by_offset[i - 1];
        const TensorInfo & b = *by_offset[i];
        if (a.offset + a.n_bytes > b.offset) {
            *error = format("tensors '%.*s' and '%.*s' overlap (bytes %" PRIu64 "..%" PRIu64 " and %" PRIu64
                            "..%" PRIu64 " of the data section)",
                            name80(a), a.name.data(), name80(b), b.name.data(), a.offset, a.offset + a.n_bytes, b.offset,
                            b.offset + b.n_bytes);
            return false;
        }
    }
    return true;
}

const Value * File::find(std::string_view key) const {
    auto it = kv_index_.find(key);
    return it == kv_index_.end() ? nullptr : &kvs_[it->second].value;
}

bool File::get_string(std::string_view key, std::string * out) const {
    const Value * v = find(key);
    if (!v || v->type != Type::STRING) return false;
    out->assign(v->str.data(), v->str.size());
    return true;
}

bool File::get_int(std::string_view key, int64_t * out) const {
    const Value * v = find(key);
    if (!v || !v->is_integer()) return false;
    if (v->type == Type::U64 && load<uint64_t>(v->raw) > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = v->as_int();
    return true;
}

bool File::get_uint32(std::string_view key, uint32_t * out) const {
    int64_t v = 0;
    if (!get_int(key, &v) || v < 0 || v > static_cast<int64_t>(UINT32_MAX)) return false;
    *out = static_cast<uint32_t>(v);
    return true;
}

bool File::get_float(std::string_view key, double * out) const {
    const Value * v = find(key);
    if (!v || !(v->is_float() || v->is_integer())) return false;
    *out = v->as_float();
    return true;
}

bool File::get_bool(std::string_view key, bool * out) const {
    const Value * v = find(key);
    if (!v || v->type != Type::BOOL) return false;
    *out = load<uint8_t>(v->raw) != 0;
    return true;
}

bool File::get_string_array(std::string_view key, std::vector<std::string_view> * out) const {
    const Value * v = find(key);
    if (!v || v->type != Type::ARRAY || v->elem_type != Type::STRING) return false;
    *out = v->strings;
    return true;
}

bool File::get_int_array(std::string_view key, std::vector<int64_t> * out) const {
    const Value * v = find(key);
    if (!v || v->type != Type::ARRAY) return false;
    Value probe;
    probe.type = v->elem_type;
    if (!probe.is_integer() && v->elem_type != Type::BOOL) return false;
    const uint64_t sz = scalar_size(v->elem_type);
    out->resize(static_cast<size_t>(v->count));
    for (uint64_t i = 0; i < v->count; ++i) (*out)[i] = int_at(v->elem_type, v->elems + i * sz);
    return true;
}

bool File::get_float_array(std::string_view key, std::vector<float> * out) const {
    const Value * v = find(key);
    if (!v || v->type != Type::ARRAY) return false;
    if (v->elem_type == Type::STRING || v->elem_type == Type::BOOL) return false;
    const uint64_t sz = scalar_size(v->elem_type);
    out->resize(static_cast<size_t>(v->count));
    for (uint64_t i = 0; i < v->count; ++i)
        (*out)[i] = static_cast<float>(float_at(v->elem_type, v->elems + i * sz));
    return true;
}

const TensorInfo * File::find_tensor(std::string_view name) const {
    auto it = tensor_index_.find(name);
    return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

void File::release(const TensorInfo & t) const {
    if (mapping_ && t.data) mapping_->release(static_cast<uint64_t>(t.data - base_), t.n_bytes);
}

}  // namespace gguf
}  // namespace tern
