// A tensor as GGUF describes it: name, dimensions in ggml order (ne[0] is the row length), type, data offset.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/gguf/types.h"

namespace gs {

struct GgufTensorInfo {
    std::string name;
    std::vector<uint64_t> ne;  // ggml order: ne[0] = elements per row
    GgmlType type = GgmlType::F32;
    uint64_t offset = 0;       // relative to the start of the data section

    uint64_t numel() const;
    uint64_t nrows() const { return ne.empty() || ne[0] == 0 ? 0 : numel() / ne[0]; }
    uint64_t nbytes() const;   // numel / block * type size
};

constexpr uint32_t kGgufDefaultAlignment = 32;

inline uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

}  // namespace gs
