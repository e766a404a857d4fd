#include "core/pipeline/execute.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "core/error.h"
#include "core/gguf/writer.h"
#include "core/pipeline/row_reader.h"
#include "core/pipeline/rows.h"

namespace gs {
namespace {
constexpr uint64_t kF32BlockBytes = 256u << 10;  // f32 rows decoded at once: fits L2 with room for src and out

// Grows only: vector::resize zero-fills the new part every time a buffer grows back after a tensor's short last
// chunk, which added up to several percent of a conversion.
template <class T>
T* grow(std::vector<T>& v, size_t n) {
    if (v.size() < n) v.resize(n);
    return v.data();
}
}  // namespace

void execute_plan(const Plan& plan, const ModelInput& in, Sink& sink, const std::string& out_name,
                  const ExecuteOptions& opt) {
    const Catalog& cat = in.catalog;
    std::vector<std::unique_ptr<RangeReader>> readers(cat.files.size());
    FileOpener open = [&](size_t file) -> RangeReader& {
        if (!readers[file]) readers[file] = in.folder->open(cat.files[file].name);
        return *readers[file];
    };

    ProgressInfo pi;
    pi.n_tensors = plan.tensors.size();
    pi.bytes_in_total = plan.source_bytes(cat);

    GgufStreamWriter w(sink, out_name, plan.kv, plan.infos());
    std::vector<uint8_t> src_buf, out_buf;
    std::vector<float> f32_buf;
    for (size_t ti = 0; ti < plan.tensors.size(); ++ti) {
        const TensorPlan& tp = plan.tensors[ti];
        const GgufTensorInfo& info = tp.out;
        pi.tensor = ti;
        pi.name = &info.name;
        if (opt.progress) opt.progress(pi);

        const uint64_t row_len = info.ne[0], nrows = info.nrows();
        const uint64_t out_row_bytes = row_bytes(info.type, row_len);
        const std::string src_name = tp.source.values ? std::string() : cat.tensors[tp.source.slices[0].src].st.name;
        const std::string src_file =
            tp.source.values ? std::string() : cat.files[cat.tensors[tp.source.slices[0].src].file].name;
        w.begin_tensor(ti);
        auto emit = [&](const float* rows, uint64_t n) {
            out_buf.resize(static_cast<size_t>(n * out_row_bytes));
            encode_rows(info.type, rows, out_buf.data(), static_cast<size_t>(n), static_cast<size_t>(row_len), nullptr);
            w.write(out_buf.data(), out_buf.size());
        };
        try {
            if (tp.source.values) {
                emit(tp.source.values->data(), nrows);
            } else {
                RowReader rr(tp.source, cat, open, row_len, nrows);
                const uint64_t group = rr.group();
                uint64_t per_chunk = std::max<uint64_t>(1, opt.chunk_bytes / std::max<uint64_t>(1, rr.row_bytes()));
                per_chunk = std::max<uint64_t>(group, per_chunk / group * group);
                const bool passthrough = is_passthrough(rr.dtype(), info.type) && tp.source.add == 0.f;
                for (uint64_t row = 0; row < nrows; row += per_chunk) {
                    const uint64_t n = std::min(per_chunk, nrows - row);
                    const size_t src_bytes = static_cast<size_t>(n * rr.row_bytes());
                    rr.read(row, n, grow(src_buf, src_bytes));
                    if (passthrough) {
                        w.write(src_buf.data(), src_bytes);
                    } else {
                        // A few rows at a time, so their f32 form stays in cache instead of a round trip through
                        // memory at twice the source size.
                        const uint64_t block = std::max<uint64_t>(1, kF32BlockBytes / (4 * row_len));
                        float* f32 = grow(f32_buf, static_cast<size_t>(std::min(block, n) * row_len));
                        uint8_t* out = grow(out_buf, static_cast<size_t>(n * out_row_bytes));
                        for (uint64_t b = 0; b < n; b += block) {
                            const uint64_t m = std::min(block, n - b);
                            const size_t count = static_cast<size_t>(m * row_len);
                            decode_to_f32(rr.dtype(), src_buf.data() + b * rr.row_bytes(), f32, count);
                            if (tp.source.add != 0.f) add_in_precision(rr.dtype(), f32, count, tp.source.add);
                            encode_rows(info.type, f32, out + b * out_row_bytes, static_cast<size_t>(m),
                                        static_cast<size_t>(row_len), nullptr);
                        }
                        w.write(out, static_cast<size_t>(n * out_row_bytes));
                    }
                    pi.bytes_in += src_bytes;
                    if (opt.progress) opt.progress(pi);
                }
            }
        } catch (const Error& e) {
            if (!e.file.empty() || !e.tensor.empty()) throw;
            throw Error(src_file, src_name.empty() ? info.name : src_name, e.detail);
        }
        w.end_tensor();
    }
    w.finish();
}

}  // namespace gs
