// Writes the broken-file corpus (the same one test_gguf and test_model check) and two valid
// tiny models into a directory: the fuzzer's seed corpus.
//   make_corpus native/fuzz/corpus
#include <cstdio>
#include <string>

#include "gguf_corpus.h"

static bool write(const std::string & path, const std::vector<uint8_t> & bytes) {
    FILE * f = std::fopen(path.c_str(), "wb");
    if (!f) return false;
    if (!bytes.empty()) std::fwrite(bytes.data(), 1, bytes.size(), f);
    return std::fclose(f) == 0;
}

int main(int argc, char ** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_corpus DIR\n");
        return 2;
    }
    const std::string dir = argv[1];
    int n = 0;
    auto put = [&](const std::string & name, const std::vector<uint8_t> & bytes) {
        if (!write(dir + "/" + name + ".gguf", bytes)) {
            std::fprintf(stderr, "cannot write %s/%s.gguf\n", dir.c_str(), name.c_str());
            std::exit(1);
        }
        ++n;
    };
    put("valid_tiny_i2_s", tern_test::tiny_model_builder(36).build());
    put("valid_tiny_tq2_0", tern_test::tiny_model_builder(35).build());
    int truncated = 0;
    for (const auto & bf : tern_test::broken_gguf_corpus()) {
        // Keep a sample of the many truncations: the fuzzer makes more on its own.
        if (bf.name.rfind("truncated_", 0) == 0 && truncated++ % 8 != 0) continue;
        put("broken_" + bf.name, bf.bytes);
    }
    for (const auto & bf : tern_test::unloadable_model_corpus()) put("refused_" + bf.name, bf.bytes);
    std::printf("wrote %d files to %s\n", n, dir.c_str());
    return 0;
}
