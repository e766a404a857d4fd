#include "core/tokenizer/gpt2_vocab.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/tokenizer/bpe_pre.h"
#include "core/tokenizer/hf_token_ids.h"
#include "core/tokenizer/hf_tokenizer_json.h"
#include "core/tokenizer/json_file.h"
#include "core/tokenizer/special_vocab.h"
#include "core/tokenizer/token_type.h"
#include "core/tokenizer/vocab_padding.h"

namespace gs {

namespace {

using nlohmann::json;

bool has_byte_level_step(const json& p) {
    const json* type = json_get(p, "type");
    if (!type || !type->is_string()) return false;
    if (type->get<std::string>() == "ByteLevel") return true;
    const json* list = json_get(p, "pretokenizers");
    if (!list || !list->is_array()) return false;
    for (const json& x : *list)
        if (has_byte_level_step(x)) return true;
    return false;
}

bool starts_ends(const std::string& s, const std::string& a, const std::string& b) {
    return s.size() >= a.size() + b.size() && s.compare(0, a.size(), a) == 0 &&
           s.compare(s.size() - b.size(), b.size(), b) == 0;
}

// The converter's does_token_look_special: added tokens some models forget to mark special.
bool looks_special(const std::string& s) {
    return s == "<pad>" || s == "<mask>" || s == "<2mass>" || s == "[@BOS@]" || starts_ends(s, "<|", "|>") ||
           starts_ends(s, "<\xef\xbd\x9c", "\xef\xbd\x9c>") || starts_ends(s, "<unused", ">");  // <｜...｜>
}

// The GGUF merges list holds "a b" strings; a side containing a space (possible in the [a, b] form) gets it as
// U+0120, GPT-2's spelling of the space byte, as gguf-py does.
std::vector<std::string> merge_strings(const HfTokenizer& t) {
    auto enc = [](const std::string& s) {
        std::string o;
        for (char c : s) o += c == ' ' ? std::string("\xc4\xa0") : std::string(1, c);
        return o;
    };
    std::vector<std::string> out;
    out.reserve(t.merges.size());
    for (const auto& [a, b] : t.merges) out.push_back(enc(a) + " " + enc(b));
    return out;
}

// Whether Hugging Face puts a special token before the text: the post-processor's single template (alone or inside
// a Sequence) starts with one. Used when tokenizer_config.json does not say.
bool post_processor_adds_bos(const json& tj) {
    const json* pp = json_get(tj, "post_processor");
    if (!pp || !pp->is_object()) return false;
    std::vector<const json*> procs{pp};
    if (const json* list = json_get(*pp, "processors"); list && list->is_array()) {
        procs.clear();
        for (const json& x : *list) procs.push_back(&x);
    }
    for (const json* p : procs) {
        const json* type = json_get(*p, "type");
        if (!type || !type->is_string()) continue;
        if (type->get<std::string>() == "RobertaProcessing" || type->get<std::string>() == "BertProcessing") return true;
        const json* single = json_get(*p, "single");
        if (type->get<std::string>() == "TemplateProcessing" && single && single->is_array() && !single->empty() &&
            json_get((*single)[0], "SpecialToken"))
            return true;
    }
    return false;
}

int64_t config_vocab_size(const json& config) {
    const json* v = json_get(config, "vocab_size");
    return v && v->is_number_integer() ? v->get<int64_t>() : -1;
}

}  // namespace

bool is_byte_level_bpe(const json& tj) {
    const json* model = json_get(tj, "model");
    if (!model || !model->is_object()) return false;
    const json* type = json_get(*model, "type");
    const json* fallback = json_get(*model, "byte_fallback");
    if (!type || *type != "BPE" || (fallback && fallback->is_boolean() && fallback->get<bool>())) return false;
    const json* pre = json_get(tj, "pre_tokenizer");
    const json* dec = json_get(tj, "decoder");
    const json* dec_type = dec ? json_get(*dec, "type") : nullptr;
    return (pre && has_byte_level_step(*pre)) || (dec_type && *dec_type == "ByteLevel");
}

Metadata gpt2_vocab_metadata(const TokenizerFiles& files, const json& config, const std::string& pre_override) {
    const std::string& file = files.tokenizer_json.name;
    const json& tj = files.tokenizer_json.json;
    const HfTokenizer t = parse_hf_tokenizer(tj, file);
    BpePre pre{pre_override, "--tokenizer-pre"};
    if (pre_override.empty()) {
        const json* clean = json_get(files.tokenizer_config.json, "clean_up_tokenization_spaces");
        pre = identify_bpe_pre(tj, file, clean && clean->is_boolean() && clean->get<bool>());
    }

    HfTokenIds ids = hf_token_ids(t, file);
    std::vector<std::string> tokens = std::move(ids.text);
    std::vector<int32_t> types(tokens.size(), static_cast<int32_t>(TokenType::Normal));
    for (size_t id = 0; id < tokens.size(); ++id) {
        const HfAddedToken* a = ids.added[id];
        if (!a) continue;
        // Added tokens are matched in the raw text before BPE by both libraries. llama.cpp does that for CONTROL and
        // USER_DEFINED tokens and expects their text unencoded, which is how added_tokens stores it.
        if (a->special || looks_special(tokens[id])) {
            types[id] = static_cast<int32_t>(TokenType::Control);
        } else {
            types[id] = static_cast<int32_t>(TokenType::UserDefined);
            std::string& s = tokens[id];  // the converter's Gemma fix: "▁" in a user-defined token is a space
            for (size_t p; (p = s.find("\xe2\x96\x81")) != std::string::npos;) s.replace(p, 3, " ");
        }
    }
    // Embedding rows past the tokenizer's tokens (config vocab_size larger): padding tokens, as the converter writes.
    const size_t want = padded_vocab_size(config_vocab_size(config), tokens.size(), file);
    for (size_t id = tokens.size(); id < want; ++id) {
        tokens.push_back("[PAD" + std::to_string(id) + "]");
        types.push_back(static_cast<int32_t>(TokenType::Unused));
    }
    const size_t n_vocab = tokens.size();

    Metadata m;
    set(m, "tokenizer.ggml.model", Value::str("gpt2"));
    set(m, "tokenizer.ggml.pre", Value::str(pre.name));
    set(m, "tokenizer.ggml.tokens", Value::str_array(std::move(tokens)));
    set(m, "tokenizer.ggml.token_type", Value::i32_array(types));
    if (t.merges.empty()) throw Error(file, "", "model.merges is empty: a BPE tokenizer without merges");
    set(m, "tokenizer.ggml.merges", Value::str_array(merge_strings(t)));
    add_special_vocab(m, files, config, n_vocab);
    // llama.cpp otherwise takes add_bos from the pre-tokenizer name (llama-bpe: true), which is not what the
    // tokenizer does when its post-processor adds nothing.
    if (!find(m, "tokenizer.ggml.add_bos_token"))
        set(m, "tokenizer.ggml.add_bos_token", Value::boolean(post_processor_adds_bos(tj)));
    return m;
}

}  // namespace gs
