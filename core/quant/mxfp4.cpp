// Scalar MXFP4, as ggml's quantize_row_mxfp4_ref.
#include "core/quant/mxfp4.h"

#include <cmath>
#include <cstring>

namespace gs::quant {
namespace mxfp4 {

uint8_t exponent_of(float amax) {
    if (!(amax > 0.0f)) return 0;
    const float f = std::floor(std::log2(amax)) - 2 + 127;
    // cvttss2si: out-of-range and NaN give INT32_MIN, whose low byte is 0.
    const int32_t i = (f > -2147483904.f && f < 2147483648.f) ? static_cast<int32_t>(f) : INT32_MIN;
    return static_cast<uint8_t>(static_cast<uint32_t>(i) & 0xffu);
}

float half_scale(uint8_t e) {
    const uint32_t bits = e < 2 ? 0x00200000u << e : static_cast<uint32_t>(e - 1) << 23;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

namespace {
// Nearest grid value by absolute error, scanning 0..15 and keeping the first on ties (so +0 beats -0).
int best_index(float x, float d) {
    int best = 0;
    float best_err = std::fabs(kValues[0] * d - x);
    for (int i = 1; i < 16; ++i) {
        const float err = std::fabs(kValues[i] * d - x);
        if (err < best_err) { best = i; best_err = err; }
    }
    return best;
}
}  // namespace

void quantize_block(const float* x, uint8_t* out) {
    float amax = 0.0f;
    for (int j = 0; j < kBlock; ++j)
        if (amax < std::fabs(x[j])) amax = std::fabs(x[j]);
    const uint8_t e = exponent_of(amax);
    const float d = half_scale(e);
    out[0] = e;
    for (int j = 0; j < kBlock / 2; ++j)
        out[1 + j] = static_cast<uint8_t>(best_index(x[j], d) | (best_index(x[kBlock / 2 + j], d) << 4));
}

}  // namespace mxfp4

void quantize_mxfp4_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float*) {
    auto* out = static_cast<uint8_t*>(dst);
    const int64_t n = nrows * n_per_row;
    for (int64_t i = 0; i < n; i += mxfp4::kBlock, out += mxfp4::kBytes) mxfp4::quantize_block(src + i, out);
}

}  // namespace gs::quant
