// Highway pieces shared by the Q4_0/Q5_0 and Q4_1/Q5_1 kernels (per-target include, hence the toggle guard):
//  - reference path: one block at a time, element-wise after an exact max/min reduction; levels are stored to a
//    small int32 array and packed from there;
//  - imatrix path: ggml's weighted searches run their sums in element order, so instead of splitting a block over
//    lanes we give each lane a whole block (BlockGroup holds Lanes() blocks transposed: element i of every block
//    sits in one vector), and each lane repeats the scalar arithmetic in the scalar order.
#if defined(GS_QUANT_Q4_Q5_SIMD_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GS_QUANT_Q4_Q5_SIMD_INL_H_
#undef GS_QUANT_Q4_Q5_SIMD_INL_H_
#else
#define GS_QUANT_Q4_Q5_SIMD_INL_H_
#endif

#include <algorithm>
#include <cstdint>

#include "core/quant/cvt-inl.h"
#include "core/util/le.h"
#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace gs::quant {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr size_t kMaxLanes = 16;
using DF = hn::CappedTag<float, kMaxLanes>;  // a power of two <= 16 lanes: divides both halves of a block
using DI = hn::RebindToSigned<DF>;

HWY_INLINE bool BlockHasNaN(const float* x) {
    const DF df;
    auto nan = hn::Zero(df);
    for (size_t k = 0; k < 32; k += hn::Lanes(df)) {
        const auto v = hn::LoadU(df, x + k);
        nan = hn::Or(nan, hn::VecFromMask(df, hn::Not(hn::Eq(v, v))));
    }
    return !hn::AllFalse(df, hn::MaskFromVec(nan));
}

// pack_q4 from 32 int32 levels (only their low byte counts, as in ggml's uint8_t levels).
HWY_INLINE void StoreLevelsQ4(const int32_t* lv, uint8_t* qs) {
    const DI di;
    const hn::Rebind<uint8_t, DI> du8;
    for (size_t k = 0; k < 16; k += hn::Lanes(di)) {
        const auto b = hn::Or(hn::LoadU(di, lv + k), hn::ShiftLeft<4>(hn::LoadU(di, lv + 16 + k)));
        hn::StoreU(hn::DemoteTo(du8, hn::And(b, hn::Set(di, 0xff))), du8, qs + k);
    }
}

// pack_q5 from 32 int32 levels.
HWY_INLINE void StoreLevelsQ5(const int32_t* lv, uint8_t* qh, uint8_t* qs) {
    const DI di;
    const hn::Rebind<uint8_t, DI> du8;
    const size_t N = hn::Lanes(di);
    const auto nib = hn::Set(di, 0x0f);
    for (size_t k = 0; k < 16; k += N) {
        const auto lo = hn::And(hn::LoadU(di, lv + k), nib), hi = hn::And(hn::LoadU(di, lv + 16 + k), nib);
        hn::StoreU(hn::DemoteTo(du8, hn::Or(lo, hn::ShiftLeft<4>(hi))), du8, qs + k);
    }
    uint32_t h = 0;
    for (size_t k = 0; k < 32; k += N) {
        uint8_t bits[8] = {};
        hn::StoreMaskBits(di, hn::Ne(hn::And(hn::LoadU(di, lv + k), hn::Set(di, 0x10)), hn::Zero(di)), bits);
        h |= (uint32_t(bits[0]) | uint32_t(bits[1]) << 8) << k;
    }
    le::store<uint32_t>(qh, h);
}

// Lanes() consecutive blocks of a chunk, transposed: x[i * Lanes() + k] is element i of block `first + k`, w the
// importance weights of quantize_row_q*_impl for it. Lanes past `count` hold zeros.
struct BlockGroup {
    HWY_ALIGN float x[32 * kMaxLanes];
    HWY_ALIGN float w[32 * kMaxLanes];
    int64_t first = 0;
    size_t count = 0;
};

// Calls fit(group) for every group of Lanes() consecutive blocks of the chunk (groups may straddle rows).
template <class Fit>
HWY_INLINE void ForEachBlockGroup(const float* src, int64_t nrows, int64_t n_per_row, const float* imatrix,
                                  Fit&& fit) {
    const DF df;
    const size_t N = hn::Lanes(df);
    const int64_t nb = n_per_row / 32;
    BlockGroup g;
    HWY_ALIGN float s2[kMaxLanes];
    for (int64_t r0 = 0; r0 < nrows; r0 += int64_t(kMaxLanes)) {
        const int64_t R = std::min<int64_t>(int64_t(kMaxLanes), nrows - r0);
        const float* rows = src + r0 * n_per_row;
        // row_sigma2 of R rows at once: each row's sum stays in order; the rows only interleave.
        float sum_x2[kMaxLanes] = {};
        for (int64_t j = 0; j < n_per_row; ++j)
            for (int64_t r = 0; r < R; ++r) sum_x2[r] += rows[r * n_per_row + j] * rows[r * n_per_row + j];
        for (int64_t r = 0; r < R; ++r) sum_x2[r] = sum_x2[r] / static_cast<float>(n_per_row);

        const int64_t total = R * nb;
        for (int64_t b0 = 0; b0 < total; b0 += int64_t(N)) {
            g.first = r0 * nb + b0;
            g.count = size_t(std::min<int64_t>(int64_t(N), total - b0));
            for (size_t k = 0; k < N; ++k) {
                if (k < g.count) {
                    const int64_t row = (b0 + int64_t(k)) / nb, ib = (b0 + int64_t(k)) % nb;
                    const float* xb = rows + row * n_per_row + ib * 32;
                    const float* qw = imatrix + ib * 32;
                    for (size_t i = 0; i < 32; ++i) {
                        g.x[i * N + k] = xb[i];
                        g.w[i * N + k] = qw[i];
                    }
                    s2[k] = sum_x2[row];
                } else {
                    for (size_t i = 0; i < 32; ++i) g.x[i * N + k] = g.w[i * N + k] = 0.f;
                    s2[k] = 0.f;
                }
            }
            const auto sigma2 = hn::Load(df, s2);
            for (size_t i = 0; i < 32; ++i) {
                const auto x = hn::Load(df, g.x + i * N);
                hn::Store(hn::Mul(hn::Load(df, g.w + i * N), hn::Sqrt(hn::Add(sigma2, hn::Mul(x, x)))), df, g.w + i * N);
            }
            fit(static_cast<const BlockGroup&>(g));
        }
    }
}

}  // namespace HWY_NAMESPACE
}  // namespace gs::quant
HWY_AFTER_NAMESPACE();

#endif
