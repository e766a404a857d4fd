// Scale searches for the symmetric ("x = d * q", no min) k-quants, following ggml-quants.c float op for float op:
// make_qx_quants (Q3_K with an imatrix, Q6_K, the Q4_0/Q5_0 imatrix paths) and make_q3_quants (Q3_K reference).
#pragma once
#include <cstdint>

namespace gs::quant {

// ggml's GROUP_MAX_EPS: a group whose largest |x| is below this quantizes to all zeros.
constexpr float kGroupMaxEps = 1e-15f;

// Quantizes n values to L[i] in [0, 2*nmax) around nmax and returns the scale, searching 18 candidate scales
// around -nmax/max for the best weighted fit. rmse_type selects the weights when qw is null (1: x^2, 2: 1,
// 3: |x|, 4: sqrt|x|); 0 means plain rounding, negative means "one fit, no search".
float make_qx_quants(int n, int nmax, const float* x, int8_t* L, int rmse_type, const float* qw);

// Q3_K's reference search: start from -nmax/max, then (do_rmse) move single values while the x^2-weighted fit
// improves, at most 5 sweeps. L[i] in [0, 2*nmax).
float make_q3_quants(int n, int nmax, const float* x, int8_t* L, bool do_rmse);

}  // namespace gs::quant
