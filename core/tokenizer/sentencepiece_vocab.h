// The token arrays of a SentencePiece model, built as convert_hf_to_gguf.py's _create_vocab_sentencepiece does.
#pragma once
#include <cstdint>
#include <string>

#include "core/tokenizer/sentencepiece_model.h"
#include "core/tokenizer/tokenizer_files.h"
#include "core/tokenizer/vocab_lists.h"

namespace gs {

// vocab_size: config.json's vocab_size, or -1 to use the number of pieces. Ids past the pieces are "[PAD<i>]"
// UNUSED tokens; added_tokens.json and tokenizer_config.json's added_tokens_decoder then overwrite their ids.
VocabLists sentencepiece_vocab(const SpModel& sp, int64_t vocab_size, const std::string& sp_file,
                               const TokenizerFiles& files);

// The converter's heuristic for added tokens that are control tokens but not flagged special.
bool token_looks_special(const std::string& text);

}  // namespace gs
