// Scalar IQ2_XXS / IQ2_XS / IQ2_S, step by step as ggml's quantize_row_iq2_{xxs,xs,s}_impl.
#include "core/quant/iq2.h"

#include <cstring>

#include "core/quant/iq_search.h"
#include "core/quant/kquant_search.h"
#include "core/util/half.h"
#include "core/util/le.h"

namespace gs::quant {
namespace {
using namespace iq;

constexpr int kXxsBytes = 66, kXsBytes = 74, kSBytes = 82;
constexpr float kEpsXxs = 1e-15f, kEpsS = 1e-8f;  // ggml's GROUP_MAX_EPS and GROUP_MAX_EPS_IQ2_S

// Per-value importance: qw * sqrt(sigma2 + x^2) (qw = 1 without an imatrix), and its square root for the
// neighbour search.
void weights(const float* x, const float* qw, float sigma2, int n, float* w, float* waux) {
    for (int i = 0; i < n; ++i) w[i] = (qw ? qw[i] : 1.f) * std::sqrt(sigma2 + x[i] * x[i]);
    for (int i = 0; i < n; ++i) waux[i] = std::sqrt(w[i]);
}

float sum_squares(const float* x) {
    float s = 0;
    for (int i = 0; i < kSuper; ++i) s += x[i] * x[i];
    return s;
}

// 8 sub-blocks of 32: per sub-block two uint32, the four 8-bit grid indices, then four 7-bit sign sets and the
// 4-bit scale on top.
void xxs_block(const Codebook& cb, const float* x, const float* qw, uint8_t* out) {
    const ScaleSearch search{32, 6, 0.1f, true, true};
    uint32_t q2[16] = {};
    float scales[8];
    float max_scale = 0;
    const float sigma2 = sum_squares(x) / kSuper;
    for (int ib = 0; ib < 8; ++ib) {
        const float* xb = x + 32 * ib;
        float w[32], waux[32], xval[32];
        weights(xb, qw ? qw + 32 * ib : nullptr, sigma2, 32, w, waux);
        uint8_t signs[4];
        for (int k = 0; k < 4; ++k) signs[k] = fold_signs_even(xb + 8 * k, w + 8 * k, xval + 8 * k);
        const float max = fold_max(xval, 32);
        scales[ib] = 0;
        if (max < kEpsXxs) continue;
        // ggml starts from make_qp_quants' scale and sweeps around 3 times it; its levels stay in L (a byte array
        // there) when the sweep never improves, and the refinement then replaces them.
        int8_t L[32];
        bool on_grid[4] = {};
        float scale = make_qp_quants(32, 4, xval, reinterpret_cast<uint8_t*>(L), w);
        if (scale * 3 <= 0) continue;
        scale = search_scale(cb, search, xval, w, waux, scale * 3, scale, L, on_grid);
        if (scale < 0) {  // should not happen; ggml flips the scale and the signs "just in case"
            scale = -scale;
            for (auto& s : signs) s = (~s) & 127;
        }
        for (int k = 0; k < 4; ++k) {
            q2[2 * ib] |= uint32_t(final_index(cb, L + 8 * k)) << (8 * k);
            q2[2 * ib + 1] |= uint32_t(signs[k]) << (7 * k);
        }
        scales[ib] = scale;
        max_scale = max_scale > scale ? max_scale : scale;
    }
    std::memset(out, 0, kXxsBytes);
    if (!max_scale) return;
    const float d = max_scale / 31;
    le::store<uint16_t>(out, f32_to_f16(d));
    const float id = 1 / d;
    for (int ib = 0; ib < 8; ++ib) q2[2 * ib + 1] |= uint32_t(scale_level(id, scales[ib], 15)) << 28;
    for (int i = 0; i < 16; ++i) le::store<uint32_t>(out + 2 + 4 * i, q2[i]);
}

// 16 sub-blocks of 16: per group of 8 a uint16 of the 9-bit grid index and 7 sign bits; 4-bit scales, two per byte.
void xs_block(const Codebook& cb, const float* x, const float* qw, uint8_t* out) {
    const ScaleSearch search{16, 9, 0.1f, false, false};
    uint16_t q2[32] = {};
    float scales[16];
    float max_scale = 0;
    const float sigma2 = sum_squares(x) / kSuper;
    for (int ib = 0; ib < 16; ++ib) {
        const float* xb = x + 16 * ib;
        float w[16], waux[16], xval[16];
        weights(xb, qw ? qw + 16 * ib : nullptr, sigma2, 16, w, waux);
        uint8_t signs[2];
        for (int k = 0; k < 2; ++k) signs[k] = fold_signs_even(xb + 8 * k, w + 8 * k, xval + 8 * k);
        const float max = fold_max(xval, 16);
        scales[ib] = 0;
        if (max < kEpsXxs) continue;
        int8_t L[16] = {};
        bool on_grid[2] = {true, true};
        float scale = search_scale(cb, search, xval, w, waux, max, max / 5, L, on_grid);
        if (scale < 0) {
            scale = -scale;
            for (auto& s : signs) s = (~s) & 127;
        }
        for (int k = 0; k < 2; ++k)
            q2[2 * ib + k] = static_cast<uint16_t>(final_index(cb, L + 8 * k) | (signs[k] << 9));
        scales[ib] = scale;
        max_scale = max_scale > scale ? max_scale : scale;
    }
    std::memset(out, 0, kXsBytes);
    if (!max_scale) return;
    const float d = max_scale / 31;
    le::store<uint16_t>(out, f32_to_f16(d));
    const float id = 1 / d;
    for (int i = 0; i < 32; ++i) le::store<uint16_t>(out + 2 + 2 * i, q2[i]);
    for (int ib = 0; ib < 16; ++ib)
        out[66 + ib / 2] |= static_cast<uint8_t>(scale_level(id, scales[ib], 15) << (4 * (ib % 2)));
}

// 16 sub-blocks of 16: per group of 8 the low byte of its 10-bit grid index (qs[0..31]), 8 plain sign bits
// (qs[32..63]) and the top 2 index bits (qh); 4-bit scales, two per byte. No sign-parity trick, so no flip.
void s_block(const Codebook& cb, const float* x, const float* qw, uint8_t* out) {
    const ScaleSearch search{16, 9, 0.1f, false, false};
    std::memset(out, 0, kSBytes);
    uint8_t* qs = out + 2;
    uint8_t* qh = out + 66;
    uint8_t* sc = out + 74;
    float scales[16];
    float max_scale = 0;
    const float sigma2 = 2 * sum_squares(x) / kSuper;
    for (int ib = 0; ib < 16; ++ib) {
        const float* xb = x + 16 * ib;
        float w[16], waux[16], xval[16];
        if (qw) {
            weights(xb, qw + 16 * ib, sigma2, 16, w, waux);
        } else {
            for (int i = 0; i < 16; ++i) w[i] = 0.25f * sigma2 + xb[i] * xb[i];
            for (int i = 0; i < 16; ++i) waux[i] = std::sqrt(w[i]);
        }
        uint8_t signs[2];
        for (int k = 0; k < 2; ++k) signs[k] = fold_signs(xb + 8 * k, xval + 8 * k);
        const float max = fold_max(xval, 16);
        scales[ib] = 0;
        if (max < kEpsS) continue;
        int8_t L[16] = {};
        bool on_grid[2] = {true, true};
        float scale = search_scale(cb, search, xval, w, waux, max, max / 5, L, on_grid);
        if (scale < 0) {
            scale = -scale;
            for (auto& s : signs) s = static_cast<uint8_t>(~s);
        }
        for (int k = 0; k < 2; ++k) {
            const int i8 = 2 * ib + k;
            const int idx = final_index(cb, L + 8 * k);
            qs[i8] = static_cast<uint8_t>(idx & 255);
            qh[i8 / 4] |= static_cast<uint8_t>((idx >> 8) << (2 * (i8 % 4)));
            qs[32 + i8] = signs[k];
        }
        scales[ib] = scale;
        max_scale = max_scale > scale ? max_scale : scale;
    }
    if (!max_scale) return;
    const float d = max_scale / 31;
    le::store<uint16_t>(out, f32_to_f16(d * 0.9875f));
    const float id = 1 / d;
    for (int ib = 0; ib < 16; ++ib)
        sc[ib / 2] |= static_cast<uint8_t>(scale_level(id, scales[ib], 15) << (4 * (ib % 2)));
}

}  // namespace

void quantize_iq2_xxs_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    quantize_rows(Grid::Iq2xxs, xxs_block, kXxsBytes, src, dst, nrows, n_per_row, imatrix);
}
void quantize_iq2_xs_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    quantize_rows(Grid::Iq2xs, xs_block, kXsBytes, src, dst, nrows, n_per_row, imatrix);
}
void quantize_iq2_s_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    quantize_rows(Grid::Iq2s, s_block, kSBytes, src, dst, nrows, n_per_row, imatrix);
}

}  // namespace gs::quant
