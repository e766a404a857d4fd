// C's float -> integer conversions as ggml's x86-64 build performs them. `(int8_t)f`, `(uint8_t)f` and the
// implicit conversion of roundf() into an int8_t compile to cvttss2si (truncate to int32; NaN and out-of-range
// values give INT32_MIN), then keep the low byte. C leaves those cases undefined, so we spell the x86 result out:
// it decides what pathological blocks (subnormal scales, whose inverse is inf) store.
#pragma once
#include <cmath>
#include <cstdint>

namespace gs::quant {

inline int32_t trunc_to_i32(float v) {
    return std::fabs(v) < 2147483648.f ? static_cast<int32_t>(v) : INT32_MIN;
}

// (int8_t)v and (uint8_t)v: the low byte of the truncated int32.
inline int8_t trunc_to_i8(float v) { return static_cast<int8_t>(static_cast<uint8_t>(trunc_to_i32(v) & 0xff)); }
inline uint8_t trunc_to_u8(float v) { return static_cast<uint8_t>(trunc_to_i32(v) & 0xff); }

}  // namespace gs::quant
