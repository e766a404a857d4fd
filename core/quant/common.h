// Small helpers every ggml quantizer uses, with ggml's exact semantics.
#pragma once
#include <cstdint>
#include <cstring>

// Unrolls the per-value loops of the SIMD searches a few times (GCC and clang both read this pragma): wasm has no
// scaled-index addressing, so V8 spends several scalar instructions per loop iteration (index, addresses, stack
// check) next to a dozen 4-lane ones; unrolled, they are paid once per UNROLL values. Fully unrolled loops are
// worse: clang then hoists all loads of a sub-block out of the candidate loop and V8 spills them.
#define GS_UNROLL_VALUES _Pragma("GCC unroll 4")

namespace gs::quant {

// Round to nearest, ties to even, for |v| <= 4194303 (ggml's nearest_int: add 1.5 * 2^23 and read the mantissa).
inline int nearest_int(float v) {
    float t = v + 12582912.f;
    int32_t i;
    std::memcpy(&i, &t, 4);
    return (i & 0x007fffff) - 0x00400000;
}

}  // namespace gs::quant
