// The kernel paths the engine reports for decode and prefill (tern_kernel_paths_for,
// tern_context_kernel_paths) on every path this CPU and build have: names the engine knows, the
// table's own kernels credited to the table and borrowed ones to their owner (amx: decode on
// avx512, prefill on amx from 8 tokens; avxvnni: prefill on avx2), a context reporting what the
// same isa and micro-batch give, and the default following kernels().
#include <cstring>
#include <string>
#include <vector>

#include "gguf_corpus.h"
#include "kernels/kernels.h"
#include "tern.h"
#include "test.h"

namespace {

const char * const kKnown[] = {"scalar", "avx2", "avxvnni", "avx512", "amx", "neon"};

bool known(const char * name) {
    for (const char * k : kKnown)
        if (name && std::strcmp(name, k) == 0) return true;
    return false;
}

std::vector<const char *> available() {
    std::vector<const char *> out;
    for (const char * isa : kKnown)
        if (tern::kernels_for(isa)) out.push_back(isa);
    return out;
}

tern_kernel_paths paths_for(const char * isa, int32_t n_batch) {
    tern_kernel_paths k{};
    const tern_status st = tern_kernel_paths_for(isa, n_batch, &k);
    CHECK_MSG(st == TERN_OK, std::string(isa ? isa : "default") + ": " + tern_last_error());
    return k;
}

}  // namespace

TEST_CASE("every available path: known names; own kernels named after the table, borrowed ones after their owner") {
    for (const char * isa : available()) {
        const tern_kernel_paths k = paths_for(isa, 64);
        CHECK_MSG(known(k.decode) && known(k.prefill), isa);
        const std::string decode = k.decode, prefill = k.prefill, name = isa;
        if (name == "amx") {
            CHECK(decode == "avx512");
            CHECK(prefill == "amx");
            CHECK(std::string(paths_for(isa, 7).prefill) == "avx512");  // too few tokens for a tile
            CHECK(std::string(paths_for(isa, 8).prefill) == "amx");
        } else if (name == "avxvnni") {
            CHECK(decode == "avxvnni");
            CHECK(prefill == "avx2");
        } else {
            CHECK_MSG(decode == name && prefill == name, name + ": " + decode + " / " + prefill);
        }
        // One token per micro-batch: prefill runs the decode kernel.
        CHECK(std::string(paths_for(isa, 1).prefill) == decode);
        // The internal naming agrees with the C API.
        const tern::KernelTable * t = tern::kernels_for(isa);
        CHECK(std::string(tern::ternary_path(*t, 1)) == decode);
        CHECK(std::string(tern::ternary_path(*t, 64)) == prefill);
    }
}

TEST_CASE("the default is kernels()' table; an unknown or unavailable path is refused") {
    const tern_kernel_paths d = paths_for(nullptr, 0);
    CHECK(std::string(d.decode) == tern::ternary_path(tern::kernels(), 1));
    CHECK(std::string(d.prefill) == tern::ternary_path(tern::kernels(), 64));
    const tern_kernel_paths e = paths_for("", 64);
    CHECK(std::string(e.decode) == d.decode && std::string(e.prefill) == d.prefill);
    tern_kernel_paths k{};
    CHECK(tern_kernel_paths_for("sse9", 0, &k) == TERN_ERR_UNSUPPORTED);
    CHECK(std::string(tern_last_error()).find("sse9") != std::string::npos);
    for (const char * isa : kKnown)
        if (!tern::kernels_for(isa)) CHECK(tern_kernel_paths_for(isa, 0, &k) == TERN_ERR_UNSUPPORTED);
    CHECK(tern_kernel_paths_for(nullptr, 0, nullptr) == TERN_ERR_INVALID_ARGUMENT);
    CHECK(tern_kernel_paths_for(nullptr, -1, &k) == TERN_ERR_INVALID_ARGUMENT);
}

TEST_CASE("a context reports the paths of its own table and micro-batch") {
    const auto bytes = tern_test::tiny_model_builder().build();
    tern_model * m = nullptr;
    REQUIRE(tern_model_load_from_memory(bytes.data(), bytes.size(), nullptr, &m) == TERN_OK);
    std::vector<const char *> isas = available();
    isas.push_back(nullptr);  // the default
    for (const char * isa : isas)
        for (int32_t n_batch : {1, 4, 64}) {
            tern_context_params cp = tern_context_default_params();
            cp.isa = isa;
            cp.n_batch = n_batch;
            cp.n_ctx = 16;
            tern_context * ctx = nullptr;
            REQUIRE(tern_context_new(m, &cp, &ctx) == TERN_OK);
            tern_kernel_paths c{};
            REQUIRE(tern_context_kernel_paths(ctx, &c) == TERN_OK);
            const tern_kernel_paths k = paths_for(isa, n_batch);
            CHECK(std::string(c.decode) == k.decode && std::string(c.prefill) == k.prefill);
            // The table the context reports runs its decode kernel, or lends it (amx: avx512's).
            CHECK(std::string(tern_context_isa(ctx)) == c.decode || std::string(tern_context_isa(ctx)) == "amx");
            tern_context_free(ctx);
        }
    tern_model_free(m);
}

TEST_MAIN("test_kernel_paths")
