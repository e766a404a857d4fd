// Ternary types for BitNet b1.58 / TriLM models, as ggml's quantize_row_tq1_0_ref / quantize_row_tq2_0_ref.
// TQ1_0: 256 elements = 48 bytes of five base-3 digits + 4 bytes of four + fp16 scale (54 bytes).
// TQ2_0: 256 elements = 64 bytes of four 2-bit values + fp16 scale (66 bytes).
// The scale is the block's largest magnitude; ggml ignores the importance matrix for both (the golden files agree).
#pragma once
#include <cstdint>

namespace gs::quant {

void quantize_tq1_0_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_tq1_0_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_tq2_0_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);
void quantize_tq2_0_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);

namespace tq {
inline constexpr int kBlock = 256;
inline constexpr int kTq1Bytes = 54;
inline constexpr int kTq2Bytes = 66;

// Packs ternary digits t[256] (0, 1, 2 for -1, 0, +1) into TQ1_0's 48 + 4 bytes: each byte holds a base-3 number
// of 5 (or 4, shifted up one digit) digits, mapped to 0..255 by ceil(q * 256 / 243).
void pack_tq1(const uint8_t* t, uint8_t* qs);
// Packs t[256] into TQ2_0's 64 bytes: element m + 32n of each 128 in bits 2n of byte m.
void pack_tq2(const uint8_t* t, uint8_t* qs);
}  // namespace tq

}  // namespace gs::quant
