// GGUF writer/reader: round trip, layout rules, and hostile headers that must give errors, not crashes.
#include <catch2/catch.hpp>

#include "core/gguf/reader.h"
#include "core/gguf/writer.h"
#include "core/util/le.h"
#include "tests/unit/st_builder.h"

using namespace gs;
using test::error_text;

namespace {
std::string small_gguf() {
    Metadata kv;
    set(kv, "general.architecture", Value::str("llama"));
    set(kv, "x.count", Value::u32(7));
    set(kv, "x.eps", Value::f32(1e-5f));
    set(kv, "x.words", Value::str_array({"a", "bc", ""}));
    set(kv, "x.scores", Value::f32_array({-1.f, 0.5f}));
    std::vector<GgufTensorInfo> t(2);
    t[0].name = "a";
    t[0].ne = {3};
    t[0].type = GgmlType::F32;
    t[1].name = "b";
    t[1].ne = {32, 2};
    t[1].type = GgmlType::Q8_0;
    StringSink s;
    GgufStreamWriter w(s, "out.gguf", kv, t);
    w.begin_tensor(0);
    float a[3] = {1, 2, 3};
    w.write(a, sizeof a);
    w.end_tensor();
    w.begin_tensor(1);
    std::string q(68, 'q');
    w.write(q.data(), 30);
    w.write(q.data() + 30, 38);
    w.end_tensor();
    w.finish();
    return s.bytes;
}
std::string read_error(const std::string& bytes) {
    auto r = memory_reader("in.gguf", bytes);
    return error_text([&] { read_gguf(*r); });
}
}  // namespace

TEST_CASE("GGUF round trip keeps metadata, tensors and alignment", "[gguf]") {
    std::string bytes = small_gguf();
    auto r = memory_reader("in.gguf", bytes);
    GgufFile g = read_gguf(*r);
    CHECK(g.version == 3);
    CHECK(g.data_start % 32 == 0);
    CHECK(bytes.size() % 32 == 0);
    REQUIRE(g.kv.size() == 5);
    CHECK(find(g.kv, "general.architecture")->as_str() == "llama");
    CHECK(find(g.kv, "x.count")->as_u64() == 7);
    CHECK(find(g.kv, "x.eps")->as_f64() == Approx(1e-5));
    CHECK(find(g.kv, "x.words")->strings == std::vector<std::string>{"a", "bc", ""});
    CHECK(find(g.kv, "x.scores")->number_at(1) == 0.5);
    REQUIRE(g.tensors.size() == 2);
    CHECK(g.tensors[1].offset == 32);  // 12 bytes of F32 padded to 32
    CHECK(g.tensors[1].nbytes() == 68);
    float a[3];
    std::memcpy(a, bytes.data() + g.data_start, 12);
    CHECK(a[2] == 3.f);
    CHECK(bytes.substr(g.data_start + 32, 68) == std::string(68, 'q'));
    CHECK(gguf_file_size({{"general.architecture", Value::str("llama")}, {"x.count", Value::u32(7)},
                          {"x.eps", Value::f32(1e-5f)}, {"x.words", Value::str_array({"a", "bc", ""})},
                          {"x.scores", Value::f32_array({-1.f, 0.5f})}},
                         g.tensors) == bytes.size());
}

TEST_CASE("the stream writer refuses wrong byte counts and order", "[gguf][errors]") {
    std::vector<GgufTensorInfo> t(1);
    t[0].name = "a";
    t[0].ne = {4};
    StringSink s;
    GgufStreamWriter w(s, "out.gguf", {}, t);
    CHECK_THAT(error_text([&] { w.write("x", 1); }), Catch::Contains("outside a tensor"));
    w.begin_tensor(0);
    CHECK_THAT(error_text([&] { w.write(std::string(20, 'x').data(), 20); }), Catch::Contains("more data"));
    w.write("xxxx", 4);
    CHECK_THAT(error_text([&] { w.end_tensor(); }), Catch::Contains("got 4 of 16"));
    std::vector<GgufTensorInfo> bad(1);
    bad[0].name = "q";
    bad[0].ne = {33};
    bad[0].type = GgmlType::Q4_0;
    CHECK_THAT(error_text([&] { encode_gguf_header({}, bad); }), Catch::Contains("block size"));
}

TEST_CASE("hostile GGUF headers give errors", "[gguf][errors]") {
    const std::string good = small_gguf();
    CHECK(read_error(good).empty());
    CHECK_THAT(read_error("GGML" + good.substr(4)), Catch::Contains("bad magic"));
    auto r = memory_reader("in.gguf", good);
    const GgufFile g = read_gguf(*r);
    const size_t data_end = g.data_start + g.tensors.back().offset + g.tensors.back().nbytes();
    for (size_t n = 0; n < data_end; ++n) {
        INFO("truncated to " << n);
        // cutting inside the header or the data must be caught (the tail padding after the data is optional)
        CHECK_FALSE(read_error(good.substr(0, n)).empty());
    }
    CHECK(read_error(good.substr(0, data_end)).empty());
    auto patch_u64 = [&](size_t at, uint64_t v) {
        std::string b = good;
        le::store(reinterpret_cast<uint8_t*>(b.data()) + at, v);
        return b;
    };
    CHECK_THAT(read_error(patch_u64(8, uint64_t(1) << 60)), Catch::Contains("tensor count"));
    CHECK_THAT(read_error(patch_u64(16, uint64_t(1) << 60)), Catch::Contains("metadata count"));
    CHECK_THAT(read_error(patch_u64(24, uint64_t(1) << 60)), Catch::Contains("claims"));  // first key length
    std::string v = good;
    le::store<uint32_t>(reinterpret_cast<uint8_t*>(v.data()) + 4, 0x03000000);
    CHECK_THAT(read_error(v), Catch::Contains("big-endian"));
    // duplicate key
    Metadata kv{{"k", Value::u32(1)}, {"k", Value::u32(2)}};
    std::vector<GgufTensorInfo> none;
    CHECK_THAT(read_error(encode_gguf_header(kv, none)), Catch::Contains("duplicate metadata key"));
}
