// Scalar Q8_0, step by step as ggml's quantize_row_q8_0_ref.
#include "core/quant/q8_0.h"

#include <cmath>

#include "core/quant/cvt.h"
#include "core/util/half.h"
#include "core/util/le.h"

namespace gs::quant {

void quantize_block_q8_0(const float* x, uint8_t* y) {
    float amax = 0.0f;
    for (int j = 0; j < 32; ++j) {
        const float a = std::fabs(x[j]);
        amax = amax > a ? amax : a;  // ggml's MAX(): a NaN replaces the running max
    }
    const float d = amax / 127;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    le::store<uint16_t>(y, f32_to_f16(d));
    for (int j = 0; j < 32; ++j) y[2 + j] = static_cast<uint8_t>(trunc_to_i8(std::round(x[j] * id)));
}

void quantize_q8_0_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float*) {
    const int64_t nb = nrows * n_per_row / 32;
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t b = 0; b < nb; ++b) quantize_block_q8_0(src + b * 32, out + b * 34);
}

}  // namespace gs::quant
