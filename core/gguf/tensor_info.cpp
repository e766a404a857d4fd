#include "core/gguf/tensor_info.h"

namespace gs {

uint64_t GgufTensorInfo::numel() const {
    uint64_t n = 1;
    for (uint64_t d : ne) n *= d;
    return n;
}

uint64_t GgufTensorInfo::nbytes() const { return row_bytes(type, ne.empty() ? 0 : ne[0]) * nrows(); }

}  // namespace gs
