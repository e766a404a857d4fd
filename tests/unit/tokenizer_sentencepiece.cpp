#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/tokenizer/llama_vocab.h"
#include "core/tokenizer/sentencepiece_model.h"
#include "native/file_io.h"
#include "tests/support.h"
#include "tests/unit/tokenizer_support.h"

using gs::test::error_of;
using gs::test::pb_bytes;
using gs::test::pb_int;
using gs::test::sp_piece;

namespace {

// A tiny but complete model: <unk>, <s>, </s>, one byte piece, two normal pieces, a user-defined one.
std::string tiny_model() {
    std::string m = sp_piece("<unk>", 0, 2) + sp_piece("<s>", 0, 3) + sp_piece("</s>", 0, 3) +
                    sp_piece("<0x0A>", 0, 6) + sp_piece("\xe2\x96\x81t", -1.0f, 1) + sp_piece("he", -2.5f, 1) +
                    sp_piece("<user>", 0, 4);
    m += pb_bytes(2, pb_int(3, 2) + pb_int(35, 1) + pb_int(40, 0) + pb_int(41, 1) + pb_int(42, 2) + pb_int(43, -1));
    m += pb_bytes(3, pb_bytes(1, "identity") + pb_int(3, 0));
    return m;
}

const gs::Value& get(const gs::Metadata& m, const char* key) {
    const gs::Value* v = gs::find(m, key);
    if (!v) throw std::runtime_error(std::string("missing key ") + key);
    return *v;
}

std::vector<std::string> keys(const gs::Metadata& m) {
    std::vector<std::string> k;
    for (const auto& kv : m) k.push_back(kv.key);
    return k;
}

}  // namespace

TEST_CASE("sentencepiece: reads pieces, trainer and normalizer specs", "[tokenizer]") {
    const gs::SpModel m = gs::parse_sentencepiece_model(tiny_model(), "tiny.model");
    REQUIRE(m.pieces.size() == 7);
    CHECK(m.pieces[0].piece == "<unk>");
    CHECK(m.pieces[0].type == gs::TokenType::Unknown);
    CHECK(m.pieces[3].type == gs::TokenType::Byte);
    CHECK(m.pieces[4].piece == "\xe2\x96\x81t");
    CHECK(m.pieces[4].type == gs::TokenType::Normal);  // absent type field means NORMAL
    CHECK(m.pieces[5].score == -2.5f);
    CHECK(m.pieces[6].type == gs::TokenType::UserDefined);
    CHECK(m.model_type == 2);
    CHECK(m.byte_fallback);
    CHECK(m.pad_id == -1);
    CHECK_FALSE(m.add_dummy_prefix);
    CHECK(m.remove_extra_whitespaces);  // proto default when absent
}

TEST_CASE("sentencepiece: truncated or malformed models give errors naming the file", "[tokenizer]") {
    const std::string good = tiny_model();
    // Every truncation point must either parse (a cut at a field boundary) or fail cleanly with the file named.
    size_t failures = 0;
    for (size_t n = 0; n < good.size(); ++n) {
        try {
            gs::parse_sentencepiece_model(good.substr(0, n), "cut.model");
        } catch (const gs::Error& e) {
            CHECK(e.file == "cut.model");
            ++failures;
        }
    }
    CHECK(failures > good.size() / 2);

    // Corrupted bytes: every outcome must be a parse or a gs::Error (run under the asan preset, no bad reads).
    size_t corrupted_ok = 0, corrupted_err = 0;
    for (size_t i = 0; i < good.size(); ++i)
        for (unsigned char b : {0x00, 0x02, 0x7f, 0x80, 0xff}) {
            std::string bad = good;
            bad[i] = static_cast<char>(b);
            try {
                gs::parse_sentencepiece_model(bad, "bad.model");
                ++corrupted_ok;
            } catch (const gs::Error& e) {
                CHECK(e.file == "bad.model");
                ++corrupted_err;
            }
        }
    CHECK(corrupted_err > 0);
    CHECK(corrupted_ok > 0);

    auto e = error_of([] { gs::parse_sentencepiece_model("", "empty.model"); });
    CHECK(e.file == "empty.model");
    CHECK_THAT(e.detail, Catch::Contains("no sentence pieces"));

    e = error_of([] { gs::parse_sentencepiece_model("{\"model\": 1}", "json.model"); });
    CHECK(e.file == "json.model");

    e = error_of([] { gs::parse_sentencepiece_model(sp_piece("<unk>", 0, 2) + sp_piece("a", 0, 1) + sp_piece("a", 0, 1), "dup.model"); });
    CHECK_THAT(e.detail, Catch::Contains("piece 2 'a' duplicates piece 1"));

    e = error_of([] { gs::parse_sentencepiece_model(sp_piece("a", 0, 1), "nounk.model"); });
    CHECK_THAT(e.detail, Catch::Contains("no piece has the unknown type"));

    e = error_of([] { gs::parse_sentencepiece_model(sp_piece("<unk>", 0, 2) + sp_piece("a", 0, 9), "type.model"); });
    CHECK_THAT(e.detail, Catch::Contains("pieces[1].type") && Catch::Contains("unknown piece type 9"));

    e = error_of([] { gs::parse_sentencepiece_model(pb_int(1, 5), "wire.model"); });
    CHECK_THAT(e.detail, Catch::Contains("pieces") && Catch::Contains("expected wire type length-delimited"));
}

TEST_CASE("sentencepiece vocab: converter's types, padding and added tokens", "[tokenizer]") {
    gs::test::MemoryFolder folder;
    folder.content["tokenizer.model"] = tiny_model();
    folder.content["tokenizer_config.json"] = R"({
        "added_tokens_decoder": {
            "7": {"content": "<|im_start|>", "special": false},
            "8": {"content": "\u2581my\u2581word", "special": false},
            "9": {"content": "<tool>", "special": true}
        },
        "add_bos_token": true, "add_eos_token": false, "add_prefix_space": false,
        "chat_template": "{{ messages }}"
    })";
    folder.content["added_tokens.json"] = R"({"<extra>": 6, "<far>": 99})";
    const nlohmann::json config = {{"vocab_size", 11}, {"bos_token_id", 1}, {"eos_token_id", 2}};
    const gs::Metadata m = gs::llama_vocab_metadata(folder, config);

    const gs::Value& tokens = get(m, "tokenizer.ggml.tokens");
    const gs::Value& scores = get(m, "tokenizer.ggml.scores");
    const gs::Value& types = get(m, "tokenizer.ggml.token_type");
    REQUIRE(tokens.count == 11);
    CHECK(types.elem == gs::ValueType::I32);
    CHECK(scores.elem == gs::ValueType::F32);
    CHECK(tokens.strings[3] == "<0x0A>");
    CHECK(types.int_at(3) == 6);
    CHECK(types.int_at(0) == 2);
    CHECK(types.int_at(1) == 3);
    CHECK(scores.number_at(5) == -2.5);
    // added_tokens.json replaces the user-defined piece (a USER_DEFINED piece alone would be NORMAL); 99 is ignored
    CHECK(tokens.strings[6] == "<extra>");
    CHECK(types.int_at(6) == 4);
    CHECK(scores.number_at(6) == -1000.0);
    // added_tokens_decoder: <|...|> looks special even unflagged; user-defined spaces are pre-normalized
    CHECK(tokens.strings[7] == "<|im_start|>");
    CHECK(types.int_at(7) == 3);
    CHECK(tokens.strings[8] == " my word");
    CHECK(types.int_at(8) == 4);
    CHECK(types.int_at(9) == 3);
    // ids past everything are UNUSED padding
    CHECK(tokens.strings[10] == "[PAD10]");
    CHECK(types.int_at(10) == 5);
    CHECK(scores.number_at(10) == -10000.0);

    CHECK(keys(m) == std::vector<std::string>{
                         "tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.tokens", "tokenizer.ggml.scores",
                         "tokenizer.ggml.token_type", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
                         "tokenizer.ggml.add_bos_token", "tokenizer.ggml.add_eos_token", "tokenizer.chat_template",
                         "tokenizer.ggml.add_space_prefix"});
    CHECK(get(m, "tokenizer.chat_template").as_str() == "{{ messages }}");
    CHECK(get(m, "tokenizer.ggml.add_bos_token").as_bool());
    CHECK_FALSE(get(m, "tokenizer.ggml.add_eos_token").as_bool());
    CHECK_FALSE(get(m, "tokenizer.ggml.add_space_prefix").as_bool());
}

TEST_CASE("sentencepiece vocab: ids the vocabulary cannot hold are errors naming the file", "[tokenizer]") {
    gs::test::MemoryFolder folder;
    folder.content["tokenizer.model"] = tiny_model();
    auto e = error_of([&] { gs::llama_vocab_metadata(folder, {{"vocab_size", 5}}); });
    CHECK(e.file == "memfolder/tokenizer.model");
    CHECK_THAT(e.detail, Catch::Contains("7 pieces, more than config.json's vocab_size 5"));

    folder.content["tokenizer_config.json"] = R"({"added_tokens_decoder": {"12": {"content": "<x>"}}})";
    e = error_of([&] { gs::llama_vocab_metadata(folder, {{"vocab_size", 8}}); });
    CHECK(e.file == "memfolder/tokenizer_config.json");
    CHECK_THAT(e.detail, Catch::Contains("token id 12 is outside the vocabulary of 8"));

    folder.content["tokenizer_config.json"] = R"({"added_tokens_decoder": {"x1": {"content": "<x>"}}})";
    e = error_of([&] { gs::llama_vocab_metadata(folder, {}); });
    CHECK_THAT(e.detail, Catch::Contains("not a token id"));

    folder.content["tokenizer_config.json"] = R"({"added_tokens_decoder": {"1": {"content": 5}}})";
    e = error_of([&] { gs::llama_vocab_metadata(folder, {}); });
    CHECK(e.file == "memfolder/tokenizer_config.json");
    CHECK_THAT(e.detail, Catch::Contains("added_tokens_decoder[\"1\"].content: expected a string, found number"));

    folder.content.erase("tokenizer_config.json");
    folder.content["tokenizer.model"] = tiny_model().substr(0, 33);  // inside the third piece
    e = error_of([&] { gs::llama_vocab_metadata(folder, {}); });
    CHECK(e.file == "memfolder/tokenizer.model");
}

TEST_CASE("dev-llama-spm: the tokenizer keys of llama.cpp's reference conversion", "[tokenizer]") {
    // The golden digest (ref.F32.json) holds sha256 digests of these arrays; the end-to-end comparison runs on the
    // written GGUF. Here: the keys present and absent, and values that pin the type mapping and scores.
    auto folder = gs::native::open_folder(gs::test::shared_path("models/dev-llama-spm"));
    const auto config = nlohmann::json::parse(gs::test::slurp(gs::test::shared_path("models/dev-llama-spm/config.json")));
    const gs::Metadata m = gs::llama_vocab_metadata(*folder, config);

    CHECK(keys(m) == std::vector<std::string>{"tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.tokens",
                                              "tokenizer.ggml.scores", "tokenizer.ggml.token_type",
                                              "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id"});
    CHECK(get(m, "tokenizer.ggml.model").as_str() == "llama");
    CHECK(get(m, "tokenizer.ggml.pre").as_str() == "default");
    CHECK(get(m, "tokenizer.ggml.bos_token_id").type == gs::ValueType::U32);
    CHECK(get(m, "tokenizer.ggml.bos_token_id").as_u64() == 1);
    CHECK(get(m, "tokenizer.ggml.eos_token_id").as_u64() == 2);

    const gs::Value& tokens = get(m, "tokenizer.ggml.tokens");
    const gs::Value& scores = get(m, "tokenizer.ggml.scores");
    const gs::Value& types = get(m, "tokenizer.ggml.token_type");
    REQUIRE(tokens.count == 32000);
    REQUIRE(scores.count == 32000);
    REQUIRE(types.count == 32000);
    CHECK(tokens.strings[0] == "<unk>");
    CHECK(tokens.strings[1] == "<s>");
    CHECK(tokens.strings[2] == "</s>");
    CHECK(tokens.strings[3] == "<0x00>");
    CHECK(tokens.strings[258] == "<0xFF>");
    CHECK(tokens.strings[259] == "\xe2\x96\x81\xe2\x96\x81");
    CHECK(tokens.strings[278] == "\xe2\x96\x81the");
    CHECK(scores.number_at(259) == -1e9);
    CHECK(scores.number_at(278) == -19.0);
    CHECK(scores.number_at(31999) == -31740.0);
    size_t count[7] = {};
    for (uint64_t i = 0; i < types.count; ++i) ++count[types.int_at(i)];
    CHECK(count[2] == 1);    // <unk>
    CHECK(count[3] == 2);    // <s>, </s>
    CHECK(count[6] == 256);  // <0x00>..<0xFF>
    CHECK(count[1] == 31741);
}

TEST_CASE("llama vocab: CodeLlama and Granite vocabulary-size special cases of the converter", "[tokenizer]") {
    gs::test::MemoryFolder folder;
    folder.content["tokenizer.model"] = tiny_model();
    gs::Metadata m = gs::llama_vocab_metadata(folder, {{"vocab_size", 32016}});
    CHECK(keys(m).back() == "tokenizer.ggml.eot_token_id");
    CHECK(get(m, "tokenizer.ggml.eot_token_id").as_u64() == 32010);

    folder.content["tokenizer_config.json"] = R"({"add_bos_token": true})";
    m = gs::llama_vocab_metadata(folder, {{"vocab_size", 49152}});
    CHECK_FALSE(get(m, "tokenizer.ggml.add_bos_token").as_bool());
    CHECK(gs::find(m, "tokenizer.ggml.eot_token_id") == nullptr);
}
