// Small helpers every ggml quantizer uses, with ggml's exact semantics.
#pragma once
#include <cstdint>
#include <cstring>

namespace gs::quant {

// Round to nearest, ties to even, for |v| <= 4194303 (ggml's nearest_int: add 1.5 * 2^23 and read the mantissa).
inline int nearest_int(float v) {
    float t = v + 12582912.f;
    int32_t i;
    std::memcpy(&i, &t, 4);
    return (i & 0x007fffff) - 0x00400000;
}

}  // namespace gs::quant
