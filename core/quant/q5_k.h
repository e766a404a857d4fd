// Q5_K: like Q4_K with 5-bit levels (176 bytes: f16 d, f16 dmin, 12 scale bytes, 32 high-bit bytes, 128 nibble
// bytes). The format behind Q5_K_S/Q5_K_M.
#pragma once
#include <cstdint>

#include "core/quant/kquant_search.h"

namespace gs::quant {

void quantize_q5_k_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_q5_k_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);

namespace q5_k {
constexpr int kBlockBytes = 176;
constexpr int kNmax = 31;
constexpr AffineSearch kRefSearch{32, kNmax, -0.5f, 0.1f, 15, false, false};       // quantize_row_q5_K_ref
constexpr AffineSearch kImatrixSearch{32, kNmax, -0.9f, 0.05f, 36, false, true};   // quantize_row_q5_K_impl
// Packs 256 levels (0..31): low nibbles as in Q4_K, the fifth bits into qh (bit 2k / 2k+1 for group k).
void pack_levels(const uint8_t* L, uint8_t* block);
}  // namespace q5_k

}  // namespace gs::quant
