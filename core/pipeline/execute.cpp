#include "core/pipeline/execute.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "core/error.h"
#include "core/gguf/writer.h"
#include "core/pipeline/row_reader.h"
#include "core/pipeline/rows.h"
#include "core/pipeline/worker_pool.h"

namespace gs {
namespace {
// One chunk of source rows and its encoded form.
struct Chunk {
    std::vector<uint8_t> src, out;
    std::vector<float> scales;  // FP8 weights: the scales of its rows (RowReader::read_scales)
    uint64_t row = 0, n = 0;  // first tensor row, rows
};

// How the rows of the current tensor are converted. Each call depends only on its rows, so any split of a chunk
// over any number of threads gives the same bytes.
struct RowJob {
    GgmlType type = GgmlType::F32;
    Dtype dtype = Dtype::F32;
    uint64_t block_cols = 0, scale_cols = 0;  // scaled (FP8) rows: the scales' column blocks; 0: not scaled
    float add = 0.f;
    const float* imatrix = nullptr;
    uint64_t rows_per_mat = 1, n_mat = 1, row_len = 0, src_row_bytes = 0, out_row_bytes = 0;

    // Converts rows [a, b) of the chunk into its output buffer.
    void run(Chunk& c, uint64_t a, uint64_t b, std::vector<float>& f32) const {
        const uint64_t n = b - a;
        f32.resize(static_cast<size_t>(n * row_len));
        decode_to_f32(dtype, c.src.data() + a * src_row_bytes, f32.data(), f32.size());
        if (block_cols)
            apply_block_scales(f32.data(), c.scales.data() + a * scale_cols, static_cast<size_t>(n),
                               static_cast<size_t>(row_len), static_cast<size_t>(block_cols));
        // the converter adds to the dequantized tensor, which is float32 whatever the stored dtype
        if (add != 0.f) add_in_precision(block_cols ? Dtype::F32 : dtype, f32.data(), f32.size(), add);
        encode_tensor_rows(type, f32.data(), c.out.data() + a * out_row_bytes, c.row + a, static_cast<size_t>(n),
                           static_cast<size_t>(row_len), imatrix, rows_per_mat, n_mat);
    }
};
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

    unsigned threads = std::max(1u, opt.threads);
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
    threads = 1;
#endif
    // Reading chunk k + 1 overlaps converting chunk k, so two chunks are in flight at most.
    Chunk chunks[2];
    std::vector<std::vector<float>> scratch(threads);
    RowJob job;
    // Declared after everything its tasks touch: on unwinding it is destroyed (and drained) first.
    std::unique_ptr<WorkerPool> pool;
    if (threads > 1) pool = std::make_unique<WorkerPool>(threads);

    GgufStreamWriter w(sink, out_name, plan.kv, plan.infos());
    for (size_t ti = 0; ti < plan.tensors.size(); ++ti) {
        const TensorPlan& tp = plan.tensors[ti];
        const GgufTensorInfo& info = tp.out;
        pi.tensor = ti;
        pi.name = &info.name;
        if (opt.progress) opt.progress(pi);

        const uint64_t row_len = info.ne[0], nrows = info.nrows();
        const std::string src_name = tp.source.values ? std::string() : cat.tensors[tp.source.slices[0].src].st.name;
        const std::string src_file =
            tp.source.values ? std::string() : cat.files[cat.tensors[tp.source.slices[0].src].file].name;
        w.begin_tensor(ti);
        try {
            job.type = info.type;
            job.add = tp.source.add;
            job.row_len = row_len;
            job.out_row_bytes = row_bytes(info.type, row_len);
            job.n_mat = info.ne.size() > 2 ? info.ne[2] : 1;
            job.rows_per_mat = info.ne.size() > 2 ? info.ne[1] : std::max<uint64_t>(1, nrows);
            job.imatrix = tp.imatrix ? tp.imatrix->data() : nullptr;
            if (tp.imatrix && tp.imatrix->size() != row_len * job.n_mat)
                throw Error("", info.name, "importance weights have " + std::to_string(tp.imatrix->size()) +
                                               " values, expected " + std::to_string(row_len * job.n_mat));
            auto finish = [&](const Chunk& c) {
                w.write(c.out.data(), c.out.size());
                pi.bytes_in += c.src.size();
                if (opt.progress) opt.progress(pi);
            };
            if (tp.source.values) {
                Chunk& c = chunks[0];
                c.out.resize(static_cast<size_t>(nrows * job.out_row_bytes));
                encode_tensor_rows(info.type, tp.source.values->data(), c.out.data(), 0, static_cast<size_t>(nrows),
                                   static_cast<size_t>(row_len), job.imatrix, job.rows_per_mat, job.n_mat);
                w.write(c.out.data(), c.out.size());
            } else {
                RowReader rr(tp.source, cat, open, row_len, nrows);
                job.dtype = rr.dtype();
                job.src_row_bytes = rr.row_bytes();
                job.block_cols = rr.block_cols();
                job.scale_cols = rr.scale_cols();
                const uint64_t group = rr.group();
                uint64_t per_chunk = std::max<uint64_t>(1, opt.chunk_bytes / std::max<uint64_t>(1, rr.row_bytes()));
                per_chunk = std::max<uint64_t>(group, per_chunk / group * group);
                const bool passthrough = is_passthrough(rr.dtype(), info.type) && tp.source.add == 0.f && !rr.scaled();
                Chunk* pending = nullptr;  // converting on the pool
                for (uint64_t row = 0; row < nrows; row += per_chunk) {
                    Chunk& c = pending == &chunks[0] ? chunks[1] : chunks[0];
                    c.row = row;
                    c.n = std::min(per_chunk, nrows - row);
                    c.src.resize(static_cast<size_t>(c.n * rr.row_bytes()));
                    rr.read(row, c.n, c.src.data());
                    if (rr.scaled()) {
                        c.scales.resize(static_cast<size_t>(c.n * rr.scale_cols()));
                        rr.read_scales(row, c.n, c.scales.data());
                    }
                    if (passthrough) {
                        w.write(c.src.data(), c.src.size());
                        pi.bytes_in += c.src.size();
                        if (opt.progress) opt.progress(pi);
                        continue;
                    }
                    c.out.resize(static_cast<size_t>(c.n * job.out_row_bytes));
                    if (!pool) {
                        job.run(c, 0, c.n, scratch[0]);
                        finish(c);
                        continue;
                    }
                    if (pending) {
                        pool->wait();
                        finish(*pending);
                    }
                    // More parts than threads so that uneven parts still keep every thread busy.
                    const uint64_t n = c.n, parts = std::min<uint64_t>(n, 4u * threads);
                    pool->start(static_cast<size_t>(parts), [&job, &c, &scratch, n, parts](size_t p, unsigned wk) {
                        job.run(c, n * p / parts, n * (p + 1) / parts, scratch[wk]);
                    });
                    pending = &c;
                }
                if (pending) {
                    pool->wait();
                    finish(*pending);
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
