#include "core/pipeline/rows.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "core/convert/convert.h"
#include "core/convert/fp8.h"
#include "core/error.h"
#include "core/quant/quant.h"
#include "core/util/half.h"
#include "core/util/le.h"

namespace gs {

bool is_passthrough(Dtype src, GgmlType out) {
    return (src == Dtype::F32 && out == GgmlType::F32) || (src == Dtype::F16 && out == GgmlType::F16) ||
           (src == Dtype::BF16 && out == GgmlType::BF16);
}

void decode_to_f32(Dtype src, const uint8_t* in, float* out, size_t n) {
    switch (src) {
        case Dtype::F32:
            if constexpr (le::kSwap) for (size_t i = 0; i < n; ++i) out[i] = le::load<float>(in + 4 * i);
            else std::memcpy(out, in, n * 4);
            return;
        case Dtype::F16:
        case Dtype::BF16: {
            const auto kernel = src == Dtype::F16 ? convert::f16_to_f32 : convert::bf16_to_f32;
            if constexpr (le::kSwap) {
                // Big-endian host: bring a stretch into host order, then the same SIMD kernel.
                uint16_t h[1024];
                for (size_t i = 0; i < n; i += 1024) {
                    const size_t k = std::min<size_t>(1024, n - i);
                    for (size_t j = 0; j < k; ++j) h[j] = le::load<uint16_t>(in + 2 * (i + j));
                    kernel(h, out + i, k);
                }
            } else {
                kernel(reinterpret_cast<const uint16_t*>(in), out, n);
            }
            return;
        }
        case Dtype::F64:
            for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(le::load<double>(in + 8 * i));
            return;
        case Dtype::F8_E4M3: return convert::fp8_to_f32(convert::fp8_e4m3_table(), in, out, n);
        case Dtype::F8_E5M2: return convert::fp8_to_f32(convert::fp8_e5m2_table(), in, out, n);
        default:
            throw Error(std::string("dtype ") + dtype_name(src) + " cannot be converted to float");
    }
}

void apply_block_scales(float* v, const float* scales, size_t nrows, size_t row_len, size_t block_cols) {
    const size_t sc = (row_len + block_cols - 1) / block_cols;
    for (size_t i = 0; i < nrows; ++i) {
        float* row = v + i * row_len;
        const float* s = scales + i * sc;
        for (size_t j = 0; j < sc; ++j) {
            const float m = s[j];
            const size_t end = std::min(row_len, (j + 1) * block_cols);
            for (size_t k = j * block_cols; k < end; ++k) row[k] *= m;
        }
    }
}

void add_in_precision(Dtype src, float* v, size_t n, float add) {
    for (size_t i = 0; i < n; ++i) {
        float y = v[i] + add;
        if (src == Dtype::F16) y = f16_to_f32(f32_to_f16(y));
        v[i] = y;
    }
}

void encode_rows(GgmlType out, const float* in, uint8_t* dst, size_t nrows, size_t row_len, const float* imatrix) {
    const size_t n = nrows * row_len;
    switch (out) {
        case GgmlType::F32:
            if constexpr (le::kSwap) for (size_t i = 0; i < n; ++i) le::store(dst + 4 * i, in[i]);
            else std::memcpy(dst, in, n * 4);
            return;
        case GgmlType::F16:
        case GgmlType::BF16: {
            uint16_t* h = reinterpret_cast<uint16_t*>(dst);
            (out == GgmlType::F16 ? convert::f32_to_f16 : convert::f32_to_bf16)(in, h, n);
            if constexpr (le::kSwap) for (size_t i = 0; i < n; ++i) le::store(dst + 2 * i, h[i]);
            return;
        }
        default:
            quant::quantize(out, in, dst, static_cast<int64_t>(nrows), static_cast<int64_t>(row_len), imatrix);
    }
}

void encode_tensor_rows(GgmlType out, const float* in, uint8_t* dst, uint64_t row0, size_t nrows, size_t row_len,
                        const float* imatrix, uint64_t rows_per_mat, uint64_t n_mat) {
    if (!imatrix) return encode_rows(out, in, dst, nrows, row_len, nullptr);
    const size_t out_row = static_cast<size_t>(row_bytes(out, row_len));
    for (size_t done = 0; done < nrows;) {
        const uint64_t row = row0 + done, mat = row / rows_per_mat;
        const size_t n = static_cast<size_t>(std::min<uint64_t>(nrows - done, (mat + 1) * rows_per_mat - row));
        encode_rows(out, in + done * row_len, dst + done * out_row, n, row_len, imatrix + (mat % n_mat) * row_len);
        done += n;
    }
}

void permute_head_rows(const uint8_t* in, uint8_t* out, size_t head_dim, size_t row_bytes) {
    const size_t half = head_dim / 2;
    for (size_t i = 0; i < half; ++i)
        for (size_t j = 0; j < 2; ++j)
            std::memcpy(out + (2 * i + j) * row_bytes, in + (j * half + i) * row_bytes, row_bytes);
}

}  // namespace gs
