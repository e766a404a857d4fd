// Row-level transforms of the pipeline: source dtype -> f32, f32 -> output type, and the q/k head permutation.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/gguf/types.h"
#include "core/safetensors/dtype.h"

namespace gs {

// True when the source bytes can be copied to the output type unchanged (F32->F32, F16->F16, BF16->BF16).
bool is_passthrough(Dtype src, GgmlType out);

// Converts n little-endian source elements to f32. Throws gs::Error for dtypes that are not floats.
void decode_to_f32(Dtype src, const uint8_t* in, float* out, size_t n);

// Dequantizes FP8 rows as llama.cpp's converter does (weight.float() * scale.float(), one float32 multiply per
// value): value k of row i is multiplied by scales[i * ceil(row_len / block_cols) + k / block_cols].
void apply_block_scales(float* v, const float* scales, size_t nrows, size_t row_len, size_t block_cols);

// Adds `add` to n values as the converter does: it first upcasts every dtype but F16/F32 to F32, so F16 sums are
// rounded back to F16 (torch adds in the tensor's dtype) while BF16 sums stay exact in F32.
void add_in_precision(Dtype src, float* v, size_t n, float add);

// Encodes nrows rows of f32 into the output type (F32/F16/BF16 or a quantized type).
void encode_rows(GgmlType out, const float* in, uint8_t* dst, size_t nrows, size_t row_len, const float* imatrix);

// Encodes rows [row0, row0 + nrows) of a tensor made of matrices (experts) of rows_per_mat rows each. Rows of matrix
// e use the importance weights imatrix + e * row_len (imatrix may be nullptr), as llama-quantize quantizes each
// expert with its own weights.
void encode_tensor_rows(GgmlType out, const float* in, uint8_t* dst, uint64_t row0, size_t nrows, size_t row_len,
                        const float* imatrix, uint64_t rows_per_mat, uint64_t n_mat);

// llama.cpp's converter permutes q/k rows so its rotary code can use adjacent pairs: within each head of
// head_dim rows, output row 2*i + j comes from input row j * head_dim/2 + i. Copies one head group.
void permute_head_rows(const uint8_t* in, uint8_t* out, size_t head_dim, size_t row_bytes);

}  // namespace gs
