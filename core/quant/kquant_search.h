// The scale/min searches behind ggml's Q2_K, Q4_K and Q5_K (and the imatrix paths of Q4_1/Q5_1), step by step as in
// ggml-quants.c (ggml 0.25.1, the build ../shared/golden was made with): same float operations in the same order, so
// the chosen levels and scales are bit-identical.
// The Highway twins (lanes = independent sub-blocks) live in kquant_search-inl.h.
#pragma once
#include <cstdint>

namespace gs::quant {

// One call's search settings, so that a format's scalar and SIMD code read them from one place.
struct AffineSearch {
    int n, nmax;
    float rmin, rdelta;
    int nstep;
    bool use_mad;
    bool qkx3;  // make_qkx3_quants rather than make_qkx2_quants
};

// Affine search: x ~ scale * L - the_min with L in [0, nmax]. Tries nstep + 1 inverse scales
// (rmin + rdelta * is + nmax) / (max - min) and keeps the least weighted error (|e| if use_mad, else e^2).
// Returns the scale; the_min receives the (non-negative) offset. L and Laux hold n levels.
float make_qkx2_quants(int n, int nmax, const float* x, const float* weights, uint8_t* L, float* the_min,
                       uint8_t* Laux, float rmin, float rdelta, int nstep, bool use_mad);

// ggml's later variant of the same search (imatrix paths): weights may be null (then x^2), and max <= min (rather
// than max == min) is the all-equal test.
float make_qkx3_quants(int n, int nmax, const float* x, const float* weights, uint8_t* L, float* the_min,
                       uint8_t* Laux, float rmin, float rdelta, int nstep, bool use_mad);

// Runs make_qkx2_quants or make_qkx3_quants with the settings in s.
float search_affine(const AffineSearch& s, const float* x, const float* weights, uint8_t* L, float* the_min);

// Quantizes n non-negative values (sub-block scales or mins) to levels L in [0, nmax] with one positive scale,
// minimizing the quant_weights-weighted squared error; returns the scale (0 when the largest value is below 1e-15
// or every weight is 0).
float make_qp_quants(int n, int nmax, const float* x, uint8_t* L, const float* quant_weights);

}  // namespace gs::quant
