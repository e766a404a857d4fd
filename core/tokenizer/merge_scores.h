// Token scores for a BPE vocabulary that llama.cpp will tokenize with its SentencePiece ('llama') algorithm.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace gs {

// Scores for tokens[0..n) derived from the BPE merge ranks; see merge_scores.cpp for why.
std::vector<float> merge_rank_scores(const std::vector<std::string>& tokens,
                                     const std::vector<std::pair<std::string, std::string>>& merges);

}  // namespace gs
