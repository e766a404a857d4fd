#include "core/tokenizer/vocab.h"

#include "core/tokenizer/llama_vocab.h"

namespace gs {

// Only llama-family tokenizers (SentencePiece tokenizer.model, or SentencePiece-style BPE tokenizer.json) so far;
// other families dispatch from here as they land.
Metadata vocab_metadata(const Folder& folder, const nlohmann::json& config) { return llama_vocab_metadata(folder, config); }

}  // namespace gs
