// Where an output tensor's values come from, and the transforms on the way. Architectures describe it; the pipeline
// streams it. Rows are those of the OUTPUT tensor (ggml ne[0] elements each).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/model/catalog.h"

namespace gs {

// A run of output rows taken from one source tensor, viewed as 2-D [rows, row_len] (or, when transposed,
// [row_len, rows]: output row i is source column row_begin + i).
struct SourceSlice {
    size_t src = 0;          // catalog index
    uint64_t row_begin = 0;  // first row (column, when transposed) of the source used
    uint64_t rows = 0;       // how many
};

struct TensorSource {
    std::vector<SourceSlice> slices;   // concatenated in order: stacked experts, or one part of a fused tensor
    uint32_t permute_heads = 0;        // > 0: llama.cpp's q/k rotary permutation for this many heads
    bool transpose = false;            // source stored [in, out] (GPT-2 Conv1D)
    float add = 0.f;                   // added to every value in the converter's precision (F16 sources round to
                                       // F16, BF16 ones are upcast to F32 first) (Gemma stores RMSNorm weights as w - 1)
    std::shared_ptr<const std::vector<float>> values;  // generated values instead of slices (e.g. rope_freqs)

    bool is_plain() const { return !permute_heads && !transpose && add == 0.f && !values; }
};

// The whole of one source tensor as a single slice (2-D view: first dimension = rows).
TensorSource whole(const Catalog& c, size_t src);

// Checks that slices lie inside their tensors, share one dtype and row length, and fill `nrows` rows of `row_len`;
// throws gs::Error naming the output tensor otherwise.
void check_source(const TensorSource& s, const Catalog& c, const std::string& out_name, uint64_t row_len, uint64_t nrows);

// Source bytes the pipeline will read for this tensor.
uint64_t source_bytes(const TensorSource& s, const Catalog& c, uint64_t row_len, uint64_t nrows);

}  // namespace gs
