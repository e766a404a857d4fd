// What IQ4_NL and IQ4_XS share: the non-linear 4-bit value grid, ggml's nearest-grid-value search, and the per-block
// scale search of ggml's quantize_row_iq4_nl_impl. Used by the scalar kernels and by the SIMD kernels' fallbacks.
#pragma once
#include <cmath>
#include <cstdint>

namespace gs::quant::iq4 {

inline constexpr int kBlock = 32;     // elements per IQ4_NL block and per IQ4_XS sub-block
inline constexpr int kSuper = 256;    // elements per IQ4_XS super-block (QK_K)
inline constexpr int kTries = 7;      // ggml_quantize_chunk runs the search with ntry = 7, imatrix or not
inline constexpr float kGroupMaxEps = 1e-15f;  // below this amax a block counts as all zero

inline constexpr int8_t kValues[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

// Index of the grid value nearest to x; ties go up; NaN lands on 15 (the binary search never moves mu down).
inline int best_index(float x) {
    if (x <= kValues[0]) return 0;
    if (x >= kValues[15]) return 15;
    int ml = 0, mu = 15;
    while (mu - ml > 1) {
        const int mav = (ml + mu) / 2;
        if (x < kValues[mav]) mu = mav;
        else ml = mav;
    }
    return x - kValues[mu - 1] < kValues[mu] - x ? mu - 1 : mu;
}

// Sum of squares in index order, times 2/n: ggml's sigma2, the noise floor of the imatrix weights.
inline float sigma2(const float* x, int n) {
    float s = 0;
    for (int j = 0; j < n; ++j) s += x[j] * x[j];
    return s * (2.f / n);
}

// Importance of each of the 32 elements of a block: x^2 without an imatrix, qw * sqrt(sigma2 + x^2) with one.
inline void block_weights(const float* xb, const float* qw, float s2, float* w) {
    if (qw) {
        for (int j = 0; j < kBlock; ++j) w[j] = qw[j] * std::sqrt(s2 + xb[j] * xb[j]);
    } else {
        for (int j = 0; j < kBlock; ++j) w[j] = xb[j] * xb[j];
    }
}

// The weighted least-squares scale of one 32-element block, trying 2*ntry+1 candidate inverse scales around the
// one that maps the largest magnitude onto the grid's end. 0 for a block whose amax is below kGroupMaxEps.
inline float search_scale(const float* xb, const float* w, int ntry) {
    float amax = 0, max = 0;
    for (int j = 0; j < kBlock; ++j) {
        const float ax = std::fabs(xb[j]);
        if (ax > amax) { amax = ax; max = xb[j]; }
    }
    if (amax < kGroupMaxEps) return 0.f;
    float d = ntry > 0 ? -max / kValues[0] : max / kValues[0];
    float id = 1 / d;
    float sumqx = 0, sumq2 = 0;
    for (int j = 0; j < kBlock; ++j) {
        const float q = kValues[best_index(id * xb[j])];
        sumqx += w[j] * q * xb[j];
        sumq2 += w[j] * q * q;
    }
    d = sumqx / sumq2;
    float best = d * sumqx;
    for (int itry = -ntry; itry <= ntry; ++itry) {
        id = (itry + kValues[0]) / max;
        sumqx = sumq2 = 0;
        for (int j = 0; j < kBlock; ++j) {
            const float q = kValues[best_index(id * xb[j])];
            sumqx += w[j] * q * xb[j];
            sumq2 += w[j] * q * q;
        }
        if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
            d = sumqx / sumq2;
            best = d * sumqx;
        }
    }
    return d;
}

// Two 4-bit indices per byte: element j in the low nibble, element j + 16 in the high one, per 32 elements.
inline void pack_nibbles(const uint8_t* L, int n, uint8_t* q4) {
    for (int i = 0; i < n / 32; ++i)
        for (int j = 0; j < 16; ++j) q4[16 * i + j] = static_cast<uint8_t>(L[32 * i + j] | (L[32 * i + 16 + j] << 4));
}

}  // namespace gs::quant::iq4
