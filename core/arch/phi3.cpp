// Phi-3 as convert_hf_to_gguf.py's Phi3MiniModel writes it. The fused q|k|v and gate|up projections stay fused:
// llama.cpp's phi3 graph splits attn_qkv by head counts and ffn_up into gate and up halves itself. Rotary is NeoX
// style in llama.cpp, so no q/k permutation. LongRoPE/YaRN scaling adds rope_factors_long/short tensors.
#include "core/arch/phi3.h"

#include <cmath>

#include "core/arch/common.h"
#include "core/error.h"

namespace gs {
namespace {
std::vector<float> factor_list(const nlohmann::json& rope, const char* key, uint64_t want) {
    if (!rope.contains(key) || !rope[key].is_array())
        throw Error("config.json", "", std::string("rope_scaling needs \"") + key + "\"");
    std::vector<float> v;
    for (const auto& x : rope[key]) {
        if (!x.is_number()) throw Error("config.json", "", std::string("rope_scaling.") + key + " must hold numbers");
        v.push_back(x.get<float>());
    }
    if (v.size() != want)
        throw Error("config.json", "", std::string("rope_scaling.") + key + " must have " + std::to_string(want) +
                                           " values (rotary dimensions / 2), has " + std::to_string(v.size()));
    return v;
}
}  // namespace

ArchResult map_phi3(const ModelInput& in) {
    const auto& c = in.config;
    const Heads h = config_heads(c);
    ArchResult r;
    r.arch = "phi3";
    const std::string p = "phi3.";
    const auto* n_ctx = config_find(c, {"n_positions", "max_position_embeddings"});
    if (!n_ctx) throw Error("config.json", "", "missing \"max_position_embeddings\"");
    const uint64_t max_pos = config_value_u64(*n_ctx, "max_position_embeddings");
    const uint64_t orig_max_pos = config_u64(c, "original_max_position_embeddings");
    const double rot_pct = config_has(c, "partial_rotary_factor") ? config_num(c, "partial_rotary_factor") : 1.0;
    if (!(rot_pct > 0.0 && rot_pct <= 1.0))  // a fraction of the embedding; also keeps the conversion below defined
        throw Error("config.json", "", "partial_rotary_factor " + std::to_string(rot_pct) + " is not in (0, 1]");
    const uint64_t rope_dims = static_cast<uint64_t>(rot_pct * static_cast<double>(h.n_embd)) / h.n_head;
    if (!config_has(c, "num_key_value_heads")) throw Error("config.json", "", "missing \"num_key_value_heads\"");

    std::vector<ArchTensor> extra;
    nlohmann::json rope = nlohmann::json::object();
    if (auto v = config_find(c, {"rope_parameters", "rope_scaling"}); v && v->is_object()) rope = *v;
    const std::string type = rope_type_of(rope);
    const bool scaled = config_has(c, "rope_scaling") && !type.empty() && type != "default";
    double attn_factor = 1.0;
    if (scaled) {
        const double scale = static_cast<double>(max_pos) / static_cast<double>(orig_max_pos);
        if (type == "su" || type == "longrope")
            attn_factor = scale > 1.0 ? std::sqrt(1 + std::log(scale) / std::log(static_cast<double>(orig_max_pos))) : 1.0;
        else if (type == "yarn")
            attn_factor = scale > 1.0 ? 0.1 * std::log(scale) + 1.0 : 1.0;
        else
            throw Error("config.json", "", "Phi-3 rope scaling type \"" + type + "\" is not supported");
        for (const char* which : {"long", "short"}) {
            ArchTensor t;
            t.name = std::string("rope_factors_") + which + ".weight";
            t.source.values = std::make_shared<const std::vector<float>>(
                factor_list(rope, which == std::string("long") ? "long_factor" : "short_factor", rope_dims / 2));
            t.ne = {t.source.values->size()};
            t.keep_f32 = true;
            extra.push_back(std::move(t));
        }
    }

    set_u32(r.kv, p + "context_length", max_pos);
    set_u32(r.kv, p + "rope.scaling.original_context_length", orig_max_pos);
    set_u32(r.kv, p + "embedding_length", h.n_embd);
    set_u32(r.kv, p + "feed_forward_length", config_u64(c, "intermediate_size"));
    set_u32(r.kv, p + "block_count", h.n_layer);
    set_u32(r.kv, p + "attention.head_count", h.n_head);
    set_u32(r.kv, p + "attention.head_count_kv", h.n_head_kv);
    set_f32(r.kv, p + "attention.layer_norm_rms_epsilon", config_num(c, "rms_norm_eps"));
    set_u32(r.kv, p + "rope.dimension_count", rope_dims);
    set_f32(r.kv, p + "rope.freq_base", rope.contains("rope_theta") ? config_value_num(rope["rope_theta"], "rope_theta")
                                                                    : config_num(c, "rope_theta"));
    // 0 when absent: llama.cpp tells Phi-4 (no sliding window) from Phi-3 by it
    set_u32(r.kv, p + "attention.sliding_window", config_has(c, "sliding_window") ? config_u64(c, "sliding_window") : 0);
    if (scaled) set_f32(r.kv, p + "rope.scaling.attn_factor", attn_factor);

    TensorWalk w;
    w.arch = r.arch;
    w.n_layer = h.n_layer;
    w.globals = llama_global_rules();
    w.layer = {
        {"input_layernorm", "attn_norm"},
        {"self_attn.qkv_proj", "attn_qkv"},
        {"self_attn.o_proj", "attn_output"},
        {"post_attention_layernorm", "ffn_norm"},
        {"mlp.gate_up_proj", "ffn_up"},
        {"mlp.down_proj", "ffn_down"},
    };
    w.drop = {".rotary_emb.inv_freq"};
    // generate_extra_tensors come first, then the checkpoint's tensors
    r.tensors = std::move(extra);
    for (auto& t : walk_tensors(in, w)) r.tensors.push_back(std::move(t));
    return r;
}

}  // namespace gs
