// Q4_1 and Q5_1: blocks of 32 weights as an f16 scale d, an f16 minimum m and 4- or 5-bit levels q (x = d * q + m).
// Without an imatrix d and m come from the block's range (quantize_row_q4_1_ref / q5_1_ref); with one, from
// ggml's weighted search make_qkx3_quants (quantize_row_q4_1_impl / q5_1_impl).
// Block bytes: Q4_1 = d, m, qs[16]; Q5_1 = d, m, qh (u32), qs[16].
#pragma once
#include <cstdint>

namespace gs::quant {

void quantize_q4_1_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_q4_1_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_q5_1_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_q5_1_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);

// One block, reference path (the SIMD kernels' fallback for blocks holding NaN).
void quantize_block_q4_1_ref(const float* x, uint8_t* y);
void quantize_block_q5_1_ref(const float* x, uint8_t* y);

}  // namespace gs::quant
