#include "core/quant/q4_k.h"

#include "core/quant/q45_k_common.h"

namespace gs::quant {

void q4_k::pack_levels(const uint8_t* L, uint8_t* block) {
    uint8_t* q = block + k4::kHeadBytes;
    for (int j = 0; j < 256; j += 64) {
        for (int l = 0; l < 32; ++l) q[l] = static_cast<uint8_t>(L[j + l] | (L[j + l + 32] << 4));
        q += 32;
    }
}

// Blocks are independent, so ggml's one long reference row and its row-by-row imatrix path both reduce to a loop
// over blocks; the imatrix is indexed by the block's column.
void quantize_q4_k_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    const int64_t nb = n_per_row / 256;
    auto* out = static_cast<uint8_t*>(dst);
    uint8_t L[256];
    for (int64_t r = 0; r < nrows; ++r) {
        for (int64_t i = 0; i < nb; ++i) {
            uint8_t* block = out + (r * nb + i) * q4_k::kBlockBytes;
            k4::quantize_block(src + (r * nb + i) * 256, imatrix ? imatrix + 256 * i : nullptr, q4_k::kRefSearch,
                               q4_k::kImatrixSearch, false, block, L);
            q4_k::pack_levels(L, block);
        }
    }
}

}  // namespace gs::quant
