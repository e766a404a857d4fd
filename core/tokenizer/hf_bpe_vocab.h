// The token arrays of a llama-style tokenizer.json (BPE with byte fallback), as convert_hf_to_gguf.py's
// LlamaHfVocab builds them, except for the scores (see merge_scores.cpp) and non-special added tokens (see .cpp).
#pragma once
#include <string>

#include "core/tokenizer/hf_tokenizer_json.h"
#include "core/tokenizer/tokenizer_files.h"
#include "core/tokenizer/vocab_lists.h"

namespace gs {

// Throws gs::Error naming `file` when the tokenizer is not llama-style BPE or its ids do not cover 0..n-1 exactly.
VocabLists hf_bpe_vocab(const HfTokenizer& t, const std::string& file, const TokenizerFiles& files);

}  // namespace gs
