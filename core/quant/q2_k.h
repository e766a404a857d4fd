// Q2_K: 256-value super-blocks of sixteen 16-value sub-blocks; 2-bit levels, each sub-block with a 4-bit scale and
// min (84 bytes: 16 scale bytes, 64 level bytes, f16 d, f16 dmin).
#pragma once
#include <cstdint>

#include "core/quant/kquant_search.h"

namespace gs::quant {

void quantize_q2_k_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_q2_k_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);

namespace q2_k {
constexpr int kBlockBytes = 84;
constexpr int kSubBlocks = 16;
constexpr int kScalesOffset = 0, kQsOffset = 16, kDOffset = 80, kDminOffset = 82;
constexpr AffineSearch kRefSearch{16, 3, -0.5f, 0.1f, 15, true, false};       // quantize_row_q2_K_ref
constexpr AffineSearch kImatrixSearch{16, 3, -0.9f, 0.05f, 36, false, true};  // quantize_row_q2_K_impl
// Writes d, dmin and the 16 scale bytes from the sub-blocks' scales and mins (sw: per-sub-block weight sums, or
// null for the reference path).
void encode_head(const float* scales, const float* mins, const float* sw, uint8_t* block);
// The float step and offset of sub-block j as the block stores them.
void sub_block_step(const uint8_t* block, int j, float* d, float* dm);
// Packs 256 levels (0..3): byte l of each 128-value group holds l, l + 32, l + 64, l + 96.
void pack_levels(const uint8_t* L, uint8_t* block);
}  // namespace q2_k

}  // namespace gs::quant
