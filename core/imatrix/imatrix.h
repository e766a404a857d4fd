// Importance matrices (llama-imatrix output) as llama-quantize uses them: per tensor, one weight per column of each
// matrix (per expert for stacked MoE tensors), already divided by the number of calls that accumulated it. Both file
// formats are read: the legacy .dat and the GGUF one (`<tensor>.in_sum2` / `<tensor>.counts` pairs).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/gguf/tensor_info.h"
#include "core/gguf/value.h"
#include "core/io/reader.h"

namespace gs {

struct ImatrixEntry {
    // n_mat * row_len weights: matrix (expert) e uses [e * row_len, (e + 1) * row_len).
    std::shared_ptr<const std::vector<float>> weights;
    uint64_t n_mat = 1;
    uint64_t row_len() const { return weights->size() / n_mat; }
};

struct Imatrix {
    std::map<std::string, ImatrixEntry> entries;  // by GGUF tensor name ("blk.0.attn_q.weight")
    std::vector<std::string> datasets;            // calibration files (legacy: at most one)
    uint32_t chunk_count = 0;                     // 0 when the file does not say
    bool legacy = false;
};

// Reads either format (GGUF when the file starts with the GGUF magic). Every count, length and value is checked;
// problems throw gs::Error naming the file and the entry.
Imatrix read_imatrix(RangeReader& r);
Imatrix read_imatrix_legacy(RangeReader& r);
Imatrix read_imatrix_gguf(RangeReader& r);

// The weights for one output tensor, or nullptr when the imatrix has none for it. The size must be
// ne[0] * ne[2] (one row of weights per expert), as llama-quantize requires; a mismatch is an error except for
// token_embd.weight, which llama-quantize quantizes without weights (imatrix files often carry a stale entry).
std::shared_ptr<const std::vector<float>> imatrix_for_tensor(const Imatrix& im, const GgufTensorInfo& t);

// The quantize.imatrix.* keys llama-quantize adds, in its order: file (the path as given on its command line),
// dataset (the first), entries_count, chunks_count (when known). Empty when the imatrix has no entries.
Metadata imatrix_metadata(const Imatrix& im, const std::string& file_arg);

}  // namespace gs
