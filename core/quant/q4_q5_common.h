// What the Q4_0, Q4_1, Q5_0 and Q5_1 kernels share: the row variance behind ggml's importance weights, and the
// packing of 32 levels into nibbles (+ a 32-bit word of fifth bits for Q5_*).
#pragma once
#include <cstdint>

#include "core/util/le.h"

namespace gs::quant {

// sigma2 of quantize_row_q*_impl: the mean of x^2 over the whole row, summed in order.
inline float row_sigma2(const float* x, int64_t n) {
    float sum_x2 = 0;
    for (int64_t j = 0; j < n; ++j) sum_x2 += x[j] * x[j];
    return sum_x2 / static_cast<float>(n);
}

// Level j goes to the low nibble of byte j, level j + 16 to its high nibble (bits above 4 are cut, as in ggml).
inline void pack_q4(const uint8_t* l, uint8_t* qs) {
    for (int j = 0; j < 16; ++j) qs[j] = static_cast<uint8_t>(l[j] | (l[j + 16] << 4));
}

// Low four bits as pack_q4; bit 4 of level j goes to bit j of qh (stored little-endian).
inline void pack_q5(const uint8_t* l, uint8_t* qh, uint8_t* qs) {
    uint32_t h = 0;
    for (int j = 0; j < 16; ++j) {
        qs[j] = static_cast<uint8_t>((l[j] & 0x0f) | ((l[j + 16] & 0x0f) << 4));
        h |= ((l[j] & 0x10u) >> 4) << j;
        h |= ((l[j + 16] & 0x10u) >> 4) << (j + 16);
    }
    le::store<uint32_t>(qh, h);
}

}  // namespace gs::quant
