// config.json's vocab_size against the tokenizer's own token count. Embedding rows past the tokens become "[PAD<id>]"
// tokens, as the converter writes them, but only a plausible number: real checkpoints pad by a few hundred rows (to a
// multiple of 64 or 128), while a vocab_size of 10^12 would otherwise be a trillion strings built in memory.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace gs {

// Padding rows allowed past n tokens: as many again as the tokenizer has, and never fewer than this.
constexpr uint64_t kMinPaddingAllowed = 1u << 16;

// The vocabulary size to write: n_tokens when config_vocab_size is absent (< 0) or not larger, else
// config_vocab_size. Throws gs::Error naming config.json and tokenizer_file when the padding is implausibly large.
size_t padded_vocab_size(int64_t config_vocab_size, size_t n_tokens, const std::string& tokenizer_file);

}  // namespace gs
