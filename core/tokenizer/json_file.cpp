#include "core/tokenizer/json_file.h"

#include "core/error.h"
#include "core/util/json_parse.h"

namespace gs {

namespace {
// Big enough for the largest tokenizer.json files on the Hub (tens of MB), small enough to refuse a mistaken pick.
constexpr uint64_t kMaxJsonBytes = 512ull << 20;
}  // namespace

JsonFile read_json_file(const Folder& folder, const std::string& rel, bool require_object) {
    JsonFile f;
    if (!folder.has(rel)) return f;
    auto reader = folder.open(rel);
    f.name = reader->name();
    f.json = parse_json_text(read_text(*reader, kMaxJsonBytes), f.name);
    if (require_object && !f.json.is_object()) json_type_error(f.name, "top level", "an object", f.json);
    return f;
}

void json_type_error(const std::string& file, const std::string& path, const char* expected, const nlohmann::json& got) {
    throw Error(file, "", path + ": expected " + expected + ", found " + (got.is_null() ? "null" : got.type_name()));
}

const nlohmann::json* json_get(const nlohmann::json& obj, const char* key) {
    if (!obj.is_object()) return nullptr;
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

bool token_content(const nlohmann::json& entry, std::string& out) {
    if (entry.is_string()) {
        out = entry.get<std::string>();
        return true;
    }
    if (const auto* c = json_get(entry, "content"); c && c->is_string()) {
        out = c->get<std::string>();
        return true;
    }
    return false;
}

}  // namespace gs
