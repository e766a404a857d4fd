// The optional files of a model folder that shape its vocabulary, read once and shared by the SentencePiece and
// tokenizer.json paths and by the special-token logic.
#pragma once
#include <string>

#include "core/io/reader.h"
#include "core/tokenizer/json_file.h"

namespace gs {

struct TokenizerFiles {
    JsonFile tokenizer_json;      // tokenizer.json
    JsonFile tokenizer_config;    // tokenizer_config.json
    JsonFile special_tokens_map;  // special_tokens_map.json
    JsonFile added_tokens;        // added_tokens.json (SentencePiece models)
    JsonFile chat_template_json;  // chat_template.json
    bool has_chat_template_jinja = false;
    std::string chat_template_jinja;  // chat_template.jinja
};

TokenizerFiles read_tokenizer_files(const Folder& folder);

}  // namespace gs
