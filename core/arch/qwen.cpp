// Qwen models as convert_hf_to_gguf.py's Qwen2Model / Qwen3Model / Qwen2MoeModel / Qwen3MoeModel write them: the
// llama layer names with no q/k permutation (llama.cpp runs Qwen's rotary NeoX-style), q/k/v biases as they are.
#include "core/arch/qwen.h"

#include "core/arch/common.h"

namespace gs {
namespace {
struct QwenKind {
    const char* arch;
    bool qk_norm;  // Qwen3: self_attn.q_norm / k_norm
    bool moe;
};

ArchResult map_qwen(const ModelInput& in, const QwenKind& k) {
    const auto& c = in.config;
    const Heads h = config_heads(c);
    ArchResult r;
    r.arch = k.arch;
    text_model_keys(r.kv, r.arch, c);

    TensorWalk w;
    w.arch = r.arch;
    w.n_layer = h.n_layer;
    w.globals = llama_global_rules();
    w.layer = llama_layer_rules();
    w.drop = {".rotary_emb.inv_freq"};
    if (k.qk_norm) {
        w.layer.push_back({"self_attn.q_norm", "attn_q_norm"});
        w.layer.push_back({"self_attn.k_norm", "attn_k_norm"});
    }
    if (k.moe) {
        if (config_has(c, "moe_intermediate_size"))
            set_u32(r.kv, r.arch + std::string(".expert_feed_forward_length"), config_u64(c, "moe_intermediate_size"));
        if (config_has(c, "shared_expert_intermediate_size"))
            set_u32(r.kv, r.arch + std::string(".expert_shared_feed_forward_length"),
                    config_u64(c, "shared_expert_intermediate_size"));
        w.layer.push_back({"mlp.gate", "ffn_gate_inp"});
        w.layer.push_back({"mlp.shared_expert_gate", "ffn_gate_inp_shexp"});
        w.layer.push_back({"mlp.shared_expert.gate_proj", "ffn_gate_shexp"});
        w.layer.push_back({"mlp.shared_expert.up_proj", "ffn_up_shexp"});
        w.layer.push_back({"mlp.shared_expert.down_proj", "ffn_down_shexp"});
        w.experts.container = "mlp.experts";
        w.experts.parts = {{"down_proj", "ffn_down_exps"}, {"gate_proj", "ffn_gate_exps"}, {"up_proj", "ffn_up_exps"}};
        w.experts.n_expert = config_has(c, "num_local_experts") ? config_u64(c, "num_local_experts")
                                                                : config_u64(c, "num_experts");
    }
    r.tensors = walk_tensors(in, w);
    check_llama_style(r.tensors, in.catalog, c, h, k.moe);
    return r;
}
}  // namespace

ArchResult map_qwen2(const ModelInput& in) { return map_qwen(in, {"qwen2", false, false}); }
ArchResult map_qwen3(const ModelInput& in) { return map_qwen(in, {"qwen3", true, false}); }
ArchResult map_qwen2moe(const ModelInput& in) { return map_qwen(in, {"qwen2moe", false, true}); }
ArchResult map_qwen3moe(const ModelInput& in) { return map_qwen(in, {"qwen3moe", true, true}); }

}  // namespace gs
