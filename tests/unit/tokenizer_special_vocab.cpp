#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/tokenizer/special_vocab.h"
#include "core/tokenizer/tokenizer_files.h"
#include "tests/unit/tokenizer_support.h"

using gs::test::error_of;
using nlohmann::json;

namespace {

std::vector<std::string> keys(const gs::Metadata& m) {
    std::vector<std::string> k;
    for (const auto& kv : m) k.push_back(kv.key);
    return k;
}

gs::TokenizerFiles files_with(json tokenizer_json, json tokenizer_config) {
    gs::TokenizerFiles f;
    if (!tokenizer_json.is_null()) f.tokenizer_json = {"tokenizer.json", std::move(tokenizer_json)};
    if (!tokenizer_config.is_null()) f.tokenizer_config = {"tokenizer_config.json", std::move(tokenizer_config)};
    return f;
}

const json kAdded = {{"added_tokens", json::array({{{"id", 0}, {"content", "<unk>"}},
                                                   {{"id", 5}, {"content", "<|im_end|>"}},
                                                   {{"id", 7}, {"content", "<pad>"}}})}};

}  // namespace

TEST_CASE("special vocab: tokenizer_config names first, then config.json ids, in SpecialVocab's order", "[tokenizer]") {
    // eos and pad come from tokenizer_config.json through tokenizer.json's added tokens; bos, unk from config.json.
    const json tc = {{"eos_token", "<|im_end|>"}, {"pad_token", {{"content", "<pad>"}}}, {"add_eos_token", true},
                     {"add_bos_token", false}, {"add_unk_token", true}};
    const json config = {{"bos_token_id", 1}, {"eos_token_id", 2}, {"unk_token_id", 0}, {"mask_token_id", 99},
                         {"sep_token_id", -1}, {"cls_token_id", 3}};
    gs::Metadata m;
    gs::add_special_vocab(m, files_with(kAdded, tc), config, 10);
    CHECK(keys(m) == std::vector<std::string>{"tokenizer.ggml.eos_token_id", "tokenizer.ggml.padding_token_id",
                                              "tokenizer.ggml.bos_token_id", "tokenizer.ggml.unknown_token_id",
                                              "tokenizer.ggml.add_bos_token", "tokenizer.ggml.add_eos_token"});
    CHECK(gs::find(m, "tokenizer.ggml.eos_token_id")->as_u64() == 5);  // not config.json's 2
    CHECK(gs::find(m, "tokenizer.ggml.padding_token_id")->as_u64() == 7);
    CHECK(gs::find(m, "tokenizer.ggml.bos_token_id")->as_u64() == 1);
    CHECK_FALSE(gs::find(m, "tokenizer.ggml.add_bos_token")->as_bool());
    CHECK(gs::find(m, "tokenizer.ggml.add_eos_token")->as_bool());
}

TEST_CASE("special vocab: without tokenizer_config.json only config.json counts", "[tokenizer]") {
    gs::Metadata m;
    gs::add_special_vocab(m, files_with(kAdded, nullptr), {{"bos_token_id", 1}, {"eos_token_id", 2.0},
                                                            {"pad_token_id", nullptr}}, 10);
    CHECK(keys(m) == std::vector<std::string>{"tokenizer.ggml.bos_token_id"});  // a float id is not an id
}

TEST_CASE("special vocab: chat templates", "[tokenizer]") {
    gs::Metadata m;
    gs::add_special_vocab(m, files_with(nullptr, {{"chat_template", "{{ bos_token }}"}}), json::object(), 10);
    CHECK(keys(m) == std::vector<std::string>{"tokenizer.chat_template"});
    CHECK(gs::find(m, "tokenizer.chat_template")->as_str() == "{{ bos_token }}");

    // A list: named templates get their own keys and a list of names; "default" is the template.
    const json list = json::array({{{"name", "default"}, {"template", "D"}},
                                   {{"name", "tool use"}, {"template", "T"}},
                                   {{"name", "rag"}, {"template", "R"}},
                                   {{"name", "none"}, {"template", nullptr}}});
    m.clear();
    gs::add_special_vocab(m, files_with(nullptr, {{"chat_template", list}}), json::object(), 10);
    CHECK(keys(m) == std::vector<std::string>{"tokenizer.chat_template.tool_use", "tokenizer.chat_template.rag",
                                              "tokenizer.chat_templates", "tokenizer.chat_template"});
    CHECK(gs::find(m, "tokenizer.chat_templates")->strings == std::vector<std::string>{"tool_use", "rag"});
    CHECK(gs::find(m, "tokenizer.chat_template")->as_str() == "D");

    // chat_template.jinja when tokenizer_config.json has none; tokenizer_config.json wins when it has one.
    gs::TokenizerFiles f = files_with(nullptr, {{"add_bos_token", true}});
    f.has_chat_template_jinja = true;
    f.chat_template_jinja = "{% for m in messages %}{% endfor %}";
    m.clear();
    gs::add_special_vocab(m, f, json::object(), 10);
    CHECK(gs::find(m, "tokenizer.chat_template")->as_str() == f.chat_template_jinja);
    f.tokenizer_config.json["chat_template"] = "from config";
    m.clear();
    gs::add_special_vocab(m, f, json::object(), 10);
    CHECK(gs::find(m, "tokenizer.chat_template")->as_str() == "from config");

    auto e = error_of([] {
        gs::Metadata m2;
        gs::add_special_vocab(m2, files_with(nullptr, {{"chat_template", json::array({42})}}), json::object(), 10);
    });
    CHECK(e.file == "tokenizer_config.json");
    CHECK_THAT(e.detail, Catch::Contains("chat_template[0]: expected an object"));
}
