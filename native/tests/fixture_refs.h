// The reference fixtures (test/fixtures/refs): every reference file, and the logits files they
// name, read the same way by each test that checks a model against them. Names are read from the
// folder, never assumed: a second fixture set with other names is kept back to check the work.
#pragma once

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace tern_test {

inline const std::string & fixtures_dir() {
    static const std::string dir = TERN_FIXTURES_DIR;
    return dir;
}

// Every refs/*.json, sorted.
inline std::vector<std::string> ref_files() {
    std::vector<std::string> out;
    for (const auto & e : std::filesystem::directory_iterator(fixtures_dir() + "/refs"))
        if (e.path().extension() == ".json") out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

// A file of little-endian float32 values (a reference's logits); empty when it cannot be read.
inline std::vector<float> read_f32(const std::string & path) {
    std::vector<float> v;
    FILE * f = std::fopen(path.c_str(), "rb");
    if (!f) return v;
    float x;
    while (std::fread(&x, 4, 1, f) == 1) v.push_back(x);
    std::fclose(f);
    return v;
}

}  // namespace tern_test
