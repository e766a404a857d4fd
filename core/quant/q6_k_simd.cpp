// Highway Q6_K: the 16 sub-block searches of a super-block run one sub-block per lane (QxQuants16); choosing the
// super-block scale and packing stay scalar (16 values), and the final re-rounding is one division per value.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "core/quant/q6_k_simd.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

#include "core/quant/kquant_qx_simd-inl.h"
#include "core/quant/q6_k.h"
#include "core/quant/q6_k_block.h"
#include "core/util/simd.h"

HWY_BEFORE_NAMESPACE();
namespace gs::quant {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void QuantizeQ6K(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    const hn::ScalableTag<float> df;
    const size_t N = hn::Lanes(df);
    const int64_t nb = n_per_row / 256;
    constexpr size_t kGroupFloats = 16 * kQxMaxLanes;
    HWY_ALIGN float xt[kQxGroups * kGroupFloats], wt[kQxGroups * kGroupFloats], scale_lanes[kQxGroups * kQxMaxLanes];
    HWY_ALIGN int32_t Lt[kQxGroups * kGroupFloats];
    uint8_t* y = static_cast<uint8_t*>(dst);
    for (int64_t row = 0; row < nrows; ++row) {
        for (int64_t b = 0; b < nb; ++b, y += q6k::kBlockBytes) {
            const float* x = src + (row * nb + b) * 256;
            const float* qw = imatrix ? imatrix + b * 256 : nullptr;
            int8_t L[256];
            float scales[16];
            // Up to kQxGroups groups of N sub-blocks per search call (4 lanes: two calls of 8 sub-blocks).
            for (size_t first = 0; first < 16; first += kQxGroups * N) {
                const size_t subs = std::min<size_t>(kQxGroups * N, 16 - first);
                const size_t groups = (subs + N - 1) / N;
                for (size_t g = 0; g < groups; ++g) {
                    const size_t sub0 = first + g * N, count = std::min<size_t>(N, 16 - sub0);
                    float* xg = xt + g * 16 * N;
                    float* wg = wt + g * 16 * N;
                    Transpose16(x + 16 * sub0, count, N, xg);
                    if (qw) {
                        Transpose16(qw + 16 * sub0, count, N, wg);
                    } else {
                        // ggml's rmse_type 1 weight, x*x, computed once instead of on every pass: same values.
                        for (size_t i = 0; i < 16 * N; i += N) {
                            const auto v = hn::Load(df, xg + i);
                            hn::Store(hn::Mul(v, v), df, wg + i);
                        }
                    }
                }
                if (groups == kQxGroups) QxQuants16Groups<kQxGroups>(df, 32, xt, wt, Lt, scale_lanes);
                else QxQuants16Groups<1>(df, 32, xt, wt, Lt, scale_lanes);
                for (size_t g = 0; g < groups; ++g) {
                    const size_t sub0 = first + g * N, count = std::min<size_t>(N, 16 - sub0);
                    for (size_t k = 0; k < count; ++k) scales[sub0 + k] = scale_lanes[g * N + k];
                    UntransposeCodes(Lt + g * 16 * N, count, N, L + 16 * sub0);
                }
            }
            if (!q6k::write_scales(scales, y)) continue;
            for (int j = 0; j < 16; ++j) {
                const float d = q6k::sub_scale(y, j);
                if (d != 0) RoundGroup16(x + 16 * j, d, 32, L + 16 * j);
            }
            q6k::pack(L, y);
        }
    }
}

}  // namespace HWY_NAMESPACE
}  // namespace gs::quant
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace gs::quant {
HWY_EXPORT(QuantizeQ6K);

void quantize_q6_k_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    GS_DISPATCH(QuantizeQ6K)(src, dst, nrows, n_per_row, imatrix);
}
}  // namespace gs::quant
#endif
