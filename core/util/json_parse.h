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

// nlohmann's parser is iterative, but copying, comparing and printing a value recurse once per nesting level, so a
// hostile file of a few hundred thousand '[' would parse and then overflow the stack: deeper nesting than any real
// file (they nest fewer than 10 levels) is refused before parsing.
constexpr int kMaxJsonDepth = 512;

// Throws gs::Error naming file (also for nesting deeper than kMaxJsonDepth, and numbers beyond double's range).
nlohmann::json parse_json_text(const std::string& text, const std::string& file, const JsonParseOptions& opt = {});

}  // namespace gs
