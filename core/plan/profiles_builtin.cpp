// Built-in profiles, as the same JSON users write. The "_L"/"_XL" mixes follow Bartowski's model cards: the base
// llama-quantize mix, but "Uses Q8_0 for embed and output weights".
#include <cctype>

#include "core/error.h"
#include "core/plan/profile.h"

namespace gs {
namespace {
const char* const kBuiltins[] = {
    R"({"name": "Q3_K_XL", "base": "Q3_K_L", "token_embedding_type": "Q8_0", "output_tensor_type": "Q8_0",
        "description": "Q3_K_L with token embedding and output at Q8_0"})",
    R"({"name": "Q4_K_L", "base": "Q4_K_M", "token_embedding_type": "Q8_0", "output_tensor_type": "Q8_0",
        "description": "Q4_K_M with token embedding and output at Q8_0"})",
    R"({"name": "Q5_K_L", "base": "Q5_K_M", "token_embedding_type": "Q8_0", "output_tensor_type": "Q8_0",
        "description": "Q5_K_M with token embedding and output at Q8_0"})",
    R"({"name": "Q6_K_L", "base": "Q6_K", "token_embedding_type": "Q8_0", "output_tensor_type": "Q8_0",
        "description": "Q6_K with token embedding and output at Q8_0"})",
};

bool same_name(std::string_view a, const std::string& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
    return true;
}

const std::vector<Profile>& builtins() {
    static const std::vector<Profile> v = [] {
        std::vector<Profile> out;
        for (const char* text : kBuiltins) out.push_back(parse_profile(text, "built-in profile"));
        return out;
    }();
    return v;
}
}  // namespace

std::vector<std::string> builtin_profile_names() {
    std::vector<std::string> names;
    for (const auto& p : builtins()) names.push_back(p.name);
    return names;
}

std::optional<Profile> builtin_profile(std::string_view name) {
    for (const auto& p : builtins())
        if (same_name(name, p.name)) return p;
    return std::nullopt;
}

}  // namespace gs
