#include "core/plan/tensor_source.h"

#include "core/error.h"

namespace gs {
namespace {
// The 2-D view of a source tensor: [rows, cols] with the last dimension as columns.
void view_2d(const StTensor& t, uint64_t& rows, uint64_t& cols) {
    cols = t.shape.empty() ? 1 : t.shape.back();
    rows = cols ? t.numel() / cols : 0;
}
}  // namespace

TensorSource whole(const Catalog& c, size_t src) {
    uint64_t rows, cols;
    view_2d(c.tensors[src].st, rows, cols);
    TensorSource s;
    s.slices.push_back({src, 0, rows});
    return s;
}

void check_source(const TensorSource& s, const Catalog& c, const std::string& out_name, uint64_t row_len, uint64_t nrows) {
    if (s.values) {
        if (s.values->size() != row_len * nrows) throw Error("", out_name, "generated values do not fill the tensor");
        return;
    }
    if (s.slices.empty()) throw Error("", out_name, "has no source tensor");
    uint64_t total = 0;
    const Dtype dtype = c.tensors[s.slices[0].src].st.dtype;
    uint64_t block_cols = 0;  // of the scaled parts: one column-block width per output tensor
    for (const auto& sl : s.slices) {
        const auto& t = c.tensors.at(sl.src).st;
        const std::string& file = c.files[c.tensors[sl.src].file].name;
        if (t.dtype != dtype) throw Error(file, t.name, std::string("dtype ") + dtype_name(t.dtype) +
                                                           " differs from the other parts of " + out_name);
        if (const WeightScale& ws = c.tensors[sl.src].scale; c.tensors[sl.src].scaled()) {
            if (s.transpose) throw Error(file, t.name, "a scaled (FP8) weight cannot be transposed into " + out_name);
            if (block_cols && block_cols != ws.block_cols)
                throw Error(file, t.name, "scale blocks of " + std::to_string(ws.block_cols) +
                                              " columns differ from the other parts of " + out_name);
            block_cols = ws.block_cols;
        }
        uint64_t rows, cols;
        view_2d(t, rows, cols);
        if (s.transpose) std::swap(rows, cols);
        if (cols != row_len)
            throw Error(file, t.name, "row length " + std::to_string(cols) + " does not match " + out_name + "'s " +
                                          std::to_string(row_len));
        if (sl.row_begin > rows || sl.rows > rows - sl.row_begin)
            throw Error(file, t.name, "has " + std::to_string(rows) + " rows, fewer than " + out_name + " needs");
        total += sl.rows;
    }
    if (total != nrows)
        throw Error("", out_name, "sources give " + std::to_string(total) + " rows, the tensor has " + std::to_string(nrows));
    if (s.permute_heads && (nrows % (2 * s.permute_heads) != 0 || s.transpose))
        throw Error("", out_name, "cannot split " + std::to_string(nrows) + " rows into " +
                                      std::to_string(s.permute_heads) + " heads for the rotary permutation");
}

uint64_t source_bytes(const TensorSource& s, const Catalog& c, uint64_t row_len, uint64_t nrows) {
    if (s.values) return 0;
    return row_len * nrows * dtype_size(c.tensors[s.slices[0].src].st.dtype);
}

}  // namespace gs
