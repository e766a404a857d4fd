// The tokenizer.* GGUF metadata of a byte-level (GPT-2 style) BPE tokenizer.json: tokenizer.ggml.model "gpt2", what
// convert_hf_to_gguf.py's _set_vocab_gpt2 writes, with tokenizer.ggml.pre chosen from the file's content.
#pragma once
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/gguf/value.h"
#include "core/tokenizer/tokenizer_files.h"

namespace gs {

// BPE without byte fallback whose pre-tokenizer or decoder is ByteLevel: tokens are spelled in GPT-2's byte-to-
// unicode alphabet ("Ġhello").
bool is_byte_level_bpe(const nlohmann::json& tokenizer_json);

// `pre_override`, when not empty, is written as tokenizer.ggml.pre without looking at the pre-tokenizer (the CLI's
// --tokenizer-pre). Throws gs::Error naming tokenizer.json when the pre-tokenizer is not recognized (and no
// override), or the file is malformed.
Metadata gpt2_vocab_metadata(const TokenizerFiles& files, const nlohmann::json& config, const std::string& pre_override);

}  // namespace gs
