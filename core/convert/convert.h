// Element conversions between the float formats a model arrives in and the ones GGUF stores, on rows in memory.
// Bit-identical to ggml (ggml_fp32_to_fp16_row / ggml_fp32_to_bf16_row) on every target.
#pragma once
#include <cstddef>
#include <cstdint>

namespace gs::convert {

void f16_to_f32(const uint16_t* src, float* dst, size_t n);
void bf16_to_f32(const uint16_t* src, float* dst, size_t n);
void f32_to_f16(const float* src, uint16_t* dst, size_t n);
void f32_to_bf16(const float* src, uint16_t* dst, size_t n);

// Scalar references of the same (tests and benchmarks compare against them).
namespace scalar {
void f16_to_f32(const uint16_t* src, float* dst, size_t n);
void bf16_to_f32(const uint16_t* src, float* dst, size_t n);
void f32_to_f16(const float* src, uint16_t* dst, size_t n);
void f32_to_bf16(const float* src, uint16_t* dst, size_t n);
}  // namespace scalar

}  // namespace gs::convert
