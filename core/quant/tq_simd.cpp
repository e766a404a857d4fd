// Highway TQ1_0 / TQ2_0. The digits lroundf(x / amax) + 1 are independent per element, so they are vectorized
// within the block; rounding half away from zero is done exactly as trunc(|v|) + (frac >= 0.5) with the sign put
// back, and a non-finite product (amax so small that 1/amax overflows) gives digit 1, as lroundf's LONG_MIN
// truncated to int does in ggml. |x / amax| <= 1 otherwise, so no finite out-of-range case exists. The digit
// packing is integer work shared with the scalar kernel. A block holding a NaN goes to the scalar path, because a
// vector max does not treat NaN the way ggml's MAX(amax, fabsf(v)) does.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "core/quant/tq_simd.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

#include <cmath>

#include "core/quant/tq.h"
#include "core/util/half.h"
#include "core/util/le.h"
#include "core/util/simd.h"

HWY_BEFORE_NAMESPACE();
namespace gs::quant::tq {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The block's digits and fp16 scale; false when the block holds a NaN (the caller then runs the scalar kernel).
HWY_INLINE bool digits(const float* x, uint8_t* t, uint16_t* scale) {
    const hn::CappedTag<float, 16> d;
    const hn::RebindToSigned<decltype(d)> di;
    const hn::Rebind<uint8_t, decltype(d)> du8;
    const size_t N = hn::Lanes(d);
    auto amax = hn::Zero(d);
    auto nan = hn::IsNaN(amax);
    for (size_t j = 0; j < kBlock; j += N) {
        const auto v = hn::LoadU(d, x + j);
        amax = hn::Max(amax, hn::Abs(v));
        nan = hn::Or(nan, hn::IsNaN(v));
    }
    if (!hn::AllFalse(d, nan)) return false;
    const float a = hn::GetLane(hn::MaxOfLanes(d, amax));
    const auto id = hn::Set(d, a ? 1.0f / a : 0.0f);
    const auto half = hn::Set(d, 0.5f), one = hn::Set(d, 1.0f);
    for (size_t j = 0; j < kBlock; j += N) {
        const auto v = hn::Mul(hn::LoadU(d, x + j), id);
        const auto av = hn::Abs(v);
        const auto tr = hn::Trunc(av);
        auto r = hn::IfThenElse(hn::Ge(hn::Sub(av, tr), half), hn::Add(tr, one), tr);
        r = hn::IfThenElse(hn::Lt(v, hn::Zero(d)), hn::Neg(r), r);
        r = hn::IfThenElse(hn::IsFinite(v), r, hn::Zero(d));
        const auto digit = hn::Add(hn::ConvertTo(di, r), hn::Set(di, 1));
        hn::StoreU(hn::DemoteTo(du8, digit), du8, t + j);
    }
    *scale = f32_to_f16(a);
    return true;
}

template <int Bytes>
HWY_INLINE void quantize(const float* src, void* dst, int64_t n, void (*pack)(const uint8_t*, uint8_t*),
                         void (*scalar)(const float*, void*, int64_t, int64_t, const float*)) {
    auto* out = static_cast<uint8_t*>(dst);
    HWY_ALIGN uint8_t t[kBlock];
    for (int64_t i = 0; i < n; i += kBlock, out += Bytes) {
        uint16_t scale;
        if (!digits(src + i, t, &scale)) {
            scalar(src + i, out, 1, kBlock, nullptr);
            continue;
        }
        pack(t, out);
        le::store<uint16_t>(out + Bytes - 2, scale);
    }
}

void QuantizeTq1(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float*) {
    quantize<kTq1Bytes>(src, dst, nrows * n_per_row, pack_tq1, quantize_tq1_0_scalar);
}

void QuantizeTq2(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float*) {
    quantize<kTq2Bytes>(src, dst, nrows * n_per_row, pack_tq2, quantize_tq2_0_scalar);
}

}  // namespace HWY_NAMESPACE
}  // namespace gs::quant::tq
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace gs::quant {
namespace tq {
HWY_EXPORT(QuantizeTq1);
HWY_EXPORT(QuantizeTq2);
void tq1_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    GS_DISPATCH(QuantizeTq1)(src, dst, nrows, n_per_row, imatrix);
}
void tq2_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    GS_DISPATCH(QuantizeTq2)(src, dst, nrows, n_per_row, imatrix);
}
}  // namespace tq

void quantize_tq1_0_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    tq::tq1_simd(src, dst, nrows, n_per_row, imatrix);
}
void quantize_tq2_0_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    tq::tq2_simd(src, dst, nrows, n_per_row, imatrix);
}
}  // namespace gs::quant
#endif
