// Highway Q8_0. One block at a time: the block's max |x| is an exact reduction (any order gives the same float,
// NaN aside), and the rest is element-wise, so every lane computes what the scalar code computes. Blocks holding a
// NaN go to the scalar code, because there ggml's running max depends on where the NaN sits.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "core/quant/q8_0_simd.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

#include "core/quant/cvt-inl.h"
#include "core/quant/q8_0.h"
#include "core/util/half.h"
#include "core/util/le.h"
#include "core/util/simd.h"

HWY_BEFORE_NAMESPACE();
namespace gs::quant {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void QuantizeQ8_0(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float*) {
    const hn::CappedTag<float, 16> df;  // N divides 32
    const hn::Rebind<int8_t, decltype(df)> d8;
    const size_t N = hn::Lanes(df);
    const int64_t nb = nrows * n_per_row / 32;
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t b = 0; b < nb; ++b) {
        const float* x = src + b * 32;
        uint8_t* y = out + b * 34;
        auto amax = hn::Zero(df);
        auto nan = hn::Zero(df);
        for (size_t k = 0; k < 32; k += N) {
            const auto v = hn::LoadU(df, x + k);
            amax = hn::Max(amax, hn::Abs(v));
            nan = hn::Or(nan, hn::VecFromMask(df, hn::Not(hn::Eq(v, v))));
        }
        if (!hn::AllFalse(df, hn::MaskFromVec(nan))) {
            quantize_block_q8_0(x, y);
            continue;
        }
        const float d = hn::GetLane(hn::MaxOfLanes(df, amax)) / 127;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        le::store<uint16_t>(y, f32_to_f16(d));
        const auto vid = hn::Set(df, id);
        for (size_t k = 0; k < 32; k += N) {
            const auto r = RoundHalfAway(df, hn::Mul(hn::LoadU(df, x + k), vid));
            const auto q = LowByteSigned(TruncToI32(df, r));
            hn::StoreU(hn::DemoteTo(d8, q), d8, reinterpret_cast<int8_t*>(y + 2 + k));
        }
    }
}

}  // namespace HWY_NAMESPACE
}  // namespace gs::quant
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace gs::quant {
HWY_EXPORT(QuantizeQ8_0);

void quantize_q8_0_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    GS_DISPATCH(QuantizeQ8_0)(src, dst, nrows, n_per_row, imatrix);
}
}  // namespace gs::quant
#endif
