#include "core/tokenizer/hf_token_ids.h"

#include <algorithm>

#include "core/error.h"

namespace gs {

HfTokenIds hf_token_ids(const HfTokenizer& t, const std::string& file) {
    int64_t max_id = -1;
    for (const auto& [text, id] : t.vocab) max_id = std::max(max_id, id);
    for (const auto& a : t.added_tokens) max_id = std::max(max_id, a.id);
    for (const auto& [text, id] : t.vocab)
        if (id < 0) throw Error(file, "", "model.vocab[\"" + text + "\"]: negative token id " + std::to_string(id));
    for (const auto& a : t.added_tokens)
        if (a.id < 0) throw Error(file, "", "added token \"" + a.content + "\": negative id " + std::to_string(a.id));
    // Ids must cover 0..max_id, one token each: more ids than tokens is an error before anything is sized by them.
    if (max_id >= 0 && static_cast<uint64_t>(max_id) >= t.vocab.size() + t.added_tokens.size())
        throw Error(file, "", "token id " + std::to_string(max_id) + " but only " +
                                  std::to_string(t.vocab.size() + t.added_tokens.size()) +
                                  " tokens; token ids must be contiguous");
    const size_t n = static_cast<size_t>(max_id + 1);

    std::vector<const std::string*> text_of(n, nullptr);
    for (const auto& [text, id] : t.vocab) {
        const auto*& slot = text_of[static_cast<size_t>(id)];
        if (slot)
            throw Error(file, "", "model.vocab: tokens \"" + *slot + "\" and \"" + text + "\" share id " +
                                      std::to_string(id));
        slot = &text;
    }
    HfTokenIds out;
    out.added.assign(n, nullptr);
    // An added token with an id of the model's vocabulary names that token; its text is what Hugging Face decodes.
    for (const auto& a : t.added_tokens) {
        text_of[static_cast<size_t>(a.id)] = &a.content;
        out.added[static_cast<size_t>(a.id)] = &a;
    }
    out.text.reserve(n);
    for (size_t id = 0; id < n; ++id) {
        if (!text_of[id])
            throw Error(file, "", "no token has id " + std::to_string(id) + " (ids run to " + std::to_string(max_id) +
                                      "); token ids must be contiguous");
        out.text.push_back(*text_of[id]);
    }
    return out;
}

}  // namespace gs
