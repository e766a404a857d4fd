// The two FP8 formats of safetensors, decoded exactly to f32 (every FP8 value is a float32 value).
//   F8_E4M3 is the "fn" variant torch.float8_e4m3fn: 1 sign, 4 exponent bits (bias 7), 3 mantissa bits; no
//   infinities, S.1111.111 (0x7f / 0xff) is NaN, so the largest finite value is 1.75 * 2^8 = 448.
//   F8_E5M2 is IEEE-like (torch.float8_e5m2): 5 exponent bits (bias 15), 2 mantissa bits, with inf and NaN.
#pragma once
#include <cstddef>
#include <cstdint>

namespace gs::convert {

float fp8_e4m3_to_f32(uint8_t b);
float fp8_e5m2_to_f32(uint8_t b);

// The 256 values of each format, built once from the functions above.
const float* fp8_e4m3_table();
const float* fp8_e5m2_table();

// Decodes n bytes through a table.
void fp8_to_f32(const float* table, const uint8_t* src, float* dst, size_t n);

}  // namespace gs::convert
