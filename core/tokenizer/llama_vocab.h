// The tokenizer.* GGUF metadata of a llama-family model folder: what convert_hf_to_gguf.py's LlamaModel.set_vocab
// writes (llama.cpp c392e5094), in its order, with the fixes documented where they are made.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include "core/gguf/value.h"
#include "core/io/reader.h"
#include "core/tokenizer/tokenizer_files.h"

namespace gs {

// Uses tokenizer.model (SentencePiece) when the folder has one, else a llama-style tokenizer.json. `config` is the
// folder's parsed config.json (vocab_size, *_token_id). Throws gs::Error naming the file at fault when neither
// tokenizer file is there or one is malformed.
Metadata llama_vocab_metadata(const Folder& folder, const nlohmann::json& config);
// The same with the folder's tokenizer files already read.
Metadata llama_vocab_metadata(const Folder& folder, const TokenizerFiles& files, const nlohmann::json& config);

}  // namespace gs
