#include "core/error.h"
#include "core/quant/quant.h"
#include "core/quant/q2_k.h"
#include "core/quant/q4_k.h"
#include "core/quant/q5_k.h"

namespace gs::quant {
namespace {
// Formats register here as their kernels land (each declares its two functions in its own header).
const Kernel kKernels[] = {
    {GgmlType::F32, nullptr, nullptr, false},  // placeholder row: F32/F16/BF16 are conversions, not kernels
    {GgmlType::Q2_K, quantize_q2_k_scalar, quantize_q2_k_simd, false},
    {GgmlType::Q4_K, quantize_q4_k_scalar, quantize_q4_k_simd, false},
    {GgmlType::Q5_K, quantize_q5_k_scalar, quantize_q5_k_simd, false},
};
}  // namespace

const Kernel* find_kernel(GgmlType t) {
    for (const auto& k : kKernels)
        if (k.type == t && k.scalar) return &k;
    return nullptr;
}

void quantize(GgmlType t, const float* src, void* dst, int64_t nrows, int64_t n_per_row, const float* imatrix,
              Impl impl) {
    const Kernel* k = find_kernel(t);
    if (!k) throw Error(std::string("no quantization kernel for type ") + type_name(t));
    const uint32_t block = type_traits(t)->block_size;
    if (n_per_row <= 0 || n_per_row % block != 0)
        throw Error(std::string("row length ") + std::to_string(n_per_row) + " is not a multiple of " +
                    type_name(t) + "'s block size " + std::to_string(block));
    if (k->needs_imatrix && !imatrix)
        throw Error(std::string(type_name(t)) + " needs an importance matrix (--imatrix)");
    (impl == Impl::Simd ? k->simd : k->scalar)(src, dst, nrows, n_per_row, imatrix);
}

}  // namespace gs::quant
