// Scalar TQ1_0 / TQ2_0, as ggml: scale = amax, each element rounded with lroundf(x / amax) to -1, 0 or +1.
#include "core/quant/tq.h"

#include <cmath>

#include "core/util/half.h"
#include "core/util/le.h"

namespace gs::quant {
namespace tq {

void pack_tq1(const uint8_t* t, uint8_t* qs) {
    auto ceil_div = [](unsigned q) { return static_cast<uint8_t>((q * 256 + (243 - 1)) / 243); };
    // 32 bytes of 5 digits (elements m + 32n), then 16 bytes of 5 (elements 160 + m + 16n).
    for (int m = 0; m < 32; ++m) {
        unsigned q = 0;
        for (int n = 0; n < 5; ++n) q = q * 3 + t[m + n * 32];
        qs[m] = ceil_div(q);
    }
    for (int m = 0; m < 16; ++m) {
        unsigned q = 0;
        for (int n = 0; n < 5; ++n) q = q * 3 + t[160 + m + n * 16];
        qs[32 + m] = ceil_div(q);
    }
    // 4 bytes of 4 digits (elements 240 + j + 4m), the first digit moved to the most significant place.
    for (int j = 0; j < 4; ++j) {
        unsigned q = 0;
        for (int m = 0; m < 4; ++m) q = q * 3 + t[240 + j + m * 4];
        qs[48 + j] = ceil_div(q * 3);
    }
}

void pack_tq2(const uint8_t* t, uint8_t* qs) {
    for (int j = 0; j < 2; ++j)
        for (int m = 0; m < 32; ++m) {
            unsigned q = 0;
            for (int n = 0; n < 4; ++n) q += (t[128 * j + m + 32 * n] & 3u) << (2 * n);
            qs[32 * j + m] = static_cast<uint8_t>(q);
        }
}

namespace {
// The block's digits (lroundf(x * id) + 1) and its fp16 scale.
uint16_t digits(const float* x, uint8_t* t) {
    float amax = 0.0f;
    for (int j = 0; j < kBlock; ++j) {
        const float a = std::fabs(x[j]);
        amax = amax > a ? amax : a;  // ggml's MAX(amax, fabsf(v))
    }
    const float id = amax ? 1.0f / amax : 0.0f;
    // lroundf's long is truncated to int as in ggml (non-finite products come back as LONG_MIN, low half 0).
    for (int j = 0; j < kBlock; ++j) t[j] = static_cast<uint8_t>(static_cast<int>(std::lround(x[j] * id)) + 1);
    return f32_to_f16(amax);
}

template <int Bytes, void (*Pack)(const uint8_t*, uint8_t*)>
void quantize(const float* src, void* dst, int64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    uint8_t t[kBlock];
    for (int64_t i = 0; i < n; i += kBlock, out += Bytes) {
        const uint16_t d = digits(src + i, t);
        Pack(t, out);
        le::store<uint16_t>(out + Bytes - 2, d);
    }
}
}  // namespace

}  // namespace tq

void quantize_tq1_0_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float*) {
    tq::quantize<tq::kTq1Bytes, tq::pack_tq1>(src, dst, nrows * n_per_row);
}

void quantize_tq2_0_scalar(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float*) {
    tq::quantize<tq::kTq2Bytes, tq::pack_tq2>(src, dst, nrows * n_per_row);
}

}  // namespace gs::quant
