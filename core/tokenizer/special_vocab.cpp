#include "core/tokenizer/special_vocab.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/tokenizer/json_file.h"

namespace gs {

namespace {

using nlohmann::json;

struct SpecialType {
    const char* name;
    const char* key;  // GGUF key, or nullptr where gguf-py has no add_<type>_token_id and skips the type
};
// SpecialVocab's default special_token_types, in its order.
constexpr SpecialType kTypes[] = {
    {"bos", "tokenizer.ggml.bos_token_id"},     {"eos", "tokenizer.ggml.eos_token_id"},
    {"unk", "tokenizer.ggml.unknown_token_id"}, {"sep", "tokenizer.ggml.seperator_token_id"},
    {"pad", "tokenizer.ggml.padding_token_id"}, {"cls", nullptr},
    {"mask", "tokenizer.ggml.mask_token_id"},
};

// SpecialVocab._set_special_token: the first id found for a type wins. Only JSON integers count (Python's isinstance
// int; a float or string id is ignored). The converter raises on a negative id; configs with "pad_token_id": -1 are
// common enough that skipping it, like an out-of-range id, is the useful behaviour.
struct IdCollector {
    size_t n_vocab;
    std::vector<std::pair<std::string, int64_t>> ids;  // in insertion order, like the Python dict

    bool has(const std::string& type) const {
        return std::any_of(ids.begin(), ids.end(), [&](const auto& p) { return p.first == type; });
    }
    void offer(const std::string& type, const json* id) {
        if (!id || !id->is_number_integer()) return;
        const int64_t v = id->get<int64_t>();
        if (v < 0 || static_cast<uint64_t>(v) >= n_vocab || has(type)) return;
        ids.emplace_back(type, v);
    }
};

// _try_load_from_tokenizer_json's id part: tokenizer_config's <type>_token text, looked up among tokenizer.json's
// added_tokens (the first entry with that content decides, even if its id is unusable).
void ids_from_tokenizer_config(const TokenizerFiles& f, const char* type, IdCollector& c) {
    const json* entry = json_get(f.tokenizer_config.json, (std::string(type) + "_token").c_str());
    std::string content;
    if (!entry || !token_content(*entry, content)) return;
    const json* added = json_get(f.tokenizer_json.json, "added_tokens");
    if (!added || !added->is_array()) return;
    for (const json& a : *added) {
        const json* ac = json_get(a, "content");
        if (ac && ac->is_string() && ac->get_ref<const std::string&>() == content) {
            c.offer(type, json_get(a, "id"));
            return;
        }
    }
}

void ids_from_config(const json& config, const char* type, IdCollector& c) {
    c.offer(type, json_get(config, (std::string(type) + "_token_id").c_str()));
}

// Keeps the characters gguf-py keeps in a template name.
std::string template_name(const std::string& name) {
    std::string out = name;
    for (char& ch : out)
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))) ch = '_';
    return out;
}

// GGUFWriter.add_chat_template: a string is the template; a list of {name, template} gives one key per named
// template, the list of names, and "default" as the template.
void add_chat_template(Metadata& m, const json& value, const std::string& file) {
    if (value.is_string()) {
        set(m, "tokenizer.chat_template", Value::str(value.get<std::string>()));
        return;
    }
    const json* deflt = nullptr;
    std::vector<std::string> names;
    for (size_t i = 0; i < value.size(); ++i) {
        const json& choice = value[i];
        const std::string path = "chat_template[" + std::to_string(i) + "]";
        if (!choice.is_object()) json_type_error(file, path, "an object with name and template", choice);
        std::string name;
        if (const json* n = json_get(choice, "name"); n && !n->is_null()) {
            if (!n->is_string()) json_type_error(file, path + ".name", "a string", *n);
            name = template_name(n->get<std::string>());
        }
        const json* tmpl = json_get(choice, "template");
        if (name.empty() || !tmpl || tmpl->is_null()) continue;
        if (!tmpl->is_string()) json_type_error(file, path + ".template", "a string", *tmpl);
        if (name == "default") {
            deflt = tmpl;
            continue;
        }
        // gguf-py keeps the names in a set; a repeated name would be a duplicate key there.
        if (std::find(names.begin(), names.end(), name) != names.end())
            throw Error(file, "", path + ": chat template name '" + name + "' appears twice");
        names.push_back(name);
        set(m, "tokenizer.chat_template." + name, Value::str(tmpl->get<std::string>()));
    }
    if (!names.empty()) set(m, "tokenizer.chat_templates", Value::str_array(names));
    if (deflt) set(m, "tokenizer.chat_template", Value::str(deflt->get<std::string>()));
}

// tokenizer_config.json's chat_template when it has the key (even as null, which means none). Otherwise
// chat_template.jinja, else chat_template.json's chat_template: where newer transformers keep it. (The reference
// converter reads only tokenizer_config.json; newer ones read the other two, but only when tokenizer_config.json
// exists. A template is worth having either way, so it is read whenever present.)
void chat_template(Metadata& m, const TokenizerFiles& f) {
    const json* value = nullptr;
    std::string file;
    if (const json* t = json_get(f.tokenizer_config.json, "chat_template")) {
        value = t;
        file = f.tokenizer_config.name;
    } else if (f.has_chat_template_jinja) {
        set(m, "tokenizer.chat_template", Value::str(f.chat_template_jinja));
        return;
    } else if (const json* t2 = json_get(f.chat_template_json.json, "chat_template")) {
        value = t2;
        file = f.chat_template_json.name;
    }
    // Any other type is ignored with a warning by gguf-py.
    if (value && (value->is_string() || value->is_array())) add_chat_template(m, *value, file);
}

}  // namespace

void add_special_vocab(Metadata& m, const TokenizerFiles& f, const json& config, size_t n_vocab) {
    IdCollector ids{n_vocab, {}};
    std::vector<std::pair<std::string, bool>> add_flags;
    if (f.tokenizer_config.present()) {
        for (const auto& t : kTypes) {
            if (const json* a = json_get(f.tokenizer_config.json, (std::string("add_") + t.name + "_token").c_str());
                a && a->is_boolean())
                add_flags.emplace_back(t.name, a->get<bool>());
            ids_from_tokenizer_config(f, t.name, ids);
        }
    }
    for (const auto& t : kTypes) ids_from_config(config, t.name, ids);

    for (const auto& [type, id] : ids.ids)
        for (const auto& t : kTypes)
            if (type == t.name && t.key) set(m, t.key, Value::u32(static_cast<uint32_t>(id)));
    // gguf-py has add_add_<type>_token only for bos and eos.
    for (const auto& [type, value] : add_flags)
        if (type == "bos" || type == "eos") set(m, "tokenizer.ggml.add_" + type + "_token", Value::boolean(value));
    chat_template(m, f);
}

int64_t find_special_token_id(const TokenizerFiles& f, const json& config, const char* type, size_t n_vocab) {
    IdCollector ids{n_vocab, {}};
    if (f.tokenizer_config.present()) ids_from_tokenizer_config(f, type, ids);
    ids_from_config(config, type, ids);
    return ids.ids.empty() ? -1 : ids.ids.front().second;
}

}  // namespace gs
