// Builds safetensors files and in-memory folders for tests.
#pragma once
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"
#include "core/io/reader.h"
#include "tests/memory_folder.h"

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


// The error message a callable throws (empty if it does not throw gs::Error).
template <typename F>
std::string error_text(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace gs::test
