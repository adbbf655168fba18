// A tiny test harness for the native tests: CHECK keeps going and counts failures, REQUIRE
// stops the current test. Each test program ends with `return tern_test::summary("name");`,
// which prints "N passed, M failed" and returns non-zero on any failure.
#pragma once

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace tern_test {

// A path for a scratch file in the system's temporary folder (not the working directory).
inline std::string temp_path(const std::string & name) {
    return (std::filesystem::temp_directory_path() / name).string();
}

// Cosine similarity of two equally long vectors, in double precision.
inline double cosine(const std::vector<float> & a, const std::vector<float> & b) {
    double dot = 0, na = 0, nb = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        dot += static_cast<double>(a[i]) * b[i];
        na += static_cast<double>(a[i]) * a[i];
        nb += static_cast<double>(b[i]) * b[i];
    }
    return dot / std::sqrt(na * nb);
}

struct State {
    int checks = 0;
    int failures = 0;
};

inline State & state() {
    static State s;
    return s;
}

struct Stop {};

inline void report(bool ok, const char * expr, const char * file, int line, const std::string & note) {
    ++state().checks;
    if (!ok) {
        ++state().failures;
        std::fprintf(stderr, "%s:%d: check failed: %s%s%s\n", file, line, expr, note.empty() ? "" : " -- ", note.c_str());
    }
}

struct Case {
    const char * name;
    std::function<void()> body;
};

inline std::vector<Case> & cases() {
    static std::vector<Case> all;
    return all;
}

struct Register {
    Register(const char * name, std::function<void()> body) { cases().push_back({name, std::move(body)}); }
};

// Runs every registered case; returns the process exit code.
inline int run_all(const char * program) {
    int passed = 0, failed = 0;
    for (const Case & c : cases()) {
        const int before = state().failures;
        try {
            c.body();
        } catch (const Stop &) {
        } catch (const std::exception & e) {
            ++state().failures;
            std::fprintf(stderr, "%s: unexpected exception: %s\n", c.name, e.what());
        }
        if (state().failures == before) {
            ++passed;
        } else {
            ++failed;
            std::fprintf(stderr, "FAIL %s\n", c.name);
        }
    }
    std::printf("%s: %d passed, %d failed\n", program, passed, failed);
    return failed == 0 ? 0 : 1;
}

}  // namespace tern_test

#define TERN_CAT2(a, b) a##b
#define TERN_CAT(a, b) TERN_CAT2(a, b)
#define TEST_CASE(name)                                                              \
    static void TERN_CAT(test_fn_, __LINE__)();                                      \
    static tern_test::Register TERN_CAT(test_reg_, __LINE__)(name, TERN_CAT(test_fn_, __LINE__)); \
    static void TERN_CAT(test_fn_, __LINE__)()

#define CHECK_MSG(cond, note) tern_test::report(static_cast<bool>(cond), #cond, __FILE__, __LINE__, (note))
#define CHECK(cond) CHECK_MSG(cond, std::string())
#define REQUIRE(cond)                                                              \
    do {                                                                           \
        const bool tern_ok_ = static_cast<bool>(cond);                             \
        tern_test::report(tern_ok_, #cond, __FILE__, __LINE__, std::string());     \
        if (!tern_ok_) throw tern_test::Stop{};                                    \
    } while (0)

#define TEST_MAIN(program) \
    int main() { return tern_test::run_all(program); }
