// A tokenizer.json's tokens indexed by id: model.vocab and added_tokens together, as the GGUF arrays need them.
#pragma once
#include <string>
#include <vector>

#include "core/tokenizer/hf_tokenizer_json.h"

namespace gs {

struct HfTokenIds {
    std::vector<std::string> text;               // by id; an added token's content overrides the vocab entry
    std::vector<const HfAddedToken*> added;      // by id; nullptr when the id is not an added token (points into t)
};

// Throws gs::Error naming `file` when an id is negative, two vocab entries share an id, or the ids do not cover
// 0..n-1 (the converter assumes this and silently shifts ids when it does not hold).
HfTokenIds hf_token_ids(const HfTokenizer& t, const std::string& file);

}  // namespace gs
