// IQ3_XXS (3.06 bpw) and IQ3_S (3.44 bpw): super-blocks of 256 whose groups of 4 values are points of a D4-lattice
// codebook (iq_grids.h), with sign bits and 4-bit sub-block scales. They follow ggml's quantize_row_iq3_xxs_impl and
// quantize_row_iq3_s_impl, with an importance matrix or without (then weights x^2).
#pragma once
#include <cstdint>

namespace gs::quant {

void quantize_iq3_xxs_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_iq3_s_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);

}  // namespace gs::quant
