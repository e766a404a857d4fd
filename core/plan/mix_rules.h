// Internal to type selection: llama-quantize's mix rules (llama_tensor_get_type_impl) — the type a tensor gets in an
// ftype from its role, its layer and the model's shape, before overrides and fallbacks.
#pragma once
#include <string>

#include "core/plan/type_select.h"

namespace gs::mix {

// Broad roles by name, tested in this order (so "attn_qkv" is not mistaken for "attn_q").
enum class Role { TokenEmbd, AttnQ, AttnV, AttnK, AttnQkv, AttnKvB, AttnOutput, FfnUp, FfnGate, FfnDown, Output, Other };
Role role_of(const std::string& name);
// attn_v, attn_qkv and attn_kv_b share the attn_v rules and counter.
bool is_attn_v_like(Role r);

// The counters llama-quantize keeps while it walks the tensors: i_* advance as rules see those roles, n_* are fixed.
struct Walk {
    int n_attention_wv = 0, i_attention_wv = 0;
    int n_ffn_down = 0, i_ffn_down = 0;
    int n_ffn_gate = 0, i_ffn_gate = 0;
    int n_ffn_up = 0, i_ffn_up = 0;
    bool tied_embeddings = true;  // no output.weight: token_embd is also the output projection
};

struct Pick {
    GgmlType type;
    std::string why;
};

// The mix's type for one tensor. Advances the walk's counters like llama-quantize does.
Pick pick(Walk& walk, const QuantModel& m, Ftype ftype, const QuantOptions& opt, const TensorShape& t, Role role,
          GgmlType default_type);

}  // namespace gs::mix
