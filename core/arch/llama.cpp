// Llama-style models as convert_hf_to_gguf.py's LlamaModel writes them: q/k rows permuted for llama.cpp's
// adjacent-pair rotary, Mixtral's per-expert w1/w2/w3 stacked into ffn_gate/down/up_exps, Llama 3's rope_freqs.
#include "core/arch/llama.h"

#include <cmath>

#include "core/arch/common.h"
#include "core/error.h"

namespace gs {
namespace {
// LlamaModel.generate_extra_tensors for rope_type llama3: one scale per rotary frequency, in float32 like torch.
std::vector<float> llama3_rope_factors(const nlohmann::json& c, const nlohmann::json& rope, uint64_t dim) {
    auto num = [&](const char* k, double def) { return rope.contains(k) && rope[k].is_number() ? rope[k].get<double>() : def; };
    const float base = static_cast<float>(num("rope_theta", c.contains("rope_theta") ? config_num(c, "rope_theta") : 10000.0));
    const float factor = static_cast<float>(num("factor", 8.0));
    const float low = static_cast<float>(num("low_freq_factor", 1.0));
    const float high = static_cast<float>(num("high_freq_factor", 4.0));
    const float old_ctx = static_cast<float>(
        c.contains("original_max_position_embeddings") ? config_num(c, "original_max_position_embeddings") : 8192.0);
    const float low_wavelen = old_ctx / low, high_wavelen = old_ctx / high;
    std::vector<float> f;
    for (uint64_t i = 0; i < dim; i += 2) {
        const float freq = 1.0f / std::pow(base, static_cast<float>(i) / static_cast<float>(dim));
        const float wavelen = static_cast<float>(2 * M_PI) / freq;
        if (wavelen < high_wavelen) f.push_back(1.0f);
        else if (wavelen > low_wavelen) f.push_back(factor);
        else {
            const float smooth = (old_ctx / wavelen - low) / (high - low);
            f.push_back(1.0f / ((1.0f - smooth) / factor + smooth));
        }
    }
    return f;
}

ArchResult map_llama_like(const ModelInput& in, const std::string& arch) {
    const auto& c = in.config;
    const Heads h = config_heads(c);
    ArchResult r;
    r.arch = arch;
    text_model_keys(r.kv, arch, c);

    // rope_scaling {"rope_type": "llama3"} is a generated tensor, written before the checkpoint's tensors
    nlohmann::json rope = nlohmann::json::object();
    if (auto v = config_find(c, {"rope_parameters", "rope_scaling"}); v && v->is_object()) rope = *v;
    if (rope.contains("full_attention") && rope["full_attention"].is_object()) rope = rope["full_attention"];
    const std::string rope_type = rope_type_of(rope);
    if (rope_type == "llama3" || rope_type == "Llama3") {
        check_head_dim(in, h.head_dim);
        ArchTensor f;
        f.name = "rope_freqs.weight";
        f.source.values = std::make_shared<const std::vector<float>>(llama3_rope_factors(c, rope, h.head_dim));
        f.ne = {f.source.values->size()};
        f.keep_f32 = true;
        r.tensors.push_back(std::move(f));
    }

    TensorWalk w;
    w.arch = arch;
    w.n_layer = h.n_layer;
    w.globals = llama_global_rules();
    w.layer = llama_layer_rules();
    w.layer.push_back({"block_sparse_moe.gate", "ffn_gate_inp"});
    w.drop = {".rotary_emb.inv_freq"};
    w.lm_head_fills_missing_embd = true;
    if (config_has(c, "num_local_experts")) {
        w.experts.container = "block_sparse_moe.experts";
        w.experts.parts = {{"w1", "ffn_gate_exps"}, {"w2", "ffn_down_exps"}, {"w3", "ffn_up_exps"}};
        w.experts.n_expert = config_u64(c, "num_local_experts");
    }
    const auto q_heads = static_cast<uint32_t>(h.n_head), k_heads = static_cast<uint32_t>(h.n_head_kv);
    w.transform = [=](const std::string& hf, ArchTensor& t) {
        auto ends = [&](const char* s) { return hf.size() >= std::string(s).size() && hf.compare(hf.size() - std::string(s).size(), std::string::npos, s) == 0; };
        if (ends("q_proj.weight") || ends("q_proj.bias")) t.source.permute_heads = q_heads;
        if (ends("k_proj.weight") || ends("k_proj.bias")) t.source.permute_heads = k_heads;
    };
    for (auto& t : walk_tensors(in, w)) r.tensors.push_back(std::move(t));
    check_llama_style(r.tensors, in.catalog, c, h, w.experts.n_expert > 0);

    uint64_t vocab = config_has(c, "vocab_size") ? config_u64(c, "vocab_size") : 0;
    for (const auto& t : r.tensors)
        if (vocab == 0 && t.name == "token_embd.weight" && t.ne.size() == 2) vocab = t.ne[1];
    set_u32(r.kv, arch + ".vocab_size", vocab);
    set_u32(r.kv, arch + ".rope.dimension_count", h.head_dim);
    return r;
}
}  // namespace

ArchResult map_llama(const ModelInput& in) { return map_llama_like(in, "llama"); }
ArchResult map_smollm3(const ModelInput& in) { return map_llama_like(in, "smollm3"); }

}  // namespace gs
