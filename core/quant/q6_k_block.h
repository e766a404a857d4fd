// Q6_K's block layout (ggml-common.h block_q6_K) and the steps that follow the 16 sub-block scale searches,
// shared by the scalar and SIMD kernels: choosing the super-block scale, re-rounding with the stored scales,
// and packing 6-bit quants.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/quant/common.h"
#include "core/quant/kquant_qx.h"
#include "core/util/half.h"
#include "core/util/le.h"

namespace gs::quant::q6k {

constexpr int kQl = 0, kQh = 128, kScales = 192, kD = 208, kBlockBytes = 210;

// Writes d and the 16 int8 scales from the sub-block scales. Returns false after zeroing the whole block when
// every sub-block scale is (almost) zero; L is then not needed.
inline bool write_scales(const float* scales, uint8_t* y) {
    float max_scale = 0, max_abs_scale = 0;
    for (int ib = 0; ib < 16; ++ib) {
        const float abs_scale = std::fabs(scales[ib]);
        if (abs_scale > max_abs_scale) { max_abs_scale = abs_scale; max_scale = scales[ib]; }
    }
    if (max_abs_scale < kGroupMaxEps) {
        std::memset(y, 0, kBlockBytes);
        return false;
    }
    const float iscale = -128.f / max_scale;
    le::store<uint16_t>(y + kD, f32_to_f16(1 / iscale));
    for (int ib = 0; ib < 16; ++ib) y[kScales + ib] = uint8_t(int8_t(std::min(127, nearest_int(iscale * scales[ib]))));
    return true;
}

// The float scale of sub-block j as stored (fp16 d times the int8 scale).
inline float sub_scale(const uint8_t* y, int j) { return f16_to_f32(le::load<uint16_t>(y + kD)) * float(int8_t(y[kScales + j])); }

// Re-rounds every sub-block against its stored scale; sub-blocks whose stored scale is 0 keep the search's L.
inline void requantize(const float* x, const uint8_t* y, int8_t* L) {
    for (int j = 0; j < 16; ++j) {
        const float d = sub_scale(y, j);
        if (d == 0) continue;
        for (int ii = 0; ii < 16; ++ii)
            L[16 * j + ii] = int8_t(std::max(-32, std::min(31, nearest_int(x[16 * j + ii] / d))) + 32);
    }
}

// Low 4 bits of L[j+l] and L[j+l+64] share ql bytes; the top 2 bits of four quants 32 apart share a qh byte.
inline void pack(const int8_t* L, uint8_t* y) {
    uint8_t* ql = y + kQl;
    uint8_t* qh = y + kQh;
    for (int j = 0; j < 256; j += 128) {
        for (int l = 0; l < 32; ++l) {
            const int q1 = L[j + l], q2 = L[j + l + 32], q3 = L[j + l + 64], q4 = L[j + l + 96];
            ql[l] = uint8_t((q1 & 0xF) | ((q3 & 0xF) << 4));
            ql[l + 32] = uint8_t((q2 & 0xF) | ((q4 & 0xF) << 4));
            qh[l] = uint8_t((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
        }
        ql += 64;
        qh += 32;
    }
}

}  // namespace gs::quant::q6k
