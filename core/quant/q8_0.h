// Q8_0: blocks of 32 weights stored as an f16 scale d and 32 int8 (x = d * q). ggml ignores the importance matrix
// for this type (quantize_q8_0 always takes the reference path), and so do we.
#pragma once
#include <cstdint>

namespace gs::quant {

void quantize_q8_0_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_q8_0_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);

// One block of 32 weights into 34 bytes, as quantize_row_q8_0_ref does (the SIMD kernel's fallback for blocks
// holding NaN, whose running max depends on the order of the elements).
void quantize_block_q8_0(const float* x, uint8_t* y);

}  // namespace gs::quant
