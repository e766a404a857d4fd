#include "core/tokenizer/llama_vocab.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/tokenizer/hf_bpe_vocab.h"
#include "core/tokenizer/hf_tokenizer_json.h"
#include "core/tokenizer/json_file.h"
#include "core/tokenizer/sentencepiece_model.h"
#include "core/tokenizer/sentencepiece_vocab.h"
#include "core/tokenizer/special_vocab.h"
#include "core/tokenizer/tokenizer_files.h"
#include "core/tokenizer/vocab_padding.h"

namespace gs {

namespace {

using nlohmann::json;

constexpr uint64_t kMaxSentencePieceBytes = 64ull << 20;

// config.json's vocab_size, or -1 when it has none.
int64_t config_vocab_size(const json& config) {
    const json* v = json_get(config, "vocab_size");
    if (!v || v->is_null()) return -1;
    if (!v->is_number_integer() || v->get<int64_t>() <= 0) json_type_error("config.json", "vocab_size", "a positive integer", *v);
    return v->get<int64_t>();
}

VocabLists vocab_lists(const Folder& folder, const TokenizerFiles& files, const json& config) {
    if (folder.has("tokenizer.model")) {
        auto r = folder.open("tokenizer.model");
        const std::string bytes = read_text(*r, kMaxSentencePieceBytes);
        if (bytes.empty()) throw Error(r->name(), "", "is empty (0 bytes): incomplete download?");
        if (is_lfs_pointer(bytes)) throw Error(r->name(), "", lfs_pointer_message());
        const SpModel sp = parse_sentencepiece_model(bytes, r->name());
        return sentencepiece_vocab(sp, config_vocab_size(config), r->name(), files);
    }
    if (files.tokenizer_json.present()) {
        const HfTokenizer t = parse_hf_tokenizer(files.tokenizer_json.json, files.tokenizer_json.name);
        VocabLists v = hf_bpe_vocab(t, files.tokenizer_json.name, files);
        // The converter writes only the tokenizer's own tokens here, so a model whose embedding has padding rows
        // (config vocab_size above the token count) gets a GGUF llama.cpp refuses. Pad as the SentencePiece path does.
        const size_t want = padded_vocab_size(config_vocab_size(config), v.tokens.size(), files.tokenizer_json.name);
        for (size_t id = v.tokens.size(); id < want; ++id) {
            v.tokens.push_back("[PAD" + std::to_string(id) + "]");
            v.scores.push_back(-1000.0f);
            v.types.push_back(static_cast<int32_t>(TokenType::Unused));
        }
        return v;
    }
    throw Error(folder.name(), "", "no tokenizer: the folder has neither tokenizer.model nor tokenizer.json");
}

// Whether a SentencePiece-style tokenizer.json puts "▁" before the text: a Prepend("▁") normalizer (alone or in a
// Sequence), or a Metaspace pre-tokenizer whose prepend_scheme is not "never" (older files: add_prefix_space).
bool tokenizer_json_prepends_space(const json& tj) {
    const std::string space = "\xe2\x96\x81";
    std::vector<const json*> steps;
    auto collect = [&](const json* node, const char* list_key, auto&& self) -> void {
        if (!node || !node->is_object()) return;
        if (const json* list = json_get(*node, list_key); list && list->is_array()) {
            for (const json& x : *list) self(&x, list_key, self);
            return;
        }
        steps.push_back(node);
    };
    collect(json_get(tj, "normalizer"), "normalizers", collect);
    collect(json_get(tj, "pre_tokenizer"), "pretokenizers", collect);
    for (const json* s : steps) {
        const json* type = json_get(*s, "type");
        if (!type || !type->is_string()) continue;
        if (*type == "Prepend") {
            const json* p = json_get(*s, "prepend");
            if (p && p->is_string() && p->get<std::string>() == space) return true;
        } else if (*type == "Metaspace") {
            const json* scheme = json_get(*s, "prepend_scheme");
            if (scheme && scheme->is_string()) return scheme->get<std::string>() != "never";
            const json* add = json_get(*s, "add_prefix_space");
            return !add || !add->is_boolean() || add->get<bool>();
        }
    }
    return false;
}

}  // namespace

Metadata llama_vocab_metadata(const Folder& folder, const json& config) {
    return llama_vocab_metadata(folder, read_tokenizer_files(folder), config);
}

Metadata llama_vocab_metadata(const Folder& folder, const TokenizerFiles& files, const json& config) {
    VocabLists v = vocab_lists(folder, files, config);
    const size_t n_vocab = v.tokens.size();

    Metadata m;
    set(m, "tokenizer.ggml.model", Value::str("llama"));
    set(m, "tokenizer.ggml.pre", Value::str("default"));
    set(m, "tokenizer.ggml.tokens", Value::str_array(std::move(v.tokens)));
    set(m, "tokenizer.ggml.scores", Value::f32_array(v.scores));
    set(m, "tokenizer.ggml.token_type", Value::i32_array(v.types));
    add_special_vocab(m, files, config, n_vocab);

    // LlamaModel.set_vocab's model-specific additions, after the special vocabulary.
    const json* vs = json_get(config, "vocab_size");
    const int64_t hp_vocab = vs && vs->is_number_integer() ? vs->get<int64_t>() : 32000;
    if (hp_vocab == 32016) {
        // CodeLlama: an end-of-turn id, 32010 unless the files name one. (The converter also sets prefix, suffix and
        // middle ids, but its GGUF writer has no keys for them and drops them.)
        int64_t eot = find_special_token_id(files, config, "eot", n_vocab);
        if (eot < 0 && n_vocab > 32010) eot = 32010;
        if (eot >= 0) set(m, "tokenizer.ggml.eot_token_id", Value::u32(static_cast<uint32_t>(eot)));
    }
    if (const json* p = json_get(files.tokenizer_config.json, "add_prefix_space")) {
        // Python writes the value's truth: null is false.
        if (!p->is_boolean() && !p->is_null())
            json_type_error(files.tokenizer_config.name, "add_prefix_space", "a boolean", *p);
        set(m, "tokenizer.ggml.add_space_prefix", Value::boolean(p->is_boolean() && p->get<bool>()));
    } else if (!folder.has("tokenizer.model") && !tokenizer_json_prepends_space(files.tokenizer_json.json)) {
        // llama.cpp's SPM tokenizer adds a space prefix unless told otherwise; a tokenizer.json without a
        // Prepend("▁") normalizer or a prepending Metaspace (Gemma 3) does not.
        set(m, "tokenizer.ggml.add_space_prefix", Value::boolean(false));
    }
    if (hp_vocab == 49152) set(m, "tokenizer.ggml.add_bos_token", Value::boolean(false));  // Granite small models
    return m;
}

}  // namespace gs
