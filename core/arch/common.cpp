#include "core/arch/common.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/error.h"

namespace gs {
namespace {
bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

std::vector<uint64_t> ggml_order(const std::vector<uint64_t>& shape) { return {shape.rbegin(), shape.rend()}; }

// The converter's map_tensor_name: the module name with ".weight" or ".bias" removed, else the whole name.
const NameRule* find_rule(const std::vector<NameRule>& rules, const std::string& name, std::string& suffix) {
    for (const char* s : {".weight", ".bias"}) {
        if (!ends_with(name, s)) continue;
        const std::string module = name.substr(0, name.size() - std::string(s).size());
        for (const auto& r : rules)
            if (r.hf == module) {
                suffix = s;
                return &r;
            }
    }
    for (const auto& r : rules)
        if (r.hf == name) {
            suffix.clear();
            return &r;
        }
    return nullptr;
}

// "model.layers.12.rest" -> (12, "rest").
bool split_layer(const std::string& name, const std::string& prefix, uint64_t& layer, std::string& rest) {
    if (!starts_with(name, prefix)) return false;
    size_t i = prefix.size(), j = i;
    while (j < name.size() && name[j] >= '0' && name[j] <= '9') ++j;
    if (j == i || j >= name.size() || name[j] != '.' || j - i > 9) return false;
    layer = std::stoull(name.substr(i, j - i));
    rest = name.substr(j + 1);
    return true;
}

// "<X>.<part>.weight" -> (X, part).
bool split_expert(const std::string& rest, uint64_t& xid, std::string& part) {
    size_t j = 0;
    while (j < rest.size() && rest[j] >= '0' && rest[j] <= '9') ++j;
    if (j == 0 || j >= rest.size() || rest[j] != '.' || j > 9 || !ends_with(rest, ".weight")) return false;
    xid = std::stoull(rest.substr(0, j));
    part = rest.substr(j + 1, rest.size() - j - 1 - 7);
    return true;
}

struct PendingExperts {
    std::map<std::string, std::vector<size_t>> by_part;  // part -> catalog index per expert (SIZE_MAX = missing)
    size_t count = 0;
};
}  // namespace

const std::vector<NameRule>& llama_layer_rules() {
    static const std::vector<NameRule> rules = {
        {"input_layernorm", "attn_norm"},
        {"self_attn.q_proj", "attn_q"},
        {"self_attn.k_proj", "attn_k"},
        {"self_attn.v_proj", "attn_v"},
        {"self_attn.o_proj", "attn_output"},
        {"post_attention_layernorm", "ffn_norm"},
        {"mlp.gate_proj", "ffn_gate"},
        {"mlp.up_proj", "ffn_up"},
        {"mlp.down_proj", "ffn_down"},
    };
    return rules;
}

const std::vector<NameRule>& llama_global_rules() {
    static const std::vector<NameRule> rules = {
        {"model.embed_tokens", "token_embd"},
        {"model.norm", "output_norm"},
        {"lm_head", "output"},
    };
    return rules;
}

bool converter_keeps_f32(const std::string& n, size_t n_dims) {
    if (n_dims <= 1 || ends_with(n, "_norm.weight") || !ends_with(n, ".weight")) return true;
    if (n == "position_embd.weight") return true;
    // blk.N.ffn_gate_inp.weight exactly (the shared-expert gate ffn_gate_inp_shexp is not matched by the converter)
    return starts_with(n, "blk.") && ends_with(n, ".ffn_gate_inp.weight");
}

void make_transposed(const Catalog& c, size_t src, ArchTensor& t) {
    const auto& shape = c.tensors[src].st.shape;
    if (shape.size() != 2)
        throw Error(c.files[c.tensors[src].file].name, c.tensors[src].st.name, "expected a 2-D tensor to transpose");
    t.source.slices = {{src, 0, shape[1]}};
    t.source.transpose = true;
    t.ne = {shape[0], shape[1]};
}

std::vector<ArchTensor> walk_tensors(const ModelInput& in, const TensorWalk& w) {
    const Catalog& cat = in.catalog;
    std::vector<size_t> order(cat.tensors.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    // safetensors' keys() are sorted; the converter walks shards in order
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const auto& x = cat.tensors[a];
        const auto& y = cat.tensors[b];
        return x.file != y.file ? x.file < y.file : x.st.name < y.st.name;
    });
    bool has_embed = false;
    for (const auto& r : w.globals)
        if (r.gguf == "token_embd" && (cat.find(r.hf + ".weight") || cat.find(r.hf))) has_embed = true;

    // Each expert has its own tensors, so a count beyond the checkpoint's tensors is wrong, and must not size anything.
    if (w.experts.n_expert > cat.tensors.size())
        throw Error("config.json", "", "the number of experts (" + std::to_string(w.experts.n_expert) +
                                           ") is more than the checkpoint has tensors (" +
                                           std::to_string(cat.tensors.size()) + ")");
    std::vector<ArchTensor> out;
    std::set<uint64_t> layers_seen;
    std::map<uint64_t, PendingExperts> pending;
    const std::string container = w.experts.container + ".";
    for (size_t i : order) {
        const auto& t = cat.tensors[i].st;
        const std::string& file = cat.files[cat.tensors[i].file].name;
        if (cat.tensors[i].consumed) continue;  // FP8 scales: read with their weights (core/model/weight_scales.h)
        if (std::any_of(w.drop.begin(), w.drop.end(), [&](const std::string& s) { return ends_with(t.name, s); }))
            continue;
        ArchTensor a;
        a.source = whole(cat, i);
        a.ne = ggml_order(t.shape);
        std::string suffix, rest;
        uint64_t layer = 0;
        if (split_layer(t.name, w.layer_prefix, layer, rest)) {
            if (layer >= w.n_layer)
                throw Error(file, t.name, "layer index is beyond num_hidden_layers = " + std::to_string(w.n_layer));
            layers_seen.insert(layer);
            uint64_t xid = 0;
            std::string part;
            if (w.experts.n_expert && starts_with(rest, container) &&
                split_expert(rest.substr(container.size()), xid, part)) {
                auto p = std::find_if(w.experts.parts.begin(), w.experts.parts.end(),
                                      [&](const NameRule& r) { return r.hf == part; });
                if (p == w.experts.parts.end() || xid >= w.experts.n_expert)
                    throw Error(file, t.name, "unexpected expert tensor for architecture " + w.arch + " with " +
                                                  std::to_string(w.experts.n_expert) + " experts");
                if (t.shape.size() != 2) throw Error(file, t.name, "an expert weight must be 2-D");
                PendingExperts& pe = pending[layer];
                auto& slot = pe.by_part[part];
                slot.resize(w.experts.n_expert, SIZE_MAX);
                if (slot[xid] != SIZE_MAX) throw Error(file, t.name, "expert tensor given twice");
                slot[xid] = i;
                if (++pe.count < w.experts.n_expert * w.experts.parts.size()) continue;
                for (const auto& pr : w.experts.parts) {
                    const auto& ids = pe.by_part[pr.hf];
                    const auto& first = cat.tensors[ids[0]].st;
                    ArchTensor e;
                    e.name = "blk." + std::to_string(layer) + "." + pr.gguf + ".weight";
                    e.ne = {first.shape[1], first.shape[0], w.experts.n_expert};
                    for (size_t x : ids) e.source.slices.push_back({x, 0, cat.tensors[x].st.shape[0]});
                    if (w.transform) w.transform(t.name, e);
                    e.keep_f32 = converter_keeps_f32(e.name, e.ne.size());
                    out.push_back(std::move(e));
                }
                pending.erase(layer);
                continue;
            }
            if (const NameRule* r = find_rule(w.layer, rest, suffix))
                a.name = "blk." + std::to_string(layer) + "." + r->gguf + suffix;
        } else if (const NameRule* r = find_rule(w.globals, t.name, suffix)) {
            a.name = r->gguf + suffix;
            if (w.lm_head_fills_missing_embd && !has_embed && a.name == "output.weight") a.name = "token_embd.weight";
        }
        if (a.name.empty()) throw Error(file, t.name, "not recognised for architecture " + w.arch +
                                                      ": no GGUF name for it (llama.cpp's converter: \"Can not map tensor\")");
        if (w.transform) w.transform(t.name, a);
        a.keep_f32 = converter_keeps_f32(a.name, a.ne.size());
        out.push_back(std::move(a));
    }
    // A layer without a single tensor: config.json promises more layers than the checkpoint has (llama.cpp would
    // stop at the first missing tensor when loading the GGUF).
    uint64_t first_missing = 0;
    while (layers_seen.count(first_missing)) ++first_missing;
    if (first_missing < w.n_layer)
        throw Error(cat.listing, "", "has no tensors of layer " + std::to_string(first_missing) + " (" + w.layer_prefix +
                                         std::to_string(first_missing) + ".*), but config.json's num_hidden_layers is " +
                                         std::to_string(w.n_layer));
    if (!pending.empty()) {
        const auto& [layer, pe] = *pending.begin();
        throw Error("", "", "layer " + std::to_string(layer) + " has " + std::to_string(pe.count) + " of its " +
                                std::to_string(w.experts.n_expert * w.experts.parts.size()) +
                                " expert tensors (" + w.experts.container + ")");
    }
    return out;
}

const nlohmann::json* config_find(const nlohmann::json& c, std::initializer_list<const char*> keys) {
    for (const char* k : keys) {
        auto it = c.find(k);
        if (it != c.end() && !it->is_null()) return &*it;
    }
    return nullptr;
}

double config_num(const nlohmann::json& c, const char* key) {
    auto it = c.find(key);
    if (it == c.end() || it->is_null()) throw Error("config.json", "", std::string("missing \"") + key + "\"");
    if (!it->is_number()) throw Error("config.json", "", std::string("\"") + key + "\" must be a number");
    return it->get<double>();
}

void set_u32(Metadata& kv, const std::string& key, uint64_t v) {
    if (v > UINT32_MAX) throw Error("config.json", "", key + " = " + std::to_string(v) + " does not fit in 32 bits");
    set(kv, key, Value::u32(static_cast<uint32_t>(v)));
}

void set_f32(Metadata& kv, const std::string& key, double v) { set(kv, key, Value::f32(static_cast<float>(v))); }

uint64_t config_value_u64(const nlohmann::json& v, const char* what) {
    if (!v.is_number_integer() || v.get<int64_t>() < 0)
        throw Error("config.json", "", std::string("\"") + what + "\" must be a non-negative integer, got " + v.dump());
    return v.get<uint64_t>();
}
double config_value_num(const nlohmann::json& v, const char* what) {
    if (!v.is_number()) throw Error("config.json", "", std::string("\"") + what + "\" must be a number, got " + v.dump());
    return v.get<double>();
}

std::string rope_type_of(const nlohmann::json& rope) {
    for (const char* key : {"rope_type", "type"}) {
        auto it = rope.is_object() ? rope.find(key) : rope.end();
        if (it == rope.end() || it->is_null()) continue;
        if (!it->is_string())
            throw Error("config.json", "", std::string("rope scaling \"") + key + "\" must be a string, got " + it->dump());
        return it->get<std::string>();
    }
    return "";
}

void check_head_dim(const ModelInput& in, uint64_t head_dim) {
    uint64_t largest = 0;
    for (const auto& t : in.catalog.tensors)
        for (uint64_t d : t.st.shape) largest = std::max(largest, d);
    if (head_dim > largest)
        throw Error("config.json", "", "head_dim " + std::to_string(head_dim) +
                                           " is larger than any tensor dimension of the checkpoint (" +
                                           std::to_string(largest) + ")");
}

namespace {
uint64_t as_u64(const nlohmann::json& v, const char* what) { return config_value_u64(v, what); }
double as_num(const nlohmann::json& v, const char* what) { return config_value_num(v, what); }
}  // namespace

void text_model_keys(Metadata& kv, const std::string& arch, const nlohmann::json& c) {
    const std::string p = arch + ".";
    set_u32(kv, p + "block_count", config_u64(c, "num_hidden_layers"));
    if (auto v = config_find(c, {"max_position_embeddings", "n_ctx", "n_positions", "max_length", "max_sequence_length",
                                  "model_max_length"}))
        set_u32(kv, p + "context_length", as_u64(*v, "max_position_embeddings"));
    if (auto v = config_find(c, {"hidden_size", "n_embd", "dim"})) set_u32(kv, p + "embedding_length", as_u64(*v, "hidden_size"));
    if (auto v = config_find(c, {"intermediate_size", "n_inner", "hidden_dim"}))
        set_u32(kv, p + "feed_forward_length", as_u64(*v, "intermediate_size"));
    if (auto v = config_find(c, {"num_attention_heads", "n_head", "n_heads"}))
        set_u32(kv, p + "attention.head_count", as_u64(*v, "num_attention_heads"));
    if (auto v = config_find(c, {"num_key_value_heads", "n_kv_heads"}))
        set_u32(kv, p + "attention.head_count_kv", as_u64(*v, "num_key_value_heads"));

    // rope_parameters (transformers 5) or rope_scaling; rope_theta may live at the top level or inside them
    nlohmann::json rope = nlohmann::json::object(), sliding = nlohmann::json::object();
    if (auto v = config_find(c, {"rope_parameters", "rope_scaling"}); v && v->is_object()) rope = *v;
    if (rope.contains("sliding_attention") && rope["sliding_attention"].is_object()) sliding = rope["sliding_attention"];
    if (rope.contains("full_attention") && rope["full_attention"].is_object()) rope = rope["full_attention"];
    const std::string rope_type = rope_type_of(rope);
    const nlohmann::json* factor = rope.contains("factor") && !rope["factor"].is_null() ? &rope["factor"] : nullptr;
    if (rope_type == "linear" && factor) {
        set(kv, p + "rope.scaling.type", Value::str("linear"));
        set_f32(kv, p + "rope.scaling.factor", as_num(*factor, "rope_scaling.factor"));
    } else if (rope_type == "yarn" && factor) {
        set(kv, p + "rope.scaling.type", Value::str("yarn"));
        set_f32(kv, p + "rope.scaling.factor", as_num(*factor, "rope_scaling.factor"));
        if (!rope.contains("original_max_position_embeddings"))
            throw Error("config.json", "", "yarn rope scaling needs original_max_position_embeddings");
        set_u32(kv, p + "rope.scaling.original_context_length",
                as_u64(rope["original_max_position_embeddings"], "original_max_position_embeddings"));
    } else if (rope_type == "su" || rope_type == "longrope") {
        set(kv, p + "rope.scaling.type", Value::str("longrope"));
    } else if (!rope_type.empty() && rope_type != "default" && rope_type != "dynamic" && rope_type != "llama3" &&
               rope_type != "Llama3") {
        // llama3 is the llama family's generated rope_freqs tensor; anything else the converter would only warn
        // about, leaving a GGUF with wrong positions: refuse it
        throw Error("config.json", "", "rope scaling type \"" + rope_type + "\" is not supported yet");
    }
    const nlohmann::json* theta = rope.contains("rope_theta") && !rope["rope_theta"].is_null()
                                      ? &rope["rope_theta"]
                                      : config_find(c, {"global_rope_theta", "rope_global_theta", "rope_theta_global",
                                                        "rope_theta", "rotary_emb_base"});
    if (theta) set_f32(kv, p + "rope.freq_base", as_num(*theta, "rope_theta"));
    if (sliding.contains("rope_theta") && !sliding["rope_theta"].is_null())
        set_f32(kv, p + "rope.freq_base_swa", as_num(sliding["rope_theta"], "rope_theta"));
    else if (auto v = config_find(c, {"local_rope_theta", "rope_local_theta", "rope_theta_local", "swa_rope_theta",
                                  "rope_local_base_freq"}))
        set_f32(kv, p + "rope.freq_base_swa", as_num(*v, "rope_local_base_freq"));
    if (auto v = config_find(c, {"rms_norm_eps", "norm_eps"}))
        set_f32(kv, p + "attention.layer_norm_rms_epsilon", as_num(*v, "rms_norm_eps"));
    if (auto v = config_find(c, {"layer_norm_eps", "layer_norm_epsilon", "norm_epsilon"}))
        set_f32(kv, p + "attention.layer_norm_epsilon", as_num(*v, "layer_norm_eps"));
    if (auto v = config_find(c, {"num_local_experts", "num_experts"})) set_u32(kv, p + "expert_count", as_u64(*v, "num_experts"));
    if (auto v = config_find(c, {"num_experts_per_tok", "num_experts_per_token", "top_k_experts"}))
        set_u32(kv, p + "expert_used_count", as_u64(*v, "num_experts_per_tok"));
    if (auto v = config_find(c, {"head_dim"})) {
        set_u32(kv, p + "attention.key_length", as_u64(*v, "head_dim"));
        set_u32(kv, p + "attention.value_length", as_u64(*v, "head_dim"));
    }
}

Heads config_heads(const nlohmann::json& c) {
    Heads h;
    h.n_layer = config_u64(c, "num_hidden_layers");
    h.n_embd = config_u64(c, "hidden_size");
    h.n_head = config_u64(c, "num_attention_heads");
    h.n_head_kv = config_has(c, "num_key_value_heads") ? config_u64(c, "num_key_value_heads") : h.n_head;
    if (h.n_head == 0 || h.n_head_kv == 0 || h.n_head % h.n_head_kv != 0)
        throw Error("config.json", "", "num_attention_heads " + std::to_string(h.n_head) +
                                           " must be a positive multiple of num_key_value_heads " + std::to_string(h.n_head_kv));
    if (!config_has(c, "head_dim") && h.n_embd % h.n_head != 0)
        throw Error("config.json", "", "hidden_size " + std::to_string(h.n_embd) + " is not a multiple of num_attention_heads " +
                                           std::to_string(h.n_head) + " (and there is no head_dim)");
    h.head_dim = config_has(c, "head_dim") ? config_u64(c, "head_dim") : h.n_embd / h.n_head;
    return h;
}

namespace {
struct Dim {
    uint64_t v = 0;  // 0: config.json does not say, any size goes
    std::string label;
};

std::string shape_text(const std::vector<uint64_t>& d) {
    std::string s = "[";
    for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
    return s + "]";
}

// ggml order (innermost first), as ArchTensor::ne.
std::vector<Dim> llama_expected(const std::string& base, const Dim& E, const Dim& V, const Dim& Q, const Dim& KV, const Dim& F) {
    if (base == "token_embd.weight" || base == "output.weight") return {E, V};
    if (base == "output_norm.weight" || base == "attn_norm.weight" || base == "ffn_norm.weight") return {E};
    if (base == "attn_q.weight") return {E, Q};
    if (base == "attn_k.weight" || base == "attn_v.weight") return {E, KV};
    if (base == "attn_output.weight") return {Q, E};
    if (base == "ffn_gate.weight" || base == "ffn_up.weight") return {E, F};
    if (base == "ffn_down.weight") return {F, E};
    return {};
}

// "blk.3.attn_q.weight" -> "attn_q.weight"
std::string without_block(const std::string& n) {
    if (!starts_with(n, "blk.")) return n;
    const size_t dot = n.find('.', 4);
    return dot == std::string::npos ? n : n.substr(dot + 1);
}
}  // namespace

void check_llama_style(const std::vector<ArchTensor>& tensors, const Catalog& cat, const nlohmann::json& c,
                       const Heads& h, bool has_experts) {
    const auto num = [](uint64_t v) { return std::to_string(v); };
    const Dim E{h.n_embd, "hidden_size " + num(h.n_embd)};
    Dim V, F;
    if (config_has(c, "vocab_size")) V = {config_u64(c, "vocab_size"), "vocab_size " + num(config_u64(c, "vocab_size"))};
    if (config_has(c, "intermediate_size"))
        F = {config_u64(c, "intermediate_size"), "intermediate_size " + num(config_u64(c, "intermediate_size"))};
    const Dim Q{h.n_head * h.head_dim, "num_attention_heads " + num(h.n_head) + " x head_dim " + num(h.head_dim)};
    const Dim KV{h.n_head_kv * h.head_dim, "num_key_value_heads " + num(h.n_head_kv) + " x head_dim " + num(h.head_dim)};

    std::set<std::string> have;
    for (const auto& t : tensors) {
        have.insert(t.name);
        if (t.source.values || t.source.slices.size() != 1 || t.source.transpose) continue;
        const std::vector<Dim> want = llama_expected(without_block(t.name), E, V, Q, KV, F);
        if (want.empty()) continue;
        bool ok = want.size() == t.ne.size();
        for (size_t i = 0; ok && i < want.size(); ++i) ok = want[i].v == 0 || want[i].v == t.ne[i];
        if (ok) continue;
        // In the checkpoint's order (outermost first), as its header and transformers print shapes.
        std::vector<uint64_t> shape;
        std::string why;
        for (size_t i = want.size(); i-- > 0;) {
            shape.push_back(want[i].v ? want[i].v : (i < t.ne.size() ? t.ne[i] : 0));
            if (!want[i].label.empty()) why += (why.empty() ? "" : ", ") + want[i].label;
        }
        const auto& ct = cat.tensors[t.source.slices[0].src];
        throw Error(cat.files[ct.file].name, ct.st.name,
                    "shape " + shape_text(ct.st.shape) + " does not match config.json: expected " + shape_text(shape) +
                        " (" + why + ")");
    }

    auto need = [&](const std::string& gguf, const std::string& hf, const std::string& why) {
        if (!have.count(gguf)) throw Error(cat.listing, hf, "missing: " + why);
    };
    need("token_embd.weight", "model.embed_tokens.weight",
         "llama.cpp needs token_embd.weight, and there is no lm_head.weight to tie it to either");
    need("output_norm.weight", "model.norm.weight", "llama.cpp needs output_norm.weight");
    for (uint64_t l = 0; l < h.n_layer; ++l) {
        const std::string blk = "blk." + num(l) + ".";
        for (const auto& r : llama_layer_rules()) {
            if (has_experts && starts_with(r.gguf, "ffn_") && r.gguf != "ffn_norm") continue;  // experts instead
            need(blk + r.gguf + ".weight", "model.layers." + num(l) + "." + r.hf + ".weight",
                 "llama.cpp needs " + blk + r.gguf + ".weight in each of the " + num(h.n_layer) +
                     " layers (config.json's num_hidden_layers)");
        }
    }
}

}  // namespace gs
