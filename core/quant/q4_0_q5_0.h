// Q4_0 and Q5_0: blocks of 32 weights as an f16 scale d and 4- or 5-bit levels q (x = d * (q - 8) or d * (q - 16)).
// Without an imatrix the scale comes from the block's largest |x| (quantize_row_q4_0_ref / q5_0_ref); with one,
// from ggml's weighted search make_qx_quants (quantize_row_q4_0_impl / q5_0_impl).
// Block bytes: Q4_0 = d, qs[16]; Q5_0 = d, qh (u32), qs[16].
#pragma once
#include <cstdint>

namespace gs::quant {

void quantize_q4_0_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_q4_0_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_q5_0_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_q5_0_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);

// One block, reference path (the SIMD kernels' fallback for blocks holding NaN).
void quantize_block_q4_0_ref(const float* x, uint8_t* y);
void quantize_block_q5_0_ref(const float* x, uint8_t* y);

}  // namespace gs::quant
