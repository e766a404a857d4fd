// GPT-2 as convert_hf_to_gguf.py's GPT2Model writes it: Conv1D weights (c_attn, c_proj, c_fc) are stored
// [in, out] and transposed to Linear's [out, in]; the causal-mask buffers (attn.bias, attn.masked_bias) are
// dropped. Checkpoints name tensors with or without the "transformer." prefix.
#include "core/arch/gpt2.h"

#include "core/arch/common.h"

namespace gs {

ArchResult map_gpt2(const ModelInput& in) {
    const auto& c = in.config;
    ArchResult r;
    r.arch = "gpt2";
    const std::string p = "gpt2.";
    const uint64_t n_embd = config_u64(c, "n_embd");
    set_u32(r.kv, p + "block_count", config_u64(c, "n_layer"));
    set_u32(r.kv, p + "context_length", config_u64(c, "n_ctx"));
    set_u32(r.kv, p + "embedding_length", n_embd);
    set_u32(r.kv, p + "feed_forward_length", 4 * n_embd);
    set_u32(r.kv, p + "attention.head_count", config_u64(c, "n_head"));
    set_f32(r.kv, p + "attention.layer_norm_epsilon", config_num(c, "layer_norm_epsilon"));

    bool prefixed = false;
    for (const auto& t : in.catalog.tensors) prefixed = prefixed || t.st.name.rfind("transformer.", 0) == 0;
    const std::string pre = prefixed ? "transformer." : "";
    TensorWalk w;
    w.arch = r.arch;
    w.n_layer = config_u64(c, "n_layer");
    w.layer_prefix = pre + "h.";
    w.globals = {{pre + "wte", "token_embd"}, {pre + "wpe", "position_embd"}, {pre + "ln_f", "output_norm"},
                 {"lm_head", "output"}};
    w.layer = {
        {"ln_1", "attn_norm"},       {"attn.c_attn", "attn_qkv"}, {"attn.c_proj", "attn_output"},
        {"ln_2", "ffn_norm"},        {"mlp.c_fc", "ffn_up"},      {"mlp.c_proj", "ffn_down"},
    };
    w.drop = {".attn.bias", ".attn.masked_bias"};
    const Catalog& cat = in.catalog;
    w.transform = [&cat](const std::string& hf, ArchTensor& t) {
        for (const char* s : {".c_attn.weight", ".c_proj.weight", ".c_fc.weight"}) {
            const std::string x(s);
            if (hf.size() >= x.size() && hf.compare(hf.size() - x.size(), x.size(), x) == 0)
                make_transposed(cat, t.source.slices[0].src, t);
        }
    };
    r.tensors = walk_tensors(in, w);
    return r;
}

}  // namespace gs
