// The JSON files of a model folder (tokenizer.json, tokenizer_config.json, ...), parsed with errors that name the
// file and the JSON path: these files are hand-edited often enough that "bad JSON" alone is not a usable message.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/io/reader.h"

namespace gs {

struct JsonFile {
    std::string name;     // the reader's name, for error messages ("" when the file is absent)
    nlohmann::json json;  // null when the file is absent
    bool present() const { return !name.empty(); }
};

// Reads and parses folder/rel; an absent file gives an empty JsonFile. Throws gs::Error naming the file when it is
// not JSON or (require_object) its root is not an object.
JsonFile read_json_file(const Folder& folder, const std::string& rel, bool require_object = true);

// Throws gs::Error("<file>: <path>: expected <expected>, found <type of got>").
[[noreturn]] void json_type_error(const std::string& file, const std::string& path, const char* expected,
                                  const nlohmann::json& got);

// obj[key] when obj is an object that has key, else nullptr (Python's dict.get).
const nlohmann::json* json_get(const nlohmann::json& obj, const char* key);

// The text of a HF special-token entry: a string, or an AddedToken object's "content" (else "" and false).
bool token_content(const nlohmann::json& entry, std::string& out);

}  // namespace gs
