// Highway versions of make_qx_quants (rmse_type 1, explicit weights) and make_q3_quants (do_rmse) for groups of
// 16 values: each lane runs one group, doing that group's float ops in ggml's order, so every lane gives exactly
// the scalar result. Inputs are transposed: value i of the group in lane k is at xt[i * N + k].
// Included by the per-target SIMD kernels (per-target include guard, as Highway's -inl.h headers do).
#if defined(GS_CORE_QUANT_KQUANT_QX_SIMD_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GS_CORE_QUANT_KQUANT_QX_SIMD_INL_H_
#undef GS_CORE_QUANT_KQUANT_QX_SIMD_INL_H_
#else
#define GS_CORE_QUANT_KQUANT_QX_SIMD_INL_H_
#endif

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "core/quant/kquant_qx.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace gs::quant {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Lanes of the widest float vector of this target; sizes the stack scratch of the kernels.
constexpr size_t kQxMaxLanes = HWY_MAX_BYTES / sizeof(float);

// ggml's nearest_int on every lane (add 1.5 * 2^23, read the mantissa).
template <class DF, class V>
HWY_INLINE hn::Vec<hn::RebindToSigned<DF>> NearestInt(DF df, V v) {
    const hn::RebindToSigned<DF> di;
    const auto bits = hn::BitCast(di, hn::Add(v, hn::Set(df, 12582912.f)));
    return hn::Sub(hn::And(bits, hn::Set(di, 0x007fffff)), hn::Set(di, 0x00400000));
}

// MAX(lo, MIN(hi, l)) on int lanes.
template <class VI>
HWY_INLINE VI ClampInt(VI l, VI lo, VI hi) {
    return hn::Max(lo, hn::Min(hi, l));
}

// Transposes up to N groups of 16 consecutive floats (group k at src[16 * k]) into dst[i * N + k]; lanes
// count..N-1 get zeros (a zero group quantizes to zeros and is ignored by the callers).
HWY_INLINE void Transpose16(const float* HWY_RESTRICT src, size_t count, size_t N, float* HWY_RESTRICT dst) {
    for (size_t i = 0; i < 16; ++i) {
        float* row = dst + i * N;
        for (size_t k = 0; k < count; ++k) row[k] = src[16 * k + i];
        for (size_t k = count; k < N; ++k) row[k] = 0.f;
    }
}

// Largest |x| per lane and the signed value that has it (the first one on ties, as ggml's "if (ax > amax)").
template <class DF>
HWY_INLINE void SignedAbsMax(DF df, const float* HWY_RESTRICT xt, hn::Vec<DF>& amax, hn::Vec<DF>& vmax) {
    const size_t N = hn::Lanes(df);
    amax = hn::Zero(df);
    vmax = hn::Zero(df);
    for (size_t i = 0; i < 16; ++i) {
        const auto x = hn::Load(df, xt + i * N);
        const auto ax = hn::Abs(x);
        const auto gt = hn::Gt(ax, amax);
        amax = hn::IfThenElse(gt, ax, amax);
        vmax = hn::IfThenElse(gt, x, vmax);
    }
}

// make_qx_quants(16, nmax, x, L, 1, w) per lane. xt/wt: 16 x N transposed values and weights; Lt receives the
// codes (0..2*nmax-1) transposed the same way. Returns the scales. The search keeps, per lane, the inverse scale
// that won; recomputing L from it at the end gives exactly the L ggml recomputes when a candidate wins.
template <class DF>
HWY_INLINE hn::Vec<DF> QxQuants16(DF df, int nmax, const float* HWY_RESTRICT xt, const float* HWY_RESTRICT wt,
                                  int32_t* HWY_RESTRICT Lt) {
    const hn::RebindToSigned<DF> di;
    const size_t N = hn::Lanes(df);
    const auto zero = hn::Zero(df);
    const auto lo = hn::Set(di, -nmax), hi = hn::Set(di, nmax - 1);

    hn::Vec<DF> amax, vmax;
    SignedAbsMax(df, xt, amax, vmax);
    const auto all_zero = hn::Lt(amax, hn::Set(df, kGroupMaxEps));

    // sumlx = sum (w*x)*l and suml2 = sum (w*l)*l, element by element, for inverse scale iscale.
    auto sums = [&](hn::Vec<DF> iscale, hn::Vec<DF>& sumlx, hn::Vec<DF>& suml2) {
        sumlx = zero;
        suml2 = zero;
        for (size_t i = 0; i < 16; ++i) {
            const auto x = hn::Load(df, xt + i * N);
            const auto w = hn::Load(df, wt + i * N);
            const auto l = hn::ConvertTo(df, ClampInt(NearestInt(df, hn::Mul(iscale, x)), lo, hi));
            sumlx = hn::Add(sumlx, hn::Mul(hn::Mul(w, x), l));
            suml2 = hn::Add(suml2, hn::Mul(hn::Mul(w, l), l));
        }
    };

    auto best_iscale = hn::Div(hn::Set(df, float(-nmax)), vmax);
    hn::Vec<DF> sumlx, suml2;
    sums(best_iscale, sumlx, suml2);
    // "suml2 ? sumlx/suml2 : 0": NaN counts as true, so test == 0 rather than the ordered Ne.
    auto scale = hn::IfThenZeroElse(hn::Eq(suml2, zero), hn::Div(sumlx, suml2));
    auto best = hn::Mul(scale, sumlx);
    for (int is = -9; is <= 9; ++is) {
        if (is == 0) continue;
        const float step = float(nmax) + 0.1f * float(is);
        const auto iscale = hn::Div(hn::Neg(hn::Set(df, step)), vmax);
        sums(iscale, sumlx, suml2);
        const auto better = hn::And(hn::Gt(suml2, zero), hn::Gt(hn::Mul(sumlx, sumlx), hn::Mul(best, suml2)));
        const auto new_scale = hn::Div(sumlx, suml2);
        scale = hn::IfThenElse(better, new_scale, scale);
        best = hn::IfThenElse(better, hn::Mul(new_scale, sumlx), best);
        best_iscale = hn::IfThenElse(better, iscale, best_iscale);
    }

    const auto vnmax = hn::Set(di, nmax);
    const auto zero_lanes = hn::RebindMask(di, all_zero);
    for (size_t i = 0; i < 16; ++i) {
        const auto x = hn::Load(df, xt + i * N);
        const auto l = hn::Add(vnmax, ClampInt(NearestInt(df, hn::Mul(best_iscale, x)), lo, hi));
        hn::Store(hn::IfThenZeroElse(zero_lanes, l), di, Lt + i * N);
    }
    return hn::IfThenZeroElse(all_zero, scale);
}

// make_q3_quants(16, nmax, x, L, true) per lane: x^2-weighted fit from -nmax/max, then sweeps that move one value
// at a time while the fit improves. Lanes sweep together; a lane whose sweep changed nothing would change nothing
// in any later sweep either (same state, same decisions), so running it on until every lane is done (or 5
// sweeps) gives its scalar result.
template <class DF>
HWY_INLINE hn::Vec<DF> Q3Quants16(DF df, int nmax, const float* HWY_RESTRICT xt, int32_t* HWY_RESTRICT Lt) {
    const hn::RebindToSigned<DF> di;
    const size_t N = hn::Lanes(df);
    const auto zero = hn::Zero(df);
    const auto lo = hn::Set(di, -nmax), hi = hn::Set(di, nmax - 1);

    hn::Vec<DF> amax, vmax;
    SignedAbsMax(df, xt, amax, vmax);
    const auto all_zero = hn::Lt(amax, hn::Set(df, kGroupMaxEps));
    const auto iscale = hn::Div(hn::Set(df, float(-nmax)), vmax);

    HWY_ALIGN float Lf[16 * kQxMaxLanes];  // signed codes as floats (exact small integers)
    auto sumlx = zero, suml2 = zero;
    for (size_t i = 0; i < 16; ++i) {
        const auto x = hn::Load(df, xt + i * N);
        const auto l = hn::ConvertTo(df, ClampInt(NearestInt(df, hn::Mul(iscale, x)), lo, hi));
        hn::Store(l, df, Lf + i * N);
        const auto w = hn::Mul(x, x);
        sumlx = hn::Add(sumlx, hn::Mul(hn::Mul(w, x), l));
        suml2 = hn::Add(suml2, hn::Mul(hn::Mul(w, l), l));
    }
    for (int itry = 0; itry < 5; ++itry) {
        auto changed = hn::Lt(zero, zero);  // all false
        for (size_t i = 0; i < 16; ++i) {
            const auto x = hn::Load(df, xt + i * N);
            const auto w = hn::Mul(x, x);
            const auto wx = hn::Mul(w, x);
            const auto li = hn::Load(df, Lf + i * N);
            auto slx = hn::Sub(sumlx, hn::Mul(wx, li));
            const auto positive = hn::Gt(slx, zero);
            auto sl2 = hn::Sub(suml2, hn::Mul(hn::Mul(w, li), li));
            const auto new_l =
                hn::ConvertTo(df, ClampInt(NearestInt(df, hn::Div(hn::Mul(x, sl2), slx)), lo, hi));
            const auto differs = hn::And(positive, hn::Not(hn::Eq(new_l, li)));
            slx = hn::Add(slx, hn::Mul(wx, new_l));
            sl2 = hn::Add(sl2, hn::Mul(hn::Mul(w, new_l), new_l));
            const auto better = hn::And(
                differs, hn::And(hn::Gt(sl2, zero), hn::Gt(hn::Mul(hn::Mul(slx, slx), suml2),
                                                           hn::Mul(hn::Mul(sumlx, sumlx), sl2))));
            // Usually no lane moves: branching keeps the sums off this step's long dependency chain (as the
            // scalar code's branch does) instead of blending them on every value.
            if (hn::AllFalse(df, better)) continue;
            hn::Store(hn::IfThenElse(better, new_l, li), df, Lf + i * N);
            sumlx = hn::IfThenElse(better, slx, sumlx);
            suml2 = hn::IfThenElse(better, sl2, suml2);
            changed = hn::Or(changed, better);
        }
        if (hn::AllFalse(df, hn::AndNot(all_zero, changed))) break;
    }

    const auto vnmax = hn::Set(di, nmax);
    const auto zero_lanes = hn::RebindMask(di, all_zero);
    for (size_t i = 0; i < 16; ++i) {
        const auto l = hn::Add(vnmax, hn::ConvertTo(di, hn::Load(df, Lf + i * N)));
        hn::Store(hn::IfThenZeroElse(zero_lanes, l), di, Lt + i * N);
    }
    return hn::IfThenZeroElse(all_zero, hn::Div(sumlx, suml2));
}

// Writes lane k's 16 codes (transposed in Lt) to L[16 * k + i] for the first `count` lanes.
HWY_INLINE void UntransposeCodes(const int32_t* HWY_RESTRICT Lt, size_t count, size_t N, int8_t* HWY_RESTRICT L) {
    for (size_t k = 0; k < count; ++k)
        for (size_t i = 0; i < 16; ++i) L[16 * k + i] = int8_t(Lt[i * N + k]);
}

// L[i] = clamp(nearest_int(x[i] / d), -nmax, nmax - 1) + nmax for 16 values: one division per value, so any
// vector width gives the scalar result.
HWY_INLINE void RoundGroup16(const float* HWY_RESTRICT x, float d, int nmax, int8_t* HWY_RESTRICT L) {
    const hn::CappedTag<float, 16> df;
    const hn::RebindToSigned<decltype(df)> di;
    const hn::Rebind<int8_t, decltype(df)> d8;
    const auto vd = hn::Set(df, d);
    const auto lo = hn::Set(di, -nmax), hi = hn::Set(di, nmax - 1), vnmax = hn::Set(di, nmax);
    for (size_t i = 0; i < 16; i += hn::Lanes(df)) {
        const auto l = ClampInt(NearestInt(df, hn::Div(hn::LoadU(df, x + i), vd)), lo, hi);
        hn::StoreU(hn::DemoteTo(d8, hn::Add(l, vnmax)), d8, L + i);
    }
}

}  // namespace HWY_NAMESPACE
}  // namespace gs::quant
HWY_AFTER_NAMESPACE();

#endif  // per-target include guard
