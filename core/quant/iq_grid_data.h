// The IQ1/IQ2/IQ3 codebooks in ggml's compact form (one uint16 per grid point, see iq1/iq2/iq3_grid_data.cpp).
#pragma once
#include <cstdint>

namespace gs::quant::iq {

extern const uint16_t kGridIq2xxs[256];  // 8 coordinates, 2-bit levels
extern const uint16_t kGridIq2xs[512];
extern const uint16_t kGridIq2s[1024];
extern const uint16_t kGridIq1[2048];    // IQ1_S and IQ1_M
extern const uint16_t kGridIq3xxs[256];  // 4 coordinates, 3-bit levels
extern const uint16_t kGridIq3s[512];

}  // namespace gs::quant::iq
