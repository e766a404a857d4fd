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
    f.files_["model.safetensors"] = shard("a");
    CHECK(load_catalog(f).tensors.size() == 1);

    test::MemoryFolder g;
    g.files_["model-00001-of-00002.safetensors"] = shard("a");
    g.files_["model-00002-of-00002.safetensors"] = shard("b");
    Catalog c = load_catalog(g);
    REQUIRE(c.tensors.size() == 2);
    CHECK(c.files[c.find("b")->file].name == "model-00002-of-00002.safetensors");

    g.files_["model.safetensors.index.json"] =
        json{{"weight_map", {{"a", "model-00001-of-00002.safetensors"}, {"b", "model-00002-of-00002.safetensors"}}}}.dump();
    CHECK(load_catalog(g).total_bytes() == 8);
}

TEST_CASE("broken folders give errors naming the file", "[catalog][errors]") {
    test::MemoryFolder empty;
    CHECK_THAT(test::error_of([&] { load_catalog(empty); }), Catch::Contains("no .safetensors"));

    test::MemoryFolder dup;
    dup.files_["x-1.safetensors"] = shard("a");
    dup.files_["x-2.safetensors"] = shard("a");
    CHECK_THAT(test::error_of([&] { load_catalog(dup); }), Catch::Contains("x-2.safetensors") && Catch::Contains("also appears"));

    test::MemoryFolder missing;
    missing.files_["model.safetensors.index.json"] = json{{"weight_map", {{"a", "model-00001-of-00002.safetensors"}}}}.dump();
    CHECK_THAT(test::error_of([&] { load_catalog(missing); }), Catch::Contains("not in the folder"));

    test::MemoryFolder lacks;
    lacks.files_["s.safetensors"] = shard("a");
    lacks.files_["model.safetensors.index.json"] = json{{"weight_map", {{"a", "s.safetensors"}, {"b", "s.safetensors"}}}}.dump();
    CHECK_THAT(test::error_of([&] { load_catalog(lacks); }), Catch::Contains("tensor 'b'") && Catch::Contains("lacks"));

    test::MemoryFolder badjson;
    badjson.files_["s.safetensors"] = shard("a");
    badjson.files_["model.safetensors.index.json"] = "{";
    CHECK_THAT(test::error_of([&] { load_catalog(badjson); }), Catch::Contains("model.safetensors.index.json") && Catch::Contains("JSON"));

    test::MemoryFolder noweightmap;
    noweightmap.files_["s.safetensors"] = shard("a");
    noweightmap.files_["model.safetensors.index.json"] = "{}";
    CHECK_THAT(test::error_of([&] { load_catalog(noweightmap); }), Catch::Contains("weight_map"));

    test::MemoryFolder traversal;
    traversal.files_["s.safetensors"] = shard("a");
    traversal.files_["model.safetensors.index.json"] = json{{"weight_map", {{"a", "../s.safetensors"}}}}.dump();
    CHECK_THAT(test::error_of([&] { load_catalog(traversal); }), Catch::Contains("not a plain file name"));
}
