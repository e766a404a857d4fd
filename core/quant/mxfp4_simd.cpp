// Highway MXFP4. Each block's 32 elements are independent once the exponent is known, so they are vectorized
// within the block: the 16-value nearest search is the scalar one (same products, same first-wins rule) per lane.
// The exponent stays scalar (ggml's log2f, one call per block), and a block holding a NaN goes to the scalar
// kernel, because a vector max does not skip NaNs the way ggml's `amax < fabsf(v)` does.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "core/quant/mxfp4_simd.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

#include "core/quant/mxfp4.h"
#include "core/util/simd.h"

HWY_BEFORE_NAMESPACE();
namespace gs::quant::mxfp4 {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void Quantize(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float*) {
    const hn::CappedTag<float, kBlock> d;
    const hn::RebindToSigned<decltype(d)> di;
    const size_t N = hn::Lanes(d);
    auto* out = static_cast<uint8_t*>(dst);
    const int64_t n = nrows * n_per_row;
    HWY_ALIGN int32_t idx[kBlock];
    for (int64_t i = 0; i < n; i += kBlock, out += kBytes) {
        const float* x = src + i;
        auto amax = hn::Zero(d);
        auto nan = hn::IsNaN(amax);
        for (size_t j = 0; j < kBlock; j += N) {
            const auto v = hn::LoadU(d, x + j);
            amax = hn::Max(amax, hn::Abs(v));
            nan = hn::Or(nan, hn::IsNaN(v));
        }
        if (!hn::AllFalse(d, nan)) {
            quantize_block(x, out);
            continue;
        }
        const uint8_t e = exponent_of(hn::GetLane(hn::MaxOfLanes(d, amax)));
        out[0] = e;
        const auto dv = hn::Set(d, half_scale(e));
        for (size_t j = 0; j < kBlock; j += N) {
            const auto v = hn::LoadU(d, x + j);
            auto best = hn::Zero(d);
            auto best_err = hn::Abs(hn::Sub(hn::Mul(hn::Set(d, kValues[0]), dv), v));
            for (int k = 1; k < 16; ++k) {
                const auto err = hn::Abs(hn::Sub(hn::Mul(hn::Set(d, kValues[k]), dv), v));
                const auto lt = hn::Lt(err, best_err);
                best = hn::IfThenElse(lt, hn::Set(d, static_cast<float>(k)), best);
                best_err = hn::IfThenElse(lt, err, best_err);
            }
            hn::Store(hn::ConvertTo(di, best), di, idx + j);
        }
        for (int j = 0; j < kBlock / 2; ++j) out[1 + j] = static_cast<uint8_t>(idx[j] | (idx[j + kBlock / 2] << 4));
    }
}

}  // namespace HWY_NAMESPACE
}  // namespace gs::quant::mxfp4
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace gs::quant {
namespace mxfp4 {
HWY_EXPORT(Quantize);
void quantize_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    GS_DISPATCH(Quantize)(src, dst, nrows, n_per_row, imatrix);
}
}  // namespace mxfp4

void quantize_mxfp4_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    mxfp4::quantize_simd(src, dst, nrows, n_per_row, imatrix);
}
}  // namespace gs::quant
#endif
