#include "core/error.h"
#include "core/quant/iq1.h"
#include "core/quant/iq2.h"
#include "core/quant/iq3.h"
#include "core/quant/iq4.h"
#include "core/quant/mxfp4.h"
#include "core/quant/q2_k.h"
#include "core/quant/q3_k.h"
#include "core/quant/q4_0_q5_0.h"
#include "core/quant/q4_1_q5_1.h"
#include "core/quant/q4_k.h"
#include "core/quant/q5_k.h"
#include "core/quant/q6_k.h"
#include "core/quant/q8_0.h"
#include "core/quant/quant.h"
#include "core/quant/tq.h"

namespace gs::quant {
namespace {
// Every quantized type ggufsmith can write (F32/F16/BF16 are conversions, in core/convert/).
const Kernel kKernels[] = {
    {GgmlType::Q4_0, quantize_q4_0_scalar, quantize_q4_0_simd, false},
    {GgmlType::Q4_1, quantize_q4_1_scalar, quantize_q4_1_simd, false},
    {GgmlType::Q5_0, quantize_q5_0_scalar, quantize_q5_0_simd, false},
    {GgmlType::Q5_1, quantize_q5_1_scalar, quantize_q5_1_simd, false},
    {GgmlType::Q8_0, quantize_q8_0_scalar, quantize_q8_0_simd, false},
    {GgmlType::Q3_K, quantize_q3_k_scalar, quantize_q3_k_simd, false},
    {GgmlType::Q6_K, quantize_q6_k_scalar, quantize_q6_k_simd, false},
    {GgmlType::IQ4_NL, quantize_iq4_nl_scalar, quantize_iq4_nl_simd, false},
    {GgmlType::IQ4_XS, quantize_iq4_xs_scalar, quantize_iq4_xs_simd, false},
    {GgmlType::MXFP4, quantize_mxfp4_scalar, quantize_mxfp4_simd, false},
    {GgmlType::TQ1_0, quantize_tq1_0_scalar, quantize_tq1_0_simd, false},
    {GgmlType::TQ2_0, quantize_tq2_0_scalar, quantize_tq2_0_simd, false},
    {GgmlType::Q2_K, quantize_q2_k_scalar, quantize_q2_k_simd, false},
    {GgmlType::Q4_K, quantize_q4_k_scalar, quantize_q4_k_simd, false},
    {GgmlType::Q5_K, quantize_q5_k_scalar, quantize_q5_k_simd, false},
    // Grid-search types: no SIMD twin (yet), the scalar kernel serves both.
    {GgmlType::IQ2_XXS, quantize_iq2_xxs_scalar, quantize_iq2_xxs_scalar, true},
    {GgmlType::IQ2_XS, quantize_iq2_xs_scalar, quantize_iq2_xs_scalar, true},
    {GgmlType::IQ2_S, quantize_iq2_s_scalar, quantize_iq2_s_scalar, false},
    {GgmlType::IQ3_XXS, quantize_iq3_xxs_scalar, quantize_iq3_xxs_scalar, false},
    {GgmlType::IQ3_S, quantize_iq3_s_scalar, quantize_iq3_s_scalar, false},
    {GgmlType::IQ1_S, quantize_iq1_s_scalar, quantize_iq1_s_scalar, true},
    {GgmlType::IQ1_M, quantize_iq1_m_scalar, quantize_iq1_m_scalar, false},
};
}  // namespace

const Kernel* find_kernel(GgmlType t) {
    for (const auto& k : kKernels)
        if (k.type == t && k.scalar) return &k;
    return nullptr;
}

std::vector<const Kernel*> all_kernels() {
    std::vector<const Kernel*> out;
    for (const auto& k : kKernels)
        if (k.scalar) out.push_back(&k);
    return out;
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
