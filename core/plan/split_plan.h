// The output cut into llama.cpp's split GGUF files (what llama-gguf-split and convert_hf_to_gguf.py
// --split-max-size/--split-max-tensors write), decided from the plan alone, so every part's header is known before
// any tensor byte is read:
//  - part i of n is named "<out without .gguf>-<i+1:05>-of-<n:05>.gguf"; llama.cpp opens the first and derives the
//    others' names from it (llama_split_path), so the names are part of the format;
//  - the first part carries all metadata, every later part only split.no (u16, 0-based), split.count (u16) and
//    split.tensors.count (i32, tensors in all parts) — and general.alignment when the plan sets one, because each
//    part's padding follows its own header;
//  - tensors keep the plan's order and are cut greedily; no part is empty, a tensor larger than the size limit
//    goes alone in its part;
//  - an output that fits in one part is the plain file under the plain name, without split.* keys (as
//    convert_hf_to_gguf.py does).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/gguf/tensor_info.h"
#include "core/gguf/value.h"
#include "core/plan/plan.h"

namespace gs {

struct SplitOptions {
    // Largest part file in bytes, header and padding included (0: no limit). Unlike llama-gguf-split, which counts
    // only tensor data, this is the size of the file on disk, so a limit such as a hosting site's is really kept.
    uint64_t max_bytes = 0;
    uint64_t max_tensors = 0;  // most tensors in one part (0: no limit)
    bool enabled() const { return max_bytes != 0 || max_tensors != 0; }
};

struct OutputPart {
    std::string name;                     // file name: the output name itself when there is one part
    Metadata kv;                          // this part's header metadata
    size_t first = 0;                     // index of its first tensor in plan.tensors
    std::vector<GgufTensorInfo> tensors;  // plan.tensors[first, first + size)
    uint64_t file_bytes = 0;              // exact size of the written part
};

// Every part of the output named out_name, in order. Throws gs::Error when the split needs more parts than
// split.count can number (65535).
std::vector<OutputPart> plan_output_parts(const Plan& plan, const SplitOptions& opt, const std::string& out_name);

// "dir/model.gguf", 0, 3 -> "dir/model-00001-of-00003.gguf"; a name without ".gguf" keeps all of it as the prefix.
std::string split_part_name(const std::string& out_name, size_t part, size_t n_parts);

// "2G", "500M", "800K" (powers of 1000, as llama-gguf-split and gguf-py count) or plain bytes "1000000". Throws
// gs::Error for anything else, zero included.
uint64_t parse_split_size(const std::string& s);

}  // namespace gs
