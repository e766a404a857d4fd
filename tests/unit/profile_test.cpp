// Profiles: built-ins, user JSON, and the errors a bad profile gives.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/plan/profile.h"

using namespace gs;

TEST_CASE("built-in profiles are base mixes with Q8_0 embeddings and output", "[profile]") {
    CHECK(builtin_profile_names() == std::vector<std::string>{"Q3_K_XL", "Q4_K_L", "Q5_K_L", "Q6_K_L"});
    const Profile p = *builtin_profile("q4_k_l");
    CHECK(p.base == Ftype::Q4_K_M);
    CHECK(*p.options.token_embedding_type == GgmlType::Q8_0);
    CHECK(*p.options.output_tensor_type == GgmlType::Q8_0);
    CHECK(builtin_profile("Q3_K_XL")->base == Ftype::Q3_K_L);
    CHECK(builtin_profile("Q6_K_L")->base == Ftype::Q6_K);
    CHECK_FALSE(builtin_profile("Q4_K_M"));
}

TEST_CASE("-t names resolve to ftypes or profiles", "[profile]") {
    CHECK(resolve_quant_name("Q4_K")->base == Ftype::Q4_K_M);
    CHECK(resolve_quant_name("Q4_K")->name == "Q4_K_M");
    CHECK_FALSE(resolve_quant_name("Q4_K")->options.token_embedding_type);
    CHECK(resolve_quant_name("Q5_K_L")->options.output_tensor_type);
    CHECK_FALSE(resolve_quant_name("Q9"));
}

TEST_CASE("user profiles parse every field", "[profile]") {
    const Profile p = parse_profile(R"({"name": "mine", "base": "IQ4_XS", "tensor_types": ["ffn_down=Q6_K", "attn_v=q8_0"],
                                        "output_tensor_type": "Q6_K", "pure": true, "leave_output_tensor": true,
                                        "description": "test"})",
                                    "mine.json");
    CHECK(p.name == "mine");
    CHECK(p.base == Ftype::IQ4_XS);
    REQUIRE(p.options.tensor_types.size() == 2);
    CHECK(p.options.tensor_types[1].type == GgmlType::Q8_0);
    CHECK(p.options.pure);
    CHECK(p.options.leave_output_tensor);
    CHECK_FALSE(p.options.token_embedding_type);
}

TEST_CASE("bad profiles give errors naming the file and the problem", "[profile]") {
    auto msg = [](const std::string& text) {
        try {
            parse_profile(text, "bad.json");
        } catch (const Error& e) {
            CHECK(e.file == "bad.json");
            return e.detail;
        }
        return std::string("no error");
    };
    CHECK_THAT(msg("{"), Catch::Contains("not valid JSON"));
    CHECK_THAT(msg("[]"), Catch::Contains("JSON object"));
    CHECK_THAT(msg(R"({"base": "Q4_K_M"})"), Catch::Contains("\"name\""));
    CHECK_THAT(msg(R"({"name": "x"})"), Catch::Contains("\"base\""));
    CHECK_THAT(msg(R"({"name": "x", "base": "Q4_K_Z"})"), Catch::Contains("unknown ftype 'Q4_K_Z'"));
    CHECK_THAT(msg(R"({"name": "x", "base": "Q4_K_M", "output_tensor_type": "Q9"})"), Catch::Contains("unknown type 'Q9'"));
    CHECK_THAT(msg(R"({"name": "x", "base": "Q4_K_M", "tensor_types": "a=Q8_0"})"), Catch::Contains("array"));
    CHECK_THAT(msg(R"({"name": "x", "base": "Q4_K_M", "tensor_types": ["(=Q8_0"]})"), Catch::Contains("regular expression"));
    CHECK_THAT(msg(R"({"name": "x", "base": "Q4_K_M", "pure": "yes"})"), Catch::Contains("true or false"));
    CHECK_THAT(msg(R"({"name": "x", "base": "Q4_K_M", "embed": "Q8_0"})"), Catch::Contains("unknown key \"embed\""));
}
