// Builds safetensors files and in-memory folders for tests.
#pragma once
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"
#include "core/io/reader.h"

namespace gs::test {

// 8-byte length + header JSON (optionally padded with spaces) + data.
inline std::string make_safetensors(const nlohmann::json& header, const std::string& data, size_t pad = 0) {
    std::string h = header.dump() + std::string(pad, ' ');
    std::string out(8, '\0');
    uint64_t n = h.size();
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    return out + h + data;
}

inline std::string make_raw_safetensors(const std::string& header_text, const std::string& data) {
    std::string out(8, '\0');
    uint64_t n = header_text.size();
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    return out + header_text + data;
}

struct MemoryFolder final : Folder {
    std::string name_ = "mem-model";
    std::map<std::string, std::string> files_;
    std::string name() const override { return name_; }
    std::vector<std::string> files() const override {
        std::vector<std::string> v;
        for (const auto& kv : files_) v.push_back(kv.first);
        return v;
    }
    bool has(const std::string& rel) const override { return files_.count(rel) != 0; }
    std::unique_ptr<RangeReader> open(const std::string& rel) const override {
        auto it = files_.find(rel);
        if (it == files_.end()) throw Error(name_, "", "missing file " + rel);
        return memory_reader(rel, it->second);
    }
};

// The error message a callable throws (empty if it does not throw gs::Error).
template <typename F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace gs::test
