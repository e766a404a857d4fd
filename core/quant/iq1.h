// IQ1_S (1.56 bpw) and IQ1_M (1.75 bpw): super-blocks of 256 whose groups of 8 ternary values (-1, 0, 1, shifted by
// +-1/8 per sub-block) are points of a 2048-point codebook (iq_grids.h), with 3-bit sub-block scales. They follow
// ggml's quantize_row_iq1_s_impl / quantize_row_iq1_m_impl. IQ1_S needs an importance matrix (ggml asserts one; the
// registry refuses without; given none anyway, this kernel weighs every column 1); IQ1_M works without (weights x^2).
#pragma once
#include <cstdint>

namespace gs::quant {

void quantize_iq1_s_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_iq1_m_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);

}  // namespace gs::quant
