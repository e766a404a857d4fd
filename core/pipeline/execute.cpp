#include "core/pipeline/execute.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "core/error.h"
#include "core/gguf/writer.h"
#include "core/pipeline/rows.h"

namespace gs {

void execute_plan(const Plan& plan, const ModelInput& in, Sink& sink, const std::string& out_name,
                  const ExecuteOptions& opt) {
    const Catalog& cat = in.catalog;
    std::vector<std::unique_ptr<RangeReader>> readers(cat.files.size());
    auto reader_for = [&](size_t file) -> RangeReader& {
        if (!readers[file]) readers[file] = in.folder->open(cat.files[file].name);
        return *readers[file];
    };

    ProgressInfo pi;
    pi.n_tensors = plan.tensors.size();
    for (const auto& t : plan.tensors) pi.bytes_in_total += cat.tensors[t.src].st.nbytes;

    GgufStreamWriter w(sink, out_name, plan.kv, plan.infos());
    std::vector<uint8_t> src_buf, perm_buf, out_buf;
    std::vector<float> f32_buf;
    for (size_t ti = 0; ti < plan.tensors.size(); ++ti) {
        const TensorPlan& tp = plan.tensors[ti];
        const CatalogTensor& ct = cat.tensors[tp.src];
        const StTensor& st = ct.st;
        const GgufTensorInfo& info = tp.out;
        pi.tensor = ti;
        pi.name = &info.name;
        if (opt.progress) opt.progress(pi);

        const uint64_t row_len = info.ne[0];
        const uint64_t nrows = info.nrows();
        const uint64_t src_row_bytes = row_len * dtype_size(st.dtype);
        if (info.numel() != st.numel())
            throw Error(cat.files[ct.file].name, st.name, "element count does not match the planned GGUF shape");
        // Rows per chunk: bounded bytes, whole head groups when permuting.
        const uint64_t group = tp.permute_heads ? nrows / tp.permute_heads : 1;
        uint64_t rows_per_chunk = std::max<uint64_t>(1, opt.chunk_bytes / std::max<uint64_t>(1, src_row_bytes));
        rows_per_chunk = std::max<uint64_t>(group, rows_per_chunk / group * group);
        const bool passthrough = is_passthrough(st.dtype, info.type);
        const uint64_t out_row_bytes = row_bytes(info.type, row_len);

        w.begin_tensor(ti);
        RangeReader& r = reader_for(ct.file);
        for (uint64_t row = 0; row < nrows; row += rows_per_chunk) {
            const uint64_t n = std::min(rows_per_chunk, nrows - row);
            src_buf.resize(static_cast<size_t>(n * src_row_bytes));
            r.read(st.offset + row * src_row_bytes, src_buf.data(), src_buf.size());
            const uint8_t* rows = src_buf.data();
            if (tp.permute_heads) {
                perm_buf.resize(src_buf.size());
                for (uint64_t g = 0; g < n; g += group)
                    permute_head_rows(src_buf.data() + g * src_row_bytes, perm_buf.data() + g * src_row_bytes,
                                      static_cast<size_t>(group), static_cast<size_t>(src_row_bytes));
                rows = perm_buf.data();
            }
            if (passthrough) {
                w.write(rows, static_cast<size_t>(n * src_row_bytes));
            } else {
                f32_buf.resize(static_cast<size_t>(n * row_len));
                out_buf.resize(static_cast<size_t>(n * out_row_bytes));
                try {
                    decode_to_f32(st.dtype, rows, f32_buf.data(), f32_buf.size());
                    encode_rows(info.type, f32_buf.data(), out_buf.data(), static_cast<size_t>(n),
                                static_cast<size_t>(row_len), nullptr);
                } catch (const Error& e) {
                    if (!e.file.empty()) throw;
                    throw Error(cat.files[ct.file].name, st.name, e.detail);
                }
                w.write(out_buf.data(), out_buf.size());
            }
            pi.bytes_in += n * src_row_bytes;
            if (opt.progress) opt.progress(pi);
        }
        w.end_tensor();
    }
    w.finish();
}

}  // namespace gs
