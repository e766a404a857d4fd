#include "core/plan/type_select.h"

#include "core/error.h"
#include "core/plan/mix_rules.h"
#include "core/plan/tensor_order.h"

namespace gs {
namespace {
using T = GgmlType;

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }
bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool is_quantized(T t) { return type_traits(t)->block_size > 1; }

// ggml_n_dims: trailing dimensions of size 1 do not count ([4096, 1] is 1-D).
size_t n_dims(const std::vector<uint64_t>& ne) {
    for (size_t i = ne.size(); i > 1; --i)
        if (ne[i - 1] > 1) return i;
    return 1;
}

// Why llama-quantize leaves a tensor alone (for the plan's "why" column).
std::string kept_reason(const std::string& name, size_t dims, bool quantize_output) {
    if (dims < 2) return "kept: 1-D";
    if (contains(name, "_norm.weight")) return "kept: norm";
    if (!quantize_output && name == "output.weight") return "kept: --leave-output-tensor";
    if (!ends_with(name, "weight")) return "kept: not a weight";
    return "kept: llama-quantize never quantizes it";
}

// A row length the chosen type cannot hold: llama-quantize's substitute, else F16.
T fallback_type(T t, uint64_t ncols, const std::string& name) {
    T r;
    switch (t) {
        case T::IQ1_S: case T::IQ1_M: case T::IQ2_XXS: case T::IQ2_XS: case T::IQ2_S: case T::IQ3_XXS:
        case T::IQ3_S: case T::IQ4_XS: r = T::IQ4_NL; break;
        case T::Q2_K: case T::Q3_K: case T::TQ1_0: case T::TQ2_0: r = T::Q4_0; break;
        case T::Q4_K: r = T::Q5_0; break;
        case T::Q5_K: r = T::Q5_1; break;
        case T::Q6_K: r = T::Q8_0; break;
        default:
            throw Error("", name, "row length " + std::to_string(ncols) + " is not a multiple of " +
                                      std::to_string(type_traits(t)->block_size) + " and llama.cpp has no fallback for " +
                                      type_name(t));
    }
    return ncols % type_traits(r)->block_size == 0 ? r : T::F16;
}
}  // namespace

TensorTypeRule parse_tensor_type_rule(const std::string& spec) {
    const size_t eq = spec.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
        throw Error("--tensor-type '" + spec + "': expected REGEX=TYPE");
    TensorTypeRule r;
    r.pattern = spec.substr(0, eq);
    const std::string type = spec.substr(eq + 1);
    auto t = type_from_name(type);
    if (!t) throw Error("--tensor-type '" + spec + "': unknown type '" + type + "'");
    r.type = *t;
    try {
        r.re = std::make_shared<const std::regex>(r.pattern);
    } catch (const std::regex_error& e) {
        throw Error("--tensor-type '" + spec + "': bad regular expression (" + e.what() + ")");
    }
    return r;
}

bool tensor_allows_quantization(const std::string& name, size_t dims, bool quantize_output_tensor) {
    if (dims < 2 || !ends_with(name, "weight")) return false;
    if (!quantize_output_tensor && name == "output.weight") return false;
    if (name == "position_embd.weight" || name == "token_types.weight") return false;  // BERT-style embeddings
    // small or special tensors llama-quantize always copies as they are
    static const char* const kNever[] = {
        "_norm.weight", "ffn_gate_inp.weight", "ffn_gate_tid2eid.weight", "altup", "laurel", "per_layer_model_proj",
        "ssm_conv1d", "shortconv.conv.weight", "indexer.k_proj.weight", "indexer.q_proj.weight",
        "time_mix_first.weight", "time_mix_w0.weight", "time_mix_w1.weight", "time_mix_w2.weight",
        "time_mix_v0.weight", "time_mix_v1.weight", "time_mix_v2.weight", "time_mix_a0.weight", "time_mix_a1.weight",
        "time_mix_a2.weight", "time_mix_g1.weight", "time_mix_g2.weight", "time_mix_decay_w1.weight",
        "time_mix_decay_w2.weight", "time_mix_lerp_fused.weight", "attn_rel_b.weight", ".position_embd",
        "sam.pos_embd", "sam.neck.", "sam.net_", ".rel_pos", ".patch_embd", ".patch_merger", "a.rvq.codebook",
        "mm.a.code_embd",
    };
    for (const char* part : kNever)
        if (contains(name, part)) return false;
    return true;
}

bool tensor_requires_imatrix(const std::string& name, GgmlType type, Ftype ftype) {
    if (mix::role_of(name) == mix::Role::Output || name == "token_embd.weight" || name == "per_layer_token_embd.weight")
        return false;
    switch (type) {
        case T::IQ3_XXS: case T::IQ2_XXS: case T::IQ2_XS: case T::IQ2_S: case T::IQ1_M: case T::IQ1_S: return true;
        case T::Q2_K: return ftype == Ftype::Q2_K_S;  // k-quants manage without, except Q2_K_S's Q2_K tensors
        default: return false;
    }
}

TypeSelection select_types(const QuantModel& model, Ftype ftype, const QuantOptions& opt,
                           const std::vector<TensorShape>& tensors) {
    const GgmlType def = ftype_info(ftype).default_type;
    mix::Walk walk;
    for (const auto& t : tensors) {
        const mix::Role r = mix::role_of(t.name);
        if (mix::is_attn_v_like(r)) ++walk.n_attention_wv;
        if (r == mix::Role::Output) walk.tied_embeddings = false;
    }
    walk.n_ffn_down = walk.n_ffn_gate = walk.n_ffn_up = static_cast<int>(model.n_layer);

    std::vector<std::string> names;
    names.reserve(tensors.size());
    for (const auto& t : tensors) names.push_back(t.name);

    TypeSelection sel;
    sel.tensors.resize(tensors.size());
    for (size_t idx : quantize_order(names)) {
        const TensorShape& t = tensors[idx];
        TypeChoice& c = sel.tensors[idx];
        const size_t dims = n_dims(t.ne);
        if (!tensor_allows_quantization(t.name, dims, !opt.leave_output_tensor)) {
            c.why = kept_reason(t.name, dims, !opt.leave_output_tensor);
            continue;
        }
        c.quantize = true;
        const mix::Role role = mix::role_of(t.name);
        if (opt.token_embedding_type && role == mix::Role::TokenEmbd) {
            c.type = *opt.token_embedding_type;
            c.why = "--token-embedding-type";
        } else if (opt.output_tensor_type && role == mix::Role::Output) {
            c.type = *opt.output_tensor_type;
            c.why = "--output-tensor-type";
        } else if (!is_quantized(def)) {
            c.type = def;
            c.why = "default";
        } else {
            c.type = def;
            c.why = "default";
            bool manual = false;
            for (const auto& rule : opt.tensor_types) {
                if (std::regex_search(t.name, *rule.re)) {
                    c.type = rule.type;
                    c.why = "--tensor-type " + rule.pattern;
                    manual = true;
                    break;
                }
            }
            if (!manual && !opt.pure) {
                mix::Pick p = mix::pick(walk, model, ftype, opt, t, role, def);
                c.type = p.type;
                c.why = std::move(p.why);
            } else if (!manual) {
                c.why = "--pure";
            }
            const uint64_t ncols = t.ne.empty() ? 1 : t.ne[0];
            if (ncols % type_traits(c.type)->block_size != 0) {
                const T from = c.type;
                c.type = fallback_type(from, ncols, t.name);
                c.fallback = true;
                c.why += std::string("; fallback ") + type_name(from) + " -> " + type_name(c.type) + " (row " +
                         std::to_string(ncols) + ")";
                ++sel.n_fallback;
            }
        }
        c.requires_imatrix = tensor_requires_imatrix(t.name, c.type, ftype);
    }
    return sel;
}

}  // namespace gs
