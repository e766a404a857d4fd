#include "core/tokenizer/merge_scores.h"

#include <unordered_map>

namespace gs {

// Why these scores (llama.cpp's converter writes -1000 for every token of a tokenizer.json vocabulary instead):
//
// A GGUF with tokenizer.ggml.model "llama" is tokenized by llama.cpp's SPM algorithm: split the text into characters,
// then repeatedly merge the adjacent pair whose concatenation is a token with the HIGHEST score, ties going to the
// leftmost pair. Hugging Face's BPE repeatedly applies the merge rule with the LOWEST rank among the adjacent pairs,
// ties also leftmost. The two agree when every token's score orders the same way as the rank of the merge that
// produces it, so:
//   - a token produced by merge rank r scores -r (rank 0, the first merge, scores highest). When several merges
//     produce the same text the first one is the one BPE reaches first, so it decides. -r is exact in float32 for
//     any vocabulary below 2^24 merges.
//   - every other token (the base alphabet, <0xNN> byte tokens, special and added tokens) scores -(number of merges),
//     below every merge product: BPE never creates these by merging, so when SPM could (two pieces that happen to
//     concatenate to one of them) it should be its last choice. Base tokens only ever enter as the initial characters
//     or through byte fallback, and added tokens are split out of the text before SPM runs, so their own score is
//     otherwise never consulted.
// With all scores equal (-1000), SPM degenerates to "merge the leftmost mergeable pair", which tokenizes e.g.
// "little girl named" differently from Hugging Face, and the model then sees token sequences it was never trained on.
// The one difference that remains: SPM merges any two pieces whose concatenation is a token, even a split no merge
// rule lists, which BPE would not do.
std::vector<float> merge_rank_scores(const std::vector<std::string>& tokens,
                                     const std::vector<std::pair<std::string, std::string>>& merges) {
    const float lowest = -static_cast<float>(merges.size());
    std::vector<float> scores(tokens.size(), lowest);
    std::unordered_map<std::string, size_t> id_of;
    id_of.reserve(tokens.size());
    // Last id wins for a text listed twice, as in llama.cpp's own text-to-token map, whose score is the one it uses.
    for (size_t i = 0; i < tokens.size(); ++i) id_of[tokens[i]] = i;

    std::vector<bool> ranked(tokens.size(), false);
    std::string joined;
    for (size_t r = 0; r < merges.size(); ++r) {
        joined = merges[r].first;
        joined += merges[r].second;
        auto it = id_of.find(joined);
        if (it == id_of.end() || ranked[it->second]) continue;  // a merge into no token is dead; later duplicates too
        ranked[it->second] = true;
        scores[it->second] = -static_cast<float>(r);
    }
    return scores;
}

}  // namespace gs
