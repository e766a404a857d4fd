// The plan: every output tensor with its GGUF name, shape, type and source, plus all metadata, decided before a
// single tensor byte is read. The GGUF header follows from it, so a dry run prints exactly what will be written.
#pragma once
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "core/gguf/tensor_info.h"
#include "core/gguf/value.h"
#include "core/model/model_input.h"
#include "core/plan/profile.h"
#include "core/plan/tensor_source.h"
#include "core/tokenizer/vocab.h"

namespace gs {

struct TensorPlan {
    GgufTensorInfo out;
    TensorSource source;
    std::string why;  // how the type was chosen ("output type", "1-D/norm stays F32", "attn_v: more bits", ...)
    bool requires_imatrix = false;  // llama-quantize refuses this tensor's type without an importance matrix
    // Importance weights for the quantizer: ne[0] per matrix (expert), or null (core/imatrix/imatrix.h).
    std::shared_ptr<const std::vector<float>> imatrix;
};

struct Plan {
    std::string arch;
    Metadata kv;
    std::vector<TensorPlan> tensors;
    int n_fallback = 0;  // tensors whose row length forced a fallback type

    bool needs_imatrix() const;
    std::vector<GgufTensorInfo> infos() const;
    uint64_t n_params() const;
    uint64_t source_bytes(const Catalog& c) const;  // what the pipeline will read
};

// The tokenizer.* metadata of one folder under one VocabOptions, kept between plans: reading and parsing a large
// tokenizer.json (Llama 3's 9 MB) is most of a plan's time, and the page plans every type of the folder it opens.
struct VocabCache {
    std::optional<Metadata> kv;
    std::string file;  // vocab_metadata's source
};

struct PlanOptions {
    GgmlType out_type = GgmlType::F16;  // plain conversion (F32, F16 or BF16) when no quantization is asked for
    // A llama-quantize ftype or profile: types chosen as llama-quantize would, tensors in its order. Wins over
    // out_type; a bare F32/F16/BF16 ftype is the plain conversion.
    std::optional<Profile> quant;
    bool allow_unwritable = false;  // --dry-run: plan types ggufsmith cannot write yet instead of failing
    std::string force_arch;  // a Hugging Face class name overriding config.json's "architectures"
    VocabOptions vocab;                 // tokenizer choices (--tokenizer-pre)
    bool vocab_only = false;            // metadata only, no tensors (like convert_hf_to_gguf.py --vocab-only)
    // Filled by the first plan that uses it, then used instead of reading the tokenizer again; only for plans of
    // the same folder with the same `vocab` options.
    VocabCache* vocab_cache = nullptr;
};

Plan build_plan(const ModelInput& in, const PlanOptions& opt);

// Throws gs::Error naming the first tensor that execute_plan could not write: a type without a kernel (only a
// dry-run plan has those) or one llama-quantize refuses without an importance matrix (none can be given yet).
void require_executable(const Plan& plan);

// llama.cpp's general.file_type value (enum llama_ftype) for a whole-file output type.
uint32_t llama_ftype_of(GgmlType t);

// gguf-py's size label: "11M", "656K", "1.1B".
std::string size_label(uint64_t n_params);

// gguf-py-like display name from a folder name: "dev-llama-spm" -> "Dev Llama Spm".
std::string display_name(const std::string& folder);

}  // namespace gs
