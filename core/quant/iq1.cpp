// Scalar IQ1_S / IQ1_M, step by step as ggml's quantize_row_iq1_s_impl and quantize_row_iq1_m_impl: an exhaustive
// search over the two thresholds that split a sub-block's sorted values into -1 / 0 / +1, then the grid lookup.
#include "core/quant/iq1.h"

#include <cfloat>
#include <cmath>
#include <cstring>

#include "core/quant/common.h"
#include "core/quant/iq_grids.h"
#include "core/util/half.h"
#include "core/util/le.h"

namespace gs::quant {
namespace {
using iq::Codebook;

constexpr int kSuper = 256;
constexpr int kSBytes = 50, kMBytes = 56;
constexpr float kEpsS = 1e-12f, kEpsM = 1e-7f;  // ggml's GROUP_MAX_EPS_IQ1_S / _IQ1_M
constexpr float kDelta = 0.125f;                 // IQ1S_DELTA = IQ1M_DELTA
// The three values of a level with the grid shifted up (x_p) or down (x_m) by kDelta.
constexpr float kXp[3] = {-1 + kDelta, kDelta, 1 + kDelta};
constexpr float kXm[3] = {-1 - kDelta, -kDelta, 1 - kDelta};

// Indices 0..n-1 ordered by x ascending, equal values in index order (ggml's qsort is glibc's merge sort, which is
// stable). An insertion sort: n is 16 or 32, and it stays in bounds whatever NaNs do to the order.
void sort_by_value(const float* x, int n, int* idx) {
    for (int j = 0; j < n; ++j) {
        const int v = j;
        int k = j;
        while (k > 0 && x[v] < x[idx[k - 1]]) {
            idx[k] = idx[k - 1];
            --k;
        }
        idx[k] = v;
    }
}

float sigma2_of(const float* x) {
    float s = 0;
    for (int i = 0; i < kSuper; ++i) s += x[i] * x[i];
    return 2 * s / kSuper;
}

float abs_max(const float* x, int n) {
    float m = std::fabs(x[0]);
    for (int i = 1; i < n; ++i) m = m > std::fabs(x[i]) ? m : std::fabs(x[i]);
    return m;
}

// ggml's iq1_find_best_neighbour2: of the key's neighbour list, the point closest to x at `scale` with the level
// values xx. When no distance is below FLT_MAX (NaN or enormous input), ggml scans the whole grid reading past its
// arrays; the list's first point is taken instead.
int best_neighbour(const Codebook& cb, uint32_t key, const float* x, const float* w, float scale, const float* xx,
                   int8_t* L) {
    const uint16_t* nb = cb.neighbours_of(key);
    float best = FLT_MAX;
    int idx = nb[1];
    for (int j = 1; j <= nb[0]; ++j) {
        const int8_t* pg = cb.point(nb[j]);
        float d2 = 0;
        for (int i = 0; i < 8; ++i) {
            const float diff = scale * xx[(pg[i] - 1) / 2] - x[i];
            d2 += w[i] * diff * diff;
        }
        if (d2 < best) {
            best = d2;
            idx = nb[j];
        }
    }
    for (int i = 0; i < 8; ++i) L[i] = static_cast<int8_t>((cb.point(idx)[i] - 1) / 2);
    return idx;
}

// Grid index of the 8 levels L (0..2), or of the best neighbour (then L takes its levels); on_grid is cleared when
// the levels were off the grid.
int lookup(const Codebook& cb, const float* x, const float* w, float scale, const float* xx, int8_t* L, bool& on_grid) {
    uint32_t key = 0;
    for (int j = 0; j < 8; ++j) key |= uint32_t(L[j]) << (2 * j);
    const int idx = cb.index_of(key);
    if (idx >= 0) return idx;
    on_grid = false;
    return best_neighbour(cb, key, x, w, scale, xx, L);
}

// Levels from the best split: sorted positions [0, i1) -> 0, [i1, i2) -> 1, [i2, n) -> 2; a negative scale
// mirrors them.
void split_levels(const int* idx, int n, int i1, int i2, int8_t* L) {
    for (int j = 0; j < n; ++j) L[idx[j]] = static_cast<int8_t>(j < i1 ? 0 : j < i2 ? 1 : 2);
}

// IQ1_S: 8 sub-blocks of 32, one shift (+-kDelta) each.
void iq1_s_block(const Codebook& cb, const float* x, const float* qw, uint8_t* out) {
    std::memset(out, 0, kSBytes);
    uint8_t* qs = out + 2;
    uint16_t qh[8] = {};
    float scales[8];
    int8_t shifts[8];
    float max_scale = 0;
    const float sigma2 = sigma2_of(x);
    for (int ib = 0; ib < 8; ++ib) {
        const float* xb = x + 32 * ib;
        float w[32];
        for (int i = 0; i < 32; ++i) w[i] = (qw ? qw[32 * ib + i] : 1.f) * std::sqrt(sigma2 + xb[i] * xb[i]);
        const float max = abs_max(xb, 32);
        scales[ib] = 0;
        shifts[ib] = 1;  // an all-zero sub-block is stored with the upward shift
        if (max < kEpsS) continue;
        int idx[32];
        sort_by_value(xb, 32, idx);
        float sumx[33], sumw[33];
        sumx[0] = sumw[0] = 0;
        for (int j = 0; j < 32; ++j) {
            sumx[j + 1] = sumx[j] + w[idx[j]] * xb[idx[j]];
            sumw[j + 1] = sumw[j] + w[idx[j]];
        }
        float best_score = -FLT_MAX, scale = max;
        int besti1 = -1, besti2 = -1, best_shift = 0;
        for (int i1 = 0; i1 <= 32; ++i1) {
            for (int i2 = i1; i2 <= 32; ++i2) {
                for (int shift : {1, -1}) {
                    const float* t = shift == 1 ? kXp : kXm;
                    const float sumqx =
                        (sumx[i1] - sumx[0]) * t[0] + (sumx[i2] - sumx[i1]) * t[1] + (sumx[32] - sumx[i2]) * t[2];
                    const float sumq2 = (sumw[i1] - sumw[0]) * t[0] * t[0] + (sumw[i2] - sumw[i1]) * t[1] * t[1] +
                                        (sumw[32] - sumw[i2]) * t[2] * t[2];
                    if (sumq2 > 0 && sumqx * sumqx > best_score * sumq2) {
                        scale = sumqx / sumq2;
                        best_score = scale * sumqx;
                        besti1 = i1;
                        besti2 = i2;
                        best_shift = shift;
                    }
                }
            }
        }
        if (besti1 < 0) continue;  // every weight zero (or NaN): stored as an all-zero sub-block, as ggml does
        int8_t L[32];
        split_levels(idx, 32, besti1, besti2, L);
        if (scale < 0) {
            for (auto& l : L) l = static_cast<int8_t>(2 - l);
            scale = -scale;
            best_shift = -best_shift;
        }
        const float* xx = best_shift == 1 ? kXp : kXm;
        bool all_on_grid = true;
        int index[4];
        for (int k = 0; k < 4; ++k) index[k] = lookup(cb, xb + 8 * k, w + 8 * k, scale, xx, L + 8 * k, all_on_grid);
        if (!all_on_grid) {
            float sumqx = 0, sumq2 = 0;
            for (int k = 0; k < 4; ++k) {
                const int8_t* pg = cb.point(index[k]);
                for (int j = 0; j < 8; ++j) {
                    const float q = xx[(pg[j] - 1) / 2];
                    sumqx += w[8 * k + j] * q * xb[8 * k + j];
                    sumq2 += w[8 * k + j] * q * q;
                }
            }
            if (sumqx > 0 && sumq2 > 0) scale = sumqx / sumq2;
        }
        uint16_t h = 0;
        for (int k = 0; k < 4; ++k) {
            qs[4 * ib + k] = static_cast<uint8_t>(index[k] & 255);
            h = static_cast<uint16_t>(h | ((index[k] >> 8) << (3 * k)));
        }
        qh[ib] = h;
        scales[ib] = scale;
        shifts[ib] = static_cast<int8_t>(best_shift);
        max_scale = max_scale > scale ? max_scale : scale;
    }
    if (max_scale) {
        const float d = max_scale / 15;
        le::store<uint16_t>(out, f32_to_f16(d * 1.125f));
        const float id = 1 / d;
        for (int ib = 0; ib < 8; ++ib) {
            int l = nearest_int(0.5f * (id * scales[ib] - 1));
            l = l < 0 ? 0 : l > 7 ? 7 : l;
            if (shifts[ib] == -1) l |= 8;
            qh[ib] = static_cast<uint16_t>(qh[ib] | (l << 12));
        }
    }
    for (int ib = 0; ib < 8; ++ib) le::store<uint16_t>(out + 34 + 2 * ib, qh[ib]);
}

// The level values of group k (0: first 8, 1: last 8) of an IQ1_M sub-block under shift pattern s: bit 1 of s
// shifts the first group down, bit 0 the second.
const float* m_values(int s, int k) { return (k == 0 ? s < 2 : s % 2 == 0) ? kXp : kXm; }

// IQ1_M: 16 sub-blocks of 16, a shift per group of 8; the super-block scale is an f16 spread over the top nibbles
// of the four 16-bit scale words.
void iq1_m_block(const Codebook& cb, const float* x, const float* qw, uint8_t* out) {
    std::memset(out, 0, kMBytes);
    uint8_t* qs = out;
    uint8_t* qh = out + 32;
    float scales[16];
    int8_t shifts[16];
    float max_scale = 0;
    const float sigma2 = sigma2_of(x);
    auto weights = [&](int ib, float* w) {
        const float* xb = x + 16 * ib;
        if (qw) {
            for (int i = 0; i < 16; ++i) w[i] = qw[16 * ib + i] * std::sqrt(sigma2 + xb[i] * xb[i]);
        } else {
            for (int i = 0; i < 16; ++i) w[i] = xb[i] * xb[i];
        }
    };
    for (int ib = 0; ib < 16; ++ib) {
        const float* xb = x + 16 * ib;
        float w[16];
        weights(ib, w);
        const float max = abs_max(xb, 16);
        scales[ib] = 0;
        shifts[ib] = 0;  // an all-zero sub-block is stored with both groups shifted up
        if (max < kEpsM) continue;
        int idx[16];
        sort_by_value(xb, 16, idx);
        float best_score = -FLT_MAX, scale = max;
        int besti1 = -1, besti2 = -1, best_k = -1;
        // ggml 0.25.1 scores every split in constant time from prefix sums kept per half of the sub-block (each half
        // has its own shift): with level values v0 = v1 - 1 = v2 - 2, a split's sum of w*x*v is T*v2 - S(i1) - S(i2)
        // and its sum of w*v^2 is W*v2^2 + W(i1)*(v0^2 - v1^2) + W(i2)*(v1^2 - v2^2). Same operations as there.
        float px[2][17], pw[2][17];
        px[0][0] = px[1][0] = pw[0][0] = pw[1][0] = 0;
        for (int j = 0; j < 16; ++j) {
            const int i = idx[j], h = i < 8 ? 0 : 1;
            px[h][j + 1] = px[h][j] + w[i] * xb[i];
            px[1 - h][j + 1] = px[1 - h][j];
            pw[h][j + 1] = pw[h][j] + w[i];
            pw[1 - h][j + 1] = pw[1 - h][j];
        }
        const float p2 = kXp[2], m2 = kXm[2];
        const float cp1 = kXp[0] * kXp[0] - kXp[1] * kXp[1], cp2 = kXp[1] * kXp[1] - kXp[2] * kXp[2];
        const float cm1 = kXm[0] * kXm[0] - kXm[1] * kXm[1], cm2 = kXm[1] * kXm[1] - kXm[2] * kXm[2];
        for (int i1 = 0; i1 <= 16; ++i1) {
            for (int i2 = i1; i2 <= 16; ++i2) {
                float qx_p[2], qx_m[2], q2_p[2], q2_m[2];
                for (int h = 0; h < 2; ++h) {
                    const float sx = px[h][i1] + px[h][i2];
                    qx_p[h] = px[h][16] * p2 - sx;
                    qx_m[h] = px[h][16] * m2 - sx;
                    q2_p[h] = pw[h][16] * p2 * p2 + pw[h][i1] * cp1 + pw[h][i2] * cp2;
                    q2_m[h] = pw[h][16] * m2 * m2 + pw[h][i1] * cm1 + pw[h][i2] * cm2;
                }
                // pattern k: bit 1 set = first half shifted down, bit 0 set = second half shifted down
                const float sumqx[4] = {qx_p[0] + qx_p[1], qx_p[0] + qx_m[1], qx_m[0] + qx_p[1], qx_m[0] + qx_m[1]};
                const float sumq2[4] = {q2_p[0] + q2_p[1], q2_p[0] + q2_m[1], q2_m[0] + q2_p[1], q2_m[0] + q2_m[1]};
                for (int k = 0; k < 4; ++k) {
                    if (sumq2[k] > 0 && sumqx[k] * sumqx[k] > best_score * sumq2[k]) {
                        scale = sumqx[k] / sumq2[k];
                        best_score = scale * sumqx[k];
                        besti1 = i1;
                        besti2 = i2;
                        best_k = k;
                    }
                }
            }
        }
        if (besti1 < 0) continue;  // every weight zero (or NaN): stored as an all-zero sub-block, as ggml does
        int8_t L[16];
        split_levels(idx, 16, besti1, besti2, L);
        if (scale < 0) {
            for (auto& l : L) l = static_cast<int8_t>(2 - l);
            scale = -scale;
            best_k = 3 - best_k;
        }
        bool all_on_grid = true;
        int index[2];
        for (int k = 0; k < 2; ++k)
            index[k] = lookup(cb, xb + 8 * k, w + 8 * k, scale, m_values(best_k, k), L + 8 * k, all_on_grid);
        if (!all_on_grid) {
            float sumqx = 0, sumq2 = 0;
            for (int k = 0; k < 2; ++k) {
                const float* xx = m_values(best_k, k);
                const int8_t* pg = cb.point(index[k]);
                for (int j = 0; j < 8; ++j) {
                    const float q = xx[(pg[j] - 1) / 2];
                    sumqx += w[8 * k + j] * q * xb[8 * k + j];
                    sumq2 += w[8 * k + j] * q * q;
                }
            }
            if (sumqx > 0 && sumq2 > 0) scale = sumqx / sumq2;
        }
        qs[2 * ib] = static_cast<uint8_t>(index[0] & 255);
        qs[2 * ib + 1] = static_cast<uint8_t>(index[1] & 255);
        qh[ib] = static_cast<uint8_t>((index[0] >> 8) | ((index[1] >> 8) << 4));
        scales[ib] = scale;
        shifts[ib] = static_cast<int8_t>(best_k);
        max_scale = max_scale > scale ? max_scale : scale;
    }
    if (!max_scale) return;
    static const uint8_t kMasks[4] = {0x00, 0x80, 0x08, 0x88};  // shift bits of the two groups, per pattern
    uint16_t sc[4] = {};
    float d = max_scale / 15;
    const float id = 1 / d;
    // The final scale: a weighted least-squares fit over the whole super-block of the chosen points times their
    // sub-block levels (all-zero sub-blocks included, at grid point 0 and level 0, as ggml reads them back).
    float sumqx = 0, sumq2 = 0;
    for (int ib = 0; ib < 16; ++ib) {
        int l = nearest_int(0.5f * (id * scales[ib] - 1));
        l = l < 0 ? 0 : l > 7 ? 7 : l;
        sc[ib / 4] = static_cast<uint16_t>(sc[ib / 4] | (l << (3 * (ib % 4))));
        qh[ib] |= kMasks[shifts[ib]];
        const float* xb = x + 16 * ib;
        float w[16];
        weights(ib, w);
        for (int k = 0; k < 2; ++k) {
            const float* xx = m_values(shifts[ib], k);
            const int8_t* pg = cb.point(qs[2 * ib + k] + ((qh[ib] << (8 - 4 * k)) & 0x700));
            for (int j = 0; j < 8; ++j) {
                const float q = xx[(pg[j] - 1) / 2] * (2 * l + 1);
                sumqx += w[8 * k + j] * q * xb[8 * k + j];
                sumq2 += w[8 * k + j] * q * q;
            }
        }
    }
    if (sumq2 > 0) d = sumqx / sumq2;
    const uint16_t h = f32_to_f16(d * 1.1125f);
    sc[0] = static_cast<uint16_t>(sc[0] | ((h & 0x000f) << 12));
    sc[1] = static_cast<uint16_t>(sc[1] | ((h & 0x00f0) << 8));
    sc[2] = static_cast<uint16_t>(sc[2] | ((h & 0x0f00) << 4));
    sc[3] = static_cast<uint16_t>(sc[3] | (h & 0xf000));
    for (int i = 0; i < 4; ++i) le::store<uint16_t>(out + 48 + 2 * i, sc[i]);
}

void quantize_rows(void (*block)(const Codebook&, const float*, const float*, uint8_t*), int block_bytes,
                   const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    const Codebook& cb = iq::codebook(iq::Grid::Iq1);
    auto* out = static_cast<uint8_t*>(dst);
    const int64_t nb = n_per_row / kSuper;
    for (int64_t r = 0; r < nrows; ++r)
        for (int64_t b = 0; b < nb; ++b, out += block_bytes)
            block(cb, src + r * n_per_row + b * kSuper, imatrix ? imatrix + b * kSuper : nullptr, out);
}

}  // namespace

void quantize_iq1_s_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    quantize_rows(iq1_s_block, kSBytes, src, dst, nrows, n_per_row, imatrix);
}
void quantize_iq1_m_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix) {
    quantize_rows(iq1_m_block, kMBytes, src, dst, nrows, n_per_row, imatrix);
}

}  // namespace gs::quant
