// Scalar Q4_0 and Q5_0, step by step as ggml's quantize_row_q{4,5}_0_ref and quantize_row_q{4,5}_0_impl.
#include "core/quant/q4_0_q5_0.h"
#include "core/quant/kquant_qx.h"

#include <algorithm>
#include <cmath>

#include "core/quant/common.h"
#include "core/quant/cvt.h"
#include "core/quant/q4_q5_common.h"
#include "core/util/half.h"
#include "core/util/le.h"

namespace gs::quant {
namespace {


// kHalf = 8 (Q4_0) or 16 (Q5_0): levels are 0 .. 2*kHalf-1 around the zero point kHalf.
template <int kHalf>
void ref_block(const float* x, uint8_t* y) {
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < 32; ++j) {
        if (amax < std::fabs(x[j])) {  // first of the largest |x|; NaN never wins
            amax = std::fabs(x[j]);
            max = x[j];
        }
    }
    const float d = max / -kHalf;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    le::store<uint16_t>(y, f32_to_f16(d));
    uint8_t l[32];
    for (int j = 0; j < 32; ++j)
        l[j] = static_cast<uint8_t>(std::min(2 * kHalf - 1, int(trunc_to_i8(x[j] * id + (kHalf + 0.5f)))));
    if constexpr (kHalf == 8) pack_q4(l, y + 2);
    else pack_q5(l, y + 2, y + 6);
}

template <int kHalf>
void quantize(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    constexpr int kBlockBytes = kHalf == 8 ? 18 : 22;
    auto* out = static_cast<uint8_t*>(dst);
    const int64_t nb = n_per_row / 32;
    if (!imatrix) {
        for (int64_t b = 0; b < nrows * nb; ++b) ref_block<kHalf>(src + b * 32, out + b * kBlockBytes);
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
            // ggml's quantize_row_q4_0_impl / q5_0_impl: the K-quant weighted search on one 32-value block;
            // its levels are 0 .. 2*kHalf-1
            int8_t Ls[32];
            const float d = make_qx_quants(32, kHalf, xb, Ls, 1, weight);
            uint8_t L[32];
            for (int j = 0; j < 32; ++j) L[j] = static_cast<uint8_t>(Ls[j]);
            uint8_t* y = out + (r * nb + ib) * kBlockBytes;
            le::store<uint16_t>(y, f32_to_f16(d));
            if constexpr (kHalf == 8) pack_q4(L, y + 2);
            else pack_q5(L, y + 2, y + 6);
        }
    }
}

}  // namespace

void quantize_block_q4_0_ref(const float* x, uint8_t* y) { ref_block<8>(x, y); }
void quantize_block_q5_0_ref(const float* x, uint8_t* y) { ref_block<16>(x, y); }

void quantize_q4_0_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    quantize<8>(src, dst, nrows, n_per_row, imatrix);
}
void quantize_q5_0_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    quantize<16>(src, dst, nrows, n_per_row, imatrix);
}

}  // namespace gs::quant
