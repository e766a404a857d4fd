#include "core/tokenizer/hf_tokenizer_json.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/tokenizer/json_file.h"

namespace gs {

namespace {

using nlohmann::json;

std::pair<std::string, std::string> parse_merge(const json& m, size_t i, const std::string& file) {
    const std::string path = "model.merges[" + std::to_string(i) + "]";
    if (m.is_string()) {
        // The pre-4.45 format: both sides joined by one space, so a side can never contain a space.
        const auto& s = m.get_ref<const std::string&>();
        const size_t sp = s.find(' ');
        if (sp == std::string::npos || sp == 0 || sp + 1 == s.size() || s.find(' ', sp + 1) != std::string::npos)
            throw Error(file, "", path + ": merge \"" + s + "\" is not two tokens separated by one space");
        return {s.substr(0, sp), s.substr(sp + 1)};
    }
    if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string())
        return {m[0].get<std::string>(), m[1].get<std::string>()};
    json_type_error(file, path, "a \"a b\" string or an [\"a\", \"b\"] pair", m);
}

}  // namespace

HfTokenizer parse_hf_tokenizer(const json& j, const std::string& file) {
    HfTokenizer t;
    const json* model = json_get(j, "model");
    if (!model || !model->is_object()) json_type_error(file, "model", "an object", model ? *model : json());

    const json* type = json_get(*model, "type");
    if (!type || !type->is_string()) json_type_error(file, "model.type", "a string", type ? *type : json());
    t.model_type = type->get<std::string>();
    if (const json* b = json_get(*model, "byte_fallback"); b && !b->is_null()) {
        if (!b->is_boolean()) json_type_error(file, "model.byte_fallback", "a boolean", *b);
        t.byte_fallback = b->get<bool>();
    }
    if (const json* b = json_get(*model, "ignore_merges"); b && !b->is_null()) {
        if (!b->is_boolean()) json_type_error(file, "model.ignore_merges", "a boolean", *b);
        t.ignore_merges = b->get<bool>();
    }
    if (const json* d = json_get(j, "decoder"); d && !d->is_null()) {
        const json* dt = json_get(*d, "type");
        if (!dt || !dt->is_string()) json_type_error(file, "decoder.type", "a string", dt ? *dt : json());
        t.decoder_type = dt->get<std::string>();
    }

    if (t.model_type == "BPE") {
        const json* vocab = json_get(*model, "vocab");
        if (!vocab || !vocab->is_object())
            json_type_error(file, "model.vocab", "an object mapping tokens to ids", vocab ? *vocab : json());
        t.vocab.reserve(vocab->size());
        for (auto it = vocab->begin(); it != vocab->end(); ++it) {
            if (!it.value().is_number_integer())
                json_type_error(file, "model.vocab[\"" + it.key() + "\"]", "an integer id", it.value());
            t.vocab.emplace_back(it.key(), it.value().get<int64_t>());
        }
        if (const json* merges = json_get(*model, "merges"); merges && !merges->is_null()) {
            if (!merges->is_array()) json_type_error(file, "model.merges", "an array", *merges);
            t.merges.reserve(merges->size());
            for (size_t i = 0; i < merges->size(); ++i) t.merges.push_back(parse_merge((*merges)[i], i, file));
        }
    }

    if (const json* added = json_get(j, "added_tokens"); added && !added->is_null()) {
        if (!added->is_array()) json_type_error(file, "added_tokens", "an array", *added);
        for (size_t i = 0; i < added->size(); ++i) {
            const json& a = (*added)[i];
            const std::string path = "added_tokens[" + std::to_string(i) + "]";
            if (!a.is_object()) json_type_error(file, path, "an object", a);
            const json* id = json_get(a, "id");
            if (!id || !id->is_number_integer()) json_type_error(file, path + ".id", "an integer", id ? *id : json());
            const json* content = json_get(a, "content");
            if (!content || !content->is_string())
                json_type_error(file, path + ".content", "a string", content ? *content : json());
            HfAddedToken tok{id->get<int64_t>(), content->get<std::string>(), false};
            if (const json* s = json_get(a, "special"); s && !s->is_null()) {
                if (!s->is_boolean()) json_type_error(file, path + ".special", "a boolean", *s);
                tok.special = s->get<bool>();
            }
            t.added_tokens.push_back(std::move(tok));
        }
    }
    return t;
}

}  // namespace gs
