// What the IQ2 and IQ3 quantizers share, step by step as ggml's quantize_row_iq2_*_impl / iq3_*_impl: the sign
// folding, the nearest-neighbour search for a group that falls off the grid, and the search for a sub-block's scale
// over the grid (a sweep of inverse scales, then one refinement at the best scale).
#pragma once
#include <cfloat>
#include <cmath>
#include <cstdint>

#include "core/quant/common.h"
#include "core/quant/iq_grids.h"

namespace gs::quant::iq {

inline constexpr int kSuper = 256;  // QK_K: elements per super-block

// Levels of the group of dims values xval at inverse scale id: round((id * x - 1) / 2) into 0..max_level.
inline uint32_t group_key(const Codebook& cb, const float* xval, float id, int8_t* L) {
    uint32_t key = 0;
    for (int i = 0; i < cb.dims; ++i) {
        int l = nearest_int(0.5f * (id * xval[i] - 1));
        l = l < 0 ? 0 : l > cb.max_level ? cb.max_level : l;
        L[i] = static_cast<int8_t>(l);
        key |= uint32_t(l) << (cb.bits * i);
    }
    return key;
}

// The nearest point of the neighbour list nb for D coordinates (see best_neighbour).
template <int D>
int best_neighbour_d(const Codebook& cb, const uint16_t* nb, const float* xval, const float* w, float scale) {
    // Four candidates at a time: independent accumulations (each in ggml's order) that the CPU overlaps.
    float best_d2 = FLT_MAX;
    int best = nb[1];
    const int n = nb[0];
    float sx[D], ww[D];
    for (int i = 0; i < D; ++i) sx[i] = xval[i], ww[i] = w[i];
    int j = 1;
    for (; j + 3 <= n; j += 4) {
        const float* p[4] = {cb.point_f(nb[j]), cb.point_f(nb[j + 1]), cb.point_f(nb[j + 2]), cb.point_f(nb[j + 3])};
        float d2[4] = {0, 0, 0, 0};
        for (int i = 0; i < D; ++i)
            for (int c = 0; c < 4; ++c) {
                const float diff = scale * p[c][i] - sx[i];
                d2[c] += ww[i] * diff * diff;
            }
        for (int c = 0; c < 4; ++c)
            if (d2[c] < best_d2) {
                best_d2 = d2[c];
                best = nb[j + c];
            }
    }
    for (; j <= n; ++j) {
        const float* p = cb.point_f(nb[j]);
        float d2 = 0;
        for (int i = 0; i < D; ++i) {
            const float diff = scale * p[i] - sx[i];
            d2 += ww[i] * diff * diff;
        }
        if (d2 < best_d2) {
            best_d2 = d2;
            best = nb[j];
        }
    }
    return best;
}

// ggml's iq2_find_best_neighbour / iq3_find_best_neighbour: of the key's neighbour list, the point closest to xval
// at `scale` under the weights w (the square roots of the importance weights); its levels go to L. When no distance
// is finite (NaN input), the list's first point, where ggml would abort.
inline int best_neighbour(const Codebook& cb, uint32_t key, const float* xval, const float* w, float scale, int8_t* L) {
    const uint16_t* nb = cb.neighbours_of(key);
    const int best =
        cb.dims == 8 ? best_neighbour_d<8>(cb, nb, xval, w, scale) : best_neighbour_d<4>(cb, nb, xval, w, scale);
    const int8_t* pg = cb.point(best);
    for (int i = 0; i < cb.dims; ++i) L[i] = static_cast<int8_t>((pg[i] - 1) / 2);
    return best;
}

// The grid index of a group's final levels. ggml aborts when they are off the grid; its search never leaves them
// so, but should they be (a case ggml does not foresee), the levels are clamped and the first listed neighbour is
// taken, so that the lookup stays in bounds and the output a valid file.
inline int final_index(const Codebook& cb, int8_t* L) {
    uint32_t key = 0;
    for (int i = 0; i < cb.dims; ++i) {
        int l = L[i] < 0 ? 0 : L[i] > cb.max_level ? cb.max_level : L[i];
        key |= uint32_t(l) << (cb.bits * i);
    }
    const int idx = cb.index_of(key);
    if (idx >= 0) return idx;
    const int n = cb.neighbours_of(key)[1];
    for (int i = 0; i < cb.dims; ++i) L[i] = static_cast<int8_t>((cb.point(n)[i] - 1) / 2);
    return n;
}

// Folds the signs of 8 values into xval = |x| and returns them as 8 bits (bit i: x[i] < 0).
inline uint8_t fold_signs(const float* x, float* xval) {
    uint8_t s = 0;
    for (int i = 0; i < 8; ++i) {
        if (x[i] >= 0) {
            xval[i] = x[i];
        } else {
            xval[i] = -x[i];
            s |= static_cast<uint8_t>(1 << i);
        }
    }
    return s;
}

// IQ2_XXS, IQ2_XS, IQ3_XXS store 7 sign bits per 8 values: the count of negatives must be even, so with an odd count
// the value of least importance (weight * x^2, first on ties) gets its sign flipped, and xval keeps -|x| there.
inline uint8_t fold_signs_even(const float* x, const float* weight, float* xval) {
    int nflip = 0;
    uint8_t s = 0;
    for (int i = 0; i < 8; ++i) {
        if (x[i] >= 0) {
            xval[i] = x[i];
        } else {
            xval[i] = -x[i];
            ++nflip;
            s |= static_cast<uint8_t>(1 << i);
        }
    }
    if (nflip % 2) {
        int imin = 0;
        float min = weight[0] * x[0] * x[0];
        for (int i = 1; i < 8; ++i) {
            const float ax = weight[i] * x[i] * x[i];
            if (ax < min) {
                min = ax;
                imin = i;
            }
        }
        xval[imin] = -xval[imin];
        s ^= static_cast<uint8_t>(1 << imin);
    }
    return s & 127;
}

// Largest of n values folded as ggml's MAX macro does (a NaN replaces the running maximum until the next value).
inline float fold_max(const float* v, int n) {
    float m = v[0];
    for (int i = 1; i < n; ++i) m = m > v[i] ? m : v[i];
    return m;
}

// How a format runs the scale search; the three refinement flavours are ggml's.
struct ScaleSearch {
    int n;             // values per sub-block: 16 or 32
    int ntry;          // inverse scales (2 * kmax - 1 + is * step) / base for is = -ntry..ntry
    float step;
    bool refine_always;     // IQ2_XXS: refine whenever scale > 0, every group
    bool refine_all_groups; // IQ3_S: when a group is off the grid, refine every group (else only those off it)
};

// The sweep and refinement over n values xval (>= 0 but for the flipped ones) with importance weights w and their
// square roots waux; base is the value the inverse scales divide (max, or ggml's eff_max for IQ2_XXS), scale the
// starting scale. L (n levels) and on_grid (one flag per group) come in as the format initializes them and are kept
// when no inverse scale improves on them (all weights zero); L leaves holding the chosen levels. Returns the scale.
inline float search_scale(const Codebook& cb, const ScaleSearch& s, const float* xval, const float* w,
                          const float* waux, float base, float scale, int8_t* L, bool* on_grid) {
    const int D = cb.dims, ng = s.n / D;
    const int kmax = cb.max_level + 1;
    int8_t Laux[32];
    bool on_grid_aux[8];
    float best = 0;
    for (int is = -s.ntry; is <= s.ntry; ++is) {
        const float id = (2 * kmax - 1 + is * s.step) / base;
        const float this_scale = 1 / id;
        for (int k = 0; k < ng; ++k) {
            const uint32_t key = group_key(cb, xval + D * k, id, Laux + D * k);
            on_grid_aux[k] = cb.index_of(key) >= 0;
            if (!on_grid_aux[k]) best_neighbour(cb, key, xval + D * k, waux + D * k, this_scale, Laux + D * k);
        }
        float sumqx = 0, sumq2 = 0;
        for (int i = 0; i < s.n; ++i) {
            const float q = 2 * Laux[i] + 1;
            sumqx += w[i] * xval[i] * q;
            sumq2 += w[i] * q * q;
        }
        if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
            scale = sumqx / sumq2;
            best = scale * sumqx;
            for (int i = 0; i < s.n; ++i) L[i] = Laux[i];
            for (int k = 0; k < ng; ++k) on_grid[k] = on_grid_aux[k];
        }
    }
    bool refine = scale > 0;
    if (refine && !s.refine_always) {
        int off = 0;
        for (int k = 0; k < ng; ++k) off += !on_grid[k];
        refine = off > 0;
    }
    if (refine) {
        const float id = 1 / scale;
        for (int k = 0; k < ng; ++k) {
            if (!s.refine_always && !s.refine_all_groups && on_grid[k]) continue;
            const uint32_t key = group_key(cb, xval + D * k, id, L + D * k);
            if (cb.index_of(key) < 0) best_neighbour(cb, key, xval + D * k, waux + D * k, scale, L + D * k);
        }
        float sumqx = 0, sumq2 = 0;
        for (int i = 0; i < s.n; ++i) {
            const float q = 2 * L[i] + 1;
            sumqx += w[i] * xval[i] * q;
            sumq2 += w[i] * q * q;
        }
        if (sumq2 > 0) scale = sumqx / sumq2;
    }
    return scale;
}

// A sub-block scale as a 4-bit (or 3-bit) level of the super-block scale d = 1 / id: round((id * s - 1) / 2).
inline int scale_level(float id, float s, int max) {
    const int l = nearest_int(0.5f * (id * s - 1));
    return l < 0 ? 0 : l > max ? max : l;
}

// Runs a super-block quantizer over nrows rows.
using BlockFn = void (*)(const Codebook& cb, const float* x, const float* qw, uint8_t* out);
inline void quantize_rows(Grid g, BlockFn fn, int block_bytes, const float* src, void* dst, int64_t nrows,
                          int64_t n_per_row, const float* imatrix) {
    const Codebook& cb = codebook(g);
    auto* out = static_cast<uint8_t*>(dst);
    const int64_t nb = n_per_row / kSuper;
    for (int64_t r = 0; r < nrows; ++r)
        for (int64_t b = 0; b < nb; ++b, out += block_bytes)
            fn(cb, src + r * n_per_row + b * kSuper, imatrix ? imatrix + b * kSuper : nullptr, out);
}

}  // namespace gs::quant::iq
