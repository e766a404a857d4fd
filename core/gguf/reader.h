// A validating GGUF reader (metadata and tensor infos; tensor data stays in the file). Every count, length and
// offset is checked against the file size before it is used, so a truncated or hostile file gives a gs::Error
// naming the file and the problem, never an over-read or an allocation the file cannot back.
#pragma once
#include <string>
#include <vector>

#include "core/gguf/tensor_info.h"
#include "core/gguf/value.h"
#include "core/io/reader.h"

namespace gs {

struct GgufFile {
    std::string name;
    uint32_t version = 3;
    Metadata kv;
    std::vector<GgufTensorInfo> tensors;
    uint32_t alignment = kGgufDefaultAlignment;
    uint64_t data_start = 0;  // absolute offset of the data section

    const GgufTensorInfo* find_tensor(const std::string& n) const;
};

GgufFile read_gguf(RangeReader& r);

// True when the file starts with the GGUF magic.
bool looks_like_gguf(RangeReader& r);

}  // namespace gs
