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

#include <algorithm>
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

// How many groups of Lanes(df) sub-blocks one search runs side by side. A candidate's sums are chains of kN
// dependent adds; with 4 lanes (SIMD128, SSE4) one group's chains leave the CPU mostly waiting, two independent
// groups overlap. Sizeless vectors (SVE, RVV) cannot be held in arrays: one group there.
#if HWY_HAVE_SCALABLE
constexpr int kSearchGroups = 1;
#else
constexpr int kSearchGroups = 2;
#endif

// How CandidateSums makes the levels clamp(nearest_int(v), 0, nmax), as floats.
enum class Levels {
    kBits,        // nearest_int's own bit trick, whatever it gives out of range (as the scalar code)
    kRound,       // hn::Round and a float clamp: equal to nearest_int wherever |v| < 2^22 (both round to nearest,
                  // ties to even); the caller checks that range
    kRoundInRange,  // hn::Round alone: the caller also checked that every rounded v is in [0, nmax] already
};

template <Levels kHow, class DF>
HWY_INLINE hn::Vec<DF> LevelsF(DF df, hn::Vec<DF> v, hn::Vec<DF> nmax_f, int nmax) {
    if (kHow == Levels::kRoundInRange) return hn::Round(v);
    if (kHow == Levels::kRound) return hn::Min(hn::Max(hn::Round(v), hn::Zero(df)), nmax_f);
    return hn::ConvertTo(df, ClampLevel(hn::RebindToSigned<DF>(), NearestInt(df, v), nmax));
}

// One candidate's pass over the values of kG groups (group g's at xt/wt/laux + g * kN * N): levels of
// iscale * (x - min) into laux, and the weighted sums of l, l^2 and x*l, element by element in the scalar order.
template <int kN, Levels kHow, int kG, class DF>
HWY_INLINE void CandidateSums(DF df, const float* HWY_RESTRICT xt, const float* HWY_RESTRICT wt,
                              const hn::Vec<DF>* iscale, const hn::Vec<DF>* min, hn::Vec<DF> nmax_f, int nmax,
                              float* HWY_RESTRICT laux, hn::Vec<DF>* sum_l, hn::Vec<DF>* sum_l2,
                              hn::Vec<DF>* sum_xl) {
    const size_t N = hn::Lanes(df);
    // Local accumulators (out-parameters may alias laux, which would keep them in memory), written once at the end.
    hn::Vec<DF> is[kG], mn[kG], sl[kG], sl2[kG], sxl[kG];
    for (int g = 0; g < kG; ++g) {
        is[g] = iscale[g];
        mn[g] = min[g];
        sl[g] = sl2[g] = sxl[g] = hn::Zero(df);
    }
    GS_UNROLL_VALUES
    for (int i = 0; i < kN; ++i) {
        for (int g = 0; g < kG; ++g) {
            const size_t at = (g * kN + i) * N;
            const auto x = hn::Load(df, xt + at), w = hn::Load(df, wt + at);
            const auto l = LevelsF<kHow>(df, hn::Mul(is[g], hn::Sub(x, mn[g])), nmax_f, nmax);
            hn::Store(l, df, laux + at);
            const auto wl = hn::Mul(w, l);
            sl[g] = hn::Add(sl[g], wl);
            sl2[g] = hn::Add(sl2[g], hn::Mul(wl, l));
            sxl[g] = hn::Add(sxl[g], hn::Mul(wl, x));
        }
    }
    for (int g = 0; g < kG; ++g) {
        sum_l[g] = sl[g];
        sum_l2[g] = sl2[g];
        sum_xl[g] = sxl[g];
    }
}

// Weighted error of the levels in laux against scale * l + min: sum of w * |e| (kMad) or w * e^2, in order.
template <int kN, bool kMad, int kG, class DF>
HWY_INLINE void CandidateError(DF df, const float* HWY_RESTRICT xt, const float* HWY_RESTRICT wt,
                               const float* HWY_RESTRICT laux, const hn::Vec<DF>* scale, const hn::Vec<DF>* min,
                               hn::Vec<DF>* err) {
    const size_t N = hn::Lanes(df);
    hn::Vec<DF> sc[kG], mn[kG], e[kG];
    for (int g = 0; g < kG; ++g) {
        sc[g] = scale[g];
        mn[g] = min[g];
        e[g] = hn::Zero(df);
    }
    GS_UNROLL_VALUES
    for (int i = 0; i < kN; ++i) {
        for (int g = 0; g < kG; ++g) {
            const size_t at = (g * kN + i) * N;
            const auto x = hn::Load(df, xt + at), w = hn::Load(df, wt + at);
            const auto diff = hn::Sub(hn::Add(hn::Mul(sc[g], hn::Load(df, laux + at)), mn[g]), x);
            e[g] = hn::Add(e[g], hn::Mul(w, kMad ? hn::Abs(diff) : hn::Mul(diff, diff)));
        }
    }
    for (int g = 0; g < kG; ++g) err[g] = e[g];
}

// search_affine (make_qkx2_quants / make_qkx3_quants) for kG groups of Lanes(df) sub-blocks of kN values. Group
// g's values and weights are transposed at xt/wt + g * kN * N: xt[(g * kN + i) * N + k] is value i of the
// sub-block in lane k. Sub-block j = g * N + k (for j < subs) gets its levels at L + j * kN, its scale and min at
// scale_out[j] and the_min_out[j] (written for all kG * N lanes).
template <int kN, bool kMad, int kG, class DF>
HWY_NOINLINE void SearchAffineLanes(DF df, const AffineSearch& s, const float* HWY_RESTRICT xt,
                                    const float* HWY_RESTRICT wt, size_t subs, uint8_t* HWY_RESTRICT L,
                                    float* HWY_RESTRICT scale_out, float* HWY_RESTRICT the_min_out) {
    using V = hn::Vec<DF>;
    const hn::RebindToSigned<DF> di;
    const size_t N = hn::Lanes(df);
    const auto zero = hn::Zero(df);
    const auto nmax_f = hn::Set(df, static_cast<float>(s.nmax));
    const auto highest = hn::Set(df, hwy::HighestValue<float>());

    V min[kG], max[kG], data_min[kG], sum_w[kG], sum_x[kG];
    hn::Mask<DF> flat[kG];
    auto finite = hn::Eq(zero, zero);
    for (int g = 0; g < kG; ++g) {
        const float* xg = xt + g * kN * N;
        const float* wg = wt + g * kN * N;
        const auto x0 = hn::Load(df, xg);
        min[g] = max[g] = x0;
        sum_w[g] = hn::Load(df, wg);
        sum_x[g] = hn::Mul(sum_w[g], x0);
        finite = hn::And(finite, hn::Le(hn::Abs(x0), highest));  // false for inf and NaN
        for (int i = 1; i < kN; ++i) {
            const auto x = hn::Load(df, xg + i * N), w = hn::Load(df, wg + i * N);
            min[g] = hn::IfThenElse(hn::Lt(x, min[g]), x, min[g]);
            max[g] = hn::IfThenElse(hn::Gt(x, max[g]), x, max[g]);
            sum_w[g] = hn::Add(sum_w[g], w);
            sum_x[g] = hn::Add(sum_x[g], hn::Mul(w, x));
            finite = hn::And(finite, hn::Le(hn::Abs(x), highest));
        }
        data_min[g] = min[g];
        min[g] = hn::IfThenElse(hn::Gt(min[g], zero), zero, min[g]);
        // Lanes whose scalar twin returns early (all values equal): levels 0, scale 0, min unchanged.
        flat[g] = s.qkx3 ? hn::Le(max[g], min[g]) : hn::Eq(max[g], min[g]);
    }

    // hn::Round is exact for the levels of iscale * (x - min) when every x is finite and the extreme products stay
    // below 2^22: every x lies in [data_min, max], and subtraction, multiplication and rounding are monotonic, so
    // every product lies between the two ends' products (the very values the loop computes for those x) and
    // every rounded level between theirs. If both ends round into [0, nmax], no level needs the clamp. Flat lanes'
    // results are dropped, whatever their levels.
    const bool all_finite = hn::AllTrue(df, finite);
    const auto limit = hn::Set(df, 4194304.f);
    HWY_ALIGN float laux[kG * kN * kMaxFloatLanes];
    V sum_l[kG], sum_l2[kG], sum_xl[kG];
    auto sums = [&](const V* iscale, const V* min) {
        bool round_ok = all_finite, in_range = true;
        for (int g = 0; g < kG && round_ok; ++g) {
            const auto hi = hn::Mul(iscale[g], hn::Sub(max[g], min[g]));
            const auto lo = hn::Mul(iscale[g], hn::Sub(data_min[g], min[g]));
            round_ok = hn::AllTrue(df, hn::Or(flat[g], hn::And(hn::Lt(hn::Abs(hi), limit), hn::Lt(hn::Abs(lo), limit))));
            const auto rhi = hn::Round(hi), rlo = hn::Round(lo);
            const auto ends_in = hn::And(hn::And(hn::Ge(rhi, zero), hn::Le(rhi, nmax_f)),
                                         hn::And(hn::Ge(rlo, zero), hn::Le(rlo, nmax_f)));
            in_range = in_range && hn::AllTrue(df, hn::Or(flat[g], ends_in));
        }
        if (round_ok && in_range)
            CandidateSums<kN, Levels::kRoundInRange, kG>(df, xt, wt, iscale, min, nmax_f, s.nmax, laux, sum_l, sum_l2,
                                                         sum_xl);
        else if (round_ok)
            CandidateSums<kN, Levels::kRound, kG>(df, xt, wt, iscale, min, nmax_f, s.nmax, laux, sum_l, sum_l2, sum_xl);
        else
            CandidateSums<kN, Levels::kBits, kG>(df, xt, wt, iscale, min, nmax_f, s.nmax, laux, sum_l, sum_l2, sum_xl);
    };

    V scale[kG], best_mad[kG], best_iscale[kG], best_lmin[kG];
    for (int g = 0; g < kG; ++g) {
        best_iscale[g] = hn::Div(nmax_f, hn::Sub(max[g], min[g]));
        scale[g] = hn::Div(hn::Set(df, 1.f), best_iscale[g]);
        best_lmin[g] = min[g];
    }
    sums(best_iscale, min);  // only the levels are used here
    CandidateError<kN, kMad, kG>(df, xt, wt, laux, scale, min, best_mad);
    // The winning levels are a function of the inverse scale and min they were made with: keep those, not levels.

    V it[kG], this_scale[kG], this_min[kG], mad[kG];
    hn::Mask<DF> try_it[kG];
    for (int is = 0; s.nstep >= 1 && is <= s.nstep; ++is) {
        const auto num = hn::Set(df, s.rmin + s.rdelta * is + s.nmax);  // the scalar expression, once for all lanes
        for (int g = 0; g < kG; ++g) it[g] = hn::Div(num, hn::Sub(max[g], min[g]));
        sums(it, min);
        bool any = false;
        for (int g = 0; g < kG; ++g) {
            const auto D = hn::Sub(hn::Mul(sum_w[g], sum_l2[g]), hn::Mul(sum_l[g], sum_l[g]));
            try_it[g] = hn::AndNot(flat[g], hn::Gt(D, zero));
            any = any || !hn::AllFalse(df, try_it[g]);
            this_scale[g] = hn::Div(hn::Sub(hn::Mul(sum_w[g], sum_xl[g]), hn::Mul(sum_x[g], sum_l[g])), D);
            this_min[g] = hn::Div(hn::Sub(hn::Mul(sum_l2[g], sum_x[g]), hn::Mul(sum_l[g], sum_xl[g])), D);
            const auto min_pos = hn::Gt(this_min[g], zero);
            this_min[g] = hn::IfThenElse(min_pos, zero, this_min[g]);
            this_scale[g] = hn::IfThenElse(min_pos, hn::Div(sum_xl[g], sum_l2[g]), this_scale[g]);
        }
        if (!any) continue;
        CandidateError<kN, kMad, kG>(df, xt, wt, laux, this_scale, this_min, mad);
        for (int g = 0; g < kG; ++g) {
            const auto better = hn::And(try_it[g], hn::Lt(mad[g], best_mad[g]));
            best_mad[g] = hn::IfThenElse(better, mad[g], best_mad[g]);
            best_iscale[g] = hn::IfThenElse(better, it[g], best_iscale[g]);
            best_lmin[g] = hn::IfThenElse(better, min[g], best_lmin[g]);
            scale[g] = hn::IfThenElse(better, this_scale[g], scale[g]);
            min[g] = hn::IfThenElse(better, this_min[g], min[g]);
        }
    }

    HWY_ALIGN int32_t lt[kMaxFloatLanes];
    for (int g = 0; g < kG; ++g) {
        hn::StoreU(hn::IfThenZeroElse(flat[g], scale[g]), df, scale_out + g * N);
        hn::StoreU(hn::Neg(min[g]), df, the_min_out + g * N);
        const size_t lanes = subs > g * N ? std::min(N, subs - g * N) : 0;
        const auto flat_i = hn::RebindMask(di, flat[g]);
        for (int i = 0; i < kN; ++i) {
            const auto x = hn::Load(df, xt + (g * kN + i) * N);
            const auto l = ClampLevel(di, NearestInt(df, hn::Mul(best_iscale[g], hn::Sub(x, best_lmin[g]))), s.nmax);
            hn::Store(hn::IfThenZeroElse(flat_i, l), di, lt);
            for (size_t k = 0; k < lanes; ++k) L[(g * N + k) * kN + i] = static_cast<uint8_t>(lt[k]);
        }
    }
}

// How a format weighs the values of a sub-block in its search.
enum class WeightRule {
    kRmsPlusAbs,  // sqrt(mean x^2 of the sub-block) + |x|          (Q4_K/Q5_K reference)
    kAbs,         // |x|                                            (Q2_K reference)
    kImatrix,     // qw * sqrt(sigma2 + x^2), with the sum per sub-block  (the imatrix paths)
};

// Runs the search on `subs` sub-blocks (at most kG * N) already transposed into groups, with the settings' size
// and error kind as template arguments (Q4_K/Q5_K: 32 values, squared errors; Q2_K: 16, absolute or squared).
template <int kG, class DF>
HWY_INLINE void SearchGroups(DF df, const AffineSearch& s, const float* xt, const float* wt, size_t subs, uint8_t* L,
                             float* scales, float* mins) {
    if (s.n == 32 && !s.use_mad) SearchAffineLanes<32, false, kG>(df, s, xt, wt, subs, L, scales, mins);
    else if (s.n == 16 && s.use_mad) SearchAffineLanes<16, true, kG>(df, s, xt, wt, subs, L, scales, mins);
    else if (s.n == 16) SearchAffineLanes<16, false, kG>(df, s, xt, wt, subs, L, scales, mins);
    else HWY_ABORT("SearchSubBlocks: no search for %d values (use_mad %d)", s.n, int(s.use_mad));
}

// Searches `count` consecutive sub-blocks of s.n values (sub-block b at x + b * s.n), kSearchGroups * Lanes(df)
// at a time. kImatrix: qw[b] points to sub-block b's importance weights and sigma2[b] is its super-block's sigma2;
// sw[b] receives its weight sum. scales, mins and sw need room for count rounded up to a multiple of Lanes(df).
template <class DF>
HWY_NOINLINE void SearchSubBlocks(DF df, const AffineSearch& s, WeightRule rule, const float* HWY_RESTRICT x,
                                  size_t count, const float* const* qw, const float* sigma2, float* scales,
                                  float* mins, float* sw, uint8_t* L) {
    const size_t N = hn::Lanes(df);
    const int n = s.n;
    HWY_ALIGN float xt[kSearchGroups * kMaxSubBlockValues * kMaxFloatLanes];
    HWY_ALIGN float wt[kSearchGroups * kMaxSubBlockValues * kMaxFloatLanes];
    HWY_ALIGN float lane_sigma2[kMaxFloatLanes];
    for (size_t first = 0; first < count; first += kSearchGroups * N) {
        const size_t subs = std::min(count - first, kSearchGroups * N);
        const size_t groups = (subs + N - 1) / N;
        for (size_t grp = 0; grp < groups; ++grp) {
            const size_t g = first + grp * N;
            const size_t used = std::min(count - g, N);
            float* xg = xt + grp * n * N;
            float* wg = wt + grp * n * N;
            // Transpose; unused lanes get zeros (an all-equal sub-block, whose results are dropped).
            for (int i = 0; i < n; ++i)
                for (size_t k = 0; k < N; ++k) xg[i * N + k] = k < used ? x[(g + k) * n + i] : 0.f;
            if (rule == WeightRule::kImatrix) {
                for (int i = 0; i < n; ++i)
                    for (size_t k = 0; k < N; ++k) wg[i * N + k] = k < used ? qw[g + k][i] : 0.f;
                for (size_t k = 0; k < N; ++k) lane_sigma2[k] = k < used ? sigma2[g + k] : 0.f;
                const auto vs2 = hn::Load(df, lane_sigma2);
                auto sum = hn::Zero(df);
                for (int i = 0; i < n; ++i) {
                    const auto xi = hn::Load(df, xg + i * N);
                    const auto w = hn::Mul(hn::Load(df, wg + i * N), hn::Sqrt(hn::Add(vs2, hn::Mul(xi, xi))));
                    hn::Store(w, df, wg + i * N);
                    sum = hn::Add(sum, w);
                }
                hn::StoreU(sum, df, sw + g);
            } else if (rule == WeightRule::kRmsPlusAbs) {
                auto sum_x2 = hn::Zero(df);
                for (int i = 0; i < n; ++i) {
                    const auto xi = hn::Load(df, xg + i * N);
                    sum_x2 = hn::Add(sum_x2, hn::Mul(xi, xi));
                }
                const auto av_x = hn::Sqrt(hn::Div(sum_x2, hn::Set(df, static_cast<float>(n))));
                for (int i = 0; i < n; ++i)
                    hn::Store(hn::Add(av_x, hn::Abs(hn::Load(df, xg + i * N))), df, wg + i * N);
            } else {
                for (int i = 0; i < n; ++i) hn::Store(hn::Abs(hn::Load(df, xg + i * N)), df, wg + i * N);
            }
        }
        if (groups == kSearchGroups) {
            SearchGroups<kSearchGroups>(df, s, xt, wt, subs, L + first * n, scales + first, mins + first);
        } else {
            for (size_t grp = 0; grp < groups; ++grp) {  // a short last call: one group at a time
                const size_t g = first + grp * N;
                SearchGroups<1>(df, s, xt + grp * n * N, wt + grp * n * N, std::min(count - g, N), L + g * n,
                                scales + g, mins + g);
            }
        }
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
