// Header-only loads (tern_model_params.header_only): the start of a model file, as the app
// fetches it with an HTTP Range request before a download, describes the model exactly as the
// whole file does:
//  - for every fixture model cut at its tensor data offset and at a few sizes beyond it: the same
//    info (file_bytes included), tensors, metadata and memory estimate as the whole file;
//  - cut inside the metadata or the tensor table: TERN_ERR_NEED_MORE_BYTES with a size larger
//    than the cut, and asking for exactly that size again and again always ends at a cut that
//    loads, at or before the data offset;
//  - every other problem (not a GGUF, unsupported architecture, missing tensors, ...) fails with
//    the status and message of the whole file.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "gguf/gguf.h"
#include "gguf_corpus.h"
#include "tern.h"
#include "test.h"

namespace fs = std::filesystem;

namespace {

std::vector<std::string> fixture_models() {
    std::vector<std::string> out;
    for (const auto & e : fs::directory_iterator(std::string(TERN_FIXTURES_DIR) + "/models"))
        if (e.path().extension() == ".gguf") out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<uint8_t> read_all(const std::string & path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// What a metadata-only load reports, as plain values to compare.
struct Described {
    tern_status status = TERN_OK;
    std::string error;
    uint64_t need_bytes = 0;
    bool header_only = false;
    std::string arch, name, weight_type, head_tensor;
    std::vector<int64_t> hparams;
    uint64_t file_bytes = 0, n_params = 0;
    std::vector<std::string> tensors;  // name, type, shape, offset, bytes
    std::vector<std::string> metadata;
    tern_memory_estimate memory{};
};

Described describe(tern_status st, tern_model * m) {
    Described d;
    d.status = st;
    if (st != TERN_OK) {
        d.error = tern_last_error();
        d.need_bytes = tern_last_needed_bytes();
        return d;
    }
    tern_model_info info;
    tern_model_get_info(m, &info);
    d.header_only = info.header_only;
    d.arch = info.arch, d.name = info.name, d.weight_type = info.weight_type, d.head_tensor = info.head_tensor;
    d.hparams = {info.n_vocab, info.n_embd, info.n_layer, info.n_head, info.n_head_kv, info.head_dim, info.n_rot, info.n_ff,
                 info.n_ctx_train};
    d.file_bytes = info.file_bytes;
    d.n_params = info.n_params;
    for (int64_t i = 0; i < tern_model_n_tensors(m); ++i) {
        tern_tensor_info t;
        tern_model_tensor(m, i, &t);
        std::string row = std::string(t.name, t.name_len) + " " + t.type;
        for (int k = 0; k < t.n_dims; ++k) row += " " + std::to_string(t.ne[k]);
        d.tensors.push_back(row + " @" + std::to_string(t.offset) + " " + std::to_string(t.n_bytes));
    }
    char buf[256];
    for (int64_t i = 0; i < tern_model_meta_count(m); ++i) {
        tern_model_meta_key(m, i, buf, sizeof buf);
        std::string kv = buf;
        tern_model_meta_value(m, i, buf, sizeof buf);
        d.metadata.push_back(kv + "=" + buf);
    }
    tern_model_estimate_memory(m, 512, 2, &d.memory);
    tern_model_free(m);
    return d;
}

Described load(const std::vector<uint8_t> & bytes, size_t size, bool header_only) {
    tern_model_params p = tern_model_default_params();
    p.metadata_only = true;
    p.header_only = header_only;
    tern_model * m = nullptr;
    const tern_status st = tern_model_load_from_memory(bytes.data(), size, &p, &m);
    return describe(st, m);
}

Described load_file(const std::string & path, bool header_only) {
    tern_model_params p = tern_model_default_params();
    p.metadata_only = true;
    p.header_only = header_only;
    tern_model * m = nullptr;
    const tern_status st = tern_model_load(path.c_str(), &p, &m);
    return describe(st, m);
}

void check_same(const Described & whole, const Described & head, const std::string & what) {
    CHECK_MSG(head.status == TERN_OK, what + ": " + head.error);
    CHECK_MSG(head.header_only, what);
    CHECK_MSG(head.arch == whole.arch && head.name == whole.name, what);
    CHECK_MSG(head.weight_type == whole.weight_type && head.head_tensor == whole.head_tensor, what);
    CHECK_MSG(head.hparams == whole.hparams, what);
    CHECK_MSG(head.file_bytes == whole.file_bytes,
              what + ": file_bytes " + std::to_string(head.file_bytes) + " vs " + std::to_string(whole.file_bytes));
    CHECK_MSG(head.n_params == whole.n_params, what);
    CHECK_MSG(head.tensors == whole.tensors, what);
    CHECK_MSG(head.metadata == whole.metadata, what);
    CHECK_MSG(head.memory.weights_bytes == whole.memory.weights_bytes, what);
    CHECK_MSG(head.memory.kv_cache_bytes == whole.memory.kv_cache_bytes, what);
    CHECK_MSG(head.memory.scratch_bytes == whole.memory.scratch_bytes, what);
    CHECK_MSG(head.memory.total_bytes == whole.memory.total_bytes, what);
}

uint64_t data_offset_of(const std::vector<uint8_t> & bytes) {
    std::string err;
    auto f = tern::gguf::File::from_memory(bytes.data(), bytes.size(), &err);
    return f ? f->data_offset() : 0;
}

}  // namespace

TEST_CASE("fixture models: a prefix from the data offset on describes the whole file") {
    const auto models = fixture_models();
    REQUIRE(!models.empty());
    for (const std::string & path : models) {
        const std::vector<uint8_t> bytes = read_all(path);
        const Described whole = load(bytes, bytes.size(), false);
        REQUIRE(whole.status == TERN_OK);
        CHECK(!whole.header_only);
        CHECK(whole.file_bytes == bytes.size());
        const uint64_t data_offset = data_offset_of(bytes);
        REQUIRE(data_offset > 0 && data_offset < bytes.size());
        for (uint64_t cut : {data_offset, data_offset + 1, data_offset + 4096, static_cast<uint64_t>(bytes.size()) - 1,
                             static_cast<uint64_t>(bytes.size())})
            check_same(whole, load(bytes, static_cast<size_t>(cut), true), path + " cut at " + std::to_string(cut));
    }
}

TEST_CASE("a prefix in a file on disk: the same description, file_bytes from the tensor table") {
    const std::string path = fixture_models().front();
    const std::vector<uint8_t> bytes = read_all(path);
    const uint64_t data_offset = data_offset_of(bytes);
    const std::string prefix = (fs::temp_directory_path() / "tern_test_header_only.gguf").string();
    {
        std::ofstream out(prefix, std::ios::binary);
        out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(data_offset));
    }
    const Described whole = load_file(path, false);
    check_same(whole, load_file(prefix, true), "prefix file");
    // Without header_only the prefix is refused as before.
    const Described refused = load_file(prefix, false);
    CHECK(refused.status == TERN_ERR_FORMAT);
    CHECK_MSG(refused.error.find("past the end of the file") != std::string::npos, refused.error);
    CHECK(refused.need_bytes == 0);
    fs::remove(prefix);
}

TEST_CASE("cut inside the header: NEED_MORE_BYTES, and asking for what it needs ends at a header that loads") {
    for (const std::string & path : fixture_models()) {
        const std::vector<uint8_t> bytes = read_all(path);
        const uint64_t data_offset = data_offset_of(bytes);
        // Inside the magic, the counts, the metadata, the tensor table (the padding before the
        // data is less than the alignment, 32, so 40 bytes before the data are in the table).
        for (uint64_t cut : {uint64_t(1), uint64_t(6), uint64_t(20), uint64_t(100), data_offset / 2, data_offset - 40}) {
            const Described d = load(bytes, static_cast<size_t>(cut), true);
            CHECK_MSG(d.status == TERN_ERR_NEED_MORE_BYTES, path + " cut at " + std::to_string(cut) + ": " + d.error);
            CHECK_MSG(d.need_bytes > cut && d.need_bytes <= data_offset, path + " cut at " + std::to_string(cut));
            CHECK_MSG(d.error.find("the header needs at least " + std::to_string(d.need_bytes) + " bytes") != std::string::npos,
                      d.error);
        }
        uint64_t size = 0, tries = 0;
        Described d;
        do {
            size = d.need_bytes;
            d = load(bytes, static_cast<size_t>(size), true);
            ++tries;
            if (d.status == TERN_ERR_NEED_MORE_BYTES) REQUIRE(d.need_bytes > size);
        } while (d.status == TERN_ERR_NEED_MORE_BYTES && tries < 100000);
        CHECK_MSG(d.status == TERN_OK, path + ": " + d.error);
        CHECK(size <= data_offset);
        check_same(load(bytes, bytes.size(), false), d, path + " grown to " + std::to_string(size));
    }
}

TEST_CASE("other problems fail as for the whole file") {
    // Not a GGUF.
    const std::vector<uint8_t> text(200, 'x');
    const Described a = load(text, text.size(), true), b = load(text, text.size(), false);
    CHECK(a.status == TERN_ERR_FORMAT && b.status == TERN_ERR_FORMAT);
    CHECK_MSG(a.error == b.error && a.error.find("not a GGUF") != std::string::npos, a.error);
    // Files the reader takes and the loader refuses (architecture, missing tensor, shapes, ...):
    // their header alone gives the same status and message as a metadata-only load of the file.
    for (const auto & bf : tern_test::unloadable_model_corpus()) {
        const Described whole = load(bf.bytes, bf.bytes.size(), false);
        const Described head = load(bf.bytes, static_cast<size_t>(data_offset_of(bf.bytes)), true);
        CHECK_MSG(head.status == whole.status, bf.name + ": " + tern_status_name(head.status) + " vs " + tern_status_name(whole.status));
        CHECK_MSG(head.error == whole.error, bf.name + ": '" + head.error + "' vs '" + whole.error + "'");
        CHECK_MSG(whole.status == TERN_OK || whole.error.find(bf.expect) != std::string::npos, bf.name + ": " + whole.error);
    }
    // Files the reader refuses: the same message, except where only the missing rest of the file
    // could tell (counts and lengths past the end ask for more bytes; a tensor past the end of
    // the file is no error in a header; an absurd offset is refused in other words).
    const std::vector<std::string> asks_for_more = {"huge_tensor_count",  "huge_kv_count",     "key_past_end",
                                                    "huge_string_length", "huge_array_length", "huge_string_array_length"};
    const uint64_t tiny_data_offset = data_offset_of(tern_test::tiny_model_builder().build());
    for (const auto & bf : tern_test::broken_gguf_corpus()) {
        const Described whole = load(bf.bytes, bf.bytes.size(), false);
        const Described head = load(bf.bytes, bf.bytes.size(), true);
        CHECK_MSG(whole.status == TERN_ERR_FORMAT, bf.name);
        if (bf.name.rfind("truncated", 0) == 0) {
            CHECK_MSG(head.status == TERN_OK || head.status == TERN_ERR_NEED_MORE_BYTES, bf.name + ": " + head.error);
            // Loads once the tensor table is whole (the padding after it is not needed).
            if (head.status == TERN_OK) CHECK_MSG(bf.bytes.size() + 32 > tiny_data_offset, bf.name);
        } else if (std::find(asks_for_more.begin(), asks_for_more.end(), bf.name) != asks_for_more.end()) {
            CHECK_MSG(head.status == TERN_ERR_NEED_MORE_BYTES && head.need_bytes > bf.bytes.size(), bf.name + ": " + head.error);
        } else if (bf.name == "tensor_past_end") {
            CHECK_MSG(head.status == TERN_OK, head.error);
            CHECK(head.file_bytes > bf.bytes.size());
        } else if (bf.name == "tensor_offset_overflow") {
            CHECK_MSG(head.status == TERN_ERR_FORMAT && head.error.find("past any plausible file size") != std::string::npos,
                      head.error);
        } else {
            CHECK_MSG(head.status == whole.status && head.error == whole.error,
                      bf.name + ": '" + head.error + "' vs '" + whole.error + "'");
        }
    }
}

TEST_CASE("the reader: a header-only parse has no tensor data and the size GGUF writers give the file") {
    const auto bytes = tern_test::tiny_model_builder().build();
    std::string err;
    auto whole = tern::gguf::File::from_memory(bytes.data(), bytes.size(), &err);
    REQUIRE(whole != nullptr);
    uint64_t need = 1;
    auto head = tern::gguf::File::from_memory(bytes.data(), static_cast<size_t>(whole->data_offset()), &err,
                                              tern::gguf::File::Mode::HeaderOnly, &need);
    REQUIRE(head != nullptr);
    CHECK(need == 0);
    CHECK(head->header_only() && !whole->header_only());
    CHECK(head->file_size() == bytes.size());
    CHECK(head->data_offset() == whole->data_offset());
    for (const auto & t : head->tensors()) CHECK(t.data == nullptr);
    // Cut inside the metadata: a header-only parse asks for more; a whole-file one is refused as before.
    auto cut = tern::gguf::File::from_memory(bytes.data(), 100, &err, tern::gguf::File::Mode::HeaderOnly, &need);
    CHECK(cut == nullptr);
    CHECK(need > 100);
    cut = tern::gguf::File::from_memory(bytes.data(), 100, &err, tern::gguf::File::Mode::Whole, &need);
    CHECK(cut == nullptr);
    CHECK(need == 0);
    CHECK_MSG(err.find("impossible for a file of 100 bytes") != std::string::npos, err);
}

TEST_MAIN("test_header_only")
