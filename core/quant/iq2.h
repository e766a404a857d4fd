// IQ2_XXS (2.06 bpw), IQ2_XS (2.31 bpw), IQ2_S (2.56 bpw): super-blocks of 256 whose groups of 8 values are points
// of an E8-lattice codebook (iq_grids.h) with sign bits and 4-bit sub-block scales. They follow ggml's
// quantize_row_iq2_xxs_impl / _xs_impl / _s_impl. IQ2_XXS and IQ2_XS need an importance matrix (ggml asserts one;
// the registry refuses without); given none anyway, these kernels weigh every column 1.
#pragma once
#include <cstdint>

namespace gs::quant {

void quantize_iq2_xxs_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_iq2_xs_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_iq2_s_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);

}  // namespace gs::quant
