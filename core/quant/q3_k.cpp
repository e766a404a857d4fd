#include "core/quant/q3_k.h"

#include <cmath>

#include "core/quant/kquant_qx.h"
#include "core/quant/q3_k_block.h"

namespace gs::quant {
namespace {

void quantize_block_ref(const float* x, uint8_t* y) {
    int8_t L[256];
    float scales[16];
    for (int j = 0; j < 16; ++j) scales[j] = make_q3_quants(16, 4, x + 16 * j, L + 16 * j, true);
    q3k::write_scales_ref(scales, y);
    q3k::requantize(x, y, L);
    q3k::pack(L, y);
}

// qw: the imatrix entries of this block's 256 columns.
void quantize_block_imatrix(const float* x, const float* qw, uint8_t* y) {
    float sumx2 = 0;
    for (int j = 0; j < 256; ++j) sumx2 += x[j] * x[j];
    const float sigma2 = 2 * sumx2 / 256;
    int8_t L[256];
    float scales[16], sw[16];
    for (int j = 0; j < 16; ++j) {
        float weight[16];
        for (int l = 0; l < 16; ++l) weight[l] = qw[16 * j + l] * std::sqrt(sigma2 + x[16 * j + l] * x[16 * j + l]);
        float sumw = 0;
        for (int l = 0; l < 16; ++l) sumw += weight[l];
        sw[j] = sumw;
        scales[j] = make_qx_quants(16, 4, x + 16 * j, L + 16 * j, 1, weight);
    }
    // The sub-block scales are themselves quantized to 6 bits by the same search, weighted by each sub-block's
    // total weight.
    int8_t Ls[16];
    const float d_block = make_qx_quants(16, 32, scales, Ls, 1, sw);
    int l6[16];
    for (int j = 0; j < 16; ++j) l6[j] = Ls[j];
    q3k::pack_scales(l6, y);
    le::store<uint16_t>(y + q3k::kD, f32_to_f16(d_block));
    q3k::requantize(x, y, L);
    q3k::pack(L, y);
}

}  // namespace

void quantize_q3_k_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    const int64_t nb = n_per_row / 256;
    uint8_t* y = static_cast<uint8_t*>(dst);
    for (int64_t row = 0; row < nrows; ++row) {
        for (int64_t b = 0; b < nb; ++b, y += q3k::kBlockBytes) {
            const float* x = src + (row * nb + b) * 256;
            if (imatrix) quantize_block_imatrix(x, imatrix + b * 256, y);
            else quantize_block_ref(x, y);
        }
    }
}

}  // namespace gs::quant
