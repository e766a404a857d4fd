#include "core/pipeline/row_reader.h"

#include <algorithm>
#include <cstring>

#include "core/pipeline/rows.h"

namespace gs {

RowReader::RowReader(const TensorSource& s, const Catalog& c, FileOpener open, uint64_t row_len, uint64_t nrows)
    : s_(s), c_(c), open_(std::move(open)), row_len_(row_len), nrows_(nrows) {
    if (!s.slices.empty()) dtype_ = c.tensors[s.slices[0].src].st.dtype;
    row_bytes_ = row_len * dtype_size(dtype_);
    if (s.permute_heads) group_ = nrows / s.permute_heads;
}

void RowReader::read_plain(uint64_t row, uint64_t n, uint8_t* dst) {
    const uint64_t esize = dtype_size(dtype_);
    uint64_t cum = 0;
    for (const auto& sl : s_.slices) {
        const uint64_t lo = std::max(row, cum), hi = std::min(row + n, cum + sl.rows);
        if (lo < hi) {
            const auto& ct = c_.tensors[sl.src];
            RangeReader& r = open_(ct.file);
            uint8_t* out = dst + (lo - row) * row_bytes_;
            if (!s_.transpose) {
                r.read(ct.st.offset + (sl.row_begin + lo - cum) * row_bytes_, out, static_cast<size_t>((hi - lo) * row_bytes_));
            } else {
                // Source is [row_len, cols]; output rows lo..hi are source columns. One read per source row of the
                // (hi - lo) wanted columns, scattered into the output rows.
                const uint64_t cols = ct.st.numel() / row_len_;
                const uint64_t k = hi - lo, c0 = sl.row_begin + lo - cum;
                tmp_.resize(static_cast<size_t>(k * esize));
                for (uint64_t i = 0; i < row_len_; ++i) {
                    r.read(ct.st.offset + (i * cols + c0) * esize, tmp_.data(), tmp_.size());
                    for (uint64_t m = 0; m < k; ++m)
                        std::memcpy(out + m * row_bytes_ + i * esize, tmp_.data() + m * esize, static_cast<size_t>(esize));
                }
            }
        }
        cum += sl.rows;
    }
}

void RowReader::read(uint64_t row, uint64_t n, uint8_t* dst) {
    if (!s_.permute_heads) return read_plain(row, n, dst);
    std::vector<uint8_t> raw(static_cast<size_t>(n * row_bytes_));
    read_plain(row, n, raw.data());
    for (uint64_t g = 0; g < n; g += group_)
        permute_head_rows(raw.data() + g * row_bytes_, dst + g * row_bytes_, static_cast<size_t>(group_),
                          static_cast<size_t>(row_bytes_));
}

}  // namespace gs
