// Reads the rows of an output tensor, in output order, as raw source bytes: it walks the source slices
// (stacked experts, parts of fused tensors), gathers columns of transposed sources, and applies the q/k head
// permutation. Reads are bounded by the rows asked for.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "core/io/reader.h"
#include "core/plan/tensor_source.h"

namespace gs {

using FileOpener = std::function<RangeReader&(size_t file)>;

class RowReader {
public:
    RowReader(const TensorSource& s, const Catalog& c, FileOpener open, uint64_t row_len, uint64_t nrows);
    Dtype dtype() const { return dtype_; }
    uint64_t row_bytes() const { return row_bytes_; }
    // Rows that must be read together (one head group when permuting, else 1); chunk sizes are multiples of it.
    uint64_t group() const { return group_; }
    // Reads rows [row, row + n) into dst (n * row_bytes() bytes). row is a multiple of group().
    void read(uint64_t row, uint64_t n, uint8_t* dst);

private:
    const TensorSource& s_;
    const Catalog& c_;
    FileOpener open_;
    uint64_t row_len_, nrows_, row_bytes_, group_ = 1;
    Dtype dtype_ = Dtype::F32;
    std::vector<uint8_t> tmp_;
    void read_plain(uint64_t row, uint64_t n, uint8_t* dst);
};

}  // namespace gs
