#include "core/tokenizer/vocab.h"

#include "core/tokenizer/gpt2_vocab.h"
#include "core/tokenizer/llama_vocab.h"
#include "core/tokenizer/tokenizer_files.h"

namespace gs {

// A byte-level BPE tokenizer.json decides first: Llama 3 folders can hold a tokenizer.model that is a tiktoken file,
// not SentencePiece. Everything else is the llama family (SentencePiece tokenizer.model, or SentencePiece-style BPE
// tokenizer.json).
Metadata vocab_metadata(const Folder& folder, const nlohmann::json& config, const VocabOptions& opt,
                        std::string* source) {
    const TokenizerFiles files = read_tokenizer_files(folder);
    const bool byte_level = files.tokenizer_json.present() && is_byte_level_bpe(files.tokenizer_json.json);
    if (source) *source = byte_level || !folder.has("tokenizer.model") ? "tokenizer.json" : "tokenizer.model";
    if (byte_level) return gpt2_vocab_metadata(files, config, opt.tokenizer_pre);
    return llama_vocab_metadata(folder, files, config);
}

}  // namespace gs
