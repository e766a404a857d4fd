// The safetensors header: an 8-byte little-endian length, then that many bytes of JSON naming each tensor's dtype,
// shape and byte range in the data section that follows. Validated the way the safetensors library does, so a file
// it would refuse is refused here with a message that names the file, the tensor and the rule.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/io/reader.h"
#include "core/safetensors/dtype.h"

namespace gs {

struct StTensor {
    std::string name;
    Dtype dtype;
    std::vector<uint64_t> shape;  // as stored (row-major, outermost first)
    uint64_t offset = 0;          // absolute byte offset in the file
    uint64_t nbytes = 0;
    uint64_t numel() const;
};

struct StFile {
    std::string name;
    uint64_t size = 0;
    uint64_t data_start = 0;  // 8 + header length; NOT necessarily aligned (DeepSeek's files are not)
    std::vector<StTensor> tensors;  // in data-offset order
    std::map<std::string, std::string> metadata;  // "__metadata__"
};

constexpr uint64_t kMaxSafetensorsHeader = 100'000'000;  // the safetensors library's limit
// Hugging Face names are dotted module paths of well under 200 bytes; a name this long is garbage, and printing it
// whole in every message would not help.
constexpr size_t kMaxTensorName = 512;

StFile parse_safetensors(RangeReader& r);

}  // namespace gs
