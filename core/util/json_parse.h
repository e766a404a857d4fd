// JSON text of an input file parsed with one-line errors that say what is wrong: "not valid JSON at byte N: <reason>"
// rather than nlohmann's exception text, an empty file or a Git LFS pointer named as such, and, where a repeated key
// would be ambiguous (a safetensors header, the shard index), duplicate keys refused instead of the last one winning.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace gs {

struct JsonParseOptions {
    std::string what;                    // what the text is, in messages ("header"); "" for a whole file
    bool reject_duplicate_keys = false;  // Python's json and nlohmann both keep the last value silently
};

// Throws gs::Error naming file.
nlohmann::json parse_json_text(const std::string& text, const std::string& file, const JsonParseOptions& opt = {});

}  // namespace gs
