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
    // Contiguous ids cannot reach the number of entries; checked before any table is sized by the largest id.
    const uint64_t entries = t.vocab.size() + t.added_tokens.size();
    for (const auto& [text, id] : t.vocab)
        if (static_cast<uint64_t>(id) >= entries)
            throw Error(file, "", "model.vocab[\"" + text + "\"]: token id " + std::to_string(id) + " is beyond the " +
                                      std::to_string(entries) + " entries of model.vocab and added_tokens (token ids must be contiguous from 0)");
    for (const auto& a : t.added_tokens)
        if (static_cast<uint64_t>(a.id) >= entries)
            throw Error(file, "", "added token \"" + a.content + "\": id " + std::to_string(a.id) + " is beyond the " +
                                      std::to_string(entries) + " entries of model.vocab and added_tokens (token ids must be contiguous from 0)");
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
