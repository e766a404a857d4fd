#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/tokenizer/bpe_pre.h"
#include "core/tokenizer/vocab.h"
#include "tests/memory_folder.h"
#include "tests/support.h"
#include "tests/unit/tokenizer_support.h"

using gs::test::error_of;
using nlohmann::json;

namespace {

const char* const kLlama3Re =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char* const kQwen2Re =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

json byte_level(bool use_regex) {
    return {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", use_regex}};
}
json split(const std::string& re) {
    return {{"type", "Split"}, {"pattern", {{"Regex", re}}}, {"behavior", "Isolated"}, {"invert", false}};
}
json seq(std::vector<json> steps) { return {{"type", "Sequence"}, {"pretokenizers", steps}}; }

// A tiny byte-level tokenizer.json ("Ġ" is GPT-2's spelling of the space byte).
json tokenizer(const json& pre, bool ignore_merges = false) {
    json t;
    t["normalizer"] = nullptr;
    t["pre_tokenizer"] = pre;
    t["decoder"] = byte_level(true);
    t["model"] = {{"type", "BPE"}, {"ignore_merges", ignore_merges}, {"byte_fallback", false}};
    t["model"]["vocab"] = {{"a", 0}, {"b", 1}, {"\xc4\xa0", 2}, {"ab", 3}, {"\xc4\xa0" "ab", 4}};
    t["model"]["merges"] = json::array({"a b", "\xc4\xa0 ab"});
    t["added_tokens"] = json::array({
        {{"id", 5}, {"content", "<|begin|>"}, {"special", true}},
        {{"id", 6}, {"content", "<|tool|>"}, {"special", false}},
        {{"id", 7}, {"content", "my\xe2\x96\x81word"}, {"special", false}},
    });
    return t;
}

std::string pre_of(const json& t, bool clean = false) { return gs::identify_bpe_pre(t, "tokenizer.json", clean).name; }

gs::Metadata convert(const json& t, const json& config = json::object(), const char* tokenizer_config = nullptr,
                     const std::string& pre = "") {
    gs::test::MemoryFolder folder;
    folder.content["tokenizer.json"] = t.dump();
    if (tokenizer_config) folder.content["tokenizer_config.json"] = tokenizer_config;
    return gs::vocab_metadata(folder, config, gs::VocabOptions{pre});
}

const gs::Value& get(const gs::Metadata& m, const char* key) {
    const gs::Value* v = gs::find(m, key);
    if (!v) throw std::runtime_error(std::string("missing key ") + key);
    return *v;
}

}  // namespace

TEST_CASE("bpe pre: names from tokenizer.json content", "[tokenizer]") {
    // Llama 3 with ignore_merges is llama-bpe even though llama.cpp's hash table says smaug-bpe.
    CHECK(pre_of(tokenizer(seq({split(kLlama3Re), byte_level(false)}), true)) == "llama-bpe");
    CHECK(pre_of(tokenizer(seq({split(kLlama3Re), byte_level(false)}), false)) == "smaug-bpe");
    CHECK(pre_of(tokenizer(seq({split(kQwen2Re), byte_level(false)}))) == "qwen2");
    CHECK(pre_of(tokenizer(byte_level(true))) == "gpt-2");
    const json digits = {{"type", "Digits"}, {"individual_digits", true}};
    CHECK(pre_of(tokenizer(seq({digits, byte_level(true)}))) == "smollm");
    CHECK(pre_of(tokenizer(seq({digits, byte_level(true)})), true) == "starcoder");

    // A literal newline in the regex matches the same text as "\n".
    std::string literal = kQwen2Re;
    for (size_t p; (p = literal.find("\\r\\n")) != std::string::npos;) literal.replace(p, 4, "\r\n");
    CHECK(pre_of(tokenizer(seq({split(literal), byte_level(false)}))) == "qwen2");

    // NFC is tolerated (llama.cpp cannot apply it; only non-NFC text differs), other normalizers are not.
    json nfc = tokenizer(seq({split(kQwen2Re), byte_level(false)}));
    nfc["normalizer"] = {{"type", "NFC"}};
    CHECK(pre_of(nfc) == "qwen2");
    nfc["normalizer"] = {{"type", "Lowercase"}};
    CHECK_THAT(error_of([&] { pre_of(nfc); }).what(), Catch::Contains("Lowercase"));
}

TEST_CASE("bpe pre: unknown pre-tokenizers are errors that name the regex", "[tokenizer]") {
    const gs::Error e = error_of([] { pre_of(tokenizer(seq({split("\\p{L}+|\\s+"), byte_level(false)}))); });
    CHECK(e.file == "tokenizer.json");
    CHECK_THAT(e.what(), Catch::Contains("\\\\p{L}+|\\\\s+") && Catch::Contains("--tokenizer-pre"));
    // Qwen's regex with ignore_merges: no llama.cpp name does both.
    CHECK_THAT(error_of([] { pre_of(tokenizer(seq({split(kQwen2Re), byte_level(false)}), true)); }).what(),
               Catch::Contains("ignore_merges"));
    // ByteLevel's add_prefix_space defaults to true, which llama.cpp cannot do.
    json t = tokenizer(json{{"type", "ByteLevel"}});
    CHECK_THAT(error_of([&] { pre_of(t); }).what(), Catch::Contains("add_prefix_space"));
    json merged = tokenizer(seq({split(kQwen2Re), byte_level(false)}));
    merged["pre_tokenizer"]["pretokenizers"][0]["behavior"] = "MergedWithPrevious";
    CHECK_THAT(error_of([&] { pre_of(merged); }).what(), Catch::Contains("MergedWithPrevious"));
}

TEST_CASE("gpt2 vocab: tokens, types, merges, pre and BOS", "[tokenizer]") {
    json t = tokenizer(seq({split(kLlama3Re), byte_level(false)}), true);
    const gs::Metadata m = convert(t, json{{"vocab_size", 10}});
    CHECK(get(m, "tokenizer.ggml.model").as_str() == "gpt2");
    CHECK(get(m, "tokenizer.ggml.pre").as_str() == "llama-bpe");
    CHECK(gs::find(m, "tokenizer.ggml.scores") == nullptr);
    const auto& tokens = get(m, "tokenizer.ggml.tokens").strings;
    REQUIRE(tokens.size() == 10);  // padded to config vocab_size
    CHECK(tokens[4] == "\xc4\xa0" "ab");
    CHECK(tokens[7] == "my word");  // user-defined "▁" is a space, as the converter writes it
    CHECK(tokens[9] == "[PAD9]");
    const gs::Value& types = get(m, "tokenizer.ggml.token_type");
    CHECK(types.int_at(0) == 1);
    CHECK(types.int_at(5) == 3);  // special
    CHECK(types.int_at(6) == 3);  // not special, but <|...|> looks special to the converter
    CHECK(types.int_at(7) == 4);  // added, not special: USER_DEFINED
    CHECK(types.int_at(8) == 5);  // padding: UNUSED
    CHECK(get(m, "tokenizer.ggml.merges").strings == std::vector<std::string>{"a b", "\xc4\xa0 ab"});
    // No post-processor adds a BOS, so none is added (llama.cpp's llama-bpe default would add one).
    CHECK(get(m, "tokenizer.ggml.add_bos_token").as_bool() == false);

    // [a, b] merges; a space inside one side is written as U+0120.
    json pairs = t;
    pairs["model"]["merges"] = json::array({json::array({"a", "b"}), json::array({"\xc4\xa0", "ab"}),
                                            json::array({"a b", "b"})});
    CHECK(get(convert(pairs), "tokenizer.ggml.merges").strings ==
          std::vector<std::string>{"a b", "\xc4\xa0 ab", "a\xc4\xa0" "b b"});

    // A TemplateProcessing that starts with a special token adds BOS; tokenizer_config.json's flag wins over it.
    json bos = t;
    bos["post_processor"] = {{"type", "Sequence"},
                             {"processors", json::array({byte_level(true),
                                                         {{"type", "TemplateProcessing"},
                                                          {"single", json::array({{{"SpecialToken", {{"id", "<|begin|>"}}}},
                                                                                  {{"Sequence", {{"id", "A"}}}}})}}})}};
    CHECK(get(convert(bos), "tokenizer.ggml.add_bos_token").as_bool() == true);
    CHECK(get(convert(bos, json::object(), R"({"add_bos_token": false, "bos_token": "<|begin|>"})"),
              "tokenizer.ggml.add_bos_token").as_bool() == false);
    CHECK(get(convert(bos, json::object(), R"({"bos_token": "<|begin|>"})"), "tokenizer.ggml.bos_token_id").as_u64() == 5);
}

TEST_CASE("gpt2 vocab: --tokenizer-pre overrides identification", "[tokenizer]") {
    json unknown = tokenizer(seq({split("\\p{L}+"), byte_level(false)}));
    CHECK_THROWS_AS(convert(unknown), gs::Error);
    CHECK(get(convert(unknown, json::object(), nullptr, "qwen2"), "tokenizer.ggml.pre").as_str() == "qwen2");
}

TEST_CASE("gpt2 vocab: byte-level tokenizer.json is used even beside a tokenizer.model", "[tokenizer]") {
    // Llama 3 checkpoints ship a tiktoken file named tokenizer.model; it is not SentencePiece.
    gs::test::MemoryFolder folder;
    folder.content["tokenizer.json"] = tokenizer(seq({split(kLlama3Re), byte_level(false)}), true).dump();
    folder.content["tokenizer.model"] = "IQ== 0\nIg== 1\n";
    CHECK(get(gs::vocab_metadata(folder, json::object()), "tokenizer.ggml.model").as_str() == "gpt2");
}

TEST_CASE("gpt2 vocab: malformed files", "[tokenizer]") {
    json t = tokenizer(byte_level(true));
    t["model"]["merges"] = json::array();
    CHECK_THAT(error_of([&] { convert(t); }).what(), Catch::Contains("merges"));
    t = tokenizer(byte_level(true));
    t["added_tokens"][2]["id"] = 9;  // leaves ids 7 and 8 without a token
    CHECK_THAT(error_of([&] { convert(t); }).what(), Catch::Contains("contiguous"));
}

TEST_CASE("llama tokenizer.json: add_space_prefix follows the normalizer", "[tokenizer]") {
    const std::string sp = "\xe2\x96\x81";
    json t;
    t["model"] = {{"type", "BPE"}, {"byte_fallback", true}};
    t["model"]["vocab"] = {{"<unk>", 0}, {"a", 1}, {sp, 2}, {sp + "a", 3}};
    t["model"]["merges"] = json::array({sp + " a"});
    t["decoder"] = {{"type", "Sequence"}, {"decoders", json::array()}};
    // Gemma 3: spaces become "▁" but nothing is prepended.
    t["normalizer"] = {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", sp}};
    const gs::Metadata gemma = convert(t);
    CHECK(get(gemma, "tokenizer.ggml.model").as_str() == "llama");
    CHECK(get(gemma, "tokenizer.ggml.add_space_prefix").as_bool() == false);
    // Llama 2 / Mistral: Prepend("▁") in a Sequence, llama.cpp's default (no key written).
    t["normalizer"] = {{"type", "Sequence"},
                       {"normalizers", json::array({{{"type", "Prepend"}, {"prepend", sp}}, t["normalizer"]})}};
    CHECK(gs::find(convert(t), "tokenizer.ggml.add_space_prefix") == nullptr);
    // Metaspace with prepend_scheme "always" also prepends.
    t["normalizer"] = nullptr;
    t["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", sp}, {"prepend_scheme", "always"}};
    CHECK(gs::find(convert(t), "tokenizer.ggml.add_space_prefix") == nullptr);
    t["pre_tokenizer"]["prepend_scheme"] = "never";
    CHECK(get(convert(t), "tokenizer.ggml.add_space_prefix").as_bool() == false);
}
