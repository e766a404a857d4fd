// Q6_K: super-blocks of 256 values in 16 sub-blocks of 16, 6-bit quants, int8 sub-block scales, fp16 d.
#pragma once
#include <cstdint>

namespace gs::quant {

// ggml's quantize_row_q6_K_ref (imatrix == nullptr) or quantize_row_q6_K_impl (with an imatrix).
void quantize_q6_k_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
// Same bytes; the 16-value scale searches run one sub-block per lane.
void quantize_q6_k_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);

}  // namespace gs::quant
