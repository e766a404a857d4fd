// The fuzzing findings (docs/reliability.md), each as a named test of the error it must now give. The inputs that
// found them are also replayed as they are from tests/fuzz/regressions/ (ctest fuzz-replay:*).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "core/arch/arch.h"
#include "core/gguf/reader.h"
#include "core/gguf/writer.h"
#include "core/model/model_input.h"
#include "core/plan/profile.h"
#include "core/safetensors/header.h"
#include "core/tokenizer/json_file.h"
#include "core/tokenizer/vocab.h"
#include "core/util/json_parse.h"
#include "core/util/le.h"
#include "tests/unit/st_builder.h"

using namespace gs;
using test::error_text;
using json = nlohmann::json;

namespace {
std::string gguf_read_error(const std::string& bytes) {
    auto r = memory_reader("in.gguf", bytes);
    return error_text([&] { read_gguf(*r); });
}

// A byte-level BPE tokenizer.json: 4 tokens, one merge.
json byte_level_tokenizer() {
    return {{"model", {{"type", "BPE"}, {"vocab", {{"a", 0}, {"b", 1}, {"c", 2}, {"ab", 3}}}, {"merges", {"a b"}}}},
            {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}}}};
}
}  // namespace

TEST_CASE("a JSON number beyond double's range is a JSON error naming the file", "[fuzz][errors]") {
    test::MemoryFolder f;
    f.content["tokenizer.json"] = "{\"model\": 1e309}";
    CHECK_THAT(error_text([&] { read_json_file(f, "tokenizer.json", true); }),
               Catch::Contains("tokenizer.json") && Catch::Contains("not valid JSON"));
    CHECK_THAT(error_text([&] { parse_profile("{\"name\": \"x\", \"base\": -1e400}", "mine.json"); }),
               Catch::Contains("mine.json") && Catch::Contains("not valid JSON"));
}

TEST_CASE("a GGUF float value read as an integer must be finite and in range", "[fuzz][gguf][errors]") {
    CHECK(Value::f32(64.f).as_u64() == 64);
    CHECK_THROWS_AS(Value::f32(std::numeric_limits<float>::quiet_NaN()).as_u64(), Error);
    CHECK_THROWS_AS(Value::f32(-INFINITY).as_i64(), Error);
    Value big;
    big.type = ValueType::F64;
    big.bytes.resize(8);
    le::store(reinterpret_cast<uint8_t*>(big.bytes.data()), 1e300);
    CHECK_THROWS_AS(big.as_u64(), Error);
    CHECK(big.as_f64() == 1e300);

    // general.alignment stored as an f32 NaN: the writer refuses such a key, so write another and rename it.
    Metadata kv{{"general.alignmenX", Value::f32(std::numeric_limits<float>::quiet_NaN())}};
    std::vector<GgufTensorInfo> none;
    std::string bytes = encode_gguf_header(kv, none);
    bytes[bytes.find("alignmenX") + 8] = 't';
    CHECK_THAT(gguf_read_error(bytes), Catch::Contains("in.gguf") && Catch::Contains("not a usable integer"));
}

TEST_CASE("a GGUF tensor whose byte size wraps around 2^64 is refused", "[fuzz][gguf][errors]") {
    std::vector<GgufTensorInfo> t(1);
    t[0].name = "w";
    t[0].ne = {4};
    t[0].type = GgmlType::F32;
    std::string bytes = encode_gguf_header({}, t) + std::string(16, '\0');
    CHECK(gguf_read_error(bytes).empty());
    // ne[0] = 2^62 F32 elements: 2^64 bytes, 0 after wrapping, which "fit" any file.
    const size_t dim_at = bytes.find("w") + 1 + 4;
    le::store<uint64_t>(reinterpret_cast<uint8_t*>(bytes.data()) + dim_at, uint64_t(1) << 62);
    CHECK_THAT(gguf_read_error(bytes), Catch::Contains("tensor 'w'") && Catch::Contains("cannot fit in the file"));
}

TEST_CASE("a tokenizer.json token id far beyond its token count is an error, not an allocation", "[fuzz][tokenizer][errors]") {
    test::MemoryFolder f;
    json tj = byte_level_tokenizer();
    tj["model"]["vocab"]["ab"] = 1000000000000LL;
    f.content["tokenizer.json"] = tj.dump();
    CHECK_THAT(error_text([&] { vocab_metadata(f, json::object()); }),
               Catch::Contains("tokenizer.json") && Catch::Contains("token id 1000000000000") &&
                   Catch::Contains("contiguous"));
}

TEST_CASE("config.json's vocab_size may pad the vocabulary, but not by a trillion tokens", "[fuzz][tokenizer][errors]") {
    test::MemoryFolder f;
    f.content["tokenizer.json"] = byte_level_tokenizer().dump();
    const Metadata padded = vocab_metadata(f, json{{"vocab_size", 64}});
    CHECK(find(padded, "tokenizer.ggml.tokens")->count == 64);
    CHECK(find(padded, "tokenizer.ggml.tokens")->strings.back() == "[PAD63]");
    CHECK_THAT(error_text([&] { vocab_metadata(f, json{{"vocab_size", 1000000000000LL}}); }),
               Catch::Contains("config.json") && Catch::Contains("vocab_size 1000000000000") &&
                   Catch::Contains("tokenizer.json"));
}

TEST_CASE("an expert count beyond the checkpoint's tensors is an error, not an allocation", "[fuzz][arch][errors]") {
    test::MemoryFolder f;
    const json e = {{"dtype", "F32"}, {"shape", {4, 4}}, {"data_offsets", {0, 64}}};
    f.content["model.safetensors"] = test::make_safetensors({{"model.layers.0.block_sparse_moe.experts.0.w1.weight", e}},
                                                            std::string(64, '\0'));
    f.content["config.json"] = json{{"architectures", {"MixtralForCausalLM"}}, {"hidden_size", 4},
                                    {"intermediate_size", 4}, {"num_hidden_layers", 1}, {"num_attention_heads", 1},
                                    {"num_key_value_heads", 1}, {"num_local_experts", 4000000000LL},
                                    {"num_experts_per_tok", 2}}.dump();
    const ModelInput in = load_model_input(f);
    CHECK_THAT(error_text([&] { map_architecture(in); }),
               Catch::Contains("config.json") && Catch::Contains("number of experts (4000000000)"));
}

TEST_CASE("rope scaling fields of the wrong type or size are config.json errors", "[fuzz][arch][errors]") {
    test::MemoryFolder f;
    const json e = {{"dtype", "F32"}, {"shape", {8, 4}}, {"data_offsets", {0, 128}}};
    f.content["model.safetensors"] = test::make_safetensors({{"model.embed_tokens.weight", e}}, std::string(128, '\0'));
    const json base = {{"architectures", {"LlamaForCausalLM"}}, {"hidden_size", 4}, {"intermediate_size", 4},
                       {"num_hidden_layers", 1}, {"num_attention_heads", 1}, {"num_key_value_heads", 1}};
    auto arch_error = [&](const json& extra) {
        json c = base;
        c.update(extra);
        f.content["config.json"] = c.dump();
        const ModelInput in = load_model_input(f);
        return error_text([&] { map_architecture(in); });
    };
    CHECK_THAT(arch_error({{"rope_scaling", {{"rope_type", 5}}}}),
               Catch::Contains("config.json") && Catch::Contains("\"rope_type\" must be a string"));
    CHECK_THAT(arch_error({{"rope_scaling", {{"full_attention", 5}, {"type", true}}}}),
               Catch::Contains("config.json") && Catch::Contains("\"type\" must be a string"));
    // head_dim sizes the generated rope_freqs tensor (head_dim / 2 values) before shapes are checked
    CHECK_THAT(arch_error({{"head_dim", 4000000000LL}, {"rope_scaling", {{"rope_type", "llama3"}, {"factor", 8.0}}}}),
               Catch::Contains("config.json") && Catch::Contains("head_dim 4000000000 is larger than any tensor"));
    CHECK_THAT(arch_error({{"architectures", {"Phi3ForCausalLM"}}, {"max_position_embeddings", "4k"},
                           {"original_max_position_embeddings", 4096}}),
               Catch::Contains("config.json") && Catch::Contains("max_position_embeddings"));
}

TEST_CASE("an empty tensor between two overlapping ones does not hide the overlap", "[fuzz][safetensors][errors]") {
    const json h = {{"a", {{"dtype", "U8"}, {"shape", {100}}, {"data_offsets", {0, 100}}}},
                    {"b", {{"dtype", "U8"}, {"shape", {0}}, {"data_offsets", {50, 50}}}},
                    {"c", {{"dtype", "U8"}, {"shape", {10}}, {"data_offsets", {60, 70}}}}};
    auto r = memory_reader("m.safetensors", test::make_safetensors(h, std::string(100, 'x')));
    CHECK_THAT(error_text([&] { parse_safetensors(*r); }),
               Catch::Contains("m.safetensors") && Catch::Contains("tensor 'c'") && Catch::Contains("overlaps tensor 'a'"));
}

TEST_CASE("JSON nested deeper than any real file is refused before it can overflow the stack", "[fuzz][errors]") {
    const std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
    CHECK(parse_json_text(ok, "x.json").is_array());
    CHECK(parse_json_text("{\"s\": \"[[[[\\\"[[[\"}", "x.json").is_object());  // brackets inside strings do not count
    test::MemoryFolder f;
    // the outer object is level 1, so the 512th [ (byte 15 + 512) is one too many
    f.content["tokenizer.json"] = "{\"normalizer\": " + std::string(60000, '[') + std::string(60000, ']') + "}";
    CHECK_THAT(error_text([&] { vocab_metadata(f, json::object()); }),
               Catch::Contains("tokenizer.json") && Catch::Contains("nested deeper than 512 levels at byte 527"));
    f.content["config.json"] = "[" + ok + "]";
    CHECK_THAT(error_text([&] { load_model_input(f); }), Catch::Contains("config.json") && Catch::Contains("nested"));
}
