// Llama (and Mistral, same layout): tensor names, the q/k row permutation and the llama.* keys, as llama.cpp's
// convert_hf_to_gguf.py writes them.
#include "core/arch/llama.h"

#include <regex>

#include "core/error.h"

namespace gs {
namespace {
struct NameRule {
    const char* hf_suffix;  // after "model.layers.N."
    const char* gguf;       // after "blk.N."
};
const NameRule kLayerRules[] = {
    {"input_layernorm.weight", "attn_norm.weight"},
    {"self_attn.q_proj.weight", "attn_q.weight"},
    {"self_attn.k_proj.weight", "attn_k.weight"},
    {"self_attn.v_proj.weight", "attn_v.weight"},
    {"self_attn.o_proj.weight", "attn_output.weight"},
    {"post_attention_layernorm.weight", "ffn_norm.weight"},
    {"mlp.gate_proj.weight", "ffn_gate.weight"},
    {"mlp.up_proj.weight", "ffn_up.weight"},
    {"mlp.down_proj.weight", "ffn_down.weight"},
};

bool is_norm(const std::string& n) {
    static const std::string suffix = "_norm.weight";
    return n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<uint64_t> ggml_order(const std::vector<uint64_t>& shape) { return {shape.rbegin(), shape.rend()}; }

float config_f32(const nlohmann::json& c, const char* key) {
    auto it = c.find(key);
    if (!it->is_number()) throw Error("config.json", "", std::string("\"") + key + "\" must be a number");
    return it->get<float>();
}
}  // namespace

ArchResult map_llama(const ModelInput& in) {
    const auto& c = in.config;
    ArchResult r;
    r.arch = "llama";
    const uint64_t n_layer = config_u64(c, "num_hidden_layers");
    const uint64_t n_embd = config_u64(c, "hidden_size");
    const uint64_t n_head = config_u64(c, "num_attention_heads");
    const uint64_t n_head_kv = config_has(c, "num_key_value_heads") ? config_u64(c, "num_key_value_heads") : n_head;
    if (n_head == 0 || n_head_kv == 0 || n_head % n_head_kv != 0)
        throw Error("config.json", "", "num_attention_heads must be a positive multiple of num_key_value_heads");
    const uint64_t head_dim = config_has(c, "head_dim") ? config_u64(c, "head_dim") : n_embd / n_head;

    auto& kv = r.kv;
    set(kv, "llama.block_count", Value::u32(static_cast<uint32_t>(n_layer)));
    if (config_has(c, "max_position_embeddings"))
        set(kv, "llama.context_length", Value::u32(static_cast<uint32_t>(config_u64(c, "max_position_embeddings"))));
    set(kv, "llama.embedding_length", Value::u32(static_cast<uint32_t>(n_embd)));
    if (config_has(c, "intermediate_size"))
        set(kv, "llama.feed_forward_length", Value::u32(static_cast<uint32_t>(config_u64(c, "intermediate_size"))));
    set(kv, "llama.attention.head_count", Value::u32(static_cast<uint32_t>(n_head)));
    set(kv, "llama.attention.head_count_kv", Value::u32(static_cast<uint32_t>(n_head_kv)));
    if (config_has(c, "rope_theta")) set(kv, "llama.rope.freq_base", Value::f32(config_f32(c, "rope_theta")));
    if (config_has(c, "rms_norm_eps"))
        set(kv, "llama.attention.layer_norm_rms_epsilon", Value::f32(config_f32(c, "rms_norm_eps")));
    uint64_t vocab = config_has(c, "vocab_size") ? config_u64(c, "vocab_size") : 0;
    const uint64_t rope_dim = head_dim;

    // Tensors, in the converter's order: each shard, names sorted (safetensors' keys() order).
    const std::regex layer_re(R"(^model\.layers\.(\d+)\.(.+)$)");
    const auto& cat = in.catalog;
    std::vector<size_t> order(cat.tensors.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const auto& x = cat.tensors[a];
        const auto& y = cat.tensors[b];
        return x.file != y.file ? x.file < y.file : x.st.name < y.st.name;
    });
    const bool has_embed = cat.find("model.embed_tokens.weight") != nullptr;
    for (size_t i : order) {
        const auto& t = cat.tensors[i].st;
        ArchTensor a;
        a.source = whole(cat, i);
        a.ne = ggml_order(t.shape);
        std::smatch m;
        if (t.name == "model.embed_tokens.weight") {
            a.name = "token_embd.weight";
        } else if (t.name == "model.norm.weight") {
            a.name = "output_norm.weight";
        } else if (t.name == "lm_head.weight") {
            // A checkpoint that ties its embeddings but stores them only as lm_head (TinyStories does) would
            // otherwise give a GGUF without token_embd, which llama.cpp refuses to load.
            a.name = has_embed ? "output.weight" : "token_embd.weight";
        } else if (std::regex_match(t.name, m, layer_re)) {
            const uint64_t layer = std::stoull(m[1].str());
            if (layer >= n_layer)
                throw Error(cat.files[cat.tensors[i].file].name, t.name,
                            "layer index is beyond num_hidden_layers = " + std::to_string(n_layer));
            const std::string rest = m[2].str();
            if (rest == "self_attn.rotary_emb.inv_freq") continue;  // recomputed by llama.cpp
            for (const auto& rule : kLayerRules)
                if (rest == rule.hf_suffix) a.name = "blk." + m[1].str() + "." + rule.gguf;
            if (rest == "self_attn.q_proj.weight") a.source.permute_heads = static_cast<uint32_t>(n_head);
            if (rest == "self_attn.k_proj.weight") a.source.permute_heads = static_cast<uint32_t>(n_head_kv);
        }
        if (a.name.empty())
            throw Error(cat.files[cat.tensors[i].file].name, t.name, "tensor not recognised for architecture llama");
        a.keep_f32 = t.shape.size() <= 1 || is_norm(a.name);
        if (a.name == "token_embd.weight" && vocab == 0 && !t.shape.empty()) vocab = t.shape[0];
        r.tensors.push_back(std::move(a));
    }
    set(kv, "llama.vocab_size", Value::u32(static_cast<uint32_t>(vocab)));
    set(kv, "llama.rope.dimension_count", Value::u32(static_cast<uint32_t>(rope_dim)));
    return r;
}

}  // namespace gs
