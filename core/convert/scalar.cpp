#include "core/convert/convert.h"
#include "core/util/half.h"

namespace gs::convert::scalar {

void f16_to_f32(const uint16_t* src, float* dst, size_t n) {
    for (size_t i = 0; i < n; ++i) dst[i] = gs::f16_to_f32(src[i]);
}
void bf16_to_f32(const uint16_t* src, float* dst, size_t n) {
    for (size_t i = 0; i < n; ++i) dst[i] = gs::bf16_to_f32(src[i]);
}
void f32_to_f16(const float* src, uint16_t* dst, size_t n) {
    for (size_t i = 0; i < n; ++i) dst[i] = gs::f32_to_f16(src[i]);
}
void f32_to_bf16(const float* src, uint16_t* dst, size_t n) {
    for (size_t i = 0; i < n; ++i) dst[i] = gs::f32_to_bf16(src[i]);
}

}  // namespace gs::convert::scalar
