// Scalar IQ3_XXS / IQ3_S, step by step as ggml's quantize_row_iq3_xxs_impl and quantize_row_iq3_s_impl.
#include "core/quant/iq3.h"

#include <cstring>

#include "core/quant/iq_search.h"
#include "core/util/half.h"
#include "core/util/le.h"

namespace gs::quant {
namespace {
using namespace iq;

constexpr int kXxsBytes = 98, kSBytes = 110;
constexpr float kEpsXxs = 1e-8f;  // ggml's GROUP_MAX_EPS_IQ3_XXS

// The 32 weights of a sub-block: qw * sqrt(sigma2 + x^2) with an imatrix, x^2 without; and their square roots.
void weights(const float* xb, const float* qw, float sigma2, float* w, float* waux) {
    if (qw) {
        for (int i = 0; i < 32; ++i) w[i] = qw[i] * std::sqrt(sigma2 + xb[i] * xb[i]);
    } else {
        for (int i = 0; i < 32; ++i) w[i] = xb[i] * xb[i];
    }
    for (int i = 0; i < 32; ++i) waux[i] = std::sqrt(w[i]);
}

float sigma2_of(const float* x) {
    float s = 0;
    for (int i = 0; i < kSuper; ++i) s += x[i] * x[i];
    return 2 * s / kSuper;
}

// 8 sub-blocks of 32: 64 bytes of 8-bit grid indices, then per sub-block a uint32 of four 7-bit sign sets and the
// 4-bit scale on top. The super-block scale carries ggml's 1.0125 fudge factor.
void xxs_block(const Codebook& cb, const float* x, const float* qw, uint8_t* out) {
    const ScaleSearch search{32, 15, 0.2f, false, false};
    uint8_t q3[64] = {};
    uint32_t signs_scales[8] = {};
    float scales[8];
    float max_scale = 0;
    const float sigma2 = sigma2_of(x);
    for (int ib = 0; ib < 8; ++ib) {
        const float* xb = x + 32 * ib;
        float w[32], waux[32], xval[32];
        weights(xb, qw ? qw + 32 * ib : nullptr, sigma2, w, waux);
        uint8_t signs[4];
        for (int k = 0; k < 4; ++k) signs[k] = fold_signs_even(xb + 8 * k, w + 8 * k, xval + 8 * k);
        const float max = fold_max(xval, 32);
        scales[ib] = 0;
        if (max < kEpsXxs) continue;
        int8_t L[32] = {};
        bool on_grid[8] = {true, true, true, true, true, true, true, true};
        float scale = search_scale(cb, search, xval, w, waux, max, max / 15, L, on_grid);
        if (scale < 0) {
            scale = -scale;
            for (auto& s : signs) s = (~s) & 127;
        }
        for (int k = 0; k < 8; ++k) q3[8 * ib + k] = static_cast<uint8_t>(final_index(cb, L + 4 * k));
        signs_scales[ib] = signs[0] | (signs[1] << 7) | (signs[2] << 14) | (uint32_t(signs[3]) << 21);
        scales[ib] = scale;
        max_scale = max_scale > scale ? max_scale : scale;
    }
    std::memset(out, 0, kXxsBytes);
    if (!max_scale) return;
    const float d = max_scale / 31;
    le::store<uint16_t>(out, f32_to_f16(d * 1.0125f));
    const float id = 1 / d;
    std::memcpy(out + 2, q3, 64);
    for (int ib = 0; ib < 8; ++ib) {
        signs_scales[ib] |= uint32_t(scale_level(id, scales[ib], 15)) << 28;
        le::store<uint32_t>(out + 66 + 4 * ib, signs_scales[ib]);
    }
}

// 8 sub-blocks of 32: low bytes of the 9-bit grid indices (qs, 64), their top bits (qh, 8), 8 plain sign bits per
// group of 8 (signs, 32), 4-bit scales two per byte (4); ggml's fudge factor 1.033 on the super-block scale.
// ggml advances its qs and signs cursors only past sub-blocks it quantizes: an all-zero sub-block leaves no bytes
// there, and the next sub-block's indices and signs move up into its place. Reproduced, since it is in the files.
void s_block(const Codebook& cb, const float* x, const float* qw, uint8_t* out) {
    const ScaleSearch search{32, 9, 0.2f, false, true};
    std::memset(out, 0, kSBytes);
    uint8_t* qs = out + 2;
    uint8_t* qh = out + 66;
    uint8_t* signs_out = out + 74;
    uint8_t* sc = out + 106;
    float scales[8];
    float max_scale = 0;
    const float sigma2 = sigma2_of(x);
    for (int ib = 0; ib < 8; ++ib) {
        const float* xb = x + 32 * ib;
        float w[32], waux[32], xval[32];
        weights(xb, qw ? qw + 32 * ib : nullptr, sigma2, w, waux);
        uint8_t signs[4];
        for (int k = 0; k < 4; ++k) signs[k] = fold_signs(xb + 8 * k, xval + 8 * k);
        const float max = fold_max(xval, 32);
        scales[ib] = 0;
        if (!max) continue;
        int8_t L[32] = {};
        bool on_grid[8] = {};
        float scale = search_scale(cb, search, xval, w, waux, max, max / 15, L, on_grid);
        if (scale < 0) {
            scale = -scale;
            for (auto& s : signs) s = static_cast<uint8_t>(~s);
        }
        for (int k = 0; k < 8; ++k) {
            const int idx = final_index(cb, L + 4 * k);
            qs[k] = static_cast<uint8_t>(idx & 255);
            qh[ib] |= static_cast<uint8_t>((idx >> 8) << k);
        }
        qs += 8;
        std::memcpy(signs_out, signs, 4);
        signs_out += 4;
        scales[ib] = scale;
        max_scale = max_scale > scale ? max_scale : scale;
    }
    if (!max_scale) return;
    const float d = max_scale / 31;
    le::store<uint16_t>(out, f32_to_f16(d * 1.033f));
    const float id = 1 / d;
    for (int ib = 0; ib < 8; ib += 2)
        sc[ib / 2] = static_cast<uint8_t>(scale_level(id, scales[ib], 15) | (scale_level(id, scales[ib + 1], 15) << 4));
}

}  // namespace

void quantize_iq3_xxs_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    quantize_rows(Grid::Iq3xxs, xxs_block, kXxsBytes, src, dst, nrows, n_per_row, imatrix);
}
void quantize_iq3_s_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    quantize_rows(Grid::Iq3s, s_block, kSBytes, src, dst, nrows, n_per_row, imatrix);
}

}  // namespace gs::quant
