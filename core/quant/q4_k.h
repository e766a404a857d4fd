// Q4_K: 256-value super-blocks of eight 32-value sub-blocks; 4-bit levels, each sub-block with a 6-bit scale and
// min (144 bytes: f16 d, f16 dmin, 12 scale bytes, 128 nibble bytes). The format behind Q4_K_S/Q4_K_M.
#pragma once
#include <cstdint>

#include "core/quant/kquant_search.h"

namespace gs::quant {

void quantize_q4_k_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_q4_k_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);

namespace q4_k {
constexpr int kBlockBytes = 144;
constexpr int kNmax = 15;
constexpr AffineSearch kRefSearch{32, kNmax, -1.f, 0.1f, 20, false, false};        // quantize_row_q4_K_ref
constexpr AffineSearch kImatrixSearch{32, kNmax, -0.9f, 0.05f, 36, false, true};   // quantize_row_q4_K_impl
// Packs 256 levels (0..15) into the block's nibble bytes: byte l of each 64-value group holds l and l + 32.
void pack_levels(const uint8_t* L, uint8_t* block);
}  // namespace q4_k

}  // namespace gs::quant
