// Per-tensor type choice for a llama-quantize ftype, reproducing llama.cpp's src/llama-quant.cpp: which tensors are
// quantized at all, the mix rules (output/token_embd, attn_v / ffn_down schedules, GQA and expert rules), the user's
// overrides (--token-embedding-type, --output-tensor-type, --tensor-type, --pure, --leave-output-tensor) and the
// fallbacks for rows that are not a multiple of the block. Pure planning: names and shapes in, types out.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "core/gguf/types.h"
#include "core/plan/ftype.h"

namespace gs {

// What the rules need to know about the model (llama.cpp's hparams and model type).
struct QuantModel {
    uint32_t n_layer = 0;    // blocks; the ffn_* schedules count against it
    uint32_t n_head = 0;
    uint32_t n_head_kv = 0;  // GQA: n_head / n_head_kv >= 4 earns attn_v more bits in some mixes
    uint32_t n_expert = 0;
    bool is_70b = false;     // llama.cpp's LLM_TYPE_70B: attn_v Q3_K/Q4_K -> Q5_K
    bool is_falcon = false;  // Falcon has its own ffn_down / attn_output rules

    uint32_t n_gqa() const { return n_head_kv ? n_head / n_head_kv : 0; }
};

// One --tensor-type REGEX=TYPE: searched (not fully matched) in the GGUF name, like std::regex_search.
struct TensorTypeRule {
    std::string pattern;
    GgmlType type;
    std::shared_ptr<const std::regex> re;
};
// Parses "REGEX=TYPE" (split at the last '='); throws gs::Error for a bad regex or type name.
TensorTypeRule parse_tensor_type_rule(const std::string& spec);

struct QuantOptions {
    std::optional<GgmlType> token_embedding_type;  // --token-embedding-type
    std::optional<GgmlType> output_tensor_type;    // --output-tensor-type
    std::vector<TensorTypeRule> tensor_types;       // --tensor-type, first match wins
    bool pure = false;                  // --pure: default type everywhere (overrides and fallbacks still apply)
    bool leave_output_tensor = false;   // --leave-output-tensor: output.weight is not quantized
    bool has_imatrix = false;           // some mixes choose differently with an importance matrix
};

struct TensorShape {
    std::string name;          // GGUF name
    std::vector<uint64_t> ne;  // ggml order, ne[0] = row length
};

struct TypeChoice {
    bool quantize = false;   // false: llama-quantize leaves the tensor in its input type (norms, 1-D, routers...)
    GgmlType type = GgmlType::F32;  // the chosen type when quantize
    std::string why;         // short reason: "default", "attn_v: more bits", "override --tensor-type ...", ...
    bool fallback = false;   // the row length forced a different type
    bool requires_imatrix = false;  // llama-quantize refuses this tensor without an importance matrix
};

struct TypeSelection {
    std::vector<TypeChoice> tensors;  // same order as the input
    int n_fallback = 0;
};

// Chooses every tensor's type. The tensors may come in any order: the rules walk them in llama-quantize's order
// (tensor_order.h) because some of them count attn_v / ffn_down tensors as they go. Throws gs::Error (naming the
// tensor) where llama-quantize would refuse: no fallback for a row length, a tensor outside 0..n_layer-1 in an
// expert model.
TypeSelection select_types(const QuantModel& model, Ftype ftype, const QuantOptions& opt,
                           const std::vector<TensorShape>& tensors);

// llama-quantize's "is this tensor quantized at all" (2-D+ weights, not norms, routers, positional embeddings...).
bool tensor_allows_quantization(const std::string& name, size_t n_dims, bool quantize_output_tensor);

// The types llama-quantize refuses to produce without an importance matrix (for a tensor in this ftype).
bool tensor_requires_imatrix(const std::string& name, GgmlType type, Ftype ftype);

}  // namespace gs
