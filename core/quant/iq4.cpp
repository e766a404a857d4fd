// Scalar IQ4_NL / IQ4_XS, step by step as ggml's quantize_row_iq4_nl_impl with ntry = 7.
#include "core/quant/iq4.h"

#include <cstring>

#include "core/quant/common.h"
#include "core/quant/iq4_common.h"
#include "core/util/half.h"
#include "core/util/le.h"

namespace gs::quant {
namespace iq4 {

void quantize_nl_block(const float* x, const float* qw, uint8_t* out) {
    float w[kBlock];
    block_weights(x, qw, qw ? sigma2(x, kBlock) : 0.f, w);
    const float scale = search_scale(x, w, kTries);
    le::store<uint16_t>(out, f32_to_f16(scale));
    const float id = scale ? 1 / scale : 0;
    uint8_t L[kBlock];
    for (int j = 0; j < kBlock; ++j) L[j] = static_cast<uint8_t>(best_index(id * x[j]));
    pack_nibbles(L, kBlock, out + 2);
}

void xs_header(const float* scales, uint8_t* out, float* inv_scales) {
    // The sub-block scale with the largest magnitude (the first one on ties) sets the super-block scale.
    float max_scale = 0, amax_scale = 0;
    for (int ib = 0; ib < kSuper / kBlock; ++ib) {
        const float a = std::fabs(scales[ib]);
        if (a > amax_scale) { amax_scale = a; max_scale = scales[ib]; }
    }
    const float d = -max_scale / 32;
    le::store<uint16_t>(out, f32_to_f16(d));
    const float id = d ? 1 / d : 0.f;
    uint16_t scales_h = 0;
    uint8_t* scales_l = out + 4;
    std::memset(scales_l, 0, 4);
    for (int ib = 0; ib < kSuper / kBlock; ++ib) {
        int l = nearest_int(id * scales[ib]);
        l = l < -32 ? -32 : l > 31 ? 31 : l;
        const float dl = d * l;
        inv_scales[ib] = dl ? 1 / dl : 0.f;
        l += 32;
        scales_l[ib / 2] |= static_cast<uint8_t>((l & 0xf) << (4 * (ib % 2)));
        scales_h |= static_cast<uint16_t>((l >> 4) << (2 * (ib % 8)));
    }
    le::store<uint16_t>(out + 2, scales_h);
}

void quantize_xs_block(const float* x, const float* qw, uint8_t* out) {
    const float s2 = qw ? sigma2(x, kSuper) : 0.f;
    float scales[kSuper / kBlock], w[kBlock];
    for (int ib = 0; ib < kSuper / kBlock; ++ib) {
        block_weights(x + ib * kBlock, qw ? qw + ib * kBlock : nullptr, s2, w);
        scales[ib] = search_scale(x + ib * kBlock, w, kTries);
    }
    float idl[kSuper / kBlock];
    xs_header(scales, out, idl);
    uint8_t L[kSuper];
    for (int j = 0; j < kSuper; ++j) L[j] = static_cast<uint8_t>(best_index(idl[j / kBlock] * x[j]));
    pack_nibbles(L, kSuper, out + 8);
}

}  // namespace iq4

void quantize_iq4_nl_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    auto* out = static_cast<uint8_t*>(dst);
    const int64_t nb = n_per_row / iq4::kBlock;
    for (int64_t r = 0; r < nrows; ++r)
        for (int64_t b = 0; b < nb; ++b, out += iq4::kNlBytes)
            iq4::quantize_nl_block(src + r * n_per_row + b * iq4::kBlock, imatrix ? imatrix + b * iq4::kBlock : nullptr, out);
}

void quantize_iq4_xs_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    auto* out = static_cast<uint8_t*>(dst);
    const int64_t nb = n_per_row / iq4::kSuper;
    for (int64_t r = 0; r < nrows; ++r)
        for (int64_t b = 0; b < nb; ++b, out += iq4::kXsBytes)
            iq4::quantize_xs_block(src + r * n_per_row + b * iq4::kSuper, imatrix ? imatrix + b * iq4::kSuper : nullptr, out);
}

}  // namespace gs::quant
