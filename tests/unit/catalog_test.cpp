// Model folders: single file, sharded with an index, bare shards; and the errors for broken folders.
#include <catch2/catch.hpp>

#include "core/model/catalog.h"
#include "tests/unit/st_builder.h"

using namespace gs;
using json = nlohmann::json;

namespace {
std::string shard(const std::string& name, uint64_t n = 4) {
    return test::make_safetensors({{name, {{"dtype", "F32"}, {"shape", {n / 4}}, {"data_offsets", {0, n}}}}}, std::string(n, 'x'));
}
}  // namespace

TEST_CASE("folders with one file, an index, or bare shards", "[catalog]") {
    test::MemoryFolder f;
    f.content["model.safetensors"] = shard("a");
    CHECK(load_catalog(f).tensors.size() == 1);

    test::MemoryFolder g;
    g.content["model-00001-of-00002.safetensors"] = shard("a");
    g.content["model-00002-of-00002.safetensors"] = shard("b");
    Catalog c = load_catalog(g);
    REQUIRE(c.tensors.size() == 2);
    CHECK(c.files[c.find("b")->file].name == "model-00002-of-00002.safetensors");

    g.content["model.safetensors.index.json"] =
        json{{"weight_map", {{"a", "model-00001-of-00002.safetensors"}, {"b", "model-00002-of-00002.safetensors"}}}}.dump();
    CHECK(load_catalog(g).total_bytes() == 8);
}

TEST_CASE("broken folders give errors naming the file", "[catalog][errors]") {
    test::MemoryFolder empty;
    CHECK_THAT(test::error_text([&] { load_catalog(empty); }), Catch::Contains("no .safetensors"));

    test::MemoryFolder dup;
    dup.content["x-1.safetensors"] = shard("a");
    dup.content["x-2.safetensors"] = shard("a");
    CHECK_THAT(test::error_text([&] { load_catalog(dup); }), Catch::Contains("x-2.safetensors") && Catch::Contains("also appears"));

    test::MemoryFolder missing;
    missing.content["model.safetensors.index.json"] = json{{"weight_map", {{"a", "model-00001-of-00002.safetensors"}}}}.dump();
    CHECK_THAT(test::error_text([&] { load_catalog(missing); }), Catch::Contains("not in the folder"));

    test::MemoryFolder lacks;
    lacks.content["s.safetensors"] = shard("a");
    lacks.content["model.safetensors.index.json"] = json{{"weight_map", {{"a", "s.safetensors"}, {"b", "s.safetensors"}}}}.dump();
    CHECK_THAT(test::error_text([&] { load_catalog(lacks); }), Catch::Contains("tensor 'b'") && Catch::Contains("lacks"));

    test::MemoryFolder badjson;
    badjson.content["s.safetensors"] = shard("a");
    badjson.content["model.safetensors.index.json"] = "{";
    CHECK_THAT(test::error_text([&] { load_catalog(badjson); }), Catch::Contains("model.safetensors.index.json") && Catch::Contains("JSON"));

    test::MemoryFolder noweightmap;
    noweightmap.content["s.safetensors"] = shard("a");
    noweightmap.content["model.safetensors.index.json"] = "{}";
    CHECK_THAT(test::error_text([&] { load_catalog(noweightmap); }), Catch::Contains("weight_map"));

    test::MemoryFolder traversal;
    traversal.content["s.safetensors"] = shard("a");
    traversal.content["model.safetensors.index.json"] = json{{"weight_map", {{"a", "../s.safetensors"}}}}.dump();
    CHECK_THAT(test::error_text([&] { load_catalog(traversal); }), Catch::Contains("not a plain file name"));
}
