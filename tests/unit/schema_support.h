// Test support for llama.cpp's type-selection snapshots (../shared/golden/type-selection/*.schema): a parser, and
// the tensor lists of the models they describe, rebuilt from the header line and each architecture's layout.
#pragma once
#include <cstdint>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/plan/ftype.h"
#include "core/plan/type_select.h"
#include "tests/support.h"

namespace gs::test {

struct SchemaSection {
    std::string ftype_name;  // "Q4_K_M"
    std::string default_type;  // as written ("q4_K")
    std::vector<std::pair<std::string, std::string>> differing;  // tensor -> type, as written
};

struct Schema {
    std::map<std::string, uint64_t> header;  // n_embd, n_ff, n_vocab, n_layer, n_head, n_head_kv, n_expert
    std::vector<SchemaSection> sections;
};

inline Schema parse_schema(const std::string& text) {
    Schema s;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("# n_embd=", 0) == 0) {
            std::string rest = line.substr(2);
            size_t pos = 0;
            while (pos < rest.size()) {
                size_t comma = rest.find(',', pos);
                std::string item = rest.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
                while (!item.empty() && item[0] == ' ') item.erase(0, 1);
                const size_t eq = item.find('=');
                if (eq != std::string::npos) s.header[item.substr(0, eq)] = std::stoull(item.substr(eq + 1));
                if (comma == std::string::npos) break;
                pos = comma + 1;
            }
            continue;
        }
        if (line.empty() || line[0] == '#') continue;
        if (line[0] == '[') {
            const size_t close = line.find(']');
            if (close == std::string::npos) throw std::runtime_error("bad schema line: " + line);
            SchemaSection sec;
            sec.ftype_name = line.substr(1, close - 1);
            sec.default_type = line.substr(line.find_first_not_of(' ', close + 1));
            s.sections.push_back(sec);
            continue;
        }
        if (s.sections.empty()) throw std::runtime_error("tensor line before any section: " + line);
        const size_t sp = line.rfind(' ');
        s.sections.back().differing.emplace_back(line.substr(0, sp), line.substr(sp + 1));
    }
    return s;
}

// A model's tensors as its GGUF lists them (names and ggml shapes), norms and biases included.
struct ModelTensors {
    QuantModel model;
    std::vector<TensorShape> tensors;
};

enum class Layout { Llama, Qwen3, Gemma3, GptOss, DeepSeek3 };

inline ModelTensors build_model_tensors(Layout layout, const Schema& s, uint64_t head_dim, bool with_output) {
    auto h = [&](const char* k) { return s.header.count(k) ? s.header.at(k) : 0; };
    const uint64_t E = h("n_embd"), FF = h("n_ff"), V = h("n_vocab") ? h("n_vocab") : 32000, L = h("n_layer");
    const uint64_t H = h("n_head"), HKV = h("n_head_kv"), X = h("n_expert");
    ModelTensors m;
    m.model.n_layer = static_cast<uint32_t>(L);
    m.model.n_head = static_cast<uint32_t>(H);
    m.model.n_head_kv = static_cast<uint32_t>(HKV);
    m.model.n_expert = static_cast<uint32_t>(X);
    m.model.is_70b = layout == Layout::Llama && L == 80 && H != HKV;
    auto add = [&](std::string name, std::vector<uint64_t> ne) { m.tensors.push_back({std::move(name), std::move(ne)}); };
    add("token_embd.weight", {E, V});
    add("output_norm.weight", {E});
    if (with_output) add("output.weight", {E, V});
    for (uint64_t i = 0; i < L; ++i) {
        const std::string b = "blk." + std::to_string(i) + ".";
        add(b + "attn_norm.weight", {E});
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
            add(b + "attn_q.weight", {E, H * head_dim});
            add(b + "attn_k.weight", {E, HKV * head_dim});
            add(b + "attn_v.weight", {E, HKV * head_dim});
            add(b + "attn_output.weight", {H * head_dim, E});
        }
        if (layout == Layout::Qwen3 || layout == Layout::Gemma3) {
            add(b + "attn_q_norm.weight", {head_dim});
            add(b + "attn_k_norm.weight", {head_dim});
        }
        if (layout == Layout::GptOss) {
            add(b + "attn_q.bias", {H * head_dim});
            add(b + "attn_k.bias", {HKV * head_dim});
            add(b + "attn_v.bias", {HKV * head_dim});
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
        add(b + "ffn_gate.weight", {E, FF});
        add(b + "ffn_up.weight", {E, FF});
        add(b + "ffn_down.weight", {FF, E});
        if (layout == Layout::Gemma3) add(b + "post_ffw_norm.weight", {E});
    }
    return m;
}

// llama.cpp spells types in lower case except the K of k-quants ("q4_K", "iq3_s"); compare case-insensitively.
inline std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

struct SectionResult {
    bool identical = true;
    std::vector<std::string> mismatches;  // first few, for the failure message
};

// One ftype section: every quantizable tensor must get the section's listed type (or its default), and every
// tensor the section lists must exist — the same check as llama.cpp's test-quant-type-selection.
inline SectionResult check_section(const ModelTensors& m, const SchemaSection& sec) {
    SectionResult r;
    auto fail = [&](std::string msg) {
        r.identical = false;
        if (r.mismatches.size() < 5) r.mismatches.push_back(std::move(msg));
    };
    auto ft = ftype_from_name(sec.ftype_name);
    if (!ft) {
        fail("unknown ftype " + sec.ftype_name);
        return r;
    }
    if (upper(type_name(ftype_info(*ft).default_type)) != upper(sec.default_type))
        fail("default type " + std::string(type_name(ftype_info(*ft).default_type)) + " vs " + sec.default_type);
    std::map<std::string, std::string> listed(sec.differing.begin(), sec.differing.end());
    size_t found = 0;
    TypeSelection sel;
    try {
        sel = select_types(m.model, *ft, QuantOptions{}, m.tensors);
    } catch (const std::exception& e) {
        fail(std::string("error: ") + e.what());
        return r;
    }
    for (size_t i = 0; i < m.tensors.size(); ++i) {
        if (!sel.tensors[i].quantize) continue;
        std::string expected = sec.default_type;
        auto it = listed.find(m.tensors[i].name);
        if (it != listed.end()) {
            expected = it->second;
            ++found;
        }
        const std::string got = type_name(sel.tensors[i].type);
        if (upper(got) != upper(expected))
            fail(m.tensors[i].name + ": expected " + expected + ", got " + got + " (" + sel.tensors[i].why + ")");
    }
    if (found != listed.size())
        fail("listed " + std::to_string(listed.size()) + " tensors, matched " + std::to_string(found));
    return r;
}

}  // namespace gs::test
