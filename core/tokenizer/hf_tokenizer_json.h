// The parts of a Hugging Face tokenizer.json a llama-style (SentencePiece-like BPE with byte fallback) vocabulary
// needs: the model's vocab and merges, the added tokens, and the fields that tell which kind of tokenizer it is.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace gs {

struct HfAddedToken {
    int64_t id = 0;
    std::string content;
    bool special = false;
};

struct HfTokenizer {
    std::string model_type;    // model.type: "BPE", "Unigram", "WordPiece", ...
    bool byte_fallback = false;
    bool ignore_merges = false;
    std::string decoder_type;  // decoder.type ("" when there is no decoder)
    std::vector<std::pair<std::string, int64_t>> vocab;  // model.vocab as (token, id) (BPE only; order not kept)
    std::vector<std::pair<std::string, std::string>> merges;  // model.merges in rank order (BPE only)
    std::vector<HfAddedToken> added_tokens;  // in file order
};

// Reads the fields above from a parsed tokenizer.json. Merges may be "a b" strings or ["a", "b"] pairs. Throws
// gs::Error naming `file` and the JSON path when a field has the wrong type.
HfTokenizer parse_hf_tokenizer(const nlohmann::json& j, const std::string& file);

}  // namespace gs
