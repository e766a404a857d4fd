// Scalar half-precision conversions, bit-identical to ggml's (IEEE round-to-nearest-even; NaN stays NaN).
// The vectorized row versions live in core/convert/; these are for single values inside quant kernels.
#pragma once
#include <cstdint>
#include <cstring>

namespace gs {

inline uint32_t f32_bits(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }
inline float f32_from_bits(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }

inline uint16_t f32_to_f16(float f) {
    const uint32_t x = f32_bits(f);
    const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
    const uint32_t a = x & 0x7fffffffu;
    if (a > 0x7f800000u) return sign | 0x7e00u;   // NaN -> quiet NaN
    if (a >= 0x477ff000u) return sign | 0x7c00u;  // >= 65520 rounds to infinity
    if (a >= 0x38800000u) {                       // normal half (>= 2^-14): rebias, round mantissa to 10 bits
        uint32_t m = a - 0x38000000u;
        m += 0x0fffu + ((m >> 13) & 1u);
        return static_cast<uint16_t>(sign | (m >> 13));
    }
    if (a <= 0x33000000u) return sign;  // <= 2^-25 rounds (ties to even) to zero
    // Subnormal half: value / 2^-24 = mantissa * 2^(e - 126), rounded to nearest even.
    const uint32_t e = a >> 23;
    const uint32_t mant = (a & 0x7fffffu) | 0x800000u;
    const uint32_t shift = 126u - e;
    uint32_t r = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1u), half = 1u << (shift - 1u);
    if (rem > half || (rem == half && (r & 1u))) ++r;
    return static_cast<uint16_t>(sign | r);
}

inline float f16_to_f32(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
    if (e == 0x1f) return f32_from_bits(sign | 0x7f800000u | (m << 13) | (m ? 0x400000u : 0u));  // NaN comes out quiet, as in ggml
    if (e != 0) return f32_from_bits(sign | ((e + 112u) << 23) | (m << 13));
    if (m == 0) return f32_from_bits(sign);
    const float v = static_cast<float>(m) * (1.0f / 16777216.0f);  // exact: m * 2^-24
    return sign ? -v : v;
}

inline uint16_t f32_to_bf16(float f) {
    const uint32_t u = f32_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 64u);  // quiet NaN
    return static_cast<uint16_t>((u + (0x7fffu + ((u >> 16) & 1u))) >> 16);
}

inline float bf16_to_f32(uint16_t b) { return f32_from_bits(static_cast<uint32_t>(b) << 16); }

}  // namespace gs
