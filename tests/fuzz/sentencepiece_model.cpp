// The SentencePiece tokenizer.model reader (core/tokenizer/protobuf.cpp, sentencepiece_model.cpp) and the vocabulary
// built from it (sentencepiece_vocab.cpp). The input is the tokenizer.model bytes.
#include <set>
#include <string_view>

#include "core/error.h"
#include "core/tokenizer/sentencepiece_model.h"
#include "core/tokenizer/sentencepiece_vocab.h"
#include "tests/fuzz/fuzz_target.h"

GS_FUZZ_TARGET(sentencepiece_model) {
    using namespace gs;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    try {
        const SpModel sp = parse_sentencepiece_model(bytes, "tokenizer.model");
        // What the converter relies on: unique non-empty pieces, exactly one unknown piece.
        std::set<std::string> seen;
        size_t unknowns = 0;
        for (const SpPiece& p : sp.pieces) {
            GS_FUZZ_CHECK(!p.piece.empty() && seen.insert(p.piece).second);
            GS_FUZZ_CHECK(static_cast<int>(p.type) >= 1 && static_cast<int>(p.type) <= 6);
            unknowns += p.type == TokenType::Unknown;
        }
        GS_FUZZ_CHECK(unknowns == 1);
        const VocabLists v = sentencepiece_vocab(sp, -1, "tokenizer.model", TokenizerFiles{});
        GS_FUZZ_CHECK(v.tokens.size() == sp.pieces.size() && v.scores.size() == v.tokens.size() &&
                      v.types.size() == v.tokens.size());
    } catch (const Error& e) {
        fuzz::rejected(e.what());
    }
    return 0;
}
