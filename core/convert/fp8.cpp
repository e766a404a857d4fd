#include "core/convert/fp8.h"

#include <array>

#include "core/util/half.h"

namespace gs::convert {
namespace {
// A small float of `ebits` exponent bits (bias 2^(ebits-1) - 1) and `mbits` mantissa bits, as float32 bits:
// normals rebias their exponent, subnormals (exponent field 0) are mantissa * 2^(1 - bias - mbits), exact in f32.
float small_float(uint32_t sign, uint32_t e, uint32_t m, uint32_t ebits, uint32_t mbits) {
    const int bias = (1 << (ebits - 1)) - 1;
    if (e != 0) return f32_from_bits(sign << 31 | static_cast<uint32_t>(static_cast<int>(e) - bias + 127) << 23 | m << (23 - mbits));
    if (m == 0) return f32_from_bits(sign << 31);
    // m * 2^(1 - bias - mbits): normalise the mantissa's leading bit into the implicit one
    int exp = 1 - bias;
    while (!(m & (1u << mbits))) {
        m <<= 1;
        --exp;
    }
    m &= (1u << mbits) - 1;
    return f32_from_bits(sign << 31 | static_cast<uint32_t>(exp + 127) << 23 | m << (23 - mbits));
}

template <float (*F)(uint8_t)>
const float* table() {
    static const std::array<float, 256> t = [] {
        std::array<float, 256> a{};
        for (int i = 0; i < 256; ++i) a[i] = F(static_cast<uint8_t>(i));
        return a;
    }();
    return t.data();
}
}  // namespace

float fp8_e4m3_to_f32(uint8_t b) {
    const uint32_t s = b >> 7, e = (b >> 3) & 0xf, m = b & 7;
    if (e == 0xf && m == 7) return f32_from_bits(s << 31 | 0x7fc00000u);  // the only NaN; 0x78..0x7e are finite
    return small_float(s, e, m, 4, 3);
}

float fp8_e5m2_to_f32(uint8_t b) {
    const uint32_t s = b >> 7, e = (b >> 2) & 0x1f, m = b & 3;
    if (e == 0x1f) return f32_from_bits(s << 31 | 0x7f800000u | (m ? 0x400000u : 0u));  // inf, or a quiet NaN
    return small_float(s, e, m, 5, 2);
}

const float* fp8_e4m3_table() { return table<fp8_e4m3_to_f32>(); }
const float* fp8_e5m2_table() { return table<fp8_e5m2_to_f32>(); }

void fp8_to_f32(const float* t, const uint8_t* src, float* dst, size_t n) {
    for (size_t i = 0; i < n; ++i) dst[i] = t[src[i]];
}

}  // namespace gs::convert
