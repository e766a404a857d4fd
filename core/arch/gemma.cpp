// Gemma 2 and 3 as convert_hf_to_gguf.py's Gemma2Model / Gemma3Model write them. Gemma's RMSNorm multiplies by
// (1 + w) and checkpoints store w, so every "*norm.weight" gets +1 (in F32 for BF16 checkpoints, as the converter
// upcasts them first). lm_head is dropped (tied); the sqrt(hidden) embedding scale and the soft-capping are done
// by llama.cpp at run time from the keys.
#include "core/arch/gemma.h"

#include "core/arch/common.h"
#include "core/error.h"
#include "core/model/model_input.h"

namespace gs {
namespace {
bool ends_with(const std::string& s, const char* suffix) {
    const std::string x(suffix);
    return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
}

TensorWalk gemma_walk(const std::string& arch, uint64_t n_layer, bool qk_norm) {
    TensorWalk w;
    w.arch = arch;
    w.n_layer = n_layer;
    w.globals = {{"model.embed_tokens", "token_embd"}, {"model.norm", "output_norm"}};
    w.layer = {
        {"input_layernorm", "attn_norm"},
        {"self_attn.q_proj", "attn_q"},
        {"self_attn.k_proj", "attn_k"},
        {"self_attn.v_proj", "attn_v"},
        {"self_attn.o_proj", "attn_output"},
        {"post_attention_layernorm", "post_attention_norm"},
        {"pre_feedforward_layernorm", "ffn_norm"},
        {"post_feedforward_layernorm", "post_ffw_norm"},
        {"mlp.gate_proj", "ffn_gate"},
        {"mlp.up_proj", "ffn_up"},
        {"mlp.down_proj", "ffn_down"},
    };
    if (qk_norm) {
        w.layer.push_back({"self_attn.q_norm", "attn_q_norm"});
        w.layer.push_back({"self_attn.k_norm", "attn_k_norm"});
    }
    // lm_head is not used by llama.cpp (tied); AutoAWQ checkpoints include it anyway
    w.drop = {".rotary_emb.inv_freq", "lm_head.weight"};
    w.transform = [](const std::string& hf, ArchTensor& t) {
        if (ends_with(hf, "norm.weight")) t.source.add = 1.0f;
    };
    return w;
}

bool has_file(const ModelInput& in, const char* name) {
    for (const auto& f : in.folder->files())
        if (f == name) return true;
    return false;
}

// Gemma's set_vocab reads tokenizer.model and then turns llama.cpp's SentencePiece space prefix off.
void no_space_prefix(const ModelInput& in, ArchResult& r) {
    if (has_file(in, "tokenizer.model")) set(r.vocab_kv, "tokenizer.ggml.add_space_prefix", Value::boolean(false));
}

// Gemma3Model drops token_embd rows beyond the tokenizer's real vocabulary (the checkpoints pad the embedding).
uint64_t gemma3_real_vocab(const ModelInput& in) {
    if (has_file(in, "tokenizer.model"))
        return config_has(in.config, "vocab_size") ? config_u64(in.config, "vocab_size") : 0;
    if (!has_file(in, "tokenizer.json")) return 0;
    const auto j = read_json_file(*in.folder, "tokenizer.json");
    if (!j.contains("model") || !j["model"].contains("vocab") || !j["model"]["vocab"].is_object()) return 0;
    const uint64_t added = j.contains("added_tokens") && j["added_tokens"].is_array() ? j["added_tokens"].size() : 0;
    return j["model"]["vocab"].size() + added;
}
}  // namespace

ArchResult map_gemma2(const ModelInput& in) {
    const auto& c = in.config;
    const Heads h = config_heads(c);
    ArchResult r;
    r.arch = "gemma2";
    const std::string p = "gemma2.";
    // Gemma2Model writes its own keys (no TextModel defaults, hence no rope.freq_base: llama.cpp's 10000)
    set_u32(r.kv, p + "context_length", config_u64(c, "max_position_embeddings"));
    set_u32(r.kv, p + "embedding_length", h.n_embd);
    set_u32(r.kv, p + "block_count", h.n_layer);
    set_u32(r.kv, p + "feed_forward_length", config_u64(c, "intermediate_size"));
    set_u32(r.kv, p + "attention.head_count", h.n_head);
    set_u32(r.kv, p + "attention.head_count_kv", h.n_head_kv);
    set_f32(r.kv, p + "attention.layer_norm_rms_epsilon", config_num(c, "rms_norm_eps"));
    set_u32(r.kv, p + "attention.key_length", config_u64(c, "head_dim"));
    set_u32(r.kv, p + "attention.value_length", config_u64(c, "head_dim"));
    set_f32(r.kv, p + "attn_logit_softcapping", config_num(c, "attn_logit_softcapping"));
    set_f32(r.kv, p + "final_logit_softcapping", config_num(c, "final_logit_softcapping"));
    set_u32(r.kv, p + "attention.sliding_window", config_u64(c, "sliding_window"));
    r.tensors = walk_tensors(in, gemma_walk(r.arch, h.n_layer, false));
    no_space_prefix(in, r);
    return r;
}

ArchResult map_gemma3(const ModelInput& in) {
    const auto& c = in.config;
    const Heads h = config_heads(c);
    ArchResult r;
    r.arch = "gemma3";
    const std::string p = "gemma3.";
    text_model_keys(r.kv, r.arch, c);
    // Gemma3Model's overrides, with the defaults transformers' Gemma3TextConfig leaves out of config.json
    auto u = [&](const char* k, uint64_t def) { return config_has(c, k) ? config_u64(c, k) : def; };
    set_u32(r.kv, p + "context_length", u("max_position_embeddings", 131072));
    set_u32(r.kv, p + "attention.head_count", u("num_attention_heads", 8));
    set_f32(r.kv, p + "attention.layer_norm_rms_epsilon", config_has(c, "rms_norm_eps") ? config_num(c, "rms_norm_eps") : 1e-6);
    set_u32(r.kv, p + "attention.key_length", u("head_dim", 256));
    set_u32(r.kv, p + "attention.value_length", u("head_dim", 256));
    nlohmann::json rope = nlohmann::json::object();
    if (auto v = config_find(c, {"rope_parameters", "rope_scaling"}); v && v->is_object()) rope = *v;
    if (rope.contains("full_attention") && rope["full_attention"].is_object()) rope = rope["full_attention"];
    set_f32(r.kv, p + "rope.freq_base", rope.contains("rope_theta") && rope["rope_theta"].is_number()
                                            ? rope["rope_theta"].get<double>()
                                            : (config_has(c, "rope_theta") ? config_num(c, "rope_theta") : 1000000.0));
    if (config_has(c, "attn_logit_softcapping"))
        throw Error("config.json", "", "attn_logit_softcapping is set, but Gemma 3 has none (llama.cpp ignores it)");
    if (config_has(c, "final_logit_softcapping") && config_num(c, "final_logit_softcapping") != 0)
        set_f32(r.kv, p + "final_logit_softcapping", config_num(c, "final_logit_softcapping"));
    if (!config_has(c, "sliding_window_pattern") || config_u64(c, "sliding_window_pattern") != 1)
        set_u32(r.kv, p + "attention.sliding_window", config_u64(c, "sliding_window"));
    set_u32(r.kv, p + "attention.head_count_kv", u("num_key_value_heads", 4));

    r.tensors = walk_tensors(in, gemma_walk(r.arch, h.n_layer, true));
    const uint64_t n_vocab = gemma3_real_vocab(in);
    for (auto& t : r.tensors)
        if (t.name == "token_embd.weight" && n_vocab && t.ne.size() == 2 && n_vocab < t.ne[1]) {
            t.ne[1] = n_vocab;
            t.source.slices[0].rows = n_vocab;
        }
    no_space_prefix(in, r);
    return r;
}

}  // namespace gs
