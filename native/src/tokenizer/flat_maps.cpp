#include "tokenizer/flat_maps.h"

#include <cstring>

namespace tern {

namespace {

size_t capacity_for(size_t n) {
    size_t cap = 16;
    while (cap < n + n / 2) cap <<= 1;  // load factor at most 2/3 after reserve
    return cap;
}

// Grow before the load factor passes 3/4 (linear probing stays short below that).
bool over_full(size_t size, size_t capacity) {
    return (size + 1) * 4 > capacity * 3;
}

}  // namespace

// FNV-1a over the bytes of a then b, then a final avalanche so that the low bits (the slot) and
// the high bits (the stored tag) are both well mixed.
uint64_t TokenTextIndex::hash(std::string_view a, std::string_view b) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char c : a) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
    for (const char c : b) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

void TokenTextIndex::reserve(size_t n) {
    const size_t cap = capacity_for(n);
    slots_.assign(cap, Slot{-1, 0});
    mask_ = cap - 1;
    size_ = 0;
}

void TokenTextIndex::insert(const std::vector<std::string> & tokens, int32_t id) {
    tokens_ = &tokens;
    if (over_full(size_, slots_.size())) {
        // Rebuild at twice the size (insertions are expected to be reserved up front).
        std::vector<Slot> old = std::move(slots_);
        reserve(old.size());
        for (const Slot & x : old) {
            if (x.id >= 0) insert(tokens, x.id);
        }
    }
    const std::string_view text = tokens[id];
    const uint64_t h = hash(text, std::string_view());
    const uint32_t tag = static_cast<uint32_t>(h >> 32);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
        if (slots_[i].id < 0) {
            slots_[i] = Slot{id, tag};
            ++size_;
            return;
        }
        if (slots_[i].tag == tag && tokens[slots_[i].id] == text) return;
    }
}

int32_t TokenTextIndex::find(std::string_view a, std::string_view b) const {
    if (size_ == 0) return -1;
    const uint64_t h = hash(a, b);
    const uint32_t tag = static_cast<uint32_t>(h >> 32);
    const size_t len = a.size() + b.size();
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
        const int32_t id = slots_[i].id;
        if (id < 0) return -1;
        if (slots_[i].tag != tag) continue;
        const std::string & t = (*tokens_)[id];
        if (t.size() == len && std::memcmp(t.data(), a.data(), a.size()) == 0 &&
            (b.empty() || std::memcmp(t.data() + a.size(), b.data(), b.size()) == 0)) {
            return id;
        }
    }
}

uint64_t MergeTable::mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

void MergeTable::reserve(size_t n) {
    const size_t cap = capacity_for(n);
    slots_.assign(cap, Slot{kEmpty, {0, 0}});
    mask_ = cap - 1;
    size_ = 0;
}

void MergeTable::grow() {
    std::vector<Slot> old = std::move(slots_);
    reserve(old.size());
    for (const Slot & s : old) {
        if (s.key != kEmpty) insert(static_cast<int32_t>(s.key >> 32), static_cast<int32_t>(s.key & 0xffffffffu), s.merge);
    }
}

void MergeTable::insert(int32_t left, int32_t right, Merge merge) {
    if (over_full(size_, slots_.size())) grow();
    const uint64_t k = key(left, right);
    for (size_t i = mix(k) & mask_;; i = (i + 1) & mask_) {
        if (slots_[i].key == kEmpty) {
            slots_[i] = Slot{k, merge};
            ++size_;
            return;
        }
        if (slots_[i].key == k) return;
    }
}

const MergeTable::Merge * MergeTable::find(int32_t left, int32_t right) const {
    if (size_ == 0) return nullptr;
    const uint64_t k = key(left, right);
    for (size_t i = mix(k) & mask_;; i = (i + 1) & mask_) {
        if (slots_[i].key == k) return &slots_[i].merge;
        if (slots_[i].key == kEmpty) return nullptr;
    }
}

}  // namespace tern
