// Highway Q3_K. Reference path: the 16 sub-block searches (make_q3_quants) of a super-block run one sub-block per
// lane. Imatrix path: the sub-block searches (make_qx_quants, nmax 4) run one sub-block per lane, then the search
// that quantizes the 16 sub-block scales to 6 bits runs one super-block per lane, over batches of N super-blocks.
// The 256-value sum of squares for sigma2 is a sequential chain per super-block and stays scalar.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "core/quant/q3_k_simd.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

#include "core/quant/kquant_qx_simd-inl.h"
#include "core/quant/q3_k.h"
#include "core/quant/q3_k_block.h"
#include "core/util/simd.h"

HWY_BEFORE_NAMESPACE();
namespace gs::quant {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Re-rounds the sub-blocks against their stored scales (sub-blocks whose scale is 0 keep L), then packs.
HWY_INLINE void FinishQ3K(const float* x, int8_t* L, uint8_t* y) {
    for (int j = 0; j < 16; ++j) {
        const float d = q3k::sub_scale(y, j);
        if (d != 0) RoundGroup16(x + 16 * j, d, 4, L + 16 * j);
    }
    q3k::pack(L, y);
}

void QuantizeQ3KRef(const float* x, uint8_t* y, int64_t nblocks) {
    const hn::ScalableTag<float> df;
    const size_t N = hn::Lanes(df);
    HWY_ALIGN float xt[16 * kQxMaxLanes], scale_lanes[kQxMaxLanes];
    HWY_ALIGN int32_t Lt[16 * kQxMaxLanes];
    for (int64_t b = 0; b < nblocks; ++b, x += 256, y += q3k::kBlockBytes) {
        int8_t L[256];
        float scales[16];
        for (size_t first = 0; first < 16; first += N) {
            const size_t count = std::min<size_t>(N, 16 - first);
            Transpose16(x + 16 * first, count, N, xt);
            hn::Store(Q3Quants16(df, 4, xt, Lt), df, scale_lanes);
            for (size_t k = 0; k < count; ++k) scales[first + k] = scale_lanes[k];
            UntransposeCodes(Lt, count, N, L + 16 * first);
        }
        q3k::write_scales_ref(scales, y);
        FinishQ3K(x, L, y);
    }
}

// Super-blocks [0, count) of a batch: x + 256 * k, imatrix columns qw[k], output y + kBlockBytes * k.
void QuantizeQ3KImatrixBatch(const float* x, const float* const* qw, size_t count, uint8_t* y) {
    const hn::ScalableTag<float> df;
    const size_t N = hn::Lanes(df);
    HWY_ALIGN float xt[16 * kQxMaxLanes], wt[16 * kQxMaxLanes], scale_lanes[kQxMaxLanes];
    HWY_ALIGN int32_t Lt[16 * kQxMaxLanes];
    // Per super-block k of the batch, transposed for the second search: sub-block scale j at [j * N + k].
    HWY_ALIGN float scales_t[16 * kQxMaxLanes] = {}, sw_t[16 * kQxMaxLanes] = {};
    int8_t L[kQxMaxLanes][256];

    // sigma2 = 2 * (x[0]^2 + ... + x[255]^2) / 256, one chain per super-block; interleaving the chains of the
    // batch keeps the adds of each chain in order.
    float sumx2[kQxMaxLanes] = {};
    for (int j = 0; j < 256; ++j)
        for (size_t k = 0; k < count; ++k) sumx2[k] += x[256 * k + j] * x[256 * k + j];

    for (size_t k = 0; k < count; ++k) {
        const float* xb = x + 256 * k;
        const auto sigma2 = hn::Set(df, 2 * sumx2[k] / 256);
        for (size_t first = 0; first < 16; first += N) {
            const size_t cnt = std::min<size_t>(N, 16 - first);
            Transpose16(xb + 16 * first, cnt, N, xt);
            Transpose16(qw[k] + 16 * first, cnt, N, wt);
            auto sumw = hn::Zero(df);
            for (size_t i = 0; i < 16 * N; i += N) {
                const auto v = hn::Load(df, xt + i);
                const auto w = hn::Mul(hn::Load(df, wt + i), hn::Sqrt(hn::Add(sigma2, hn::Mul(v, v))));
                hn::Store(w, df, wt + i);
                sumw = hn::Add(sumw, w);
            }
            hn::Store(QxQuants16(df, 4, xt, wt, Lt), df, scale_lanes);
            UntransposeCodes(Lt, cnt, N, L[k] + 16 * first);
            for (size_t l = 0; l < cnt; ++l) scales_t[(first + l) * N + k] = scale_lanes[l];
            hn::Store(sumw, df, scale_lanes);
            for (size_t l = 0; l < cnt; ++l) sw_t[(first + l) * N + k] = scale_lanes[l];
        }
    }

    // make_qx_quants(16, 32, scales, Ls, 1, sw) with one super-block per lane.
    HWY_ALIGN int32_t Ls[16 * kQxMaxLanes];
    hn::Store(QxQuants16(df, 32, scales_t, sw_t, Ls), df, scale_lanes);
    for (size_t k = 0; k < count; ++k) {
        uint8_t* yb = y + q3k::kBlockBytes * k;
        int l6[16];
        for (int j = 0; j < 16; ++j) l6[j] = Ls[j * N + k];
        q3k::pack_scales(l6, yb);
        le::store<uint16_t>(yb + q3k::kD, f32_to_f16(scale_lanes[k]));
        FinishQ3K(x + 256 * k, L[k], yb);
    }
}

void QuantizeQ3K(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    uint8_t* y = static_cast<uint8_t*>(dst);
    const int64_t nb = n_per_row / 256, total = nrows * nb;
    if (!imatrix) {
        QuantizeQ3KRef(src, y, total);
        return;
    }
    const size_t N = hn::Lanes(hn::ScalableTag<float>());
    const float* qw[kQxMaxLanes];
    for (int64_t s = 0; s < total; s += int64_t(N)) {
        const size_t count = size_t(std::min<int64_t>(int64_t(N), total - s));
        for (size_t k = 0; k < count; ++k) qw[k] = imatrix + ((s + int64_t(k)) % nb) * 256;
        QuantizeQ3KImatrixBatch(src + 256 * s, qw, count, y + q3k::kBlockBytes * s);
    }
}

}  // namespace HWY_NAMESPACE
}  // namespace gs::quant
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace gs::quant {
HWY_EXPORT(QuantizeQ3K);

void quantize_q3_k_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    GS_DISPATCH(QuantizeQ3K)(src, dst, nrows, n_per_row, imatrix);
}
}  // namespace gs::quant
#endif
