#include "core/tokenizer/bpe_pre.h"

#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/tokenizer/json_file.h"

namespace gs {

namespace {

using nlohmann::json;

// The regexes as Hugging Face tokenizer.json files spell them (JSON-decoded).
const char* const kGpt2 = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
const char* const kLlama3 =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char* const kQwen2 =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char* const kQwen35 =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char* const kO200k =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|)"
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|)"
    R"(\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char* const kTekken =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+|)"
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*|)"
    R"(\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char* const kDeepseekV3Words =
    R"([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|)"
    R"(\s*[\r\n]+|\s+(?!\S)|\s+)";
const char* const kDeepseekV3Cjk = "[\xe4\xb8\x80-\xe9\xbe\xa5\xe3\x81\x80-\xe3\x82\x9f\xe3\x82\xa0-\xe3\x83\xbf]+";  // [一-龥぀-ゟ゠-ヿ]+

enum class Merges { Ignored, Used, Either };

struct Known {
    const char* name;
    std::vector<std::string> regexes;  // the pre-tokenizer's splits in order, ByteLevel's own regex included
    Merges merges;                     // model.ignore_merges the llama.cpp name implies
    const char* why;
};

// Only names whose llama.cpp runtime behaviour has been compared with Hugging Face, or whose llama.cpp regexes are
// verbatim copies of the tokenizer.json ones (docs/tokenizers.md says which is which).
const std::vector<Known>& known_pre_tokenizers() {
    static const std::vector<Known> k = {
        {"llama-bpe", {kLlama3}, Merges::Ignored,
         "Llama 3 regex with ignore_merges (llama.cpp's hash may say smaug-bpe, which does not ignore merges)"},
        {"smaug-bpe", {kLlama3}, Merges::Used, "Llama 3 regex without ignore_merges"},
        {"qwen2", {kQwen2}, Merges::Used, "Qwen2 regex (single digits)"},
        {"qwen35", {kQwen35}, Merges::Used, "Qwen3.5 regex (letters with combining marks)"},
        // llama.cpp's gpt-4o runtime regex drops \p{M}, splitting Devanagari/Khmer words HF keeps whole; this name
        // runs the same regex with \p{M} kept (measured on gpt-oss: 10,934 vocabulary mismatches down to 27).
        {"granite-embed-multi-97m", {kO200k}, Merges::Either,
         "o200k (gpt-4o) regex; granite-embed-multi-97m is llama.cpp's copy of it that keeps \\p{M}"},
        {"tekken", {kTekken}, Merges::Ignored, "Mistral Tekken regex with ignore_merges"},
        {"deepseek-v3", {R"(\p{N}{1,3})", kDeepseekV3Cjk, kDeepseekV3Words}, Merges::Used,
         "DeepSeek-V3 splits (digits, CJK, words)"},
        {"gpt-2", {kGpt2}, Merges::Used, "ByteLevel's built-in GPT-2 regex"},
    };
    return k;
}

// Literal control characters and their escapes match the same text; compare the escaped form.
std::string canonical_regex(const std::string& re) {
    std::string out;
    for (char c : re) {
        if (c == '\r') out += "\\r";
        else if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else out += c;
    }
    return out;
}

struct PreSteps {
    std::vector<std::string> regexes;
    bool byte_level = false;
};

bool flag(const json& obj, const char* key, bool dflt) {
    const json* v = json_get(obj, key);
    return v && v->is_boolean() ? v->get<bool>() : dflt;
}

void collect_steps(const json& p, const std::string& file, const std::string& path, PreSteps& out) {
    const json* type = json_get(p, "type");
    const std::string t = type && type->is_string() ? type->get<std::string>() : "";
    if (t == "Sequence") {
        const json* list = json_get(p, "pretokenizers");
        if (!list || !list->is_array()) json_type_error(file, path + ".pretokenizers", "an array", list ? *list : json());
        for (size_t i = 0; i < list->size(); ++i)
            collect_steps((*list)[i], file, path + ".pretokenizers[" + std::to_string(i) + "]", out);
    } else if (t == "Split") {
        const json* pattern = json_get(p, "pattern");
        const json* re = pattern ? json_get(*pattern, "Regex") : nullptr;
        if (!re || !re->is_string())
            throw Error(file, "", path + ": Split on " + (pattern ? pattern->dump() : "nothing") +
                                      " (not a regex) has no llama.cpp equivalent");
        const json* behavior = json_get(p, "behavior");
        const std::string b = behavior && behavior->is_string() ? behavior->get<std::string>() : "";
        // llama.cpp keeps every match and every gap between matches as separate words: HF's Isolated.
        if (b != "Isolated" || flag(p, "invert", false))
            throw Error(file, "", path + ": Split behavior \"" + b + "\"" + (flag(p, "invert", false) ? " inverted" : "") +
                                      " has no llama.cpp equivalent (only Isolated)");
        out.regexes.push_back(canonical_regex(re->get<std::string>()));
    } else if (t == "Digits") {
        out.regexes.push_back(flag(p, "individual_digits", false) ? R"(\p{N})" : R"(\p{N}+)");
    } else if (t == "ByteLevel") {
        // HF's defaults when the keys are absent: add_prefix_space true, use_regex true.
        if (flag(p, "add_prefix_space", true))
            throw Error(file, "", path + ": ByteLevel add_prefix_space is true; llama.cpp's BPE never adds a prefix "
                                         "space");
        if (flag(p, "use_regex", true)) out.regexes.push_back(kGpt2);
        out.byte_level = true;
    } else {
        throw Error(file, "", path + ": pre-tokenizer type \"" + t + "\" has no llama.cpp equivalent");
    }
}

// Normalizers llama.cpp's BPE path can live with. It applies none; NFC only changes text that is not already NFC.
void check_normalizer(const json& j, const std::string& file) {
    const json* n = json_get(j, "normalizer");
    if (!n || n->is_null()) return;
    const json* type = json_get(*n, "type");
    if (type && type->is_string() && type->get<std::string>() == "NFC") return;
    throw Error(file, "", "normalizer " + n->dump() + " has no llama.cpp equivalent for byte-level BPE");
}

bool deepseek_llm(const std::vector<std::string>& r) {
    // DeepSeek LLM's splits as llama.cpp copies them; the letter class is a long literal range list, compared by
    // its start. (No DeepSeek LLM tokenizer.json was at hand to check this against.)
    return r.size() == 6 && r[0] == R"([\r\n])" && r[1].rfind(R"(\s?[A-Za-zµÀ-ÖØ-öø-ƺ)", 0) == 0 &&
           r[3] == R"(\s+$)" && r[5] == R"(\p{N}+)";
}

std::string describe(const std::vector<std::string>& regexes) {
    std::string s;
    for (const auto& r : regexes) s += (s.empty() ? "" : ", ") + json(r).dump();
    return s.empty() ? "(no splits)" : s;
}

}  // namespace

BpePre identify_bpe_pre(const json& j, const std::string& file, bool clean_up_spaces) {
    check_normalizer(j, file);
    PreSteps steps;
    const json* pre = json_get(j, "pre_tokenizer");
    if (pre && !pre->is_null()) collect_steps(*pre, file, "pre_tokenizer", steps);
    if (!steps.byte_level) throw Error(file, "", "pre_tokenizer has no ByteLevel step: not a byte-level BPE tokenizer");

    const json* model = json_get(j, "model");
    const bool ignore_merges = model && flag(*model, "ignore_merges", false);

    // GPT-2's regex after individual digits: smollm and starcoder split the same way and differ only in whether
    // decoding cleans up spaces.
    if (steps.regexes == std::vector<std::string>{R"(\p{N})", kGpt2} && !ignore_merges)
        return {clean_up_spaces ? "starcoder" : "smollm", "individual digits, then GPT-2's regex"};
    if (deepseek_llm(steps.regexes) && !ignore_merges) return {"deepseek-llm", "DeepSeek LLM splits"};

    for (const Known& k : known_pre_tokenizers()) {
        if (steps.regexes != k.regexes) continue;
        if (k.merges == Merges::Either || (k.merges == Merges::Ignored) == ignore_merges) return {k.name, k.why};
    }
    throw Error(file, "", "no llama.cpp pre-tokenizer is known to split like this one (" + describe(steps.regexes) +
                              (ignore_merges ? ", ignore_merges" : "") +
                              "); pass --tokenizer-pre NAME to choose llama.cpp's pre-tokenizer yourself");
}

}  // namespace gs
