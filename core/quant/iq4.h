// IQ4_NL (blocks of 32: fp16 scale + 16 nibbles indexing a non-linear grid) and IQ4_XS (super-blocks of 256: fp16
// scale, eight 6-bit sub-block scales, 128 nibbles). Both follow ggml's quantize_iq4_nl / quantize_iq4_xs, which is
// what ggml_quantize_chunk (and so llama-quantize) runs with and without an importance matrix.
#pragma once
#include <cstdint>

namespace gs::quant {

void quantize_iq4_nl_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_iq4_nl_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_iq4_xs_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_iq4_xs_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);

namespace iq4 {
inline constexpr int kNlBytes = 18;  // block_iq4_nl
inline constexpr int kXsBytes = 136;  // block_iq4_xs

// One block / super-block, scalar; qw is the block's slice of the imatrix or nullptr.
void quantize_nl_block(const float* x, const float* qw, uint8_t* out);
void quantize_xs_block(const float* x, const float* qw, uint8_t* out);

// IQ4_XS once the eight sub-block scales are known: writes the super-block scale and the 6-bit sub-block scales
// (out[0..7]) and returns in inv_scales the inverse of each rounded sub-block scale, under which the nibbles are
// chosen again. Shared by the scalar and SIMD kernels.
void xs_header(const float* scales, uint8_t* out, float* inv_scales);
}  // namespace iq4

}  // namespace gs::quant
