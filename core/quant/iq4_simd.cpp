// Highway IQ4_NL / IQ4_XS. The scale search runs one 32-element block per lane: the blocks are transposed so that
// lane i walks block i's elements in index order, and every sum, product and comparison is the scalar kernel's, in
// its order (no reduction is reordered). The nearest-grid-value search is done with compares instead of ggml's binary
// search, which picks the same index for every input, NaN included.
// IQ4_XS runs its eight sub-block searches in lanes; in the super-block tail the 6-bit scales are scalar
// (xs_header) and the re-chosen nibbles are vectorized along the block.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "core/quant/iq4_simd.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

#include <algorithm>

#include "core/quant/iq4.h"
#include "core/quant/iq4_common.h"
#include "core/util/half.h"
#include "core/util/le.h"
#include "core/util/simd.h"

HWY_BEFORE_NAMESPACE();
namespace gs::quant::iq4 {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using DF = hn::CappedTag<float, 16>;
using VF = hn::Vec<DF>;
constexpr size_t kMaxLanes = 16;

// Up to kMaxLanes blocks, transposed: x[j * N + lane] is element j of the lane's block.
struct Lanes {
    HWY_ALIGN float x[kBlock * kMaxLanes];
    HWY_ALIGN float w[kBlock * kMaxLanes];
};

struct Nearest {
    VF index, value;  // index as a float (0..15) and kValues[index]
};

// best_index for every lane: v[mu-1] <= x < v[mu] by counting, then the same tie rule as ggml.
HWY_INLINE Nearest nearest(DF d, VF x) {
    VF lo = hn::Set(d, kValues[0]), hi = hn::Set(d, kValues[1]), mu = hn::Set(d, 1.f);
    for (int k = 1; k < 15; ++k) {
        const auto ge = hn::Ge(x, hn::Set(d, kValues[k]));
        lo = hn::IfThenElse(ge, hn::Set(d, kValues[k]), lo);
        hi = hn::IfThenElse(ge, hn::Set(d, kValues[k + 1]), hi);
        mu = hn::IfThenElse(ge, hn::Set(d, static_cast<float>(k + 1)), mu);
    }
    const auto down = hn::Lt(hn::Sub(x, lo), hn::Sub(hi, x));
    Nearest r{hn::IfThenElse(down, hn::Sub(mu, hn::Set(d, 1.f)), mu), hn::IfThenElse(down, lo, hi)};
    const auto first = hn::Le(x, hn::Set(d, kValues[0]));
    r.index = hn::IfThenElse(first, hn::Zero(d), r.index);
    r.value = hn::IfThenElse(first, hn::Set(d, kValues[0]), r.value);
    const auto last = hn::Or(hn::Ge(x, hn::Set(d, kValues[15])), hn::IsNaN(x));
    r.index = hn::IfThenElse(last, hn::Set(d, 15.f), r.index);
    r.value = hn::IfThenElse(last, hn::Set(d, kValues[15]), r.value);
    return r;
}

// search_scale for N blocks at once.
HWY_INLINE VF search_scales(DF d, const Lanes& in) {
    const size_t N = hn::Lanes(d);
    VF amax = hn::Zero(d), max = hn::Zero(d);
    for (int j = 0; j < kBlock; ++j) {
        const VF x = hn::Load(d, in.x + j * N), ax = hn::Abs(x);
        const auto gt = hn::Gt(ax, amax);
        amax = hn::IfThenElse(gt, ax, amax);
        max = hn::IfThenElse(gt, x, max);
    }
    const auto zero = hn::Lt(amax, hn::Set(d, kGroupMaxEps));
    auto sums = [&](VF id, VF& sumqx, VF& sumq2) {
        sumqx = sumq2 = hn::Zero(d);
        for (int j = 0; j < kBlock; ++j) {
            const VF x = hn::Load(d, in.x + j * N);
            const VF q = nearest(d, hn::Mul(id, x)).value;
            const VF wq = hn::Mul(hn::Load(d, in.w + j * N), q);
            sumqx = hn::Add(sumqx, hn::Mul(wq, x));
            sumq2 = hn::Add(sumq2, hn::Mul(wq, q));
        }
    };
    VF sumqx, sumq2;
    VF scale = hn::Div(hn::Neg(max), hn::Set(d, kValues[0]));  // ntry > 0: -max / values[0]
    sums(hn::Div(hn::Set(d, 1.f), scale), sumqx, sumq2);
    scale = hn::Div(sumqx, sumq2);
    VF best = hn::Mul(scale, sumqx);
    for (int itry = -kTries; itry <= kTries; ++itry) {
        sums(hn::Div(hn::Set(d, static_cast<float>(itry + kValues[0])), max), sumqx, sumq2);
        const auto better = hn::And(hn::Gt(sumq2, hn::Zero(d)), hn::Gt(hn::Mul(sumqx, sumqx), hn::Mul(best, sumq2)));
        const VF s = hn::Div(sumqx, sumq2);
        scale = hn::IfThenElse(better, s, scale);
        best = hn::IfThenElse(better, hn::Mul(s, sumqx), best);
    }
    return hn::IfThenElse(zero, hn::Zero(d), scale);
}

// Loads `count` blocks (block k at x + 32k, its imatrix slice from qw_of(k)) into lanes and their weights; the
// unused lanes get zeros (their results are dropped).
template <class QwOf, class Sigma2Of>
HWY_INLINE void load_lanes(DF d, const float* x, size_t count, QwOf qw_of, Sigma2Of sigma2_of, bool imatrix, Lanes& in) {
    const size_t N = hn::Lanes(d);
    HWY_ALIGN float qw[kBlock * kMaxLanes];
    HWY_ALIGN float s2[kMaxLanes];
    for (size_t l = 0; l < N; ++l) {
        const bool used = l < count;
        const float* xb = x + l * kBlock;
        const float* q = used && imatrix ? qw_of(l) : nullptr;
        for (int j = 0; j < kBlock; ++j) {
            in.x[j * N + l] = used ? xb[j] : 0.f;
            qw[j * N + l] = q ? q[j] : 0.f;
        }
        s2[l] = used && imatrix ? sigma2_of(l) : 0.f;
    }
    const VF s2v = hn::Load(d, s2);
    for (int j = 0; j < kBlock; ++j) {
        const VF xv = hn::Load(d, in.x + j * N), x2 = hn::Mul(xv, xv);
        const VF w = imatrix ? hn::Mul(hn::Load(d, qw + j * N), hn::Sqrt(hn::Add(s2v, x2))) : x2;
        hn::Store(w, d, in.w + j * N);
    }
}

void QuantizeNl(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    const DF d;
    const size_t N = hn::Lanes(d);
    auto* out = static_cast<uint8_t*>(dst);
    const int64_t total = nrows * (n_per_row / kBlock);
    Lanes in;
    HWY_ALIGN float scales[kMaxLanes];
    HWY_ALIGN float idx[kBlock * kMaxLanes];
    for (int64_t b0 = 0; b0 < total; b0 += N) {
        const size_t count = static_cast<size_t>(std::min<int64_t>(N, total - b0));
        const float* x = src + b0 * kBlock;
        auto qw_of = [&](size_t l) { return imatrix + ((b0 + l) * kBlock) % n_per_row; };
        auto sigma2_of = [&](size_t l) { return sigma2(x + l * kBlock, kBlock); };
        load_lanes(d, x, count, qw_of, sigma2_of, imatrix != nullptr, in);
        const VF scale = search_scales(d, in);
        hn::Store(scale, d, scales);
        const VF id = hn::IfThenElse(hn::Eq(scale, hn::Zero(d)), hn::Zero(d), hn::Div(hn::Set(d, 1.f), scale));
        for (int j = 0; j < kBlock; ++j)
            hn::Store(nearest(d, hn::Mul(id, hn::Load(d, in.x + j * N))).index, d, idx + j * N);
        for (size_t l = 0; l < count; ++l) {
            uint8_t* o = out + (b0 + l) * kNlBytes;
            le::store<uint16_t>(o, f32_to_f16(scales[l]));
            for (int j = 0; j < 16; ++j)
                o[2 + j] = static_cast<uint8_t>(static_cast<int>(idx[j * N + l]) | (static_cast<int>(idx[(j + 16) * N + l]) << 4));
        }
    }
}

// The super-block tail: scalar header, then the nibbles under each sub-block's rounded scale, 32 contiguous
// elements at a time (each element on its own, so lanes can run along the block).
HWY_INLINE void finish_xs(DF d, const float* x, const float* scales, uint8_t* out) {
    const size_t N = hn::Lanes(d);
    float inv[kSuper / kBlock];
    xs_header(scales, out, inv);
    HWY_ALIGN float idx[kSuper];
    for (int ib = 0; ib < kSuper / kBlock; ++ib) {
        const VF id = hn::Set(d, inv[ib]);
        for (size_t j = ib * kBlock; j < size_t(ib + 1) * kBlock; j += N)
            hn::Store(nearest(d, hn::Mul(id, hn::LoadU(d, x + j))).index, d, idx + j);
    }
    uint8_t* q4 = out + 8;
    for (int i = 0; i < kSuper / 32; ++i)
        for (int j = 0; j < 16; ++j)
            q4[16 * i + j] = static_cast<uint8_t>(static_cast<int>(idx[32 * i + j]) | (static_cast<int>(idx[32 * i + 16 + j]) << 4));
}

void QuantizeXs(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    const DF d;
    const size_t N = hn::Lanes(d);
    constexpr int kSubs = kSuper / kBlock;
    auto* out = static_cast<uint8_t*>(dst);
    const int64_t total_supers = nrows * (n_per_row / kSuper);
    const int64_t total = total_supers * kSubs;
    Lanes in;
    HWY_ALIGN float lane_scales[kMaxLanes];
    float scales[kSubs];
    int64_t s2_super = -1;
    float s2 = 0.f;
    for (int64_t b0 = 0; b0 < total; b0 += N) {
        const size_t count = static_cast<size_t>(std::min<int64_t>(N, total - b0));
        const float* x = src + b0 * kBlock;
        auto qw_of = [&](size_t l) { return imatrix + ((b0 + l) * kBlock) % n_per_row; };
        auto sigma2_of = [&](size_t l) {
            const int64_t s = (b0 + l) / kSubs;
            if (s != s2_super) { s2 = sigma2(src + s * kSuper, kSuper); s2_super = s; }
            return s2;
        };
        load_lanes(d, x, count, qw_of, sigma2_of, imatrix != nullptr, in);
        hn::Store(search_scales(d, in), d, lane_scales);
        for (size_t l = 0; l < count; ++l) {
            const int64_t sub = b0 + l;
            scales[sub % kSubs] = lane_scales[l];
            if (sub % kSubs == kSubs - 1) {
                const int64_t s = sub / kSubs;
                finish_xs(d, src + s * kSuper, scales, out + s * kXsBytes);
            }
        }
    }
}

}  // namespace HWY_NAMESPACE
}  // namespace gs::quant::iq4
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace gs::quant {
namespace iq4 {
HWY_EXPORT(QuantizeNl);
HWY_EXPORT(QuantizeXs);
void nl_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    GS_DISPATCH(QuantizeNl)(src, dst, nrows, n_per_row, imatrix);
}
void xs_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    GS_DISPATCH(QuantizeXs)(src, dst, nrows, n_per_row, imatrix);
}
}  // namespace iq4

void quantize_iq4_nl_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    iq4::nl_simd(src, dst, nrows, n_per_row, imatrix);
}
void quantize_iq4_xs_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    iq4::xs_simd(src, dst, nrows, n_per_row, imatrix);
}
}  // namespace gs::quant
#endif
