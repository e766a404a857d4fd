#include "core/arch/arch.h"
#include "core/arch/gemma.h"
#include "core/arch/gpt2.h"
#include "core/arch/llama.h"
#include "core/arch/phi3.h"
#include "core/arch/qwen.h"
#include "core/error.h"

namespace gs {
namespace {
struct ArchEntry {
    const char* hf_class;
    ArchResult (*map)(const ModelInput&);
};
const ArchEntry kArchs[] = {
    {"LlamaForCausalLM", map_llama},
    {"MistralForCausalLM", map_llama},
    {"MixtralForCausalLM", map_llama},
    {"Qwen2ForCausalLM", map_qwen2},
    {"Qwen3ForCausalLM", map_qwen3},
    {"Qwen2MoeForCausalLM", map_qwen2moe},
    {"Qwen3MoeForCausalLM", map_qwen3moe},
    {"SmolLM3ForCausalLM", map_smollm3},
    {"Gemma2ForCausalLM", map_gemma2},
    {"Gemma3ForCausalLM", map_gemma3},
    {"Phi3ForCausalLM", map_phi3},
    {"GPT2LMHeadModel", map_gpt2},
};
}  // namespace

std::vector<std::string> supported_architectures() {
    std::vector<std::string> v;
    for (const auto& a : kArchs) v.push_back(a.hf_class);
    return v;
}

ArchResult map_architecture(const ModelInput& in, const std::string& force_arch) {
    std::string list;
    for (const auto& e : kArchs) list += (list.empty() ? "" : ", ") + std::string(e.hf_class);
    std::string cls = force_arch;
    if (cls.empty()) {
        auto a = in.config.find("architectures");
        if (a == in.config.end() || !a->is_array() || a->empty() || !(*a)[0].is_string())
            throw Error("config.json", "", "has no \"architectures\" list (name one with --force-arch: " + list + ")");
        cls = (*a)[0].get<std::string>();
    }
    for (const auto& e : kArchs)
        if (cls == e.hf_class) return e.map(in);
    if (!force_arch.empty()) throw Error("--force-arch " + cls + " is not a supported architecture (supported: " + list + ")");
    throw Error("config.json", "", "architecture " + cls + " is not supported (supported: " + list +
                                       "; a fine-tune of one of them can be converted with --force-arch NAME)");
}

bool config_has(const nlohmann::json& c, const char* key) {
    auto it = c.find(key);
    return it != c.end() && !it->is_null();
}

uint64_t config_u64(const nlohmann::json& c, const char* key) {
    auto it = c.find(key);
    if (it == c.end() || it->is_null()) throw Error("config.json", "", std::string("missing \"") + key + "\"");
    if (!it->is_number_integer() || it->get<int64_t>() < 0)
        throw Error("config.json", "", std::string("\"") + key + "\" must be a non-negative integer, got " + it->dump());
    return it->get<uint64_t>();
}

}  // namespace gs
