// GGUF token types (tokenizer.ggml.token_type), the values llama.cpp and SentencePiece share.
#pragma once
#include <cstdint>

namespace gs {

enum class TokenType : int32_t { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 };

}  // namespace gs
