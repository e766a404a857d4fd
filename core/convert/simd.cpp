// Highway versions of core/convert/convert.h. The f32 -> f16 rounding is done with integer lanes (the same
// round-to-nearest-even steps as core/util/half.h) because Highway 1.0.3's DemoteTo(f16) rounds wrongly on
// WASM/EMU128/SSSE3; doing it ourselves makes every target give ggml's bytes.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "core/convert/simd.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

#include "core/convert/convert.h"
#include "core/util/simd.h"

HWY_BEFORE_NAMESPACE();
namespace gs::convert {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void Bf16ToF32(const uint16_t* src, float* dst, size_t n) {
    const hn::ScalableTag<float> df;
    const hn::RebindToUnsigned<decltype(df)> du32;
    const hn::Rebind<uint16_t, decltype(df)> du16;
    const size_t N = hn::Lanes(df);
    size_t i = 0;
    for (; i + N <= n; i += N) {
        const auto w = hn::ShiftLeft<16>(hn::PromoteTo(du32, hn::LoadU(du16, src + i)));
        hn::StoreU(hn::BitCast(df, w), df, dst + i);
    }
    scalar::bf16_to_f32(src + i, dst + i, n - i);
}

void F16ToF32(const uint16_t* src, float* dst, size_t n) {
    // f16 -> f32 is exact for finite values, but Highway 1.0.3's emulated PromoteTo (WASM, SSSE3, SSE4: no F16C)
    // turns exponent 31 into 2^16 * (1 + m/1024) instead of inf/NaN; those lanes are rebuilt from the bits, with
    // NaNs quieted as F16C and ggml do.
    const hn::ScalableTag<float> df;
    const hn::RebindToUnsigned<decltype(df)> du32;
    const hn::Rebind<uint16_t, decltype(df)> du16;
    const hn::Rebind<hwy::float16_t, decltype(df)> dh;
    const size_t N = hn::Lanes(df);
    const auto exp_mask = hn::Set(du32, 0x7c00), mant_mask = hn::Set(du32, 0x3ff);
    const auto inf32 = hn::Set(du32, 0x7f800000), quiet32 = hn::Set(du32, 0x400000);
    size_t i = 0;
    for (; i + N <= n; i += N) {
        const auto promoted = hn::PromoteTo(df, hn::LoadU(dh, reinterpret_cast<const hwy::float16_t*>(src + i)));
        const auto h = hn::PromoteTo(du32, hn::LoadU(du16, src + i));
        const auto m = hn::And(h, mant_mask);
        const auto sign = hn::ShiftLeft<16>(hn::And(h, hn::Set(du32, 0x8000)));
        const auto special = hn::Or(hn::Or(sign, inf32), hn::Or(hn::ShiftLeft<13>(m),
                                    hn::IfThenElseZero(hn::Ne(m, hn::Zero(du32)), quiet32)));
        const auto is_special = hn::Eq(hn::And(h, exp_mask), exp_mask);
        hn::StoreU(hn::BitCast(df, hn::IfThenElse(is_special, special, hn::BitCast(du32, promoted))), df, dst + i);
    }
    scalar::f16_to_f32(src + i, dst + i, n - i);
}

void F32ToBf16(const float* src, uint16_t* dst, size_t n) {
    const hn::ScalableTag<int32_t> di;
    const hn::Rebind<uint16_t, decltype(di)> du16;
    const size_t N = hn::Lanes(di);
    const auto abs_mask = hn::Set(di, 0x7fffffff), inf = hn::Set(di, 0x7f800000);
    const auto one = hn::Set(di, 1), bias = hn::Set(di, 0x7fff), quiet = hn::Set(di, 64);
    size_t i = 0;
    for (; i + N <= n; i += N) {
        const auto u = hn::LoadU(di, reinterpret_cast<const int32_t*>(src + i));
        const auto is_nan = hn::Gt(hn::And(u, abs_mask), inf);
        // Unsigned arithmetic on int lanes: the add wraps like uint32 and the logical shift keeps 16 bits.
        const auto rounded = hn::ShiftRight<16>(hn::BitCast(di, hn::Add(hn::BitCast(hn::RebindToUnsigned<decltype(di)>(), u),
            hn::BitCast(hn::RebindToUnsigned<decltype(di)>(), hn::Add(bias, hn::And(hn::ShiftRight<16>(u), one))))));
        const auto nan = hn::Or(hn::And(hn::ShiftRight<16>(u), hn::Set(di, 0xffff)), quiet);
        auto r = hn::And(hn::IfThenElse(is_nan, nan, rounded), hn::Set(di, 0xffff));
        hn::StoreU(hn::DemoteTo(du16, r), du16, dst + i);
    }
    scalar::f32_to_bf16(src + i, dst + i, n - i);
}

void F32ToF16(const float* src, uint16_t* dst, size_t n) {
    const hn::ScalableTag<int32_t> di;
    const hn::Rebind<uint16_t, decltype(di)> du16;
    const size_t N = hn::Lanes(di);
    size_t i = 0;
    for (; i + N <= n; i += N) {
        const auto x = hn::LoadU(di, reinterpret_cast<const int32_t*>(src + i));
        const auto sign = hn::And(hn::ShiftRight<16>(x), hn::Set(di, 0x8000));
        const auto a = hn::And(x, hn::Set(di, 0x7fffffff));  // non-negative, so signed compares are safe
        // normal half
        auto m = hn::Sub(a, hn::Set(di, 0x38000000));
        m = hn::Add(m, hn::Add(hn::Set(di, 0x0fff), hn::And(hn::ShiftRight<13>(m), hn::Set(di, 1))));
        auto r = hn::ShiftRight<13>(m);
        // subnormal half: mantissa * 2^(e-126), round to nearest even; shift in [14, 24] where it applies
        const auto e = hn::ShiftRight<23>(a);
        const auto mant = hn::Or(hn::And(a, hn::Set(di, 0x7fffff)), hn::Set(di, 0x800000));
        const auto shift = hn::Min(hn::Max(hn::Sub(hn::Set(di, 126), e), hn::Set(di, 14)), hn::Set(di, 24));
        const auto sub_q = hn::Shr(mant, shift);
        const auto rem = hn::And(mant, hn::Sub(hn::Shl(hn::Set(di, 1), shift), hn::Set(di, 1)));
        const auto half = hn::Shl(hn::Set(di, 1), hn::Sub(shift, hn::Set(di, 1)));
        const auto up = hn::Or(hn::Gt(rem, half), hn::And(hn::Eq(rem, half), hn::Eq(hn::And(sub_q, hn::Set(di, 1)), hn::Set(di, 1))));
        const auto sub = hn::IfThenElse(up, hn::Add(sub_q, hn::Set(di, 1)), sub_q);
        r = hn::IfThenElse(hn::Lt(a, hn::Set(di, 0x38800000)), sub, r);
        r = hn::IfThenElse(hn::Gt(a, hn::Set(di, 0x33000000)), r, hn::Zero(di));  // <= 2^-25 -> 0
        r = hn::IfThenElse(hn::Gt(a, hn::Set(di, 0x477fefff)), hn::Set(di, 0x7c00), r);  // >= 65520 -> inf
        r = hn::IfThenElse(hn::Gt(a, hn::Set(di, 0x7f800000)), hn::Set(di, 0x7e00), r);
        hn::StoreU(hn::DemoteTo(du16, hn::Or(r, sign)), du16, dst + i);
    }
    scalar::f32_to_f16(src + i, dst + i, n - i);
}

}  // namespace HWY_NAMESPACE
}  // namespace gs::convert
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace gs::convert {
HWY_EXPORT(Bf16ToF32);
HWY_EXPORT(F16ToF32);
HWY_EXPORT(F32ToBf16);
HWY_EXPORT(F32ToF16);

void bf16_to_f32(const uint16_t* src, float* dst, size_t n) { GS_DISPATCH(Bf16ToF32)(src, dst, n); }
void f16_to_f32(const uint16_t* src, float* dst, size_t n) { GS_DISPATCH(F16ToF32)(src, dst, n); }
void f32_to_bf16(const float* src, uint16_t* dst, size_t n) { GS_DISPATCH(F32ToBf16)(src, dst, n); }
void f32_to_f16(const float* src, uint16_t* dst, size_t n) { GS_DISPATCH(F32ToF16)(src, dst, n); }
}  // namespace gs::convert
#endif
