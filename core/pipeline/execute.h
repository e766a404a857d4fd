// Runs a plan: for each tensor, read its source rows in bounded chunks, reorder/convert them, and stream them into
// the GGUF writer. Memory is a few chunk buffers, whatever the model size.
#pragma once
#include <functional>
#include <string>

#include "core/io/sink.h"
#include "core/model/model_input.h"
#include "core/plan/plan.h"

namespace gs {

struct ProgressInfo {
    size_t tensor = 0, n_tensors = 0;  // tensor being written (0-based)
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

void execute_plan(const Plan& plan, const ModelInput& in, Sink& sink, const std::string& out_name,
                  const ExecuteOptions& opt = {});

}  // namespace gs
