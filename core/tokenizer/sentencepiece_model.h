// SentencePiece's tokenizer.model (a serialized sentencepiece.ModelProto): the pieces and the few trainer and
// normalizer settings a GGUF needs. Field numbers are those of sentencepiece_model.proto.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/tokenizer/token_type.h"

namespace gs {

struct SpPiece {
    std::string piece;
    float score = 0.0f;
    TokenType type = TokenType::Normal;  // proto default NORMAL
};

struct SpModel {
    std::vector<SpPiece> pieces;
    // TrainerSpec (with the proto's defaults)
    int32_t model_type = 1;  // 1 unigram, 2 BPE, 3 word, 4 char
    int32_t unk_id = 0, bos_id = 1, eos_id = 2, pad_id = -1;
    bool byte_fallback = false;
    // NormalizerSpec
    bool add_dummy_prefix = true;
    bool remove_extra_whitespaces = true;
    bool escape_whitespaces = true;
};

// Parses the bytes of a tokenizer.model. Throws gs::Error naming `file` when the bytes are not a protobuf, a known
// field has the wrong wire type, or the pieces are unusable the way SentencePiece itself refuses them (no pieces,
// an empty or duplicated piece, no unknown piece, an unknown piece type).
SpModel parse_sentencepiece_model(std::string_view bytes, const std::string& file);

}  // namespace gs
