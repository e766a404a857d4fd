// Highway Q4_K: the shared Q4_K/Q5_K body (q45_k-inl.h) with Q4_K's settings; same bytes as q4_k.cpp.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "core/quant/q4_k_simd.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

#include "core/quant/q4_k.h"
#include "core/quant/q45_k-inl.h"
#include "core/util/simd.h"

HWY_BEFORE_NAMESPACE();
namespace gs::quant {
namespace HWY_NAMESPACE {

void QuantizeQ4K(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    const K45Format f{q4_k::kRefSearch, q4_k::kImatrixSearch, /*clamp63=*/false, q4_k::kBlockBytes, q4_k::pack_levels};
    QuantizeK45(hn::ScalableTag<float>(), f, src, static_cast<uint8_t*>(dst), nrows, n_per_row, imatrix);
}

}  // namespace HWY_NAMESPACE
}  // namespace gs::quant
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace gs::quant {
HWY_EXPORT(QuantizeQ4K);

void quantize_q4_k_simd(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    GS_DISPATCH(QuantizeQ4K)(src, dst, nrows, n_per_row, imatrix);
}
}  // namespace gs::quant
#endif
