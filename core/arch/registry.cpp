#include "core/arch/arch.h"
#include "core/arch/llama.h"
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
};
}  // namespace

std::vector<std::string> supported_architectures() {
    std::vector<std::string> v;
    for (const auto& a : kArchs) v.push_back(a.hf_class);
    return v;
}

ArchResult map_architecture(const ModelInput& in) {
    auto a = in.config.find("architectures");
    if (a == in.config.end() || !a->is_array() || a->empty() || !(*a)[0].is_string())
        throw Error("config.json", "", "has no \"architectures\" list");
    const std::string cls = (*a)[0].get<std::string>();
    for (const auto& e : kArchs)
        if (cls == e.hf_class) return e.map(in);
    std::string list;
    for (const auto& e : kArchs) list += (list.empty() ? "" : ", ") + std::string(e.hf_class);
    throw Error("config.json", "", "architecture " + cls + " is not supported (supported: " + list + ")");
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
