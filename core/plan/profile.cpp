#include "core/plan/profile.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/util/json_parse.h"

namespace gs {
namespace {
GgmlType type_field(const nlohmann::json& j, const char* key, const std::string& source) {
    const auto& v = j.at(key);
    if (!v.is_string()) throw Error(source, "", std::string("\"") + key + "\" must be a type name string");
    auto t = type_from_name(v.get<std::string>());
    if (!t) throw Error(source, "", std::string("\"") + key + "\": unknown type '" + v.get<std::string>() + "'");
    return *t;
}

bool bool_field(const nlohmann::json& j, const char* key, const std::string& source) {
    const auto& v = j.at(key);
    if (!v.is_boolean()) throw Error(source, "", std::string("\"") + key + "\" must be true or false");
    return v.get<bool>();
}
}  // namespace

Profile parse_profile(const std::string& json_text, const std::string& source) {
    const nlohmann::json j = parse_json_text(json_text, source);
    if (!j.is_object()) throw Error(source, "", "a profile must be a JSON object");
    static const char* const kKeys[] = {"name", "base", "description", "token_embedding_type", "output_tensor_type",
                                        "tensor_types", "pure", "leave_output_tensor"};
    for (auto it = j.begin(); it != j.end(); ++it) {
        bool known = false;
        for (const char* k : kKeys) known = known || it.key() == k;
        if (!known) throw Error(source, "", "unknown key \"" + it.key() + "\"");
    }
    Profile p;
    if (!j.contains("name") || !j["name"].is_string() || j["name"].get<std::string>().empty())
        throw Error(source, "", "\"name\" must be a non-empty string");
    p.name = j["name"].get<std::string>();
    if (!j.contains("base") || !j["base"].is_string()) throw Error(source, "", "\"base\" must be an ftype name");
    auto base = ftype_from_name(j["base"].get<std::string>());
    if (!base) throw Error(source, "", "\"base\": unknown ftype '" + j["base"].get<std::string>() + "'");
    p.base = *base;
    if (j.contains("description")) {
        if (!j["description"].is_string()) throw Error(source, "", "\"description\" must be a string");
        p.description = j["description"].get<std::string>();
    }
    if (j.contains("token_embedding_type")) p.options.token_embedding_type = type_field(j, "token_embedding_type", source);
    if (j.contains("output_tensor_type")) p.options.output_tensor_type = type_field(j, "output_tensor_type", source);
    if (j.contains("pure")) p.options.pure = bool_field(j, "pure", source);
    if (j.contains("leave_output_tensor")) p.options.leave_output_tensor = bool_field(j, "leave_output_tensor", source);
    if (j.contains("tensor_types")) {
        const auto& a = j["tensor_types"];
        if (!a.is_array()) throw Error(source, "", "\"tensor_types\" must be an array of \"REGEX=TYPE\" strings");
        for (const auto& x : a) {
            if (!x.is_string()) throw Error(source, "", "\"tensor_types\" must be an array of \"REGEX=TYPE\" strings");
            try {
                p.options.tensor_types.push_back(parse_tensor_type_rule(x.get<std::string>()));
            } catch (const Error& e) {
                throw Error(source, "", "\"tensor_types\": " + e.detail);
            }
        }
    }
    return p;
}

std::optional<Profile> resolve_quant_name(std::string_view name) {
    if (auto f = ftype_from_name(name)) {
        Profile p;
        p.base = *f;
        p.name = ftype_info(*f).name;
        return p;
    }
    return builtin_profile(name);
}

}  // namespace gs
