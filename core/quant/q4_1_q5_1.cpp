// Scalar Q4_1 and Q5_1, step by step as ggml's quantize_row_q{4,5}_1_ref and quantize_row_q{4,5}_1_impl.
#include "core/quant/q4_1_q5_1.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "core/quant/common.h"
#include "core/quant/cvt.h"
#include "core/quant/q4_q5_common.h"
#include "core/util/half.h"
#include "core/util/le.h"

namespace gs::quant {
namespace {

// kNmax = 15 (Q4_1) or 31 (Q5_1): the largest level.
template <int kNmax>
void ref_block(const float* x, uint8_t* y) {
    float min = FLT_MAX, max = -FLT_MAX;
    for (int j = 0; j < 32; ++j) {
        if (x[j] < min) min = x[j];
        if (x[j] > max) max = x[j];
    }
    const float d = (max - min) / kNmax;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    le::store<uint16_t>(y, f32_to_f16(d));
    le::store<uint16_t>(y + 2, f32_to_f16(min));
    uint8_t l[32];
    for (int j = 0; j < 32; ++j) {
        const float v = (x[j] - min) * id + 0.5f;
        // ggml clamps Q4_1 levels to 15 but stores Q5_1's unclamped
        if constexpr (kNmax == 15) l[j] = static_cast<uint8_t>(std::min(15, int(trunc_to_i8(v))));
        else l[j] = trunc_to_u8(v);
    }
    if constexpr (kNmax == 15) pack_q4(l, y + 4);
    else pack_q5(l, y + 4, y + 8);
}

// make_qkx3_quants(32, nmax, x, weights, L, &the_min, Laux, rmin = -0.9, rdelta = 0.05, nstep = 36, use_mad = false):
// fits scale and min by weighted least squares over 37 candidate inverse scales. Returns the scale; *the_min gets
// minus the (non-positive) minimum.
float make_qkx3_quants(int nmax, const float* x, const float* weights, uint8_t* L, float* the_min) {
    constexpr float rmin = -0.9f, rdelta = 0.05f;
    constexpr int nstep = 36;
    float min = x[0], max = x[0];
    float sum_w = weights[0];
    float sum_x = sum_w * x[0];
    for (int i = 1; i < 32; ++i) {
        if (x[i] < min) min = x[i];
        if (x[i] > max) max = x[i];
        const float w = weights[i];
        sum_w += w;
        sum_x += w * x[i];
    }
    if (min > 0) min = 0;
    if (max <= min) {
        std::fill(L, L + 32, uint8_t(0));
        *the_min = -min;
        return 0.f;
    }
    float iscale = nmax / (max - min);
    float scale = 1 / iscale;
    float best_mad = 0;
    for (int i = 0; i < 32; ++i) {
        const int l = nearest_int(iscale * (x[i] - min));
        L[i] = static_cast<uint8_t>(std::max(0, std::min(nmax, l)));
        float diff = scale * L[i] + min - x[i];
        diff = diff * diff;
        best_mad += weights[i] * diff;
    }
    uint8_t Laux[32];
    for (int is = 0; is <= nstep; ++is) {
        iscale = (rmin + rdelta * is + nmax) / (max - min);
        float sum_l = 0, sum_l2 = 0, sum_xl = 0;
        for (int i = 0; i < 32; ++i) {
            const int l = std::max(0, std::min(nmax, nearest_int(iscale * (x[i] - min))));
            Laux[i] = static_cast<uint8_t>(l);
            const float w = weights[i];
            sum_l += w * l;
            sum_l2 += w * l * l;
            sum_xl += w * l * x[i];
        }
        const float D = sum_w * sum_l2 - sum_l * sum_l;
        if (D > 0) {
            float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
            float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
            if (this_min > 0) {
                this_min = 0;
                this_scale = sum_xl / sum_l2;
            }
            float mad = 0;
            for (int i = 0; i < 32; ++i) {
                float diff = this_scale * Laux[i] + this_min - x[i];
                diff = diff * diff;
                mad += weights[i] * diff;
            }
            if (mad < best_mad) {
                std::copy(Laux, Laux + 32, L);
                best_mad = mad;
                scale = this_scale;
                min = this_min;
            }
        }
    }
    *the_min = -min;
    return scale;
}

template <int kNmax>
void quantize(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    constexpr int kBlockBytes = kNmax == 15 ? 20 : 24;
    auto* out = static_cast<uint8_t*>(dst);
    const int64_t nb = n_per_row / 32;
    if (!imatrix) {
        for (int64_t b = 0; b < nrows * nb; ++b) ref_block<kNmax>(src + b * 32, out + b * kBlockBytes);
        return;
    }
    for (int64_t r = 0; r < nrows; ++r) {
        const float* x = src + r * n_per_row;
        const float sigma2 = row_sigma2(x, n_per_row);
        for (int64_t ib = 0; ib < nb; ++ib) {
            const float* xb = x + 32 * ib;
            const float* qw = imatrix + 32 * ib;
            float weight[32];
            for (int j = 0; j < 32; ++j) weight[j] = qw[j] * std::sqrt(sigma2 + xb[j] * xb[j]);
            uint8_t L[32];
            float min;
            const float d = make_qkx3_quants(kNmax, xb, weight, L, &min);
            uint8_t* y = out + (r * nb + ib) * kBlockBytes;
            le::store<uint16_t>(y, f32_to_f16(d));
            le::store<uint16_t>(y + 2, f32_to_f16(-min));
            if constexpr (kNmax == 15) pack_q4(L, y + 4);
            else pack_q5(L, y + 4, y + 8);
        }
    }
}

}  // namespace

void quantize_block_q4_1_ref(const float* x, uint8_t* y) { ref_block<15>(x, y); }
void quantize_block_q5_1_ref(const float* x, uint8_t* y) { ref_block<31>(x, y); }

void quantize_q4_1_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    quantize<15>(src, dst, nrows, n_per_row, imatrix);
}
void quantize_q5_1_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    quantize<31>(src, dst, nrows, n_per_row, imatrix);
}

}  // namespace gs::quant
