#include "core/quant/q45_k_common.h"

#include <cmath>

#include "core/quant/common.h"
#include "core/quant/kquant_search.h"

namespace gs::quant::k4 {
namespace {

// ggml fills the 12 bytes in sub-block order: plain bytes for j < 4, then ORs the high bits in for j >= 4.
void pack_scales(const uint8_t* ls, const uint8_t* lm, uint8_t* q) {
    for (int j = 0; j < kSubBlocks; ++j) {
        if (j < 4) {
            q[j] = ls[j];
            q[j + 4] = lm[j];
        } else {
            q[j + 4] = static_cast<uint8_t>((ls[j] & 0xF) | ((lm[j] & 0xF) << 4));
            q[j - 4] |= static_cast<uint8_t>((ls[j] >> 4) << 6);
            q[j - 0] |= static_cast<uint8_t>((lm[j] >> 4) << 6);
        }
    }
}

}  // namespace

void encode_head_ref(const float* scales, const float* mins, uint8_t* head) {
    float max_scale = 0;  // scales are positive once the min is taken out
    float max_min = 0;
    for (int j = 0; j < kSubBlocks; ++j) {
        if (scales[j] > max_scale) max_scale = scales[j];
        if (mins[j] > max_min) max_min = mins[j];
    }
    const float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
    const float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
    uint8_t ls[kSubBlocks], lm[kSubBlocks];
    for (int j = 0; j < kSubBlocks; ++j) {
        // ggml narrows to uint8_t before clamping to 63.
        ls[j] = static_cast<uint8_t>(nearest_int(inv_scale * scales[j]));
        lm[j] = static_cast<uint8_t>(nearest_int(inv_min * mins[j]));
        ls[j] = 63 < ls[j] ? 63 : ls[j];
        lm[j] = 63 < lm[j] ? 63 : lm[j];
    }
    pack_scales(ls, lm, head + 4);
    le::store<uint16_t>(head, f32_to_f16(max_scale / 63.f));
    le::store<uint16_t>(head + 2, f32_to_f16(max_min / 63.f));
}

void encode_head_imatrix(const float* scales, const float* mins, const float* sw, bool clamp63, uint8_t* head) {
    uint8_t ls[kSubBlocks], lm[kSubBlocks];
    const float d_block = make_qp_quants(kSubBlocks, 63, scales, ls, sw);
    const float m_block = make_qp_quants(kSubBlocks, 63, mins, lm, sw);
    if (clamp63) {
        for (int j = 0; j < kSubBlocks; ++j) {
            ls[j] = 63 < ls[j] ? 63 : ls[j];
            lm[j] = 63 < lm[j] ? 63 : lm[j];
        }
    }
    pack_scales(ls, lm, head + 4);
    le::store<uint16_t>(head, f32_to_f16(d_block));
    le::store<uint16_t>(head + 2, f32_to_f16(m_block));
}

void requantize(const float* x, const uint8_t* head, int nmax, uint8_t* L) {
    for (int j = 0; j < kSubBlocks; ++j) {
        float d, dm;
        sub_block_step(head, j, &d, &dm);
        if (!d) continue;
        for (int ii = 0; ii < 32; ++ii) {
            int l = nearest_int((x[32 * j + ii] + dm) / d);
            l = nmax < l ? nmax : l;
            L[32 * j + ii] = static_cast<uint8_t>(0 > l ? 0 : l);
        }
    }
}

void quantize_block(const float* x, const float* qw, const AffineSearch& ref, const AffineSearch& imatrix,
                    bool clamp63, uint8_t* head, uint8_t* L) {
    float scales[kSubBlocks], mins[kSubBlocks], weights[32];
    if (!qw) {
        for (int j = 0; j < kSubBlocks; ++j) {
            const float* xs = x + 32 * j;
            float sum_x2 = 0;
            for (int l = 0; l < 32; ++l) sum_x2 += xs[l] * xs[l];
            const float av_x = std::sqrt(sum_x2 / 32);
            for (int l = 0; l < 32; ++l) weights[l] = av_x + std::fabs(xs[l]);
            scales[j] = search_affine(ref, xs, weights, L + 32 * j, &mins[j]);
        }
        encode_head_ref(scales, mins, head);
    } else {
        float sw[kSubBlocks];
        float sum_x2 = 0;
        for (int l = 0; l < 256; ++l) sum_x2 += x[l] * x[l];
        const float sigma2 = 2 * sum_x2 / 256;
        for (int j = 0; j < kSubBlocks; ++j) {
            const float* xs = x + 32 * j;
            for (int l = 0; l < 32; ++l) weights[l] = qw[32 * j + l] * std::sqrt(sigma2 + xs[l] * xs[l]);
            float sumw = 0;
            for (int l = 0; l < 32; ++l) sumw += weights[l];
            sw[j] = sumw;
            scales[j] = search_affine(imatrix, xs, weights, L + 32 * j, &mins[j]);
        }
        encode_head_imatrix(scales, mins, sw, clamp63, head);
    }
    requantize(x, head, ref.nmax, L);
}

}  // namespace gs::quant::k4
