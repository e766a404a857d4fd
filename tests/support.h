// Helpers shared by the Catch2 tests: where the reference data lives, and reading small files into memory.
#pragma once
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace gs::test {

inline std::string shared_path(const std::string& rel) { return std::string(GGUFSMITH_SHARED_DIR) + "/" + rel; }
inline std::string source_path(const std::string& rel) { return std::string(GGUFSMITH_SOURCE_DIR) + "/" + rel; }

inline std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error("cannot open " + path);
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

template <typename T>
std::vector<T> slurp_as(const std::string& path) {
    std::string s = slurp(path);
    std::vector<T> v(s.size() / sizeof(T));
    std::memcpy(v.data(), s.data(), v.size() * sizeof(T));
    return v;
}

}  // namespace gs::test
