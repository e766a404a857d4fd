// The tensor lists (GGUF names and ggml shapes) of the models llama.cpp's type-selection snapshots describe, rebuilt
// from the snapshot header and each architecture's layout as llama.cpp's loader expects it (src/models/<arch>.cpp).
// Only names and the row length ne[0] (fallbacks) and ne[2] (expert tensors) can change a type; norms, biases and
// other 1-D tensors are listed anyway so the "never quantized" rules are exercised too. A snapshot's MXFP4_MOE section
// lists every quantizable non-expert tensor (all become q8_0 there), which is how the hybrid layer patterns below
// were confirmed.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/gguf/value.h"
#include "core/plan/quant_model.h"
#include "tests/unit/schema_support.h"

namespace gs::test {

enum class Layout {
    Llama, Qwen3, Gemma3, GptOss, DeepSeek3,
    Glm4Moe,       // glm4moe: GQA with q/k/v biases, leading dense layers, then routed + one shared expert
    Step35,        // step35: GQA + head-wise attn_gate, leading dense layers, then routed + shared experts
    Qwen3Next,     // qwen3next: gated-delta-net layers (attn_qkv, attn_gate, ssm_ba, ssm_out) + full attention
                   // every full_attn_interval-th layer; every layer MoE with a shared expert
    Qwen35,        // qwen35: as Qwen3Next with ssm_beta/ssm_alpha split, dense FFN
    Qwen35Moe,     // qwen35moe: as Qwen35 with Qwen3Next's MoE
    NemotronHMoe,  // nemotron_h_moe: one of Mamba2 / attention / MoE (up+down, relu^2) per layer, per `pattern`
};

// Config facts the snapshot header does not carry.
struct LayoutDims {
    uint64_t head_dim = 128;
    uint64_t n_ff_exp = 0;         // routed expert FFN width
    uint64_t n_ff_shexp = 0;       // shared expert FFN width (0: none)
    uint32_t n_dense_lead = 0;     // leading dense-FFN layers of an MoE model
    // gated delta net (linear attention) layers
    uint32_t full_attn_interval = 0;  // layer i is full attention when (i + 1) % interval == 0
    uint64_t lin_k_heads = 0, lin_v_heads = 0, lin_head_dim = 0;
    // Nemotron-H: per layer 'M' Mamba2, '*' attention, 'E' MoE; attention layers' kv heads (the header shows
    // layer 0's count, 0 for a Mamba layer)
    std::string pattern;
    uint64_t attn_n_head_kv = 0;
    uint64_t ssm_d_inner = 0, ssm_n_group = 0, ssm_d_state = 0, ssm_n_head = 0, ssm_d_conv = 4;
};

inline const char* gguf_arch(Layout layout) {
    switch (layout) {
        case Layout::Llama: return "llama";
        case Layout::Qwen3: return "qwen3";
        case Layout::Gemma3: return "gemma3";
        case Layout::GptOss: return "gpt-oss";
        case Layout::DeepSeek3: return "deepseek2";
        case Layout::Glm4Moe: return "glm4moe";
        case Layout::Step35: return "step35";
        case Layout::Qwen3Next: return "qwen3next";
        case Layout::Qwen35: return "qwen35";
        case Layout::Qwen35Moe: return "qwen35moe";
        case Layout::NemotronHMoe: return "nemotron_h_moe";
    }
    return "?";
}

// The hyperparameter keys llama-quantize reads, as the model's GGUF stores them: Nemotron-H keeps its kv head
// count per layer (0 for Mamba and MoE layers), which the snapshot header shows as layer 0's value.
inline Metadata layout_metadata(Layout layout, const Schema& s, const LayoutDims& d) {
    auto h = [&](const char* k) { return s.header.count(k) ? s.header.at(k) : 0; };
    const std::string a = gguf_arch(layout);
    Metadata kv;
    kv.push_back({"general.architecture", Value::str(a)});
    kv.push_back({a + ".block_count", Value::u32(static_cast<uint32_t>(h("n_layer")))});
    kv.push_back({a + ".embedding_length", Value::u32(static_cast<uint32_t>(h("n_embd")))});
    kv.push_back({a + ".attention.head_count", Value::u32(static_cast<uint32_t>(h("n_head")))});
    if (layout == Layout::NemotronHMoe) {
        std::vector<uint32_t> per_layer;
        for (char c : d.pattern) per_layer.push_back(c == '*' ? static_cast<uint32_t>(d.attn_n_head_kv) : 0);
        kv.push_back({a + ".attention.head_count_kv", Value::u32_array(per_layer)});
    } else {
        kv.push_back({a + ".attention.head_count_kv", Value::u32(static_cast<uint32_t>(h("n_head_kv")))});
    }
    if (h("n_expert")) kv.push_back({a + ".expert_count", Value::u32(static_cast<uint32_t>(h("n_expert")))});
    return kv;
}

inline ModelTensors build_model_tensors(Layout layout, const Schema& s, const LayoutDims& d, bool with_output) {
    auto h = [&](const char* k) { return s.header.count(k) ? s.header.at(k) : 0; };
    const uint64_t E = h("n_embd"), FF = h("n_ff"), V = h("n_vocab") ? h("n_vocab") : 32000, L = h("n_layer");
    const uint64_t H = h("n_head"), HKV = h("n_head_kv"), X = h("n_expert"), hd = d.head_dim;
    ModelTensors m;
    m.model = quant_model_of(gguf_arch(layout), layout_metadata(layout, s, d));
    auto add = [&](std::string name, std::vector<uint64_t> ne) { m.tensors.push_back({std::move(name), std::move(ne)}); };
    add("token_embd.weight", {E, V});
    add("output_norm.weight", {E});
    if (with_output) add("output.weight", {E, V});

    auto attention = [&](const std::string& b, uint64_t n_q_rows, uint64_t n_kv_heads) {
        add(b + "attn_q.weight", {E, n_q_rows});
        add(b + "attn_k.weight", {E, n_kv_heads * hd});
        add(b + "attn_v.weight", {E, n_kv_heads * hd});
        add(b + "attn_output.weight", {H * hd, E});
    };
    auto dense_ffn = [&](const std::string& b, uint64_t ff) {
        add(b + "ffn_gate.weight", {E, ff});
        add(b + "ffn_up.weight", {E, ff});
        add(b + "ffn_down.weight", {ff, E});
    };
    auto experts = [&](const std::string& b, bool gated) {
        add(b + "ffn_gate_inp.weight", {E, X});
        if (gated) add(b + "ffn_gate_exps.weight", {E, d.n_ff_exp, X});
        add(b + "ffn_up_exps.weight", {E, d.n_ff_exp, X});
        add(b + "ffn_down_exps.weight", {d.n_ff_exp, E, X});
    };
    auto shared_expert = [&](const std::string& b, bool gated) {
        if (gated) add(b + "ffn_gate_shexp.weight", {E, d.n_ff_shexp});
        add(b + "ffn_up_shexp.weight", {E, d.n_ff_shexp});
        add(b + "ffn_down_shexp.weight", {d.n_ff_shexp, E});
    };
    // Qwen3-Next / Qwen3.5 gated delta net block (the converter splits in_proj_qkvz into attn_qkv + attn_gate)
    auto delta_net = [&](const std::string& b, bool split_beta_alpha) {
        const uint64_t key_dim = d.lin_k_heads * d.lin_head_dim, value_dim = d.lin_v_heads * d.lin_head_dim;
        const uint64_t conv_dim = 2 * key_dim + value_dim;
        add(b + "attn_qkv.weight", {E, conv_dim});
        add(b + "attn_gate.weight", {E, value_dim});
        add(b + "ssm_conv1d.weight", {d.ssm_d_conv, conv_dim});
        add(b + "ssm_dt.bias", {d.lin_v_heads});
        add(b + "ssm_a", {d.lin_v_heads});
        if (split_beta_alpha) {
            add(b + "ssm_beta.weight", {E, d.lin_v_heads});
            add(b + "ssm_alpha.weight", {E, d.lin_v_heads});
        } else {
            add(b + "ssm_ba.weight", {E, 2 * d.lin_v_heads});
        }
        add(b + "ssm_norm.weight", {d.lin_head_dim});
        add(b + "ssm_out.weight", {value_dim, E});
    };

    for (uint64_t i = 0; i < L; ++i) {
        const std::string b = "blk." + std::to_string(i) + ".";
        add(b + "attn_norm.weight", {E});
        switch (layout) {
            case Layout::Glm4Moe:
                attention(b, H * hd, HKV);
                add(b + "attn_q.bias", {H * hd});
                add(b + "attn_k.bias", {HKV * hd});
                add(b + "attn_v.bias", {HKV * hd});
                add(b + "post_attention_norm.weight", {E});
                if (i < d.n_dense_lead) {
                    dense_ffn(b, FF);
                } else {
                    experts(b, true);
                    add(b + "exp_probs_b.bias", {X});
                    shared_expert(b, true);
                }
                continue;
            case Layout::Step35:
                add(b + "attn_q_norm.weight", {hd});
                add(b + "attn_k_norm.weight", {hd});
                attention(b, H * hd, HKV);
                add(b + "attn_gate.weight", {E, H});
                add(b + "ffn_norm.weight", {E});
                if (i < d.n_dense_lead) {
                    dense_ffn(b, FF);
                } else {
                    experts(b, true);
                    add(b + "exp_probs_b.bias", {X});
                    shared_expert(b, true);
                }
                continue;
            case Layout::Qwen3Next:
            case Layout::Qwen35:
            case Layout::Qwen35Moe:
                add(b + "post_attention_norm.weight", {E});
                if ((i + 1) % d.full_attn_interval == 0) {
                    attention(b, 2 * H * hd, HKV);  // attn_q carries the output gate too
                    add(b + "attn_q_norm.weight", {hd});
                    add(b + "attn_k_norm.weight", {hd});
                } else {
                    delta_net(b, layout != Layout::Qwen3Next);
                }
                if (layout == Layout::Qwen35) {
                    dense_ffn(b, FF);
                } else {
                    experts(b, true);
                    add(b + "ffn_gate_inp_shexp.weight", {E});
                    shared_expert(b, true);
                }
                continue;
            case Layout::NemotronHMoe: {
                const char kind = i < d.pattern.size() ? d.pattern[i] : '?';
                if (kind == 'M') {
                    const uint64_t bc = 2 * d.ssm_n_group * d.ssm_d_state;
                    add(b + "ssm_in.weight", {E, 2 * d.ssm_d_inner + bc + d.ssm_n_head});
                    add(b + "ssm_conv1d.weight", {d.ssm_d_conv, d.ssm_d_inner + bc});
                    add(b + "ssm_conv1d.bias", {d.ssm_d_inner + bc});
                    add(b + "ssm_dt.bias", {d.ssm_n_head});
                    add(b + "ssm_a", {1, d.ssm_n_head});
                    add(b + "ssm_d", {1, d.ssm_n_head});
                    add(b + "ssm_norm.weight", {d.ssm_d_inner / d.ssm_n_group, d.ssm_n_group});
                    add(b + "ssm_out.weight", {d.ssm_d_inner, E});
                } else if (kind == '*') {
                    attention(b, H * hd, d.attn_n_head_kv);
                } else if (kind == 'E') {
                    experts(b, false);
                    add(b + "exp_probs_b.bias", {X});
                    shared_expert(b, false);
                } else {
                    throw std::runtime_error("Nemotron-H pattern has no entry for layer " + std::to_string(i));
                }
                continue;
            }
            default:
                break;
        }
        if (layout == Layout::DeepSeek3) {
            // MLA as current GGUFs store it: q through a low-rank pair, kv_b split into k_b / v_b per head
            const uint64_t q_lora = 1536, kv_lora = 512, nope = 128, rope = 64, v_dim = 128;
            add(b + "attn_q_a.weight", {E, q_lora});
            add(b + "attn_q_a_norm.weight", {q_lora});
            add(b + "attn_q_b.weight", {q_lora, H * (nope + rope)});
            add(b + "attn_kv_a_mqa.weight", {E, kv_lora + rope});
            add(b + "attn_kv_a_norm.weight", {kv_lora});
            add(b + "attn_k_b.weight", {nope, kv_lora, H});
            add(b + "attn_v_b.weight", {kv_lora, v_dim, H});
            add(b + "attn_output.weight", {H * v_dim, E});
        } else {
            attention(b, H * hd, HKV);
        }
        if (layout == Layout::Qwen3 || layout == Layout::Gemma3) {
            add(b + "attn_q_norm.weight", {hd});
            add(b + "attn_k_norm.weight", {hd});
        }
        if (layout == Layout::GptOss) {
            add(b + "attn_q.bias", {H * hd});
            add(b + "attn_k.bias", {HKV * hd});
            add(b + "attn_v.bias", {HKV * hd});
            add(b + "attn_output.bias", {E});
            add(b + "attn_sinks.weight", {H});
            add(b + "post_attention_norm.weight", {E});
            add(b + "ffn_gate_inp.weight", {E, X});
            add(b + "ffn_gate_inp.bias", {X});
            add(b + "ffn_gate_exps.weight", {E, FF, X});
            add(b + "ffn_up_exps.weight", {E, FF, X});
            add(b + "ffn_down_exps.weight", {FF, E, X});
            add(b + "ffn_gate_exps.bias", {FF, X});
            add(b + "ffn_up_exps.bias", {FF, X});
            add(b + "ffn_down_exps.bias", {E, X});
            continue;
        }
        if (layout == Layout::Gemma3) add(b + "post_attention_norm.weight", {E});
        add(b + "ffn_norm.weight", {E});
        if (layout == Layout::DeepSeek3 && i >= 3) {
            const uint64_t moe_ff = 2048;
            add(b + "ffn_gate_inp.weight", {E, X});
            add(b + "exp_probs_b.bias", {X});
            add(b + "ffn_gate_exps.weight", {E, moe_ff, X});
            add(b + "ffn_up_exps.weight", {E, moe_ff, X});
            add(b + "ffn_down_exps.weight", {moe_ff, E, X});
            add(b + "ffn_gate_shexp.weight", {E, moe_ff});
            add(b + "ffn_up_shexp.weight", {E, moe_ff});
            add(b + "ffn_down_shexp.weight", {moe_ff, E});
            continue;
        }
        dense_ffn(b, FF);
        if (layout == Layout::Gemma3) add(b + "post_ffw_norm.weight", {E});
    }
    return m;
}

}  // namespace gs::test
