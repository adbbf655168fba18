// Whole-model benchmark without Node (the same tern_bench_run that `tern bench` calls):
//   build/bench/native/model_bench FILE [threads=1,2] [n_prompt=128] [n_gen=64] [reps=3] [head=q8_0] [isa]
// Prints per thread count the median (min..max) prefill and decode tok/s, TTFT and RSS.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tern.h"

static double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(int argc, char ** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: model_bench FILE [threads=1,2] [n_prompt] [n_gen] [reps] [head] [isa]\n");
        return 2;
    }
    std::vector<int> threads;
    std::string tl = argc > 2 ? argv[2] : "1,2";
    for (size_t i = 0; i < tl.size();) {
        size_t j = tl.find(',', i);
        if (j == std::string::npos) j = tl.size();
        threads.push_back(std::atoi(tl.substr(i, j - i).c_str()));
        i = j + 1;
    }
    const int n_prompt = argc > 3 ? std::atoi(argv[3]) : 128;
    const int n_gen = argc > 4 ? std::atoi(argv[4]) : 64;
    const int reps = argc > 5 ? std::atoi(argv[5]) : 3;
    const char * head = argc > 6 ? argv[6] : nullptr;
    const char * isa = argc > 7 ? argv[7] : nullptr;

    tern_model_params mp = tern_model_default_params();
    mp.head_type = head;
    tern_model * model = nullptr;
    if (tern_model_load(argv[1], &mp, &model) != TERN_OK) {
        std::fprintf(stderr, "load: %s\n", tern_last_error());
        return 1;
    }
    tern_memory_usage mem;
    tern_process_memory(&mem);
    tern_model_info info;
    tern_model_get_info(model, &info);
    std::printf("loaded: rss %.1f MB, load peak %.1f MB, head %s\n", mem.rss_bytes / 1e6, mem.peak_rss_bytes / 1e6,
                head ? head : "(default)");
    for (int t : threads) {
        std::vector<double> pp, tg, ttft;
        const char * path = "";
        for (int r = 0; r < reps; ++r) {
            tern_bench_params bp = tern_bench_default_params();
            bp.n_threads = t;
            bp.n_prompt = n_prompt;
            bp.n_gen = n_gen;
            bp.isa = isa;
            tern_bench_result res;
            if (tern_bench_run(model, &bp, &res) != TERN_OK) {
                std::fprintf(stderr, "bench: %s\n", tern_last_error());
                return 1;
            }
            path = res.isa;
            if (n_prompt > 0) pp.push_back(n_prompt / res.prefill_seconds), ttft.push_back(res.first_token_seconds * 1e3);
            if (n_gen > 0) tg.push_back(n_gen / res.decode_seconds);
        }
        std::printf("t=%d %s:", t, path);
        if (!pp.empty())
            std::printf(" pp%d %.1f tok/s (%.1f..%.1f)  ttft %.0f ms", n_prompt, median(pp), *std::min_element(pp.begin(), pp.end()),
                        *std::max_element(pp.begin(), pp.end()), median(ttft));
        if (!tg.empty())
            std::printf("  tg%d %.2f tok/s (%.2f..%.2f)", n_gen, median(tg), *std::min_element(tg.begin(), tg.end()),
                        *std::max_element(tg.begin(), tg.end()));
        std::printf("\n");
        std::fflush(stdout);
    }
    tern_process_memory(&mem);
    std::printf("end: rss %.1f MB, peak %.1f MB\n", mem.rss_bytes / 1e6, mem.peak_rss_bytes / 1e6);
    tern_model_free(model);
    return 0;
}
