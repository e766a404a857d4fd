// Highway Q4_1 and Q5_1 (same bytes as q4_1_q5_1.cpp; the lane layouts are described in q4_q5_simd-inl.h).
// Reference path: min and max are exact reductions; only a zero extreme needs the first element's sign, which a
// short scan finds. Blocks holding NaN go to the scalar code.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "core/quant/q4_1_q5_1_simd.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

#include <cfloat>

#include "core/quant/cvt-inl.h"
#include "core/quant/q4_1_q5_1.h"
#include "core/quant/q4_q5_common.h"
#include "core/quant/q4_q5_simd-inl.h"
#include "core/util/half.h"
#include "core/util/le.h"
#include "core/util/simd.h"

HWY_BEFORE_NAMESPACE();
namespace gs::quant {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// ggml keeps the first of equal extremes, which only shows for zeros (-0 == +0).
HWY_INLINE float FirstZero(const float* x, float v) {
    if (v != 0.f) return v;
    for (int j = 0; j < 32; ++j)
        if (x[j] == 0.f) return x[j];
    return v;
}

template <int kNmax>
void RefBlocks(const float* src, uint8_t* out, int64_t nblocks) {
    constexpr int kBlockBytes = kNmax == 15 ? 20 : 24;
    const DF df;
    const DI di;
    const size_t N = hn::Lanes(df);
    HWY_ALIGN int32_t lv[32];
    for (int64_t b = 0; b < nblocks; ++b) {
        const float* x = src + b * 32;
        uint8_t* y = out + b * kBlockBytes;
        if (BlockHasNaN(x)) {
            kNmax == 15 ? quantize_block_q4_1_ref(x, y) : quantize_block_q5_1_ref(x, y);
            continue;
        }
        auto vmin = hn::Set(df, FLT_MAX), vmax = hn::Set(df, -FLT_MAX);
        for (size_t k = 0; k < 32; k += N) {
            const auto v = hn::LoadU(df, x + k);
            vmin = hn::Min(vmin, v);
            vmax = hn::Max(vmax, v);
        }
        const float min = FirstZero(x, hn::GetLane(hn::MinOfLanes(df, vmin)));
        const float max = FirstZero(x, hn::GetLane(hn::MaxOfLanes(df, vmax)));
        const float d = (max - min) / kNmax;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        le::store<uint16_t>(y, f32_to_f16(d));
        le::store<uint16_t>(y + 2, f32_to_f16(min));
        const auto vid = hn::Set(df, id), vmn = hn::Set(df, min), half = hn::Set(df, 0.5f);
        for (size_t k = 0; k < 32; k += N) {
            const auto t = hn::Add(hn::Mul(hn::Sub(hn::LoadU(df, x + k), vmn), vid), half);
            const auto q = TruncToI32(df, t);
            if constexpr (kNmax == 15) hn::Store(hn::Min(hn::Set(di, 15), LowByteSigned(q)), di, lv + k);
            else hn::Store(q, di, lv + k);  // StoreLevelsQ5 reads the low five bits only
        }
        if constexpr (kNmax == 15) StoreLevelsQ4(lv, y + 4);
        else StoreLevelsQ5(lv, y + 4, y + 8);
    }
}

// make_qkx3_quants(32, kNmax, x, weights, L, &the_min, Laux, -0.9f, 0.05f, 36, false) for Lanes() blocks at once.
// scale_out[k] gets block k's scale, min_out[k] its minimum (= -the_min, what the block stores) and
// L[i * Lanes() + k] its level i.
template <int kNmax>
HWY_INLINE void FitQkx3(const BlockGroup& g, float* scale_out, float* min_out, int32_t* L) {
    constexpr float rmin = -0.9f, rdelta = 0.05f;
    constexpr int nstep = 36;
    const DF df;
    const DI di;
    const size_t N = hn::Lanes(df);
    using V = hn::Vec<DF>;
    const V zero = hn::Zero(df);
    const auto lmax = hn::Set(di, kNmax);
    auto level = [&](V iscale, V x, V mn) {
        return hn::ConvertTo(df, hn::Max(hn::Zero(di), hn::Min(lmax, NearestInt(df, hn::Mul(iscale, hn::Sub(x, mn))))));
    };

    auto mn = hn::Load(df, g.x), mx = mn;
    auto sum_w = hn::Load(df, g.w);
    auto sum_x = hn::Mul(sum_w, mn);
    for (size_t i = 1; i < 32; ++i) {
        const auto x = hn::Load(df, g.x + i * N), w = hn::Load(df, g.w + i * N);
        mn = hn::IfThenElse(hn::Lt(x, mn), x, mn);
        mx = hn::IfThenElse(hn::Gt(x, mx), x, mx);
        sum_w = hn::Add(sum_w, w);
        sum_x = hn::Add(sum_x, hn::Mul(w, x));
    }
    mn = hn::IfThenElse(hn::Gt(mn, zero), zero, mn);
    const auto flat = hn::Le(mx, mn);  // ggml returns early: levels 0, scale 0
    const auto flat_min = mn;

    auto iscale = hn::Div(hn::Set(df, float(kNmax)), hn::Sub(mx, mn));
    auto scale = hn::Div(hn::Set(df, 1.f), iscale);
    auto best_mad = zero;
    for (size_t i = 0; i < 32; ++i) {
        const auto x = hn::Load(df, g.x + i * N), w = hn::Load(df, g.w + i * N);
        const auto diff = hn::Sub(hn::Add(hn::Mul(scale, level(iscale, x, mn)), mn), x);
        best_mad = hn::Add(best_mad, hn::Mul(w, hn::Mul(diff, diff)));
    }
    // The levels are a function of (inverse scale, min at that step), so remembering the winning pair is enough.
    auto best_iscale = iscale, best_level_min = mn;
    HWY_ALIGN float laux[32 * kMaxLanes];
    for (int is = 0; is <= nstep; ++is) {
        iscale = hn::Div(hn::Set(df, rmin + rdelta * is + kNmax), hn::Sub(mx, mn));
        auto sum_l = zero, sum_l2 = zero, sum_xl = zero;
        for (size_t i = 0; i < 32; ++i) {
            const auto x = hn::Load(df, g.x + i * N), w = hn::Load(df, g.w + i * N);
            const auto l = level(iscale, x, mn);
            hn::Store(l, df, laux + i * N);
            const auto wl = hn::Mul(w, l);
            sum_l = hn::Add(sum_l, wl);
            sum_l2 = hn::Add(sum_l2, hn::Mul(wl, l));
            sum_xl = hn::Add(sum_xl, hn::Mul(wl, x));
        }
        const auto D = hn::Sub(hn::Mul(sum_w, sum_l2), hn::Mul(sum_l, sum_l));
        auto this_scale = hn::Div(hn::Sub(hn::Mul(sum_w, sum_xl), hn::Mul(sum_x, sum_l)), D);
        auto this_min = hn::Div(hn::Sub(hn::Mul(sum_l2, sum_x), hn::Mul(sum_l, sum_xl)), D);
        const auto min_pos = hn::Gt(this_min, zero);
        this_min = hn::IfThenElse(min_pos, zero, this_min);
        this_scale = hn::IfThenElse(min_pos, hn::Div(sum_xl, sum_l2), this_scale);
        auto mad = zero;
        for (size_t i = 0; i < 32; ++i) {
            const auto x = hn::Load(df, g.x + i * N), w = hn::Load(df, g.w + i * N);
            const auto diff = hn::Sub(hn::Add(hn::Mul(this_scale, hn::Load(df, laux + i * N)), this_min), x);
            mad = hn::Add(mad, hn::Mul(w, hn::Mul(diff, diff)));
        }
        const auto better = hn::And(hn::Gt(D, zero), hn::Lt(mad, best_mad));
        best_iscale = hn::IfThenElse(better, iscale, best_iscale);
        best_level_min = hn::IfThenElse(better, mn, best_level_min);
        best_mad = hn::IfThenElse(better, mad, best_mad);
        scale = hn::IfThenElse(better, this_scale, scale);
        mn = hn::IfThenElse(better, this_min, mn);
    }
    hn::Store(hn::IfThenElse(flat, zero, scale), df, scale_out);
    hn::Store(hn::IfThenElse(flat, flat_min, mn), df, min_out);
    const auto flat_i = hn::RebindMask(di, flat);
    for (size_t i = 0; i < 32; ++i) {
        const auto l = hn::ConvertTo(di, level(best_iscale, hn::Load(df, g.x + i * N), best_level_min));
        hn::Store(hn::IfThenElse(flat_i, hn::Zero(di), l), di, L + i * N);
    }
}

template <int kNmax>
void Quantize(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    constexpr int kBlockBytes = kNmax == 15 ? 20 : 24;
    auto* out = static_cast<uint8_t*>(dst);
    if (!imatrix) {
        RefBlocks<kNmax>(src, out, nrows * (n_per_row / 32));
        return;
    }
    const size_t N = hn::Lanes(DF());
    ForEachBlockGroup(src, nrows, n_per_row, imatrix, [&](const BlockGroup& g) {
        HWY_ALIGN float scale[kMaxLanes], min[kMaxLanes];
        HWY_ALIGN int32_t L[32 * kMaxLanes];
        FitQkx3<kNmax>(g, scale, min, L);
        for (size_t k = 0; k < g.count; ++k) {
            uint8_t* y = out + (g.first + int64_t(k)) * kBlockBytes;
            uint8_t l[32];
            for (size_t i = 0; i < 32; ++i) l[i] = static_cast<uint8_t>(L[i * N + k]);
            le::store<uint16_t>(y, f32_to_f16(scale[k]));
            le::store<uint16_t>(y + 2, f32_to_f16(min[k]));
            if constexpr (kNmax == 15) pack_q4(l, y + 4);
            else pack_q5(l, y + 4, y + 8);
        }
    });
}

void QuantizeQ4_1(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    Quantize<15>(src, dst, nrows, n_per_row, imatrix);
}
void QuantizeQ5_1(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    Quantize<31>(src, dst, nrows, n_per_row, imatrix);
}

}  // namespace HWY_NAMESPACE
}  // namespace gs::quant
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace gs::quant {
HWY_EXPORT(QuantizeQ4_1);
HWY_EXPORT(QuantizeQ5_1);

void quantize_q4_1_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    GS_DISPATCH(QuantizeQ4_1)(src, dst, nrows, n_per_row, imatrix);
}
void quantize_q5_1_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    GS_DISPATCH(QuantizeQ5_1)(src, dst, nrows, n_per_row, imatrix);
}
}  // namespace gs::quant
#endif
