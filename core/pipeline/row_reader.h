// Reads the rows of an output tensor, in output order, as raw source bytes: it walks the source slices
// (stacked experts, parts of fused tensors), gathers columns of transposed sources, and applies the q/k head
// permutation. For FP8 weights it also reads the scales of those rows (the scale rows of their blocks only), in the
// same output order, so that rows and scales stay together through the permutation. Reads are bounded by the rows
// asked for.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "core/io/reader.h"
#include "core/plan/tensor_source.h"

namespace gs {

using FileOpener = std::function<RangeReader&(size_t file)>;

// Bytes [offset, offset + bytes) of Catalog::files[file].
struct FileRange {
    size_t file = 0;
    uint64_t offset = 0, bytes = 0;
};

class RowReader {
public:
    RowReader(const TensorSource& s, const Catalog& c, FileOpener open, uint64_t row_len, uint64_t nrows);
    Dtype dtype() const { return dtype_; }
    uint64_t row_bytes() const { return row_bytes_; }
    // Rows that must be read together (one head group when permuting, else 1); chunk sizes are multiples of it.
    uint64_t group() const { return group_; }
    // Reads rows [row, row + n) into dst (n * row_bytes() bytes). row is a multiple of group().
    void read(uint64_t row, uint64_t n, uint8_t* dst);
    // The file ranges read(row, n) reads, in order (they fill dst one after the other), so that a caller can fetch
    // them ahead; empty for a transposed source, which is gathered by a short read per source row.
    std::vector<FileRange> ranges(uint64_t row, uint64_t n) const;

    // Whether any slice is a scaled (FP8) weight; the width of a scale's column block; scales per row.
    bool scaled() const { return scale_cols_ != 0; }
    uint64_t block_cols() const { return block_cols_; }
    uint64_t scale_cols() const { return scale_cols_; }
    // The scales of rows [row, row + n) as f32: n * scale_cols() values, value j of row i multiplying its columns
    // [j * block_cols(), (j + 1) * block_cols()). Rows of unscaled slices get 1. row is a multiple of group().
    void read_scales(uint64_t row, uint64_t n, float* dst);

private:
    const TensorSource& s_;
    const Catalog& c_;
    FileOpener open_;
    uint64_t row_len_, nrows_, row_bytes_, group_ = 1;
    Dtype dtype_ = Dtype::F32;
    uint64_t block_cols_ = 0, scale_cols_ = 0;
    std::vector<uint8_t> tmp_;
    std::vector<uint8_t> scale_raw_;
    std::vector<float> scale_vals_, scale_tmp_;
    void read_plain(uint64_t row, uint64_t n, uint8_t* dst);
    void read_scales_plain(uint64_t row, uint64_t n, float* dst);
};

}  // namespace gs
