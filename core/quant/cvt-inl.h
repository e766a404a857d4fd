// Vector twins of cvt.h and common.h for Highway kernels (per-target include: re-included once per target by
// foreach_target.h, hence the toggle guard instead of #pragma once).
#if defined(GS_QUANT_CVT_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef GS_QUANT_CVT_INL_H_
#undef GS_QUANT_CVT_INL_H_
#else
#define GS_QUANT_CVT_INL_H_
#endif

#include <cstdint>

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace gs::quant {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// trunc_to_i32 per lane: truncation, INT32_MIN for NaN and |v| >= 2^31 (Highway's ConvertTo saturates instead).
template <class DF, class V>
HWY_INLINE hn::Vec<hn::RebindToSigned<DF>> TruncToI32(DF df, V v) {
    const hn::RebindToSigned<DF> di;
    const auto in_range = hn::RebindMask(di, hn::Lt(hn::Abs(v), hn::Set(df, 2147483648.f)));
    return hn::IfThenElse(in_range, hn::ConvertTo(di, v), hn::Set(di, INT32_MIN));
}

// The low byte of each int32 lane, sign-extended: what storing into an int8_t keeps.
template <class VI>
HWY_INLINE VI LowByteSigned(VI v) {
    return hn::ShiftRight<24>(hn::ShiftLeft<24>(v));
}

// roundf per lane: half away from zero. x - trunc(x) is exact, so the comparison with 0.5 is too. (A zero result
// may lose its sign; callers convert the result to an integer.)
template <class DF, class V>
HWY_INLINE V RoundHalfAway(DF df, V x) {
    const auto t = hn::Trunc(x);
    const auto up = hn::Ge(hn::Abs(hn::Sub(x, t)), hn::Set(df, 0.5f));
    const auto one = hn::CopySign(hn::Set(df, 1.f), x);
    return hn::Add(t, hn::IfThenElseZero(up, one));
}

// common.h's nearest_int per lane (same bit trick, so the same result for any input).
template <class DF, class V>
HWY_INLINE hn::Vec<hn::RebindToSigned<DF>> NearestInt(DF df, V v) {
    const hn::RebindToSigned<DF> di;
    const auto bits = hn::BitCast(di, hn::Add(v, hn::Set(df, 12582912.f)));
    return hn::Sub(hn::And(bits, hn::Set(di, 0x007fffff)), hn::Set(di, 0x00400000));
}

}  // namespace HWY_NAMESPACE
}  // namespace gs::quant
HWY_AFTER_NAMESPACE();

#endif
