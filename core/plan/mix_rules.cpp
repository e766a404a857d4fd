#include "core/plan/mix_rules.h"

#include <initializer_list>

#include "core/error.h"
#include "core/plan/tensor_order.h"

namespace gs::mix {
namespace {
using T = GgmlType;
using F = Ftype;

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

bool one_of(F f, std::initializer_list<F> l) {
    for (F x : l)
        if (x == f) return true;
    return false;
}

// llama.cpp's use_more_bits: the first and last eighth of the layers, and every third layer in between.
bool more_bits(int i, int n) { return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2; }

struct Layer {
    int i, n;
};

// The layer a ffn_* tensor belongs to: the running counter, except in expert models whose expert tensors need not
// come in layer order, where llama-quantize reads it from the name.
Layer layer_of(int counter, int n_layer, const QuantModel& m, const std::string& name) {
    if (m.n_expert <= 1) return {counter, n_layer};
    const int i = block_index(name);
    if (i < 0) throw Error("", name, "cannot determine the layer of this expert-model tensor (no blk.N. prefix)");
    if (i >= n_layer)
        throw Error("", name, "layer " + std::to_string(i) + " is outside 0.." + std::to_string(n_layer - 1));
    return {i, n_layer};
}

std::string layer_text(Layer l) { return std::to_string(l.i) + "/" + std::to_string(l.n); }
}  // namespace

Role role_of(const std::string& n) {
    if (n == "output.weight") return Role::Output;
    if (n == "token_embd.weight" || n == "per_layer_token_embd.weight") return Role::TokenEmbd;
    if (contains(n, "attn_qkv.weight")) return Role::AttnQkv;
    if (contains(n, "attn_kv_b.weight")) return Role::AttnKvB;
    if (contains(n, "attn_v.weight")) return Role::AttnV;
    if (contains(n, "attn_k.weight")) return Role::AttnK;
    if (contains(n, "attn_q.weight")) return Role::AttnQ;
    if (contains(n, "attn_output.weight")) return Role::AttnOutput;
    if (contains(n, "ffn_up")) return Role::FfnUp;
    if (contains(n, "ffn_gate")) return Role::FfnGate;
    if (contains(n, "ffn_down")) return Role::FfnDown;
    return Role::Other;
}

bool is_attn_v_like(Role r) { return r == Role::AttnV || r == Role::AttnQkv || r == Role::AttnKvB; }

Pick pick(Walk& w, const QuantModel& m, F ft, const QuantOptions& opt, const TensorShape& t, Role role,
          GgmlType default_type) {
    Pick p{default_type, "default"};
    auto set = [&](T type, std::string why) {
        p.type = type;
        p.why = std::move(why);
    };
    auto is = [&](std::initializer_list<F> l) { return one_of(ft, l); };
    const bool iq_low = is({F::IQ2_XXS, F::IQ2_XS, F::IQ1_S, F::IQ2_S, F::IQ2_M, F::IQ1_M});
    const bool gqa4 = m.n_gqa() >= 4;

    if (role == Role::Output || (w.tied_embeddings && role == Role::TokenEmbd)) {
        const std::string what = role == Role::Output ? "output" : "tied token_embd as output";
        const uint64_t nx = t.ne.empty() ? 0 : t.ne[0];
        if (opt.output_tensor_type) set(*opt.output_tensor_type, what + ": --output-tensor-type");
        else if (ft == F::MXFP4_MOE) set(T::Q8_0, what + ": MXFP4_MOE keeps it Q8_0");
        else if (m.is_falcon) set(T::Q8_0, what + ": Falcon");
        else if (nx % type_traits(p.type)->block_size != 0) set(T::Q8_0, what + ": row not a multiple of the block");
        else if (is({F::IQ2_XXS, F::IQ2_XS, F::IQ3_XXS, F::IQ1_S, F::IQ2_S, F::IQ2_M, F::IQ1_M}))
            set(T::Q5_K, what + ": low-bit IQ mix");
        else if (p.type != T::Q8_0) set(T::Q6_K, what);
        return p;
    }
    if (ft == F::MXFP4_MOE) {
        if (t.ne.size() > 2 && t.ne[2] > 1) set(T::MXFP4, "MXFP4_MOE: expert tensor");
        else set(T::Q8_0, "MXFP4_MOE: not an expert tensor");
        return p;
    }
    if (role == Role::TokenEmbd) {
        if (opt.token_embedding_type) set(*opt.token_embedding_type, "--token-embedding-type");
        else if (is({F::IQ2_XXS, F::IQ2_XS, F::IQ1_S, F::IQ1_M})) set(T::Q2_K, "token_embd: IQ1/IQ2 mix");
        else if (is({F::IQ2_S, F::IQ2_M, F::IQ3_XXS})) set(T::IQ3_S, "token_embd: IQ2_S/IQ2_M/IQ3_XXS mix");
        else if (is({F::TQ1_0, F::TQ2_0})) set(T::Q4_K, "token_embd: ternary mix");
        return p;
    }
    if (iq_low) {
        const bool s_or_m = is({F::IQ2_S, F::IQ2_M});
        if (is_attn_v_like(role)) {
            if (gqa4 || m.n_expert >= 4) set(T::Q4_K, "attn_v: GQA >= 4 or >= 4 experts");
            else set(s_or_m ? T::IQ3_S : T::Q2_K, "attn_v: low-bit IQ mix");
            ++w.i_attention_wv;
        } else if (m.n_expert == 8 && role == Role::AttnK) {
            set(T::Q4_K, "attn_k: 8 experts");
        } else if (role == Role::FfnDown) {
            if (w.i_ffn_down < w.n_ffn_down / 8)
                set(s_or_m ? T::IQ3_S : T::Q2_K, "ffn_down: first eighth (" + std::to_string(w.i_ffn_down) + ")");
            ++w.i_ffn_down;
        } else if (role == Role::AttnOutput) {
            if (m.n_expert == 8) set(T::Q5_K, "attn_output: 8 experts");
            else if (is({F::IQ1_S, F::IQ1_M})) set(T::IQ2_XXS, "attn_output: IQ1 mix");
            else if (s_or_m) set(T::IQ3_S, "attn_output: IQ2_S/IQ2_M mix");
        }
        return p;
    }
    if (is_attn_v_like(role)) {
        const int i = w.i_attention_wv, n = w.n_attention_wv;
        if (ft == F::Q2_K) set(gqa4 ? T::Q4_K : T::Q3_K, gqa4 ? "attn_v: Q2_K mix, GQA >= 4" : "attn_v: Q2_K mix");
        else if (ft == F::Q2_K_S && gqa4) set(T::Q4_K, "attn_v: GQA >= 4");
        else if (ft == F::IQ3_XXS)
            set(gqa4 ? T::Q4_K : !opt.has_imatrix ? T::IQ3_S : T::IQ3_XXS, gqa4 ? "attn_v: GQA >= 4" : "attn_v: IQ3_XXS mix");
        else if (is({F::IQ3_XS, F::IQ3_S}) && gqa4) set(T::Q4_K, "attn_v: GQA >= 4");
        else if (ft == F::IQ3_M) set(T::Q4_K, "attn_v: IQ3_M mix");
        else if (ft == F::Q3_K_M) set(i < 2 ? T::Q5_K : T::Q4_K, i < 2 ? "attn_v: first two" : "attn_v: Q3_K_M mix");
        else if (ft == F::Q3_K_L) set(T::Q5_K, "attn_v: Q3_K_L mix");
        else if (is({F::IQ4_NL, F::IQ4_XS}) && gqa4) set(T::Q5_K, "attn_v: GQA >= 4");
        else if (is({F::Q4_K_M, F::Q5_K_M}) && more_bits(i, n))
            set(T::Q6_K, "attn_v: more bits (" + std::to_string(i) + "/" + std::to_string(n) + ")");
        else if (ft == F::Q4_K_S && i < 4) set(T::Q5_K, "attn_v: first four");
        if (m.is_70b && (p.type == T::Q3_K || p.type == T::Q4_K)) set(T::Q5_K, "attn_v: 70B model");
        if (m.n_expert == 8) set(T::Q8_0, "attn_v: 8 experts");
        ++w.i_attention_wv;
    } else if (role == Role::AttnK) {
        if (m.n_expert == 8) set(T::Q8_0, "attn_k: 8 experts");
        else if (ft == F::IQ3_XS) set(T::IQ3_XXS, "attn_k: IQ3_XS mix");
        else if (ft == F::IQ3_XXS) set(T::IQ2_S, "attn_k: IQ3_XXS mix");
    } else if (role == Role::AttnQ) {
        if (ft == F::IQ3_XS) set(T::IQ3_XXS, "attn_q: IQ3_XS mix");
        else if (ft == F::IQ3_XXS) set(T::IQ2_S, "attn_q: IQ3_XXS mix");
    } else if (role == Role::FfnDown) {
        const Layer l = layer_of(w.i_ffn_down, w.n_ffn_down, m, t.name);
        const bool first8 = l.i < l.n / 8, more = more_bits(l.i, l.n);
        const std::string at = " (layer " + layer_text(l) + ")";
        if (ft == F::Q2_K) set(T::Q3_K, "ffn_down: Q2_K mix");
        else if (ft == F::Q2_K_S) { if (first8) set(T::Q4_K, "ffn_down: first eighth" + at); }
        else if (ft == F::IQ3_XXS && !opt.has_imatrix)
            set(first8 ? T::Q4_K : T::Q3_K, "ffn_down: IQ3_XXS without imatrix" + at);
        else if (ft == F::Q3_K_M)
            set(l.i < l.n / 16 ? T::Q5_K : !m.is_falcon || more ? T::Q4_K : T::Q3_K, "ffn_down: Q3_K_M mix" + at);
        else if (ft == F::IQ3_M && (first8 || (m.n_expert == 8 && more))) set(T::Q4_K, "ffn_down: IQ3_M mix" + at);
        else if (ft == F::Q3_K_L) set(m.is_falcon ? T::Q4_K : T::Q5_K, "ffn_down: Q3_K_L mix");
        else if (ft == F::Q4_K_M) {
            if (m.is_falcon) set(l.i < l.n / 16 ? T::Q6_K : more ? T::Q5_K : T::Q4_K, "ffn_down: Falcon Q4_K_M" + at);
            else if (more) set(T::Q6_K, "ffn_down: more bits" + at);
        } else if (first8 && is({F::IQ4_NL, F::IQ4_XS}) && !opt.has_imatrix)
            set(T::Q5_K, "ffn_down: first eighth without imatrix" + at);
        else if (ft == F::Q5_K_M && more) set(T::Q6_K, "ffn_down: more bits" + at);
        else if (ft == F::Q4_K_S && !m.is_falcon && first8) set(T::Q5_K, "ffn_down: first eighth" + at);
        else if (is({F::Q4_0, F::Q5_0}) && opt.has_imatrix && first8)
            set(ft == F::Q4_0 ? T::Q4_1 : T::Q5_1, "ffn_down: first eighth with imatrix" + at);
        ++w.i_ffn_down;
    } else if (role == Role::AttnOutput) {
        if (!m.is_falcon) {
            if (m.n_expert == 8) {
                if (is({F::Q2_K, F::IQ3_XS, F::IQ3_XXS, F::Q3_K_S, F::Q3_K_M, F::IQ4_NL, F::Q4_K_S, F::Q4_K_M, F::IQ3_S,
                        F::IQ3_M, F::IQ4_XS}))
                    set(T::Q5_K, "attn_output: 8 experts");
            } else if (ft == F::Q2_K) set(T::Q3_K, "attn_output: Q2_K mix");
            else if (ft == F::IQ3_XXS) set(T::IQ3_S, "attn_output: IQ3_XXS mix");
            else if (ft == F::Q3_K_M) set(T::Q4_K, "attn_output: Q3_K_M mix");
            else if (ft == F::Q3_K_L) set(T::Q5_K, "attn_output: Q3_K_L mix");
            else if (ft == F::IQ3_M) set(T::Q4_K, "attn_output: IQ3_M mix");
        } else if (ft == F::Q3_K_L) {
            set(T::Q4_K, "attn_output: Falcon Q3_K_L");
        }
    } else if (role == Role::FfnGate || role == Role::FfnUp) {
        int& counter = role == Role::FfnGate ? w.i_ffn_gate : w.i_ffn_up;
        const Layer l = layer_of(counter, role == Role::FfnGate ? w.n_ffn_gate : w.n_ffn_up, m, t.name);
        if (ft == F::IQ3_XS && l.i >= l.n / 8 && l.i < 7 * l.n / 8)
            set(T::IQ3_XXS, std::string(role == Role::FfnGate ? "ffn_gate" : "ffn_up") + ": IQ3_XS middle layers");
        ++counter;
    }
    // attn_qkv has its own rules in llama.cpp, but they sit behind the attn_v branch that already took it.
    return p;
}

}  // namespace gs::mix
