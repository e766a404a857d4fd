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
// Converts tensors one at a time into a GGUF writer. Holds what persists between tensors: the open source files, the
// two chunk buffers, the worker pool.
class TensorWriter {
public:
    TensorWriter(const Plan& plan, const ModelInput& in, const ExecuteOptions& opt, size_t n_parts)
        : cat(in.catalog), opt(opt), readers(cat.files.size()) {
        open = [this, &in](size_t file) -> RangeReader& {
            if (!readers[file]) readers[file] = in.folder->open(cat.files[file].name);
            return *readers[file];
        };
        pi.n_tensors = plan.tensors.size();
        pi.n_parts = n_parts;
        pi.bytes_in_total = plan.source_bytes(cat);
        threads = std::max(1u, opt.threads);
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
        threads = 1;
#endif
        scratch.resize(threads);
        if (threads > 1) pool = std::make_unique<WorkerPool>(threads);
    }

    void write(const TensorPlan& tp, size_t ti, size_t part, GgufStreamWriter& w, size_t local) {
        const GgufTensorInfo& info = tp.out;
        pi.tensor = ti;
        pi.part = part;
        pi.name = &info.name;
        progress();

        const uint64_t row_len = info.ne[0], nrows = info.nrows();
        const std::string src_name = tp.source.values ? std::string() : cat.tensors[tp.source.slices[0].src].st.name;
        const std::string src_file =
            tp.source.values ? std::string() : cat.files[cat.tensors[tp.source.slices[0].src].file].name;
        w.begin_tensor(local);
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
                progress();
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
                        progress();
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
                    // More pieces than threads so that uneven pieces still keep every thread busy.
                    const uint64_t n = c.n, pieces = std::min<uint64_t>(n, 4u * threads);
                    pool->start(static_cast<size_t>(pieces), [this, &c, n, pieces](size_t p, unsigned wk) {
                        job.run(c, n * p / pieces, n * (p + 1) / pieces, scratch[wk]);
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

private:
    const Catalog& cat;
    const ExecuteOptions& opt;
    std::vector<std::unique_ptr<RangeReader>> readers;
    FileOpener open;
    ProgressInfo pi;
    unsigned threads = 1;
    // Reading chunk k + 1 overlaps converting chunk k, so two chunks are in flight at most.
    Chunk chunks[2];
    std::vector<std::vector<float>> scratch;
    RowJob job;
    // Declared after everything its tasks touch: on unwinding it is destroyed (and drained) first.
    std::unique_ptr<WorkerPool> pool;

    void progress() {
        if (opt.progress) opt.progress(pi);
    }
};
}  // namespace

void execute_plan(const Plan& plan, const ModelInput& in, Sink& sink, const std::string& out_name,
                  const ExecuteOptions& opt) {
    execute_plan(plan, in, plan_output_parts(plan, SplitOptions{}, out_name),
                 [&sink](size_t) -> Sink& { return sink; }, opt);
}

void execute_plan(const Plan& plan, const ModelInput& in, const std::vector<OutputPart>& parts,
                  const PartSinkFn& open_part, const ExecuteOptions& opt) {
    size_t covered = 0;
    for (const auto& part : parts) {
        if (part.first != covered) throw Error(part.name, "", "output parts do not follow each other");
        covered += part.tensors.size();
    }
    if (parts.empty() || covered != plan.tensors.size())
        throw Error(parts.empty() ? std::string() : parts[0].name, "", "output parts do not cover the plan");

    TensorWriter tw(plan, in, opt, parts.size());
    for (size_t part = 0; part < parts.size(); ++part) {
        // A part is created only when the previous one is complete; its header goes first.
        const OutputPart& op = parts[part];
        GgufStreamWriter w(open_part(part), op.name, op.kv, op.tensors);
        for (size_t local = 0; local < op.tensors.size(); ++local)
            tw.write(plan.tensors[op.first + local], op.first + local, part, w, local);
        w.finish();
    }
}

}  // namespace gs
