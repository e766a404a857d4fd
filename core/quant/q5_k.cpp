#include "core/quant/q5_k.h"

#include "core/quant/q45_k_common.h"

namespace gs::quant {

void q5_k::pack_levels(const uint8_t* L, uint8_t* block) {
    // ggml tests l > 15 and subtracts 16; for levels in [0, 31] that is bit 4 and the low nibble, written without
    // branches (data-dependent branches cost more here than the whole requantization).
    uint8_t* qh = block + k4::kHeadBytes;
    uint8_t* ql = qh + 32;
    for (int j = 0; j < 32; ++j) qh[j] = 0;
    for (int g = 0; g < 4; ++g) {
        const uint8_t* lo = L + 64 * g;
        const uint8_t* hi = lo + 32;
        for (int j = 0; j < 32; ++j) {
            qh[j] = static_cast<uint8_t>(qh[j] | (((lo[j] >> 4) & 1) << (2 * g)) | (((hi[j] >> 4) & 1) << (2 * g + 1)));
            ql[j] = static_cast<uint8_t>((lo[j] & 0xF) | ((hi[j] & 0xF) << 4));
        }
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
