#include "core/quant/q6_k.h"

#include "core/quant/kquant_qx.h"
#include "core/quant/q6_k_block.h"

namespace gs::quant {

void quantize_q6_k_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    const int64_t nb = n_per_row / 256;
    uint8_t* y = static_cast<uint8_t*>(dst);
    for (int64_t row = 0; row < nrows; ++row) {
        for (int64_t b = 0; b < nb; ++b, y += q6k::kBlockBytes) {
            const float* x = src + (row * nb + b) * 256;
            int8_t L[256];
            float scales[16];
            for (int ib = 0; ib < 16; ++ib) {
                // The imatrix path weights the fit by the importance matrix itself (ggml's sigma2 variant is unused).
                const float* qw = imatrix ? imatrix + b * 256 + 16 * ib : nullptr;
                scales[ib] = make_qx_quants(16, 32, x + 16 * ib, L + 16 * ib, 1, qw);
            }
            if (!q6k::write_scales(scales, y)) continue;
            q6k::requantize(x, y, L);
            q6k::pack(L, y);
        }
    }
}

}  // namespace gs::quant
