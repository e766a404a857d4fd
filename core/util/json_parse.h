// Parsing JSON from the user's files (config.json, tokenizer files, safetensors headers, profiles). nlohmann's parser
// is iterative, but copying, comparing and printing a value recurse once per nesting level, so a hostile file of a
// few hundred thousand '[' parses fine and overflows the stack later. Nesting deeper than any real file is refused
// before parsing.
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace gs {

constexpr int kMaxJsonDepth = 512;  // real tokenizer.json / config.json files nest fewer than 10 levels

// nlohmann::json::parse(text), after checking the nesting depth: deeper than kMaxJsonDepth throws gs::Error naming
// `file` and the byte. Syntax errors still throw nlohmann's exceptions, for the caller's own message.
nlohmann::json parse_json(std::string_view text, const std::string& file);

}  // namespace gs
