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

#include "core/quant/common.h"
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

// How many groups of Lanes(df) searches run side by side. Each candidate's sums are chains of 16 dependent adds;
// with 4 lanes (SIMD128, SSE4) one group's chains leave the CPU mostly waiting, two independent groups overlap.
// Sizeless vectors (SVE, RVV) cannot be held in arrays: one group there.
#if HWY_HAVE_SCALABLE
constexpr int kQxGroups = 1;
#else
constexpr int kQxGroups = 2;
#endif

// For kG groups g (values at xt + g * 16 * N, likewise wt and wxt = w*x, the product ggml forms first):
// sumlx = sum (w*x)*l and suml2 = sum (w*l)*l at inverse scale iscale[g], element by element. kRound: the levels
// clamp(nearest_int(iscale * x), -nmax, nmax - 1) come from hn::Round and a float clamp, equal to nearest_int's
// wherever |iscale * x| < 2^22 (the caller checks); otherwise from nearest_int's bit trick, as the scalar code,
// whatever it gives out of range.
template <bool kRound, int kG, class DF>
HWY_INLINE void QxSums(DF df, int nmax, const float* HWY_RESTRICT xt, const float* HWY_RESTRICT wt,
                       const float* HWY_RESTRICT wxt, const hn::Vec<DF>* iscale, hn::Vec<DF>* sumlx,
                       hn::Vec<DF>* suml2) {
    const hn::RebindToSigned<DF> di;
    const size_t N = hn::Lanes(df);
    const auto lo_f = hn::Set(df, float(-nmax)), hi_f = hn::Set(df, float(nmax - 1));
    const auto lo = hn::Set(di, -nmax), hi = hn::Set(di, nmax - 1);
    hn::Vec<DF> is[kG], slx[kG], sl2[kG];  // locals, so that the accumulators stay in registers
    for (int g = 0; g < kG; ++g) {
        is[g] = iscale[g];
        slx[g] = sl2[g] = hn::Zero(df);
    }
    for (size_t i = 0; i < 16; ++i) {
        for (int g = 0; g < kG; ++g) {
            const size_t at = g * 16 * N + i * N;
            const auto v = hn::Mul(is[g], hn::Load(df, xt + at));
            const auto l = kRound ? hn::Min(hn::Max(hn::Round(v), lo_f), hi_f)
                                  : hn::ConvertTo(df, ClampInt(NearestInt(df, v), lo, hi));
            slx[g] = hn::Add(slx[g], hn::Mul(hn::Load(df, wxt + at), l));
            sl2[g] = hn::Add(sl2[g], hn::Mul(hn::Mul(hn::Load(df, wt + at), l), l));
        }
    }
    for (int g = 0; g < kG; ++g) {
        sumlx[g] = slx[g];
        suml2[g] = sl2[g];
    }
}

// make_qx_quants(16, nmax, x, L, 1, w) per lane, for kG groups of Lanes(df) 16-value groups. Group g: xt/wt +
// g * 16 * N hold 16 x N transposed values and weights; Lt + g * 16 * N receives the codes (0..2*nmax-1)
// transposed the same way, scales + g * N the scales. The search keeps, per lane, the inverse scale that won;
// recomputing L from it at the end gives exactly the L ggml recomputes when a candidate wins.
template <int kG, class DF>
HWY_INLINE void QxQuants16Groups(DF df, int nmax, const float* HWY_RESTRICT xt, const float* HWY_RESTRICT wt,
                                 int32_t* HWY_RESTRICT Lt, float* HWY_RESTRICT scales) {
    using V = hn::Vec<DF>;
    const hn::RebindToSigned<DF> di;
    const size_t N = hn::Lanes(df);
    const auto zero = hn::Zero(df);
    const auto lo = hn::Set(di, -nmax), hi = hn::Set(di, nmax - 1);

    V amax[kG], vmax[kG];
    hn::Mask<DF> all_zero[kG];
    HWY_ALIGN float wxt[kG * 16 * kQxMaxLanes];
    const auto highest = hn::Set(df, hwy::HighestValue<float>());
    auto finite = hn::Eq(zero, zero);
    for (int g = 0; g < kG; ++g) {
        SignedAbsMax(df, xt + g * 16 * N, amax[g], vmax[g]);
        all_zero[g] = hn::Lt(amax[g], hn::Set(df, kGroupMaxEps));
        for (size_t i = 0; i < 16; ++i) {
            const size_t at = g * 16 * N + i * N;
            const auto x = hn::Load(df, xt + at);
            hn::Store(hn::Mul(hn::Load(df, wt + at), x), df, wxt + at);
            finite = hn::And(finite, hn::Le(hn::Abs(x), highest));  // false for inf and NaN
        }
    }
    // Every |x| <= amax, and rounding is monotonic, so |iscale| * amax < 2^22 bounds every |iscale * x|; lanes
    // that are all (near) zero are dropped at the end, whatever their levels.
    const bool all_finite = hn::AllTrue(df, finite);
    const auto limit = hn::Set(df, 4194304.f);
    auto sums = [&](const V* iscale, V* sumlx, V* suml2) {
        bool round_ok = all_finite;
        for (int g = 0; g < kG; ++g)
            round_ok = round_ok &&
                       hn::AllTrue(df, hn::Or(all_zero[g], hn::Lt(hn::Mul(hn::Abs(iscale[g]), amax[g]), limit)));
        if (round_ok) QxSums<true, kG>(df, nmax, xt, wt, wxt, iscale, sumlx, suml2);
        else QxSums<false, kG>(df, nmax, xt, wt, wxt, iscale, sumlx, suml2);
    };

    V best_iscale[kG], scale[kG], best[kG], iscale[kG], sumlx[kG], suml2[kG];
    for (int g = 0; g < kG; ++g) best_iscale[g] = hn::Div(hn::Set(df, float(-nmax)), vmax[g]);
    sums(best_iscale, sumlx, suml2);
    for (int g = 0; g < kG; ++g) {
        // "suml2 ? sumlx/suml2 : 0": NaN counts as true, so test == 0 rather than the ordered Ne.
        scale[g] = hn::IfThenZeroElse(hn::Eq(suml2[g], zero), hn::Div(sumlx[g], suml2[g]));
        best[g] = hn::Mul(scale[g], sumlx[g]);
    }
    for (int is = -9; is <= 9; ++is) {
        if (is == 0) continue;
        const auto step = hn::Neg(hn::Set(df, float(nmax) + 0.1f * float(is)));
        for (int g = 0; g < kG; ++g) iscale[g] = hn::Div(step, vmax[g]);
        sums(iscale, sumlx, suml2);
        for (int g = 0; g < kG; ++g) {
            const auto better =
                hn::And(hn::Gt(suml2[g], zero), hn::Gt(hn::Mul(sumlx[g], sumlx[g]), hn::Mul(best[g], suml2[g])));
            const auto new_scale = hn::Div(sumlx[g], suml2[g]);
            scale[g] = hn::IfThenElse(better, new_scale, scale[g]);
            best[g] = hn::IfThenElse(better, hn::Mul(new_scale, sumlx[g]), best[g]);
            best_iscale[g] = hn::IfThenElse(better, iscale[g], best_iscale[g]);
        }
    }

    const auto vnmax = hn::Set(di, nmax);
    for (int g = 0; g < kG; ++g) {
        const auto zero_lanes = hn::RebindMask(di, all_zero[g]);
        for (size_t i = 0; i < 16; ++i) {
            const size_t at = g * 16 * N + i * N;
            const auto l = hn::Add(vnmax, ClampInt(NearestInt(df, hn::Mul(best_iscale[g], hn::Load(df, xt + at))), lo, hi));
            hn::Store(hn::IfThenZeroElse(zero_lanes, l), di, Lt + at);
        }
        hn::Store(hn::IfThenZeroElse(all_zero[g], scale[g]), df, scales + g * N);
    }
}

// One group: make_qx_quants(16, nmax, x, L, 1, w) per lane of xt/wt (16 x N), codes to Lt; returns the scales.
template <class DF>
HWY_INLINE hn::Vec<DF> QxQuants16(DF df, int nmax, const float* HWY_RESTRICT xt, const float* HWY_RESTRICT wt,
                                  int32_t* HWY_RESTRICT Lt) {
    HWY_ALIGN float scales[kQxMaxLanes];
    QxQuants16Groups<1>(df, nmax, xt, wt, Lt, scales);
    return hn::Load(df, scales);
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
