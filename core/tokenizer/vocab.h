// The tokenizer.* metadata of a model folder, whatever tokenizer files it has.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "core/gguf/value.h"
#include "core/io/reader.h"

namespace gs {

struct VocabOptions {
    // Written as tokenizer.ggml.pre for byte-level BPE tokenizers instead of the name identified from
    // tokenizer.json (the CLI's --tokenizer-pre), for pre-tokenizers ggufsmith does not recognize.
    std::string tokenizer_pre;
};

// source (when given) is set to the file the tokens came from (tokenizer.json or tokenizer.model), for messages.
Metadata vocab_metadata(const Folder& folder, const nlohmann::json& config, const VocabOptions& opt = {},
                        std::string* source = nullptr);

}  // namespace gs
