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

// Tensor data on its way into a GGUF writer, which checks every tensor's byte count.
struct GgufDataSink final : Sink {
    GgufStreamWriter& w;
    explicit GgufDataSink(GgufStreamWriter& w) : w(w) {}
    void write(const void* data, size_t n) override { w.write(data, n); }
};

// Converts tensors one at a time into a sink. Holds what persists between tensors: the open source files, the
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

    // Rows [first_row, ...) of tensor ti, at most max_chunks source chunks of them (0: all); returns the next row.
    uint64_t write(const TensorPlan& tp, size_t ti, size_t part, Sink& w, uint64_t first_row = 0,
                   size_t max_chunks = 0) {
        const GgufTensorInfo& info = tp.out;
        pi.tensor = ti;
        pi.part = part;
        pi.name = &info.name;
        progress();

        const uint64_t row_len = info.ne[0], nrows = info.nrows();
        const std::string src_name = tp.source.values ? std::string() : cat.tensors[tp.source.slices[0].src].st.name;
        const std::string src_file =
            tp.source.values ? std::string() : cat.files[cat.tensors[tp.source.slices[0].src].file].name;
        uint64_t next = nrows;
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
                if (first_row != 0) throw Error("", info.name, "a computed tensor is converted whole");
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
                const uint64_t per_chunk = rows_per_chunk(rr);
                const bool passthrough = is_passthrough(rr.dtype(), info.type) && tp.source.add == 0.f && !rr.scaled();
                Chunk* pending = nullptr;  // converting on the pool
                if (first_row % per_chunk != 0 || first_row > nrows)
                    throw Error("", info.name, "conversion resumed at row " + std::to_string(first_row) +
                                                   ", not at a chunk boundary");
                size_t n_chunks = 0;
                for (uint64_t row = first_row; row < nrows; row += per_chunk) {
                    if (max_chunks && n_chunks++ == max_chunks) {
                        next = row;
                        break;
                    }
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
        return next;
    }

    // Rows per source chunk of a tensor: the chunks write() reads, and where a conversion may resume.
    uint64_t chunk_rows(const TensorPlan& tp) {
        const uint64_t nrows = tp.out.nrows();
        if (tp.source.values || nrows == 0) return std::max<uint64_t>(1, nrows);
        return rows_per_chunk(RowReader(tp.source, cat, open, tp.out.ne[0], nrows));
    }

    // The file ranges the chunk of tp from first_row reads (RowReader::ranges), empty for a computed tensor.
    std::vector<FileRange> chunk_reads(const TensorPlan& tp, uint64_t first_row) {
        const uint64_t nrows = tp.out.nrows();
        if (tp.source.values || first_row >= nrows) return {};
        const RowReader rr(tp.source, cat, open, tp.out.ne[0], nrows);
        return rr.ranges(first_row, std::min(rows_per_chunk(rr), nrows - first_row));
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
    // About opt.chunk_bytes of source, whole head groups.
    uint64_t rows_per_chunk(const RowReader& rr) const {
        const uint64_t group = rr.group();
        const uint64_t per_chunk = std::max<uint64_t>(1, opt.chunk_bytes / std::max<uint64_t>(1, rr.row_bytes()));
        return std::max<uint64_t>(group, per_chunk / group * group);
    }
};

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
        GgufDataSink data(w);
        for (size_t local = 0; local < op.tensors.size(); ++local) {
            w.begin_tensor(local);
            tw.write(plan.tensors[op.first + local], op.first + local, part, data);
            w.end_tensor();
        }
        w.finish();
    }
}

OutputLayout output_layout(const Plan& plan, const std::string& out_name) {
    const std::vector<OutputPart> parts = plan_output_parts(plan, SplitOptions{}, out_name);
    OutputLayout l;
    std::vector<GgufTensorInfo> tensors = parts.at(0).tensors;
    l.header = encode_gguf_header(parts[0].kv, tensors);  // assigns the offsets, relative to the data
    for (const auto& t : tensors) {
        l.offsets.push_back(l.header.size() + t.offset);
        l.bytes.push_back(t.nbytes());
    }
    l.file_bytes = parts[0].file_bytes;
    return l;
}

namespace {
// Checks that a tensor gets exactly its bytes (as GgufStreamWriter does) and names the output in sink failures.
struct CheckedSink final : Sink {
    Sink& out;
    const std::string& out_name;
    const GgufTensorInfo& t;
    uint64_t at;  // bytes of the tensor before this call
    CheckedSink(Sink& out, const std::string& out_name, const GgufTensorInfo& t, uint64_t at)
        : out(out), out_name(out_name), t(t), at(at) {}
    void write(const void* data, size_t n) override {
        if (at + n > t.nbytes())
            throw Error(out_name, t.name, "more data than the tensor's " + std::to_string(t.nbytes()) + " bytes");
        try {
            out.write(data, n);
        } catch (const Error& e) {
            if (!e.file.empty()) throw;
            throw Error(out_name, e.tensor, e.detail);
        }
        at += n;
    }
};
}  // namespace

TensorConverter::TensorConverter(const Plan& plan, const ModelInput& in, const std::string& out_name,
                                 const ExecuteOptions& opt)
    : plan_(plan), out_name_(out_name), opt_(opt), writer_(std::make_unique<TensorWriter>(plan, in, opt_, 1)) {}

TensorConverter::~TensorConverter() = default;

uint64_t TensorConverter::rows(size_t index) const { return plan_.tensors.at(index).out.nrows(); }

uint64_t TensorConverter::chunk_rows(size_t index) const { return writer_->chunk_rows(plan_.tensors.at(index)); }

std::vector<FileRange> TensorConverter::chunk_reads(size_t index, uint64_t first_row) const {
    return writer_->chunk_reads(plan_.tensors.at(index), first_row);
}

uint64_t TensorConverter::convert(size_t index, Sink& out, uint64_t first_row, size_t max_chunks) {
    const GgufTensorInfo& t = plan_.tensors.at(index).out;
    const uint64_t nrows = t.nrows();
    const uint64_t row_bytes_out = nrows ? t.nbytes() / nrows : 0;
    CheckedSink checked(out, out_name_, t, first_row * row_bytes_out);
    const uint64_t next = writer_->write(plan_.tensors[index], index, 0, checked, first_row, max_chunks);
    if (next == nrows && checked.at != t.nbytes())
        throw Error(out_name_, t.name, "got " + std::to_string(checked.at) + " of " + std::to_string(t.nbytes()) +
                                           " bytes");
    return next;
}

}  // namespace gs
