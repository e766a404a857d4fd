#include "core/quant/q2_k.h"

#include <cmath>

#include "core/quant/common.h"
#include "core/util/half.h"
#include "core/util/le.h"

namespace gs::quant {

void q2_k::encode_head(const float* scales, const float* mins, const float* sw, uint8_t* block) {
    uint8_t* sc = block + kScalesOffset;
    if (!sw) {  // quantize_row_q2_K_ref: 4-bit levels against the largest scale and the largest min
        const float q4scale = 15.f;
        float max_scale = 0, max_min = 0;
        for (int j = 0; j < kSubBlocks; ++j) {
            if (scales[j] > max_scale) max_scale = scales[j];
            if (mins[j] > max_min) max_min = mins[j];
        }
        if (max_scale > 0) {
            const float iscale = q4scale / max_scale;
            for (int j = 0; j < kSubBlocks; ++j) sc[j] = static_cast<uint8_t>(nearest_int(iscale * scales[j]));
            le::store<uint16_t>(block + kDOffset, f32_to_f16(max_scale / q4scale));
        } else {
            for (int j = 0; j < kSubBlocks; ++j) sc[j] = 0;
            le::store<uint16_t>(block + kDOffset, f32_to_f16(0.f));
        }
        if (max_min > 0) {
            const float iscale = q4scale / max_min;
            // Shifted as unsigned: the level can be negative for degenerate inputs (ggml shifts the int; the low
            // byte is the same).
            for (int j = 0; j < kSubBlocks; ++j)
                sc[j] |= static_cast<uint8_t>(static_cast<uint32_t>(nearest_int(iscale * mins[j])) << 4);
            le::store<uint16_t>(block + kDminOffset, f32_to_f16(max_min / q4scale));
        } else {
            le::store<uint16_t>(block + kDminOffset, f32_to_f16(0.f));
        }
        return;
    }
    // quantize_row_q2_K_impl: make_qp_quants over the scales and the mins
    uint8_t Ls[kSubBlocks], Lm[kSubBlocks];
    const float dm = make_qp_quants(kSubBlocks, 15, scales, Ls, sw);
    const float mm = make_qp_quants(kSubBlocks, 15, mins, Lm, sw);
    le::store<uint16_t>(block + kDOffset, f32_to_f16(dm));
    le::store<uint16_t>(block + kDminOffset, f32_to_f16(mm));
    for (int j = 0; j < kSubBlocks; ++j) sc[j] = static_cast<uint8_t>(Ls[j] | (Lm[j] << 4));
}

void q2_k::sub_block_step(const uint8_t* block, int j, float* d, float* dm) {
    const uint8_t sc = block[kScalesOffset + j];
    *d = f16_to_f32(le::load<uint16_t>(block + kDOffset)) * (sc & 0xF);
    *dm = f16_to_f32(le::load<uint16_t>(block + kDminOffset)) * (sc >> 4);
}

void q2_k::pack_levels(const uint8_t* L, uint8_t* block) {
    uint8_t* qs = block + kQsOffset;
    for (int j = 0; j < 256; j += 128)
        for (int l = 0; l < 32; ++l)
            qs[j / 4 + l] =
                static_cast<uint8_t>(L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
}

namespace {

void quantize_block(const float* x, const float* qw, uint8_t* block) {
    using namespace q2_k;
    float scales[kSubBlocks], mins[kSubBlocks], sw[kSubBlocks], weights[16];
    uint8_t L[256];
    if (!qw) {
        for (int j = 0; j < kSubBlocks; ++j) {
            for (int l = 0; l < 16; ++l) weights[l] = std::fabs(x[16 * j + l]);
            scales[j] = search_affine(kRefSearch, x + 16 * j, weights, L + 16 * j, &mins[j]);
        }
    } else {
        float sumx2 = 0;
        for (int j = 0; j < 256; ++j) sumx2 += x[j] * x[j];
        const float sigma2 = sumx2 / 256;
        for (int j = 0; j < kSubBlocks; ++j) {
            for (int l = 0; l < 16; ++l) weights[l] = qw[16 * j + l] * std::sqrt(sigma2 + x[16 * j + l] * x[16 * j + l]);
            sw[j] = 0;
            for (int l = 0; l < 16; ++l) sw[j] += weights[l];
            scales[j] = search_affine(kImatrixSearch, x + 16 * j, weights, L + 16 * j, &mins[j]);
        }
    }
    encode_head(scales, mins, qw ? sw : nullptr, block);
    for (int j = 0; j < kSubBlocks; ++j) {
        float d, dm;
        sub_block_step(block, j, &d, &dm);
        if (!d) continue;
        for (int ii = 0; ii < 16; ++ii) {
            int l = nearest_int((x[16 * j + ii] + dm) / d);
            l = 3 < l ? 3 : l;
            L[16 * j + ii] = static_cast<uint8_t>(0 > l ? 0 : l);
        }
    }
    pack_levels(L, block);
}

}  // namespace

void quantize_q2_k_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    const int64_t nb = n_per_row / 256;
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t r = 0; r < nrows; ++r)
        for (int64_t i = 0; i < nb; ++i)
            quantize_block(src + (r * nb + i) * 256, imatrix ? imatrix + 256 * i : nullptr,
                           out + (r * nb + i) * q2_k::kBlockBytes);
}

}  // namespace gs::quant
