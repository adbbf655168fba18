// Two open-addressing hash tables for the tokenizer, flat arrays instead of node-based maps so
// that building them for a 128k-token, 280k-merge vocabulary takes tens of milliseconds and
// look-ups touch one or two cache lines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tern {

// Token text -> id. Keys are views into a token array the owner keeps alive and unchanged.
// A key can be looked up in two parts (a + b) without concatenating them.
class TokenTextIndex {
public:
    void reserve(size_t n);
    // Adds `id` for tokens[id] unless that text is already present (the first id wins).
    void insert(const std::vector<std::string> & tokens, int32_t id);
    int32_t find(std::string_view a, std::string_view b = std::string_view()) const;
    size_t size() const { return size_; }

private:
    static uint64_t hash(std::string_view a, std::string_view b);
    struct Slot {
        int32_t id;    // token id, or -1 for an empty slot
        uint32_t tag;  // upper hash bits of the key, to skip most string compares
    };
    const std::vector<std::string> * tokens_ = nullptr;
    std::vector<Slot> slots_;
    size_t mask_ = 0;
    size_t size_ = 0;
};

// (left id, right id) -> (rank, merged id).
class MergeTable {
public:
    struct Merge {
        int32_t rank;
        int32_t result;
    };
    void reserve(size_t n);
    // Keeps the first (best-ranked) merge of a pair.
    void insert(int32_t left, int32_t right, Merge merge);
    const Merge * find(int32_t left, int32_t right) const;
    size_t size() const { return size_; }

private:
    struct Slot {
        uint64_t key;  // kEmpty when unused
        Merge merge;
    };
    static constexpr uint64_t kEmpty = ~uint64_t(0);
    static uint64_t key(int32_t left, int32_t right) {
        return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
    }
    static uint64_t mix(uint64_t x);
    void grow();
    std::vector<Slot> slots_;
    size_t mask_ = 0;
    size_t size_ = 0;
};

}  // namespace tern
