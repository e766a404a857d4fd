// The Highway body shared by q4_k_simd.cpp and q5_k_simd.cpp (include inside a foreach_target file): batches of
// super-blocks whose sub-blocks are searched Lanes(df) at a time, then each block's head (scalar, shared with the
// scalar path), vectorized requantization and level packing.
#if defined(GS_QUANT_Q45_K_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GS_QUANT_Q45_K_INL_H_
#undef GS_QUANT_Q45_K_INL_H_
#else
#define GS_QUANT_Q45_K_INL_H_
#endif

#include <algorithm>

#include "core/quant/kquant_search-inl.h"
#include "core/quant/q45_k_common.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace gs::quant {
namespace HWY_NAMESPACE {

struct K45Format {
    AffineSearch ref, imatrix;
    bool clamp63;
    int block_bytes;
    void (*pack_levels)(const uint8_t* L, uint8_t* block);
};

template <class DF>
void QuantizeK45(DF df, const K45Format& f, const float* src, uint8_t* dst, int64_t nrows, int64_t n_per_row,
                 const float* imatrix) {
    constexpr int kBatch = 8;  // super-blocks per batch: enough sub-blocks to fill the widest vectors
    constexpr int kSubs = kBatch * k4::kSubBlocks;
    const int64_t nb = n_per_row / 256, total = nrows * nb;
    float scales[kSubs + kMaxFloatLanes], mins[kSubs + kMaxFloatLanes], sw[kSubs + kMaxFloatLanes];
    float sigma2[kSubs];
    const float* qw[kSubs];
    uint8_t L[kBatch * 256];
    for (int64_t b0 = 0; b0 < total; b0 += kBatch) {
        const int nsb = static_cast<int>(std::min<int64_t>(kBatch, total - b0));
        const float* x = src + b0 * 256;
        if (imatrix) {
            // Each super-block's sum of squares in ggml's order; the blocks interleave only to overlap latencies.
            float sum_x2[kBatch] = {};
            for (int l = 0; l < 256; ++l)
                for (int b = 0; b < nsb; ++b) sum_x2[b] += x[b * 256 + l] * x[b * 256 + l];
            for (int b = 0; b < nsb; ++b) {
                const float s2 = 2 * sum_x2[b] / 256;
                const float* col = imatrix + ((b0 + b) % nb) * 256;
                for (int j = 0; j < k4::kSubBlocks; ++j) {
                    sigma2[b * k4::kSubBlocks + j] = s2;
                    qw[b * k4::kSubBlocks + j] = col + 32 * j;
                }
            }
        }
        SearchSubBlocks(df, imatrix ? f.imatrix : f.ref, imatrix ? WeightRule::kImatrix : WeightRule::kRmsPlusAbs,
                        x, static_cast<size_t>(nsb) * k4::kSubBlocks, qw, sigma2, scales, mins, sw, L);
        for (int b = 0; b < nsb; ++b) {
            uint8_t* block = dst + (b0 + b) * f.block_bytes;
            const int s0 = b * k4::kSubBlocks;
            if (imatrix) k4::encode_head_imatrix(scales + s0, mins + s0, sw + s0, f.clamp63, block);
            else k4::encode_head_ref(scales + s0, mins + s0, block);
            for (int j = 0; j < k4::kSubBlocks; ++j) {
                float d, dm;
                k4::sub_block_step(block, j, &d, &dm);
                if (!d) continue;  // the sub-block keeps its search levels
                RequantizeSubBlock(df, x + b * 256 + 32 * j, 32, d, dm, f.ref.nmax, L + b * 256 + 32 * j);
            }
            f.pack_levels(L + b * 256, block);
        }
    }
}

}  // namespace HWY_NAMESPACE
}  // namespace gs::quant
HWY_AFTER_NAMESPACE();

#endif  // include guard toggle
