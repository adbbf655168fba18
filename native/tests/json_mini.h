// Test helper: a small JSON reader (objects, arrays, strings with escapes, numbers, literals),
// enough for the fixture reference files. Throws std::runtime_error on malformed input.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace json_mini {

struct Value {
    enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
    bool b = false;
    double num = 0;
    std::string str;
    std::vector<Value> arr;
    std::map<std::string, Value> obj;

    const Value & operator[](const std::string & k) const {
        static const Value null;
        auto it = obj.find(k);
        return it == obj.end() ? null : it->second;
    }
    const Value & operator[](size_t i) const { return arr.at(i); }
    bool has(const std::string & k) const { return obj.count(k) != 0; }
    size_t size() const { return kind == Array ? arr.size() : obj.size(); }
    int64_t as_int() const { return static_cast<int64_t>(num); }
    std::vector<int32_t> ints() const {
        std::vector<int32_t> v;
        for (const Value & x : arr) v.push_back(static_cast<int32_t>(x.num));
        return v;
    }
    std::vector<double> nums() const {
        std::vector<double> v;
        for (const Value & x : arr) v.push_back(x.num);
        return v;
    }
};

class Parser {
public:
    explicit Parser(const std::string & s) : s_(s) {}
    Value parse() {
        Value v = value();
        ws();
        if (i_ != s_.size()) error("trailing characters");
        return v;
    }

private:
    const std::string & s_;
    size_t i_ = 0;

    [[noreturn]] void error(const char * what) { throw std::runtime_error(std::string("json: ") + what + " at " + std::to_string(i_)); }
    void ws() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
    }
    char peek() {
        ws();
        if (i_ >= s_.size()) error("unexpected end");
        return s_[i_];
    }
    void expect(char c) {
        if (peek() != c) error("unexpected character");
        ++i_;
    }
    static void utf8(std::string & out, uint32_t cp) {
        if (cp < 0x80) out += static_cast<char>(cp);
        else if (cp < 0x800) out += static_cast<char>(0xC0 | (cp >> 6)), out += static_cast<char>(0x80 | (cp & 0x3F));
        else if (cp < 0x10000)
            out += static_cast<char>(0xE0 | (cp >> 12)), out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                out += static_cast<char>(0x80 | (cp & 0x3F));
        else
            out += static_cast<char>(0xF0 | (cp >> 18)), out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
                out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    uint32_t hex4() {
        if (i_ + 4 > s_.size()) error("bad escape");
        const uint32_t v = static_cast<uint32_t>(std::strtoul(s_.substr(i_, 4).c_str(), nullptr, 16));
        i_ += 4;
        return v;
    }
    std::string string() {
        expect('"');
        std::string out;
        while (true) {
            if (i_ >= s_.size()) error("unterminated string");
            const char c = s_[i_++];
            if (c == '"') break;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i_ >= s_.size()) error("bad escape");
            const char e = s_[i_++];
            switch (e) {
                case 'n': out += '\n'; break;
                case 't': out += '\t'; break;
                case 'r': out += '\r'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'u': {
                    uint32_t cp = hex4();
                    if (cp >= 0xD800 && cp < 0xDC00 && i_ + 6 <= s_.size() && s_[i_] == '\\' && s_[i_ + 1] == 'u') {
                        i_ += 2;
                        const uint32_t lo = hex4();
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    }
                    utf8(out, cp);
                    break;
                }
                default: out += e;
            }
        }
        return out;
    }
    Value value() {
        Value v;
        const char c = peek();
        if (c == '{') {
            v.kind = Value::Object;
            ++i_;
            if (peek() == '}') return ++i_, v;
            while (true) {
                std::string k = string();
                expect(':');
                v.obj[k] = value();
                if (peek() == ',') { ++i_; continue; }
                expect('}');
                return v;
            }
        }
        if (c == '[') {
            v.kind = Value::Array;
            ++i_;
            if (peek() == ']') return ++i_, v;
            while (true) {
                v.arr.push_back(value());
                if (peek() == ',') { ++i_; continue; }
                expect(']');
                return v;
            }
        }
        if (c == '"') {
            v.kind = Value::String;
            v.str = string();
            return v;
        }
        if (s_.compare(i_, 4, "true") == 0) return i_ += 4, v.kind = Value::Bool, v.b = true, v;
        if (s_.compare(i_, 5, "false") == 0) return i_ += 5, v.kind = Value::Bool, v;
        if (s_.compare(i_, 4, "null") == 0) return i_ += 4, v;
        if (s_.compare(i_, 3, "NaN") == 0) return i_ += 3, v.kind = Value::Number, v.num = NAN, v;
        char * end = nullptr;
        v.num = std::strtod(s_.c_str() + i_, &end);
        if (end == s_.c_str() + i_) error("unexpected character");
        i_ = static_cast<size_t>(end - s_.c_str());
        v.kind = Value::Number;
        return v;
    }
};

inline Value parse_file(const std::string & path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    return Parser(text).parse();
}

}  // namespace json_mini
