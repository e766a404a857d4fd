// Runs a plan: for each tensor, read its source rows in bounded chunks, reorder/convert them, and stream them into
// the GGUF writer. Memory is a few chunk buffers, whatever the model size.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/io/sink.h"
#include "core/model/model_input.h"
#include "core/plan/plan.h"
#include "core/pipeline/row_reader.h"
#include "core/plan/split_plan.h"

namespace gs {

struct ProgressInfo {
    size_t tensor = 0, n_tensors = 0;  // tensor being written (0-based)
    size_t part = 0, n_parts = 1;      // output part being written (0-based), of a split output
    uint64_t bytes_in = 0, bytes_in_total = 0;  // source bytes consumed so far / in all
    const std::string* name = nullptr;
};
using ProgressFn = std::function<void(const ProgressInfo&)>;

struct ExecuteOptions {
    size_t chunk_bytes = 8u << 20;  // source bytes per chunk (rounded to whole rows / head groups)
    // Worker threads converting rows; 1 creates none (the wasm build has no threads). The output bytes are the same
    // for every value: rows are encoded independently and written in order.
    unsigned threads = 1;
    ProgressFn progress;
};

// Hands out the sink of output part i. Called once per part, in order, when the part's first byte is due (so a part
// is only created once the previous one is complete); the sink must outlive execute_plan. Committing (renaming)
// is the caller's job after execute_plan returned: on any exception nothing may be committed.
using PartSinkFn = std::function<Sink&(size_t part)>;

// Writes the plan as the given parts (core/plan/split_plan.h: contiguous ranges of plan.tensors, in order).
void execute_plan(const Plan& plan, const ModelInput& in, const std::vector<OutputPart>& parts,
                  const PartSinkFn& open_part, const ExecuteOptions& opt = {});

// One output file.
void execute_plan(const Plan& plan, const ModelInput& in, Sink& sink, const std::string& out_name,
                  const ExecuteOptions& opt = {});

// The layout of a one-file output, known from the plan before any tensor data is read: the header (padded to the
// alignment) and where each tensor's data goes. For callers that write tensors out of order (the page's parallel
// workers); the zero padding between tensors and at the end is what the file holds where nothing was written.
struct OutputLayout {
    std::string header;
    std::vector<uint64_t> offsets, bytes;  // of each plan tensor's data: absolute file offset, size without padding
    uint64_t file_bytes = 0;
};
OutputLayout output_layout(const Plan& plan, const std::string& out_name);

class TensorWriter;

// Converts single tensors of a plan, a few chunks at a time, giving exactly the bytes execute_plan writes at
// OutputLayout::offsets (the same code path and chunking). Keeps the open source files between calls.
class TensorConverter {
public:
    TensorConverter(const Plan& plan, const ModelInput& in, const std::string& out_name, const ExecuteOptions& opt = {});
    ~TensorConverter();
    // Writes rows [first_row, ...) of plan tensor `index` into `out`: at most max_chunks of execute's source chunks
    // (0: to the end). Returns the row to continue with; the tensor's row count when it is complete.
    uint64_t convert(size_t index, Sink& out, uint64_t first_row = 0, size_t max_chunks = 0);
    uint64_t rows(size_t index) const;
    // Rows per source chunk: a conversion may start at any multiple of it (so a tensor can be spread over workers).
    uint64_t chunk_rows(size_t index) const;
    // The source file ranges convert(index, out, first_row, 1) reads (see RowReader::ranges), for a caller that
    // fetches them ahead: the page reads the next chunks while a worker converts this one.
    std::vector<FileRange> chunk_reads(size_t index, uint64_t first_row) const;

private:
    const Plan& plan_;
    std::string out_name_;
    ExecuteOptions opt_;  // the writer refers to it
    std::unique_ptr<TensorWriter> writer_;
};

}  // namespace gs
