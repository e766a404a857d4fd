#include "core/tokenizer/sentencepiece_vocab.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/tokenizer/json_file.h"
#include "core/tokenizer/vocab_padding.h"

namespace gs {

namespace {

using nlohmann::json;

// The score the converter gives every token it adds on top of the SentencePiece pieces.
constexpr float kAddedScore = -1000.0f;

bool starts_with(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }
bool ends_with(const std::string& s, const std::string& p) {
    return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

TokenType piece_type(TokenType t) {
    // The converter asks IsUnknown / IsControl / IsUnused / IsByte; anything else, USER_DEFINED pieces included,
    // becomes NORMAL.
    switch (t) {
        case TokenType::Unknown: case TokenType::Control: case TokenType::Unused: case TokenType::Byte: return t;
        default: return TokenType::Normal;
    }
}

size_t checked_id(int64_t id, size_t n, const std::string& file, const std::string& what) {
    if (id < 0 || static_cast<uint64_t>(id) >= n)
        throw Error(file, "", what + ": token id " + std::to_string(id) + " is outside the vocabulary of " +
                                  std::to_string(n) + " tokens");
    return static_cast<size_t>(id);
}

// Replaces every U+2581 (SentencePiece's space) with a space: the converter pre-normalizes user-defined tokens,
// which llama.cpp matches against raw text.
std::string spaces_for_meta(std::string s) {
    static const std::string meta = "\xe2\x96\x81";
    for (size_t p = 0; (p = s.find(meta, p)) != std::string::npos; ++p) s.replace(p, meta.size(), " ");
    return s;
}

void apply_added_tokens_json(VocabLists& v, const JsonFile& f) {
    if (!f.present()) return;
    for (auto it = f.json.begin(); it != f.json.end(); ++it) {
        if (!it.value().is_number_integer()) json_type_error(f.name, "\"" + it.key() + "\"", "an integer id", it.value());
        const int64_t id = it.value().get<int64_t>();
        if (id < 0) checked_id(id, v.tokens.size(), f.name, "\"" + it.key() + "\"");
        if (static_cast<uint64_t>(id) >= v.tokens.size()) continue;  // the converter ignores these with a warning
        v.set(static_cast<size_t>(id), it.key(), kAddedScore, TokenType::UserDefined);
    }
}

void apply_added_tokens_decoder(VocabLists& v, const JsonFile& f) {
    const json* decoder = json_get(f.json, "added_tokens_decoder");
    if (!decoder) return;
    if (!decoder->is_object()) json_type_error(f.name, "added_tokens_decoder", "an object", *decoder);
    for (auto it = decoder->begin(); it != decoder->end(); ++it) {
        const std::string path = "added_tokens_decoder[\"" + it.key() + "\"]";
        const std::string& key = it.key();
        if (key.empty() || key.size() > 18 || key.find_first_not_of("0123456789") != std::string::npos)
            throw Error(f.name, "", path + ": the key is not a token id");
        const size_t id = checked_id(std::stoll(key), v.tokens.size(), f.name, path);
        const json* content = json_get(it.value(), "content");
        if (!content || !content->is_string())
            json_type_error(f.name, path + ".content", "a string", content ? *content : json());
        std::string text = content->get<std::string>();
        const json* special = json_get(it.value(), "special");
        if ((special && special->is_boolean() && special->get<bool>()) || token_looks_special(text))
            v.set(id, std::move(text), kAddedScore, TokenType::Control);
        else
            v.set(id, spaces_for_meta(std::move(text)), kAddedScore, TokenType::UserDefined);
    }
}

}  // namespace

bool token_looks_special(const std::string& t) {
    if (t == "<pad>" || t == "<mask>" || t == "<2mass>" || t == "[@BOS@]") return true;
    if (starts_with(t, "<|") && ends_with(t, "|>")) return true;
    if (starts_with(t, "<\xef\xbd\x9c") && ends_with(t, "\xef\xbd\x9c>")) return true;  // fullwidth bars (deepseek)
    return starts_with(t, "<unused") && ends_with(t, ">");
}

VocabLists sentencepiece_vocab(const SpModel& sp, int64_t vocab_size, const std::string& sp_file,
                               const TokenizerFiles& files) {
    const size_t pieces = sp.pieces.size();
    if (vocab_size >= 0 && static_cast<uint64_t>(vocab_size) < pieces)
        throw Error(sp_file, "", "has " + std::to_string(pieces) + " pieces, more than config.json's vocab_size " +
                                     std::to_string(vocab_size));
    const size_t n = padded_vocab_size(vocab_size, pieces, sp_file);
    VocabLists v;
    v.tokens.reserve(n);
    for (size_t i = 0; i < n; ++i) v.tokens.push_back("[PAD" + std::to_string(i) + "]");
    v.scores.assign(n, -10000.0f);
    v.types.assign(n, static_cast<int32_t>(TokenType::Unused));
    for (size_t i = 0; i < pieces; ++i) v.set(i, sp.pieces[i].piece, sp.pieces[i].score, piece_type(sp.pieces[i].type));
    apply_added_tokens_json(v, files.added_tokens);
    apply_added_tokens_decoder(v, files.tokenizer_config);
    return v;
}

}  // namespace gs
