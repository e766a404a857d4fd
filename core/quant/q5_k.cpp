#include "core/quant/q5_k.h"

#include <cstring>

#include "core/quant/q45_k_common.h"

namespace gs::quant {

void q5_k::pack_levels(const uint8_t* L, uint8_t* block) {
    uint8_t* qh = block + k4::kHeadBytes;
    uint8_t* ql = qh + 32;
    std::memset(qh, 0, 32);
    uint8_t m1 = 1, m2 = 2;
    for (int n = 0; n < 256; n += 64) {
        for (int j = 0; j < 32; ++j) {
            int l1 = L[n + j];
            if (l1 > 15) {
                l1 -= 16;
                qh[j] |= m1;
            }
            int l2 = L[n + j + 32];
            if (l2 > 15) {
                l2 -= 16;
                qh[j] |= m2;
            }
            ql[j] = static_cast<uint8_t>(l1 | (l2 << 4));
        }
        m1 = static_cast<uint8_t>(m1 << 2);
        m2 = static_cast<uint8_t>(m2 << 2);
        ql += 32;
    }
}

void quantize_q5_k_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    const int64_t nb = n_per_row / 256;
    auto* out = static_cast<uint8_t*>(dst);
    uint8_t L[256];
    for (int64_t r = 0; r < nrows; ++r) {
        for (int64_t i = 0; i < nb; ++i) {
            uint8_t* block = out + (r * nb + i) * q5_k::kBlockBytes;
            k4::quantize_block(src + (r * nb + i) * 256, imatrix ? imatrix + 256 * i : nullptr, q5_k::kRefSearch,
                               q5_k::kImatrixSearch, true, block, L);
            q5_k::pack_levels(L, block);
        }
    }
}

}  // namespace gs::quant
