// Special token ids, add_bos/add_eos flags and the chat template, found the way gguf-py's SpecialVocab finds them
// (llama.cpp commit c392e5094, the converter the reference GGUFs were made with).
#pragma once
#include <cstddef>

#include <nlohmann/json_fwd.hpp>

#include "core/gguf/value.h"
#include "core/tokenizer/tokenizer_files.h"

namespace gs {

// Appends to m, in SpecialVocab.add_to_gguf's order: tokenizer.ggml.<type>_token_id for bos, eos, unk (unknown_),
// sep (seperator_, GGUF's spelling), pad (padding_), mask; tokenizer.ggml.add_bos_token / add_eos_token; the chat
// template. Ids come first from tokenizer_config.json's <type>_token looked up among tokenizer.json's added_tokens,
// then from config.json's <type>_token_id; ids outside [0, n_vocab) are skipped.
void add_special_vocab(Metadata& m, const TokenizerFiles& files, const nlohmann::json& config, size_t n_vocab);

// The id SpecialVocab would find for one special type (e.g. "eot"), or -1.
int64_t find_special_token_id(const TokenizerFiles& files, const nlohmann::json& config, const char* type,
                              size_t n_vocab);

}  // namespace gs
