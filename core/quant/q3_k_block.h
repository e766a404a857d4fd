// Q3_K's block layout (ggml-common.h block_q3_K) and the steps that follow the 16 sub-block scale searches,
// shared by the scalar and SIMD kernels: 6-bit sub-block scales, re-rounding with them, packing 3-bit quants.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/quant/common.h"
#include "core/util/half.h"
#include "core/util/le.h"

namespace gs::quant::q3k {

constexpr int kHmask = 0, kQs = 32, kScales = 96, kD = 108, kBlockBytes = 110;

// Packs 16 6-bit scale codes (0..63): low nibbles of 0-7 and 8-15 share bytes 0-7, the top 2 bits go to 8-11.
inline void pack_scales(const int* l6, uint8_t* y) {
    uint8_t* s = y + kScales;
    std::memset(s, 0, 12);
    for (int j = 0; j < 16; ++j) {
        const int l = l6[j];
        if (j < 8) s[j] = uint8_t(l & 0xF);
        else s[j - 8] |= uint8_t((l & 0xF) << 4);
        s[j % 4 + 8] |= uint8_t((l >> 4) << (2 * (j / 4)));
    }
}

// quantize_row_q3_K_ref's scale step: 6-bit codes relative to the sub-block scale of largest magnitude.
inline void write_scales_ref(const float* scales, uint8_t* y) {
    float max_scale = 0, amax = 0;
    for (int j = 0; j < 16; ++j) {
        const float a = std::fabs(scales[j]);
        if (a > amax) { amax = a; max_scale = scales[j]; }
    }
    if (max_scale == 0) {
        std::memset(y + kScales, 0, 12);
        le::store<uint16_t>(y + kD, f32_to_f16(0.f));
        return;
    }
    const float iscale = -32.f / max_scale;
    int l6[16];
    for (int j = 0; j < 16; ++j) {
        // ggml stores nearest_int into an int8_t before clamping.
        const int8_t l = int8_t(nearest_int(iscale * scales[j]));
        l6[j] = std::max(-32, std::min(31, int(l))) + 32;
    }
    pack_scales(l6, y);
    le::store<uint16_t>(y + kD, f32_to_f16(1 / iscale));
}

// The float scale of sub-block j as stored (fp16 d times the signed 6-bit scale).
inline float sub_scale(const uint8_t* y, int j) {
    const uint8_t* s = y + kScales;
    int sc = j < 8 ? s[j] & 0xF : s[j - 8] >> 4;
    sc = (sc | (((s[8 + j % 4] >> (2 * (j / 4))) & 3) << 4)) - 32;
    return f16_to_f32(le::load<uint16_t>(y + kD)) * float(sc);
}

// Re-rounds every sub-block against its stored scale; sub-blocks whose stored scale is 0 keep the search's L.
inline void requantize(const float* x, const uint8_t* y, int8_t* L) {
    for (int j = 0; j < 16; ++j) {
        const float d = sub_scale(y, j);
        if (d == 0) continue;
        for (int ii = 0; ii < 16; ++ii)
            L[16 * j + ii] = int8_t(std::max(-4, std::min(3, nearest_int(x[16 * j + ii] / d))) + 4);
    }
}

// Bit 2 of quant j goes to hmask[j % 32] bit j / 32; the low 2 bits of four quants 32 apart share a qs byte.
// (ggml tests L > 3 and subtracts 4; for codes 0..7 that is bit 2 and L & 3, without a branch per quant.)
inline void pack(const int8_t* L, uint8_t* y) {
    uint8_t* hmask = y + kHmask;
    for (int m = 0; m < 32; ++m) {
        int h = 0;
        for (int b = 0; b < 8; ++b) h |= ((L[32 * b + m] >> 2) & 1) << b;
        hmask[m] = uint8_t(h);
    }
    uint8_t* qs = y + kQs;
    for (int j = 0; j < 256; j += 128)
        for (int l = 0; l < 32; ++l)
            qs[j / 4 + l] = uint8_t((L[j + l] & 3) | ((L[j + l + 32] & 3) << 2) | ((L[j + l + 64] & 3) << 4) |
                                    ((L[j + l + 96] & 3) << 6));
}

}  // namespace gs::quant::q3k
