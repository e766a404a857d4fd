#include "core/pipeline/row_reader.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "core/pipeline/rows.h"

namespace gs {

RowReader::RowReader(const TensorSource& s, const Catalog& c, FileOpener open, uint64_t row_len, uint64_t nrows)
    : s_(s), c_(c), open_(std::move(open)), row_len_(row_len), nrows_(nrows) {
    if (!s.slices.empty()) dtype_ = c.tensors[s.slices[0].src].st.dtype;
    row_bytes_ = row_len * dtype_size(dtype_);
    if (s.permute_heads) group_ = nrows / s.permute_heads;
    for (const auto& sl : s.slices)
        if (c.tensors[sl.src].scaled()) block_cols_ = c.tensors[sl.src].scale.block_cols;  // one width (check_source)
    if (block_cols_) scale_cols_ = (row_len + block_cols_ - 1) / block_cols_;
}

std::vector<FileRange> RowReader::ranges(uint64_t row, uint64_t n) const {
    std::vector<FileRange> v;
    if (s_.transpose) return v;
    uint64_t cum = 0;
    for (const auto& sl : s_.slices) {
        const uint64_t lo = std::max(row, cum), hi = std::min(row + n, cum + sl.rows);
        if (lo < hi) {
            const auto& ct = c_.tensors[sl.src];
            v.push_back({ct.file, ct.st.offset + (sl.row_begin + lo - cum) * row_bytes_, (hi - lo) * row_bytes_});
        }
        cum += sl.rows;
    }
    return v;
}

void RowReader::read_plain(uint64_t row, uint64_t n, uint8_t* dst) {
    if (!s_.transpose) {
        for (const FileRange& r : ranges(row, n)) {
            open_(r.file).read(r.offset, dst, static_cast<size_t>(r.bytes));
            dst += r.bytes;
        }
        return;
    }
    const uint64_t esize = dtype_size(dtype_);
    uint64_t cum = 0;
    for (const auto& sl : s_.slices) {
        const uint64_t lo = std::max(row, cum), hi = std::min(row + n, cum + sl.rows);
        if (lo < hi) {
            const auto& ct = c_.tensors[sl.src];
            RangeReader& r = open_(ct.file);
            uint8_t* out = dst + (lo - row) * row_bytes_;
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

namespace gs {

void RowReader::read_scales_plain(uint64_t row, uint64_t n, float* dst) {
    const uint64_t sc = scale_cols_;
    uint64_t cum = 0;
    for (const auto& sl : s_.slices) {
        const uint64_t lo = std::max(row, cum), hi = std::min(row + n, cum + sl.rows);
        if (lo < hi) {
            const CatalogTensor& w = c_.tensors[sl.src];
            float* out = dst + (lo - row) * sc;
            if (!w.scaled()) {
                std::fill(out, out + (hi - lo) * sc, 1.f);
            } else {
                // Source rows [a, b) need scale rows [s0, s1): one per block_rows rows of each matrix.
                const WeightScale& ws = w.scale;
                const CatalogTensor& st = c_.tensors[ws.src];
                const uint64_t per_mat = (ws.mat_rows + ws.block_rows - 1) / ws.block_rows;
                auto scale_row = [&](uint64_t r) { return r / ws.mat_rows * per_mat + r % ws.mat_rows / ws.block_rows; };
                const uint64_t a = sl.row_begin + lo - cum, b = a + (hi - lo);
                const uint64_t s0 = scale_row(a), s1 = scale_row(b - 1) + 1;
                if (s1 * sc > st.st.numel())  // attach_weight_scales checked the shapes; never read past the tensor
                    throw Error(c_.files[st.file].name, st.st.name, "scale tensor is smaller than its weight needs");
                const uint64_t esize = dtype_size(st.st.dtype);
                scale_raw_.resize(static_cast<size_t>((s1 - s0) * sc * esize));
                open_(st.file).read(st.st.offset + s0 * sc * esize, scale_raw_.data(), scale_raw_.size());
                scale_vals_.resize(static_cast<size_t>((s1 - s0) * sc));
                decode_to_f32(st.st.dtype, scale_raw_.data(), scale_vals_.data(), scale_vals_.size());
                for (uint64_t r = a; r < b; ++r)
                    std::copy_n(scale_vals_.data() + (scale_row(r) - s0) * sc, sc, out + (r - a) * sc);
            }
        }
        cum += sl.rows;
    }
}

void RowReader::read_scales(uint64_t row, uint64_t n, float* dst) {
    if (!s_.permute_heads) return read_scales_plain(row, n, dst);
    scale_tmp_.resize(static_cast<size_t>(n * scale_cols_));
    read_scales_plain(row, n, scale_tmp_.data());
    const size_t bytes = static_cast<size_t>(scale_cols_ * sizeof(float));
    for (uint64_t g = 0; g < n; g += group_)
        permute_head_rows(reinterpret_cast<const uint8_t*>(scale_tmp_.data() + g * scale_cols_),
                          reinterpret_cast<uint8_t*>(dst + g * scale_cols_), static_cast<size_t>(group_), bytes);
}

}  // namespace gs
