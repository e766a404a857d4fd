// MXFP4: blocks of 32 = one E8M0 exponent byte + 16 bytes of FP4 (E2M1) nibbles, as ggml's quantize_row_mxfp4_ref.
// ggml ignores the importance matrix for this type, so the imatrix argument is accepted and unused.
#pragma once
#include <cstdint>

namespace gs::quant {

void quantize_mxfp4_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_mxfp4_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);

namespace mxfp4 {
inline constexpr int kBlock = 32;
inline constexpr int kBytes = 17;
// E2M1 values doubled (the "half" scale below takes the factor back).
inline constexpr int8_t kValues[16] = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};

// The block's exponent byte from its largest magnitude: floor(log2(amax)) - 2 + 127, converted the way x86 converts
// a float to uint8_t (truncate to int32, keep the low byte), so tiny or huge amax wrap exactly as in ggml.
uint8_t exponent_of(float amax);
// 2^(e - 128): ggml's GGML_E8M0_TO_FP32_HALF.
float half_scale(uint8_t e);
void quantize_block(const float* x, uint8_t* out);
}  // namespace mxfp4

}  // namespace gs::quant
