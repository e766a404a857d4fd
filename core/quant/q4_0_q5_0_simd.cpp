// Highway Q4_0 and Q5_0 (same bytes as q4_0_q5_0.cpp; the lane layouts are described in q4_q5_simd-inl.h).
// Reference path: max |x| is an exact reduction; the sign of `max` is that of the first element reaching it, found
// with two compares (a scalar scan only when both signs occur). Blocks holding NaN go to the scalar code.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "core/quant/q4_0_q5_0_simd.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

#include <cmath>

#include "core/quant/cvt-inl.h"
#include "core/quant/q4_0_q5_0.h"
#include "core/quant/q4_q5_common.h"
#include "core/quant/q4_q5_simd-inl.h"
#include "core/util/half.h"
#include "core/util/le.h"
#include "core/util/simd.h"

HWY_BEFORE_NAMESPACE();
namespace gs::quant {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <int kHalf>
void RefBlocks(const float* src, uint8_t* out, int64_t nblocks) {
    constexpr int kBlockBytes = kHalf == 8 ? 18 : 22;
    const DF df;
    const DI di;
    const size_t N = hn::Lanes(df);
    HWY_ALIGN int32_t lv[32];
    for (int64_t b = 0; b < nblocks; ++b) {
        const float* x = src + b * 32;
        uint8_t* y = out + b * kBlockBytes;
        if (BlockHasNaN(x)) {
            kHalf == 8 ? quantize_block_q4_0_ref(x, y) : quantize_block_q5_0_ref(x, y);
            continue;
        }
        auto amax = hn::Zero(df);
        for (size_t k = 0; k < 32; k += N) amax = hn::Max(amax, hn::Abs(hn::LoadU(df, x + k)));
        const float a = hn::GetLane(hn::MaxOfLanes(df, amax));
        float max = 0.f;
        if (a != 0.f) {
            bool pos = false, neg = false;
            for (size_t k = 0; k < 32; k += N) {
                const auto v = hn::LoadU(df, x + k);
                pos |= !hn::AllFalse(df, hn::Eq(v, hn::Set(df, a)));
                neg |= !hn::AllFalse(df, hn::Eq(v, hn::Set(df, -a)));
            }
            if (pos && neg) {
                for (int j = 0; j < 32; ++j)
                    if (std::fabs(x[j]) == a) {
                        max = x[j];
                        break;
                    }
            } else {
                max = pos ? a : -a;
            }
        }
        const float d = max / -kHalf;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        le::store<uint16_t>(y, f32_to_f16(d));
        const auto vid = hn::Set(df, id), offset = hn::Set(df, kHalf + 0.5f);
        const auto top = hn::Set(di, 2 * kHalf - 1);
        for (size_t k = 0; k < 32; k += N) {
            const auto t = hn::Add(hn::Mul(hn::LoadU(df, x + k), vid), offset);
            hn::Store(hn::Min(top, LowByteSigned(TruncToI32(df, t))), di, lv + k);
        }
        if constexpr (kHalf == 8) StoreLevelsQ4(lv, y + 2);
        else StoreLevelsQ5(lv, y + 2, y + 6);
    }
}

// make_qx_quants(32, kNmax, x, L, 1, weights) for Lanes() blocks at once. scale[k] gets block k's scale and
// L[i * Lanes() + k] its level i.
template <int kNmax>
HWY_INLINE void FitQx(const BlockGroup& g, float* scale_out, int32_t* L) {
    const DF df;
    const DI di;
    const size_t N = hn::Lanes(df);
    const auto lmin = hn::Set(di, -kNmax), lmax = hn::Set(di, kNmax - 1);
    auto amax = hn::Zero(df), max = hn::Zero(df);
    for (size_t i = 0; i < 32; ++i) {
        const auto x = hn::Load(df, g.x + i * N);
        const auto ax = hn::Abs(x);
        const auto m = hn::Gt(ax, amax);
        amax = hn::IfThenElse(m, ax, amax);
        max = hn::IfThenElse(m, x, max);
    }
    const auto all_zero = hn::Lt(amax, hn::Set(df, 1e-15f));  // GROUP_MAX_EPS
    using V = hn::Vec<DF>;
    const V zero = hn::Zero(df);
    auto sums = [&](V iscale, V& sumlx, V& suml2) {
        sumlx = suml2 = zero;
        for (size_t i = 0; i < 32; ++i) {
            const auto x = hn::Load(df, g.x + i * N), w = hn::Load(df, g.w + i * N);
            const auto l = hn::ConvertTo(df, hn::Max(lmin, hn::Min(lmax, NearestInt(df, hn::Mul(iscale, x)))));
            sumlx = hn::Add(sumlx, hn::Mul(hn::Mul(w, x), l));
            suml2 = hn::Add(suml2, hn::Mul(hn::Mul(w, l), l));
        }
    };
    // The levels are a function of the inverse scale, so remembering the winning one is enough.
    auto best_iscale = hn::Div(hn::Set(df, float(-kNmax)), max);
    auto sumlx = zero, suml2 = zero;
    sums(best_iscale, sumlx, suml2);
    auto scale = hn::IfThenElse(hn::Eq(suml2, zero), zero, hn::Div(sumlx, suml2));
    auto best = hn::Mul(scale, sumlx);
    for (int is = -9; is <= 9; ++is) {
        if (is == 0) continue;
        const float c = -(kNmax + 0.1f * is);
        const auto iscale = hn::Div(hn::Set(df, c), max);
        sums(iscale, sumlx, suml2);
        const auto better = hn::And(hn::Gt(suml2, zero), hn::Gt(hn::Mul(sumlx, sumlx), hn::Mul(best, suml2)));
        best_iscale = hn::IfThenElse(better, iscale, best_iscale);
        scale = hn::IfThenElse(better, hn::Div(sumlx, suml2), scale);
        best = hn::IfThenElse(better, hn::Mul(scale, sumlx), best);
    }
    hn::Store(hn::IfThenElse(all_zero, zero, scale), df, scale_out);
    const auto all_zero_i = hn::RebindMask(di, all_zero);
    for (size_t i = 0; i < 32; ++i) {
        const auto l = hn::Max(lmin, hn::Min(lmax, NearestInt(df, hn::Mul(best_iscale, hn::Load(df, g.x + i * N)))));
        hn::Store(hn::IfThenElse(all_zero_i, hn::Zero(di), hn::Add(l, hn::Set(di, kNmax))), di, L + i * N);
    }
}

template <int kHalf>
void Quantize(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    constexpr int kBlockBytes = kHalf == 8 ? 18 : 22;
    auto* out = static_cast<uint8_t*>(dst);
    if (!imatrix) {
        RefBlocks<kHalf>(src, out, nrows * (n_per_row / 32));
        return;
    }
    const size_t N = hn::Lanes(DF());
    ForEachBlockGroup(src, nrows, n_per_row, imatrix, [&](const BlockGroup& g) {
        HWY_ALIGN float scale[kMaxLanes];
        HWY_ALIGN int32_t L[32 * kMaxLanes];
        FitQx<kHalf>(g, scale, L);
        for (size_t k = 0; k < g.count; ++k) {
            uint8_t* y = out + (g.first + int64_t(k)) * kBlockBytes;
            uint8_t l[32];
            for (size_t i = 0; i < 32; ++i) l[i] = static_cast<uint8_t>(L[i * N + k]);
            le::store<uint16_t>(y, f32_to_f16(scale[k]));
            if constexpr (kHalf == 8) pack_q4(l, y + 2);
            else pack_q5(l, y + 2, y + 6);
        }
    });
}

void QuantizeQ4_0(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    Quantize<8>(src, dst, nrows, n_per_row, imatrix);
}
void QuantizeQ5_0(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    Quantize<16>(src, dst, nrows, n_per_row, imatrix);
}

}  // namespace HWY_NAMESPACE
}  // namespace gs::quant
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace gs::quant {
HWY_EXPORT(QuantizeQ4_0);
HWY_EXPORT(QuantizeQ5_0);

void quantize_q4_0_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    GS_DISPATCH(QuantizeQ4_0)(src, dst, nrows, n_per_row, imatrix);
}
void quantize_q5_0_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    GS_DISPATCH(QuantizeQ5_0)(src, dst, nrows, n_per_row, imatrix);
}
}  // namespace gs::quant
#endif
