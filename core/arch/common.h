// What the architecture families share: one walk over the checkpoint in the converter's order that applies a
// family's name table (stacking per-expert tensors), the converter's F32 rule, and the generic `<arch>.*` keys that
// convert_hf_to_gguf.py's TextModel writes before a family adds its own.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/arch/arch.h"

namespace gs {

// A Hugging Face module name (without ".weight"/".bias") and its GGUF name (without the suffix either); the
// converter's tensor map tries both suffixes, so one rule covers a weight and its bias.
struct NameRule {
    std::string hf;
    std::string gguf;
};

// The llama-style decoder layer (after "model.layers.N."): attention projections, the two norms and the gated MLP.
// Llama, Mistral, Qwen2/3, SmolLM3 and Phi-3's norms all use these names.
const std::vector<NameRule>& llama_layer_rules();
// model.embed_tokens / model.norm / lm_head.
const std::vector<NameRule>& llama_global_rules();

// Per-expert 2-D tensors ("model.layers.N.<container>.<X>.<part>.weight") stacked into one 3-D tensor per part,
// as the converter's torch.stack does: ne = {in, out, n_expert}, expert X at rows [X*out, (X+1)*out).
struct ExpertSet {
    std::string container;        // "block_sparse_moe.experts", "mlp.experts"
    std::vector<NameRule> parts;  // in the order the converter emits them: {"w1", "ffn_gate_exps"}, ...
    uint64_t n_expert = 0;        // 0: the family has no experts
};

struct TensorWalk {
    std::string arch;  // for error messages
    uint64_t n_layer = 0;
    std::string layer_prefix = "model.layers.";
    std::vector<NameRule> globals;    // whole module names outside the layers
    std::vector<NameRule> layer;      // module names after "<layer_prefix>N."
    std::vector<std::string> drop;    // name suffixes the converter skips (buffers, unused heads)
    ExpertSet experts;
    // Llama only: a checkpoint that stores its tied embeddings as lm_head alone still gets a token_embd.
    bool lm_head_fills_missing_embd = false;
    // Per-family transforms of a mapped tensor (q/k permutation, norm offsets, Conv1D transposes); may change ne.
    std::function<void(const std::string& hf_name, ArchTensor&)> transform;
};

// Maps every tensor of the checkpoint, in the converter's order (each shard, names sorted); stacked expert tensors
// appear where the converter emits them (after the last expert tensor of their layer). Unknown names, layers beyond
// n_layer and incomplete expert sets are gs::Errors.
std::vector<ArchTensor> walk_tensors(const ModelInput& in, const TensorWalk& w);

// The converter keeps these F32 whatever the output type: 1-D tensors, norms, biases, MoE routers, position tables.
bool converter_keeps_f32(const std::string& gguf_name, size_t n_dims);

// Source transposed: output row i is source column i (GPT-2's Conv1D stores [in, out]).
void make_transposed(const Catalog& c, size_t src, ArchTensor& t);

// Config helpers (errors name config.json).
double config_num(const nlohmann::json& c, const char* key);
void set_u32(Metadata& kv, const std::string& key, uint64_t v);
void set_f32(Metadata& kv, const std::string& key, double v);
// The first of `keys` present in the config, or nullptr.
const nlohmann::json* config_find(const nlohmann::json& c, std::initializer_list<const char*> keys);
// A value found in the config as a non-negative integer / a number; `what` names it in the error.
uint64_t config_value_u64(const nlohmann::json& v, const char* what);
double config_value_num(const nlohmann::json& v, const char* what);
// rope_scaling's (or rope_parameters') "rope_type", else its older "type", else ""; a non-string is an error.
std::string rope_type_of(const nlohmann::json& rope);

// TextModel.set_gguf_parameters: block/context/embedding/feed-forward lengths, head counts, rope base and scaling,
// norm epsilons, expert counts, head_dim as key/value length. Families add or override keys afterwards.
void text_model_keys(Metadata& kv, const std::string& arch, const nlohmann::json& c);

// Number of layers and the head counts every family needs, validated.
struct Heads {
    uint64_t n_layer = 0, n_embd = 0, n_head = 0, n_head_kv = 0, head_dim = 0;
};
Heads config_heads(const nlohmann::json& c);

// head_dim sizes generated tensors (rope factors) before any shape is checked: it must not exceed the checkpoint's
// largest tensor dimension (q_proj holds n_head * head_dim rows), or a config typo would allocate gigabytes.
void check_head_dim(const ModelInput& in, uint64_t head_dim);

// The llama-style decoder checked against config.json before anything is converted, as llama.cpp's loader and
// transformers would check it later ("wrong shape", "size mismatch", "missing tensor"), but naming the source tensor
// and the config.json key. Families whose tensors follow llama_layer_rules() use it: Llama, Mistral, Mixtral,
// SmolLM3 and Qwen2/3 (dense parts of MoE models too).
//  - shapes: embeddings [vocab_size, hidden_size], norms [hidden_size], q/o [heads x head_dim, hidden_size] (o
//    transposed), k/v [kv_heads x head_dim, hidden_size], gate/up [intermediate_size, hidden_size], down transposed;
//  - presence: the embedding (or a tied lm_head), the final norm, and in every layer below num_hidden_layers the
//    attention projections and norms, plus the dense MLP when the model has no experts.
void check_llama_style(const std::vector<ArchTensor>& tensors, const Catalog& cat, const nlohmann::json& config,
                       const Heads& h, bool has_experts);

}  // namespace gs
