// A tiny JSON reader for the native tests (fixtures, reference files). Not for the engine.
//
//   std::string err;
//   json::Value v = json::parse_file(path, &err);   // null Value and err set on failure
//   for (const json::Value & c : v["cases"].items()) c["name"].str();
//
// Objects keep their key order. Missing keys and wrong types read as a shared null value, so
// chained look-ups never crash; check with is_*() where it matters. Strings are UTF-8 (\u
// escapes, surrogate pairs included, are decoded; a lone surrogate becomes U+FFFD).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace json {

class Value {
public:
    enum class Kind { null, boolean, number, string, array, object };

    Kind kind() const { return kind_; }
    bool is_null() const { return kind_ == Kind::null; }
    bool is_bool() const { return kind_ == Kind::boolean; }
    bool is_number() const { return kind_ == Kind::number; }
    bool is_string() const { return kind_ == Kind::string; }
    bool is_array() const { return kind_ == Kind::array; }
    bool is_object() const { return kind_ == Kind::object; }

    bool boolean(bool fallback = false) const { return is_bool() ? bool_ : fallback; }
    double number(double fallback = 0) const { return is_number() ? number_ : fallback; }
    int64_t integer(int64_t fallback = 0) const { return is_number() ? static_cast<int64_t>(number_) : fallback; }
    const std::string & str() const { return is_string() ? string_ : empty_string(); }

    // Arrays.
    const std::vector<Value> & items() const { return is_array() ? items_ : empty_items(); }
    size_t size() const { return is_array() ? items_.size() : is_object() ? members_.size() : 0; }
    const Value & operator[](size_t i) const { return is_array() && i < items_.size() ? items_[i] : null_value(); }

    // Objects.
    const std::vector<std::pair<std::string, Value>> & members() const { return members_; }
    bool has(const std::string & key) const { return find(key) != nullptr; }
    const Value & operator[](const std::string & key) const {
        const Value * v = find(key);
        return v ? *v : null_value();
    }
    const Value & operator[](const char * key) const { return (*this)[std::string(key)]; }

    // Numbers of an array as integers (non-numbers are skipped).
    std::vector<int64_t> int_array() const {
        std::vector<int64_t> out;
        for (const Value & v : items()) {
            if (v.is_number()) out.push_back(v.integer());
        }
        return out;
    }

private:
    friend class Parser;

    const Value * find(const std::string & key) const {
        if (!is_object()) return nullptr;
        for (const auto & m : members_) {
            if (m.first == key) return &m.second;
        }
        return nullptr;
    }
    static const Value & null_value() {
        static const Value v;
        return v;
    }
    static const std::string & empty_string() {
        static const std::string s;
        return s;
    }
    static const std::vector<Value> & empty_items() {
        static const std::vector<Value> v;
        return v;
    }

    Kind kind_ = Kind::null;
    bool bool_ = false;
    double number_ = 0;
    std::string string_;
    std::vector<Value> items_;
    std::vector<std::pair<std::string, Value>> members_;
};

class Parser {
public:
    explicit Parser(const std::string & text) : s_(text) {}

    bool parse(Value * out, std::string * error) {
        if (!value(out, 0) || (skip_space(), pos_ != s_.size())) {
            if (error_.empty()) error_ = "unexpected trailing characters";
            if (error) *error = "json: " + error_ + " at offset " + std::to_string(pos_);
            return false;
        }
        return true;
    }

private:
    bool fail(const char * what) {
        if (error_.empty()) error_ = what;
        return false;
    }
    void skip_space() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
    }
    bool literal(const char * word) {
        const std::string w(word);
        if (s_.compare(pos_, w.size(), w) != 0) return fail("invalid literal");
        pos_ += w.size();
        return true;
    }

    bool value(Value * out, int depth) {
        if (depth > 200) return fail("nesting too deep");
        skip_space();
        if (pos_ >= s_.size()) return fail("unexpected end");
        const char c = s_[pos_];
        if (c == '{') return object(out, depth);
        if (c == '[') return array(out, depth);
        if (c == '"') {
            out->kind_ = Value::Kind::string;
            return string(&out->string_);
        }
        if (c == 't') {
            out->kind_ = Value::Kind::boolean;
            out->bool_ = true;
            return literal("true");
        }
        if (c == 'f') {
            out->kind_ = Value::Kind::boolean;
            out->bool_ = false;
            return literal("false");
        }
        if (c == 'n') return literal("null");
        return number(out);
    }

    bool number(Value * out) {
        const char * begin = s_.c_str() + pos_;
        char * end = nullptr;
        const double d = std::strtod(begin, &end);
        if (end == begin) return fail("invalid value");
        pos_ += static_cast<size_t>(end - begin);
        out->kind_ = Value::Kind::number;
        out->number_ = d;
        return true;
    }

    bool hex4(uint32_t * out) {
        if (pos_ + 4 > s_.size()) return fail("truncated \\u escape");
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = s_[pos_++];
            v <<= 4;
            if (h >= '0' && h <= '9') v |= h - '0';
            else if (h >= 'a' && h <= 'f') v |= h - 'a' + 10;
            else if (h >= 'A' && h <= 'F') v |= h - 'A' + 10;
            else return fail("invalid \\u escape");
        }
        *out = v;
        return true;
    }

    static void append_utf8(std::string & out, uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    bool string(std::string * out) {
        ++pos_;  // opening quote
        while (true) {
            if (pos_ >= s_.size()) return fail("unterminated string");
            const char c = s_[pos_++];
            if (c == '"') return true;
            if (c != '\\') {
                *out += c;
                continue;
            }
            if (pos_ >= s_.size()) return fail("unterminated string");
            const char e = s_[pos_++];
            switch (e) {
                case '"': *out += '"'; break;
                case '\\': *out += '\\'; break;
                case '/': *out += '/'; break;
                case 'b': *out += '\b'; break;
                case 'f': *out += '\f'; break;
                case 'n': *out += '\n'; break;
                case 'r': *out += '\r'; break;
                case 't': *out += '\t'; break;
                case 'u': {
                    uint32_t cp = 0;
                    if (!hex4(&cp)) return false;
                    if (cp >= 0xD800 && cp <= 0xDBFF && s_.compare(pos_, 2, "\\u") == 0) {
                        const size_t save = pos_;
                        pos_ += 2;
                        uint32_t low = 0;
                        if (!hex4(&low)) return false;
                        if (low >= 0xDC00 && low <= 0xDFFF) {
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        } else {
                            pos_ = save;  // not a pair: the high half alone
                        }
                    }
                    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
                    append_utf8(*out, cp);
                    break;
                }
                default: return fail("invalid escape");
            }
        }
    }

    bool array(Value * out, int depth) {
        ++pos_;
        out->kind_ = Value::Kind::array;
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == ']') {
            ++pos_;
            return true;
        }
        while (true) {
            out->items_.emplace_back();
            if (!value(&out->items_.back(), depth + 1)) return false;
            skip_space();
            if (pos_ >= s_.size()) return fail("unterminated array");
            const char c = s_[pos_++];
            if (c == ']') return true;
            if (c != ',') return fail("expected , or ] in array");
        }
    }

    bool object(Value * out, int depth) {
        ++pos_;
        out->kind_ = Value::Kind::object;
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == '}') {
            ++pos_;
            return true;
        }
        while (true) {
            skip_space();
            if (pos_ >= s_.size() || s_[pos_] != '"') return fail("expected a key");
            std::string key;
            if (!string(&key)) return false;
            skip_space();
            if (pos_ >= s_.size() || s_[pos_++] != ':') return fail("expected :");
            out->members_.emplace_back(std::move(key), Value());
            if (!value(&out->members_.back().second, depth + 1)) return false;
            skip_space();
            if (pos_ >= s_.size()) return fail("unterminated object");
            const char c = s_[pos_++];
            if (c == '}') return true;
            if (c != ',') return fail("expected , or } in object");
        }
    }

    const std::string & s_;
    size_t pos_ = 0;
    std::string error_;
};

inline Value parse(const std::string & text, std::string * error) {
    Value v;
    Parser p(text);
    if (!p.parse(&v, error)) return Value();
    return v;
}

inline Value parse_file(const std::string & path, std::string * error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (error) *error = "json: cannot open " + path;
        return Value();
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse(ss.str(), error);
}

}  // namespace json
