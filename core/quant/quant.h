// Quantization kernels: one file per format family (q8_0.cpp, q4_k.cpp, ...), each with a plain scalar version that
// follows ggml's reference algorithm step by step and a Highway SIMD version that produces the same bytes.
#pragma once
#include <cstdint>
#include <vector>

#include "core/gguf/types.h"

namespace gs::quant {

// Quantizes nrows rows of n_per_row floats into dst (nrows * row_bytes(type, n_per_row) bytes, packed rows).
// imatrix: n_per_row importance weights, or nullptr for ggml's reference (`quantize_row_*_ref`) path.
// n_per_row is a multiple of the type's block size (quantize() checks; the kernels may assume it).
// Kernels keep their scratch on the stack, so they are safe to run from several threads at once.
using QuantizeFn = void (*)(const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix);

struct Kernel {
    GgmlType type;
    QuantizeFn scalar;   // mirrors ggml-quants.c
    QuantizeFn simd;     // Highway, dynamic dispatch natively; same bytes as scalar
    bool needs_imatrix;  // ggml refuses this type without an importance matrix (IQ2_XXS, IQ2_XS, IQ1_S)
};

// The kernel for t, or nullptr when ggufsmith cannot produce t (registry.cpp).
const Kernel* find_kernel(GgmlType t);

// Every registered kernel, in registry order (placeholder rows left out); for benchmarks and tools.
std::vector<const Kernel*> all_kernels();

enum class Impl { Scalar, Simd };

// Checks the arguments (throws gs::Error naming the problem) and runs the kernel.
void quantize(GgmlType t, const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix,
              Impl impl = Impl::Simd);

}  // namespace gs::quant
