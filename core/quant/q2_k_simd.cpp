// Highway Q2_K: sixteen 16-value sub-blocks per super-block searched Lanes(df) at a time (kquant_search-inl.h),
// the head as on the scalar path, vectorized requantization; same bytes as q2_k.cpp.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "core/quant/q2_k_simd.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

#include <algorithm>

#include "core/quant/kquant_search-inl.h"
#include "core/quant/q2_k.h"
#include "core/util/simd.h"

HWY_BEFORE_NAMESPACE();
namespace gs::quant {
namespace HWY_NAMESPACE {

void QuantizeQ2K(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    using namespace q2_k;
    const hn::ScalableTag<float> df;
    constexpr int kBatch = 4;  // super-blocks per batch
    constexpr int kSubs = kBatch * kSubBlocks;
    const int64_t nb = n_per_row / 256, total = nrows * nb;
    float scales[kSubs + kMaxFloatLanes], mins[kSubs + kMaxFloatLanes], sw[kSubs + kMaxFloatLanes];
    float sigma2[kSubs];
    const float* qw[kSubs];
    uint8_t L[kBatch * 256];
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t b0 = 0; b0 < total; b0 += kBatch) {
        const int nsb = static_cast<int>(std::min<int64_t>(kBatch, total - b0));
        const float* x = src + b0 * 256;
        if (imatrix) {
            float sumx2[kBatch] = {};  // ggml's order per block; blocks interleave only to overlap latencies
            for (int l = 0; l < 256; ++l)
                for (int b = 0; b < nsb; ++b) sumx2[b] += x[b * 256 + l] * x[b * 256 + l];
            for (int b = 0; b < nsb; ++b) {
                const float s2 = sumx2[b] / 256;
                const float* col = imatrix + ((b0 + b) % nb) * 256;
                for (int j = 0; j < kSubBlocks; ++j) {
                    sigma2[b * kSubBlocks + j] = s2;
                    qw[b * kSubBlocks + j] = col + 16 * j;
                }
            }
        }
        SearchSubBlocks(df, imatrix ? kImatrixSearch : kRefSearch, imatrix ? WeightRule::kImatrix : WeightRule::kAbs,
                        x, static_cast<size_t>(nsb) * kSubBlocks, qw, sigma2, scales, mins, sw, L);
        for (int b = 0; b < nsb; ++b) {
            uint8_t* block = out + (b0 + b) * kBlockBytes;
            const int s0 = b * kSubBlocks;
            encode_head(scales + s0, mins + s0, imatrix ? sw + s0 : nullptr, block);
            for (int j = 0; j < kSubBlocks; ++j) {
                float d, dm;
                sub_block_step(block, j, &d, &dm);
                if (!d) continue;  // the sub-block keeps its search levels
                RequantizeSubBlock(df, x + b * 256 + 16 * j, 16, d, dm, 3, L + b * 256 + 16 * j);
            }
            pack_levels(L + b * 256, block);
        }
    }
}

}  // namespace HWY_NAMESPACE
}  // namespace gs::quant
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace gs::quant {
HWY_EXPORT(QuantizeQ2K);

void quantize_q2_k_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    GS_DISPATCH(QuantizeQ2K)(src, dst, nrows, n_per_row, imatrix);
}
}  // namespace gs::quant
#endif
