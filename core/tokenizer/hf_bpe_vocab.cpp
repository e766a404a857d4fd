#include "core/tokenizer/hf_bpe_vocab.h"

#include <set>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/tokenizer/hf_token_ids.h"
#include "core/tokenizer/json_file.h"
#include "core/tokenizer/merge_scores.h"

namespace gs {

namespace {

using nlohmann::json;

bool is_byte_token(const std::string& s) {
    auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
    return s.size() == 6 && s.compare(0, 3, "<0x") == 0 && hex(s[3]) && hex(s[4]) && s[5] == '>';
}

void check_llama_style(const HfTokenizer& t, const std::string& file) {
    // The converter's own tests (LlamaHfVocab): byte-level BPE without byte fallback that ignores merges is Llama 3
    // style, tokenizer.ggml.model "gpt2", which this path does not make.
    if (t.model_type == "BPE" && t.ignore_merges && !t.byte_fallback)
        throw Error(file, "", "a byte-level BPE tokenizer (Llama 3 style, GGUF tokenizer model \"gpt2\") is not "
                              "supported yet; only SentencePiece-style BPE with byte_fallback");
    if (t.model_type != "BPE" || !t.byte_fallback || t.decoder_type != "Sequence")
        throw Error(file, "", "model.type \"" + t.model_type + "\"" + (t.byte_fallback ? "" : " without byte_fallback") +
                                  ", decoder \"" + t.decoder_type + "\" is not a llama-style tokenizer (BPE with "
                                  "byte_fallback and a Sequence decoder); no tokenizer.model either");
}

// The texts transformers counts as special tokens (all_special_tokens): the named *_token entries and
// additional_special_tokens of tokenizer_config.json, overridden by special_tokens_map.json, with LlamaTokenizer's
// defaults for the names neither file sets.
std::set<std::string> named_special_tokens(const TokenizerFiles& f) {
    static const char* const kNames[] = {"bos_token", "eos_token", "unk_token", "sep_token",
                                         "pad_token", "cls_token", "mask_token"};
    std::set<std::string> out;
    const json* cls = json_get(f.tokenizer_config.json, "tokenizer_class");
    const bool llama_class = !cls || !cls->is_string() || cls->get<std::string>().rfind("LlamaTokenizer", 0) == 0;
    for (const char* name : kNames) {
        const json* entry = json_get(f.special_tokens_map.json, name);
        if (!entry) entry = json_get(f.tokenizer_config.json, name);
        std::string text;
        if (entry) {
            if (token_content(*entry, text)) out.insert(text);
        } else if (llama_class) {
            const std::string n = name;
            if (n == "bos_token") out.insert("<s>");
            if (n == "eos_token") out.insert("</s>");
            if (n == "unk_token") out.insert("<unk>");
        }
    }
    const json* extra = json_get(f.special_tokens_map.json, "additional_special_tokens");
    if (!extra) extra = json_get(f.tokenizer_config.json, "additional_special_tokens");
    if (extra && extra->is_array())
        for (const json& e : *extra) {
            std::string text;
            if (token_content(e, text)) out.insert(text);
        }
    return out;
}

}  // namespace

VocabLists hf_bpe_vocab(const HfTokenizer& t, const std::string& file, const TokenizerFiles& files) {
    check_llama_style(t, file);

    const HfTokenIds ids = hf_token_ids(t, file);
    const size_t n = ids.text.size();
    const std::vector<const HfAddedToken*>& added_at = ids.added;

    VocabLists v;
    v.tokens = ids.text;
    v.scores = merge_rank_scores(v.tokens, t.merges);

    // Types: <0xNN> is BYTE (checked first, as the converter does); special tokens are CONTROL. Added tokens that are
    // not special are USER_DEFINED: Hugging Face splits them out of the text before BPE, which is what llama.cpp
    // does for USER_DEFINED tokens. (The converter makes an added token inside the model's vocabulary NORMAL, which
    // lets llama.cpp tokenize through it.)
    const std::set<std::string> named = named_special_tokens(files);
    v.types.resize(n);
    for (size_t id = 0; id < n; ++id) {
        TokenType type = TokenType::Normal;
        const std::string& text = v.tokens[id];
        if (is_byte_token(text))
            type = TokenType::Byte;
        else if ((added_at[id] && added_at[id]->special) || named.count(text))
            type = TokenType::Control;
        else if (added_at[id])
            type = TokenType::UserDefined;
        v.types[id] = static_cast<int32_t>(type);
    }
    return v;
}

}  // namespace gs
