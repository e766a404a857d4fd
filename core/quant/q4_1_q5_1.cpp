// Scalar Q4_1 and Q5_1, step by step as ggml's quantize_row_q{4,5}_1_ref and quantize_row_q{4,5}_1_impl.
#include "core/quant/kquant_search.h"
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
            uint8_t Laux[32];
            // ggml's quantize_row_q4_1_impl / q5_1_impl: the K-quant affine search on one 32-value block
            const float d = make_qkx3_quants(32, kNmax, xb, weight, L, &min, Laux, -0.9f, 0.05f, 36, false);
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
