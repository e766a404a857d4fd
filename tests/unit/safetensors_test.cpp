// Every validation rule of the safetensors header has a failing input here, and the message names the file,
// the tensor and the rule.
#include <catch2/catch.hpp>

#include "core/safetensors/header.h"
#include "tests/unit/st_builder.h"

using namespace gs;
using json = nlohmann::json;
using test::error_text;

namespace {
std::string parse_error(const std::string& bytes) {
    auto r = memory_reader("m.safetensors", bytes);
    return error_text([&] { parse_safetensors(*r); });
}
json one(const char* dtype, json shape, uint64_t b, uint64_t e) {
    return json{{"w", {{"dtype", dtype}, {"shape", shape}, {"data_offsets", {b, e}}}}};
}
}  // namespace

TEST_CASE("a valid header parses, unaligned data start is fine", "[safetensors]") {
    json h = one("BF16", {2, 3}, 0, 12);
    h["b"] = {{"dtype", "F32"}, {"shape", json::array()}, {"data_offsets", {12, 16}}};
    h["__metadata__"] = {{"format", "pt"}};
    auto bytes = test::make_safetensors(h, std::string(16, 'x'), 3);  // 3 pad bytes: data start not 8-aligned
    auto r = memory_reader("m.safetensors", bytes);
    StFile f = parse_safetensors(*r);
    REQUIRE(f.tensors.size() == 2);
    CHECK(f.tensors[0].name == "w");
    CHECK(f.tensors[0].offset == f.data_start);
    CHECK(f.data_start % 8 != 0);
    CHECK(f.tensors[1].numel() == 1);
    CHECK(f.metadata.at("format") == "pt");
}

TEST_CASE("every dtype the format defines is parsed", "[safetensors]") {
    for (const char* d : {"F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2"}) {
        auto dt = dtype_from_name(d);
        REQUIRE(dt);
        uint64_t n = 4 * dtype_size(*dt);
        auto r = memory_reader("m.safetensors", test::make_safetensors(one(d, {4}, 0, n), std::string(n, '\0')));
        CHECK(parse_safetensors(*r).tensors[0].dtype == *dt);
    }
}

TEST_CASE("bad safetensors headers give errors naming the file, tensor and rule", "[safetensors][errors]") {
    CHECK_THAT(parse_error("abc"), Catch::Contains("m.safetensors") && Catch::Contains("too small"));
    std::string huge(8, '\0');
    huge[4] = 1;  // 2^32 bytes
    CHECK_THAT(parse_error(huge + "{}"), Catch::Contains("100 MB"));
    std::string lying(8, '\0');
    lying[0] = 100;
    CHECK_THAT(parse_error(lying + "{}"), Catch::Contains("runs past the end") && Catch::Contains("truncated"));
    CHECK_THAT(parse_error(test::make_raw_safetensors("{\"w\": ", "")), Catch::Contains("not valid JSON"));
    CHECK_THAT(parse_error(test::make_raw_safetensors("[1,2]", "")), Catch::Contains("not a JSON object"));
    CHECK_THAT(parse_error("version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 9\n"),
               Catch::Contains("LFS pointer"));
    CHECK_THAT(parse_error(test::make_safetensors(one("Q4", {4}, 0, 4), "xxxx")),
               Catch::Contains("tensor 'w'") && Catch::Contains("unknown dtype \"Q4\""));
    CHECK_THAT(parse_error(test::make_safetensors(one("F32", {-1}, 0, 4), "xxxx")),
               Catch::Contains("tensor 'w'") && Catch::Contains("non-negative"));
    CHECK_THAT(parse_error(test::make_safetensors(one("F32", {2}, 0, 4), "xxxx")),
               Catch::Contains("needs 8"));
    CHECK_THAT(parse_error(test::make_safetensors(one("F32", {2}, 8, 0), "xxxxxxxx")),
               Catch::Contains("before begin"));
    CHECK_THAT(parse_error(test::make_safetensors(one("F32", {2}, 4, 12), "xxxxxxxx")),
               Catch::Contains("tensor 'w'") && Catch::Contains("truncated"));
    CHECK_THAT(parse_error(test::make_safetensors(one("F32", {4294967296, 4294967296, 16}, 0, 4), "xxxx")),
               Catch::Contains("overflows"));
    json nodt = {{"w", {{"shape", {1}}, {"data_offsets", {0, 4}}}}};
    CHECK_THAT(parse_error(test::make_safetensors(nodt, "xxxx")), Catch::Contains("missing \"dtype\""));
    json noshape = {{"w", {{"dtype", "F32"}, {"data_offsets", {0, 4}}}}};
    CHECK_THAT(parse_error(test::make_safetensors(noshape, "xxxx")), Catch::Contains("missing \"shape\""));
    json badoff = {{"w", {{"dtype", "F32"}, {"shape", {1}}, {"data_offsets", {0}}}}};
    CHECK_THAT(parse_error(test::make_safetensors(badoff, "xxxx")), Catch::Contains("data_offsets"));
    json notobj = {{"w", 3}};
    CHECK_THAT(parse_error(test::make_safetensors(notobj, "")), Catch::Contains("not a JSON object"));
    json overlap = one("F32", {2}, 0, 8);
    overlap["v"] = {{"dtype", "F32"}, {"shape", {2}}, {"data_offsets", {4, 12}}};
    CHECK_THAT(parse_error(test::make_safetensors(overlap, std::string(12, 'x'))), Catch::Contains("overlaps"));
    json meta = one("F32", {1}, 0, 4);
    meta["__metadata__"] = {{"format", 1}};
    CHECK_THAT(parse_error(test::make_safetensors(meta, "xxxx")), Catch::Contains("__metadata__"));
    json meta2 = one("F32", {1}, 0, 4);
    meta2["__metadata__"] = "pt";
    CHECK_THAT(parse_error(test::make_safetensors(meta2, "xxxx")), Catch::Contains("__metadata__"));
}

TEST_CASE("every truncation of a valid file is an error, never a crash", "[safetensors][errors]") {
    json h = one("F32", {2, 2}, 0, 16);
    std::string full = test::make_safetensors(h, std::string(16, 'x'));
    for (size_t n = 0; n < full.size(); ++n) {
        INFO("truncated to " << n);
        CHECK_FALSE(parse_error(full.substr(0, n)).empty());
    }
    CHECK(parse_error(full).empty());
}
