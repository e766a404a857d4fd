// The three parallel arrays of a GGUF vocabulary, indexed by token id.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/tokenizer/token_type.h"

namespace gs {

struct VocabLists {
    std::vector<std::string> tokens;  // tokenizer.ggml.tokens
    std::vector<float> scores;        // tokenizer.ggml.scores
    std::vector<int32_t> types;       // tokenizer.ggml.token_type (TokenType values)

    void set(size_t id, std::string token, float score, TokenType type) {
        tokens[id] = std::move(token);
        scores[id] = score;
        types[id] = static_cast<int32_t>(type);
    }
};

}  // namespace gs
