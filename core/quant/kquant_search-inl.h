// Highway twins of kquant_search.h for the *_simd.cpp files of Q2_K, Q4_K and Q5_K (include after hwy/highway.h
// inside a foreach_target file). Bit-identity comes from vectorizing across sub-blocks: lane k runs the whole search
// of one sub-block, with exactly the scalar float operations in the scalar order; only the control flow becomes
// masks (a lane whose scalar twin would have returned early or skipped an update keeps its old state).
// make_qp_quants stays scalar (a few hundred operations per super-block against tens of thousands here).
#if defined(GS_QUANT_KQUANT_SEARCH_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GS_QUANT_KQUANT_SEARCH_INL_H_
#undef GS_QUANT_KQUANT_SEARCH_INL_H_
#else
#define GS_QUANT_KQUANT_SEARCH_INL_H_
#endif

#include <cstddef>
#include <cstdint>

#include "core/quant/common.h"
#include "core/quant/kquant_search.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace gs::quant {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr size_t kMaxFloatLanes = HWY_MAX_BYTES / sizeof(float);
constexpr int kMaxSubBlockValues = 32;

// gs::quant::nearest_int on every lane (the same add-1.5*2^23-and-read-the-mantissa trick).
template <class DF>
HWY_INLINE hn::Vec<hn::RebindToSigned<DF>> NearestInt(DF df, hn::Vec<DF> v) {
    const hn::RebindToSigned<DF> di;
    const auto t = hn::BitCast(di, hn::Add(v, hn::Set(df, 12582912.f)));
    return hn::Sub(hn::And(t, hn::Set(di, 0x007fffff)), hn::Set(di, 0x00400000));
}

template <class DI>
HWY_INLINE hn::Vec<DI> ClampLevel(DI di, hn::Vec<DI> l, int nmax) {
    return hn::Max(hn::Min(l, hn::Set(di, nmax)), hn::Zero(di));
}

// search_affine (make_qkx2_quants / make_qkx3_quants) for Lanes(df) sub-blocks at once. xt and wt are transposed:
// xt[i * N + k] is value i of lane k's sub-block. Lane k's levels go to L + k * s.n (for k < lanes_used), its
// scale and min to scale[k] and the_min[k] (all N lanes).
template <class DF>
HWY_NOINLINE void SearchAffineLanes(DF df, const AffineSearch& s, const float* HWY_RESTRICT xt,
                                    const float* HWY_RESTRICT wt, size_t lanes_used, uint8_t* HWY_RESTRICT L,
                                    float* HWY_RESTRICT scale_out, float* HWY_RESTRICT the_min_out) {
    const hn::RebindToSigned<DF> di;
    const size_t N = hn::Lanes(df);
    const int n = s.n;
    const auto zero = hn::Zero(df);
    auto error = [&](hn::Vec<DF> diff) { return s.use_mad ? hn::Abs(diff) : hn::Mul(diff, diff); };
    auto levels = [&](hn::Vec<DF> iscale, hn::Vec<DF> min, hn::Vec<DF> x) {
        return ClampLevel(di, NearestInt(df, hn::Mul(iscale, hn::Sub(x, min))), s.nmax);
    };

    const auto x0 = hn::Load(df, xt);
    auto min = x0, max = x0;
    auto sum_w = hn::Load(df, wt);
    auto sum_x = hn::Mul(sum_w, x0);
    for (int i = 1; i < n; ++i) {
        const auto x = hn::Load(df, xt + i * N), w = hn::Load(df, wt + i * N);
        min = hn::IfThenElse(hn::Lt(x, min), x, min);
        max = hn::IfThenElse(hn::Gt(x, max), x, max);
        sum_w = hn::Add(sum_w, w);
        sum_x = hn::Add(sum_x, hn::Mul(w, x));
    }
    min = hn::IfThenElse(hn::Gt(min, zero), zero, min);
    // Lanes whose scalar twin returns early (all values equal): levels 0, scale 0, min unchanged.
    const auto flat = s.qkx3 ? hn::Le(max, min) : hn::Eq(max, min);

    auto iscale = hn::Div(hn::Set(df, static_cast<float>(s.nmax)), hn::Sub(max, min));
    auto scale = hn::Div(hn::Set(df, 1.f), iscale);
    auto best_mad = zero;
    for (int i = 0; i < n; ++i) {
        const auto x = hn::Load(df, xt + i * N), w = hn::Load(df, wt + i * N);
        const auto l = hn::ConvertTo(df, levels(iscale, min, x));
        best_mad = hn::Add(best_mad, hn::Mul(w, error(hn::Sub(hn::Add(hn::Mul(scale, l), min), x))));
    }
    // The winning levels are a function of the inverse scale and min they were made with: keep those, not levels.
    auto best_iscale = iscale, best_lmin = min;

    HWY_ALIGN float laux[kMaxSubBlockValues * kMaxFloatLanes];
    for (int is = 0; s.nstep >= 1 && is <= s.nstep; ++is) {
        const float num = s.rmin + s.rdelta * is + s.nmax;  // the scalar expression, evaluated once for all lanes
        const auto it = hn::Div(hn::Set(df, num), hn::Sub(max, min));
        auto sum_l = zero, sum_l2 = zero, sum_xl = zero;
        for (int i = 0; i < n; ++i) {
            const auto x = hn::Load(df, xt + i * N), w = hn::Load(df, wt + i * N);
            const auto l = hn::ConvertTo(df, levels(it, min, x));
            hn::Store(l, df, laux + i * N);
            const auto wl = hn::Mul(w, l);
            sum_l = hn::Add(sum_l, wl);
            sum_l2 = hn::Add(sum_l2, hn::Mul(wl, l));
            sum_xl = hn::Add(sum_xl, hn::Mul(wl, x));
        }
        const auto D = hn::Sub(hn::Mul(sum_w, sum_l2), hn::Mul(sum_l, sum_l));
        const auto try_it = hn::AndNot(flat, hn::Gt(D, zero));
        if (hn::AllFalse(df, try_it)) continue;
        auto this_scale = hn::Div(hn::Sub(hn::Mul(sum_w, sum_xl), hn::Mul(sum_x, sum_l)), D);
        auto this_min = hn::Div(hn::Sub(hn::Mul(sum_l2, sum_x), hn::Mul(sum_l, sum_xl)), D);
        const auto min_pos = hn::Gt(this_min, zero);
        this_min = hn::IfThenElse(min_pos, zero, this_min);
        this_scale = hn::IfThenElse(min_pos, hn::Div(sum_xl, sum_l2), this_scale);
        auto mad = zero;
        for (int i = 0; i < n; ++i) {
            const auto x = hn::Load(df, xt + i * N), w = hn::Load(df, wt + i * N);
            const auto l = hn::Load(df, laux + i * N);
            mad = hn::Add(mad, hn::Mul(w, error(hn::Sub(hn::Add(hn::Mul(this_scale, l), this_min), x))));
        }
        const auto better = hn::And(try_it, hn::Lt(mad, best_mad));
        best_mad = hn::IfThenElse(better, mad, best_mad);
        best_iscale = hn::IfThenElse(better, it, best_iscale);
        best_lmin = hn::IfThenElse(better, min, best_lmin);
        scale = hn::IfThenElse(better, this_scale, scale);
        min = hn::IfThenElse(better, this_min, min);
    }

    hn::StoreU(hn::IfThenZeroElse(flat, scale), df, scale_out);
    hn::StoreU(hn::Neg(min), df, the_min_out);
    const auto flat_i = hn::RebindMask(di, flat);
    HWY_ALIGN int32_t lt[kMaxFloatLanes];
    for (int i = 0; i < n; ++i) {
        const auto l = levels(best_iscale, best_lmin, hn::Load(df, xt + i * N));
        hn::Store(hn::IfThenZeroElse(flat_i, l), di, lt);
        for (size_t k = 0; k < lanes_used; ++k) L[k * n + i] = static_cast<uint8_t>(lt[k]);
    }
}

// How a format weighs the values of a sub-block in its search.
enum class WeightRule {
    kRmsPlusAbs,  // sqrt(mean x^2 of the sub-block) + |x|          (Q4_K/Q5_K reference)
    kAbs,         // |x|                                            (Q2_K reference)
    kImatrix,     // qw * sqrt(sigma2 + x^2), with the sum per sub-block  (the imatrix paths)
};

// Searches `count` consecutive sub-blocks of s.n values (sub-block b at x + b * s.n), Lanes(df) at a time.
// kImatrix: qw[b] points to sub-block b's importance weights and sigma2[b] is its super-block's sigma2; sw[b]
// receives its weight sum. scales, mins and sw need room for count rounded up to a multiple of Lanes(df).
template <class DF>
HWY_NOINLINE void SearchSubBlocks(DF df, const AffineSearch& s, WeightRule rule, const float* HWY_RESTRICT x,
                                  size_t count, const float* const* qw, const float* sigma2, float* scales,
                                  float* mins, float* sw, uint8_t* L) {
    const size_t N = hn::Lanes(df);
    const int n = s.n;
    HWY_ALIGN float xt[kMaxSubBlockValues * kMaxFloatLanes];
    HWY_ALIGN float wt[kMaxSubBlockValues * kMaxFloatLanes];
    HWY_ALIGN float lane_sigma2[kMaxFloatLanes];
    for (size_t g = 0; g < count; g += N) {
        const size_t used = count - g < N ? count - g : N;
        // Transpose; unused lanes get zeros (an all-equal sub-block, whose results are dropped).
        for (int i = 0; i < n; ++i)
            for (size_t k = 0; k < N; ++k) xt[i * N + k] = k < used ? x[(g + k) * n + i] : 0.f;
        if (rule == WeightRule::kImatrix) {
            for (int i = 0; i < n; ++i)
                for (size_t k = 0; k < N; ++k) wt[i * N + k] = k < used ? qw[g + k][i] : 0.f;
            for (size_t k = 0; k < N; ++k) lane_sigma2[k] = k < used ? sigma2[g + k] : 0.f;
            const auto vs2 = hn::Load(df, lane_sigma2);
            auto sum = hn::Zero(df);
            for (int i = 0; i < n; ++i) {
                const auto xi = hn::Load(df, xt + i * N);
                const auto w = hn::Mul(hn::Load(df, wt + i * N), hn::Sqrt(hn::Add(vs2, hn::Mul(xi, xi))));
                hn::Store(w, df, wt + i * N);
                sum = hn::Add(sum, w);
            }
            hn::StoreU(sum, df, sw + g);
        } else if (rule == WeightRule::kRmsPlusAbs) {
            auto sum_x2 = hn::Zero(df);
            for (int i = 0; i < n; ++i) {
                const auto xi = hn::Load(df, xt + i * N);
                sum_x2 = hn::Add(sum_x2, hn::Mul(xi, xi));
            }
            const auto av_x = hn::Sqrt(hn::Div(sum_x2, hn::Set(df, static_cast<float>(n))));
            for (int i = 0; i < n; ++i) hn::Store(hn::Add(av_x, hn::Abs(hn::Load(df, xt + i * N))), df, wt + i * N);
        } else {
            for (int i = 0; i < n; ++i) hn::Store(hn::Abs(hn::Load(df, xt + i * N)), df, wt + i * N);
        }
        SearchAffineLanes(df, s, xt, wt, used, L + g * n, scales + g, mins + g);
    }
}

// The last step of every K-quant: levels of the n values of x against the step d and offset dm the block stores,
// clamp(nearest_int((x + dm) / d), 0, nmax). Element-wise, so lanes run along x.
template <class DF>
HWY_INLINE void RequantizeSubBlock(DF df, const float* HWY_RESTRICT x, int n, float d, float dm, int nmax,
                                   uint8_t* HWY_RESTRICT L) {
    const hn::RebindToSigned<DF> di;
    const hn::Rebind<uint8_t, DF> du8;
    const size_t N = hn::Lanes(df);
    const auto vd = hn::Set(df, d), vdm = hn::Set(df, dm);
    int i = 0;
    for (; i + static_cast<int>(N) <= n; i += static_cast<int>(N)) {
        const auto l = ClampLevel(di, NearestInt(df, hn::Div(hn::Add(hn::LoadU(df, x + i), vdm), vd)), nmax);
        hn::StoreU(hn::DemoteTo(du8, l), du8, L + i);
    }
    for (; i < n; ++i) {  // only where vectors are longer than a sub-block
        int l = nearest_int((x[i] + dm) / d);
        l = nmax < l ? nmax : l;
        L[i] = static_cast<uint8_t>(0 > l ? 0 : l);
    }
}

}  // namespace HWY_NAMESPACE
}  // namespace gs::quant
HWY_AFTER_NAMESPACE();

#endif  // include guard toggle
