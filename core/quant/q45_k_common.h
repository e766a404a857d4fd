// What Q4_K and Q5_K share: a 16-byte super-block head (f16 d, f16 dmin, 12 bytes packing eight 6-bit sub-block
// scales and eight 6-bit mins, ggml's get_scale_min_k4 layout) and the final requantization of each 32-value
// sub-block against the scales the head actually stores.
#pragma once
#include <cstdint>

#include "core/quant/kquant_search.h"
#include "core/util/half.h"
#include "core/util/le.h"

namespace gs::quant::k4 {

constexpr int kSubBlocks = 8;   // 32-value sub-blocks per 256-value super-block
constexpr int kHeadBytes = 16;  // d, dmin, scales[12]

// 6-bit scale and min of sub-block j from the 12 packed bytes (ggml's get_scale_min_k4).
inline void get_scale_min(int j, const uint8_t* q, uint8_t* d, uint8_t* m) {
    if (j < 4) {
        *d = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *d = static_cast<uint8_t>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
        *m = static_cast<uint8_t>((q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4));
    }
}

// The float step and offset sub-block j dequantizes with: d * scale_j and dmin * min_j.
inline void sub_block_step(const uint8_t* head, int j, float* d, float* dm) {
    uint8_t sc, m;
    get_scale_min(j, head + 4, &sc, &m);
    *d = f16_to_f32(le::load<uint16_t>(head)) * sc;
    *dm = f16_to_f32(le::load<uint16_t>(head + 2)) * m;
}

// Reference path: scales to 6 bits against the largest scale and largest min (quantize_row_q4_K_ref/q5_K_ref).
void encode_head_ref(const float* scales, const float* mins, uint8_t* head);

// imatrix path: make_qp_quants over the scales and the mins, weighted by each sub-block's weight sum sw.
// clamp63: Q5_K clamps the levels to 63 before packing, Q4_K does not (it matters only for wrapped levels).
void encode_head_imatrix(const float* scales, const float* mins, const float* sw, bool clamp63, uint8_t* head);

// Everything but the level packing, for one super-block x on the scalar path: the search for each sub-block
// (weights from qw when given), the head, and the final levels L.
void quantize_block(const float* x, const float* qw, const AffineSearch& ref, const AffineSearch& imatrix,
                    bool clamp63, uint8_t* head, uint8_t* L);

// Levels of the 256 values of x against the stored head; sub-blocks with a zero step keep their levels in L.
void requantize(const float* x, const uint8_t* head, int nmax, uint8_t* L);

}  // namespace gs::quant::k4
