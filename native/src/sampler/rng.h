// A small seeded PRNG with the same output on every platform and compiler: xoshiro256**
// (Blackman & Vigna), its state filled from the seed by splitmix64. Uniform doubles are built
// from the top 53 bits, so no standard-library distribution (whose results differ between
// implementations) is involved.
#pragma once

#include <cstdint>

namespace tern {

class Rng {
public:
    explicit Rng(uint64_t seed = 0) { seed_with(seed); }

    void seed_with(uint64_t seed) {
        uint64_t x = seed;
        for (uint64_t & s : s_) s = splitmix64(x);
    }

    uint64_t next_u64() {
        const uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    // Uniform in [0, 1), a multiple of 2^-53.
    double next_double() { return static_cast<double>(next_u64() >> 11) * (1.0 / 9007199254740992.0); }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    static uint64_t splitmix64(uint64_t & x) {
        uint64_t z = (x += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    uint64_t s_[4];
};

}  // namespace tern
