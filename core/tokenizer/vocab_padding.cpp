#include "core/tokenizer/vocab_padding.h"

#include <algorithm>

#include "core/error.h"

namespace gs {

size_t padded_vocab_size(int64_t config_vocab_size, size_t n_tokens, const std::string& tokenizer_file) {
    if (config_vocab_size < 0 || static_cast<uint64_t>(config_vocab_size) <= n_tokens) return n_tokens;
    const uint64_t pad = static_cast<uint64_t>(config_vocab_size) - n_tokens;
    const uint64_t allowed = std::max<uint64_t>(n_tokens, kMinPaddingAllowed);
    if (pad > allowed)
        throw Error("config.json", "", "vocab_size " + std::to_string(config_vocab_size) + " is " + std::to_string(pad) +
                                           " rows more than the " + std::to_string(n_tokens) + " tokens of " +
                                           tokenizer_file + " (at most " + std::to_string(allowed) +
                                           " padding rows make sense): is the tokenizer from another model?");
    return static_cast<size_t>(config_vocab_size);
}

}  // namespace gs
