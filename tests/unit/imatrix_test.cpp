// Importance matrices: the real legacy file of dev-llama-spm, small files of both formats, and malformed ones.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>

#include "core/gguf/writer.h"
#include "core/imatrix/imatrix.h"
#include "core/util/le.h"
#include "native/file_io.h"
#include "tests/support.h"
#include "tests/unit/st_builder.h"

using namespace gs;
using test::error_text;

namespace {
// Little-endian builder for legacy .dat files.
struct Dat {
    std::string b;
    Dat& i32(int32_t v) {
        uint8_t x[4];
        le::store(x, v);
        b.append(reinterpret_cast<char*>(x), 4);
        return *this;
    }
    Dat& f32(float v) {
        uint8_t x[4];
        le::store(x, v);
        b.append(reinterpret_cast<char*>(x), 4);
        return *this;
    }
    Dat& str(const std::string& s) {
        i32(static_cast<int32_t>(s.size()));
        b += s;
        return *this;
    }
    Dat& entry(const std::string& name, int32_t ncall, const std::vector<float>& v) {
        str(name).i32(ncall).i32(static_cast<int32_t>(v.size()));
        for (float x : v) f32(x);
        return *this;
    }
};

Imatrix read_bytes(const std::string& bytes) {
    auto r = memory_reader("im.dat", bytes);
    return read_imatrix(*r);
}
std::string read_error(const std::string& bytes) {
    return error_text([&] { read_bytes(bytes); });
}

// A GGUF imatrix: per entry `.in_sum2` ({row_len, n_mat}) and `.counts` ({1, n_mat}) as llama-imatrix writes them.
struct GgufEntry {
    std::string name;
    uint64_t row_len;
    std::vector<float> sums, counts;
    GgmlType counts_type = GgmlType::F32;
};
std::string gguf_imatrix(const std::vector<GgufEntry>& entries, bool with_keys = true) {
    Metadata kv;
    set(kv, "general.type", Value::str("imatrix"));
    if (with_keys) {
        set(kv, "imatrix.datasets", Value::str_array({"wiki.txt", "code.txt"}));
        set(kv, "imatrix.chunk_count", Value::u32(7));
        set(kv, "imatrix.chunk_size", Value::u32(512));
    }
    std::vector<GgufTensorInfo> t;
    std::vector<std::string> data;
    auto pack = [](const std::vector<float>& v, GgmlType type) {
        std::string s;
        for (float x : v) {
            uint8_t b[4];
            le::store(b, x);
            s.append(reinterpret_cast<char*>(b), type == GgmlType::F32 ? 4 : 2);
        }
        return s;
    };
    for (const auto& e : entries) {
        const uint64_t n_mat = e.counts.size();
        t.push_back({e.name + ".in_sum2", {e.row_len, e.sums.size() / e.row_len}, GgmlType::F32, 0});
        data.push_back(pack(e.sums, GgmlType::F32));
        t.push_back({e.name + ".counts", {1, n_mat}, e.counts_type, 0});
        data.push_back(pack(e.counts, e.counts_type));
    }
    StringSink s;
    GgufStreamWriter w(s, "im.gguf", kv, t);
    for (size_t i = 0; i < t.size(); ++i) {
        w.begin_tensor(i);
        w.write(data[i].data(), data[i].size());
        w.end_tensor();
    }
    w.finish();
    return s.bytes;
}
}  // namespace

TEST_CASE("the legacy imatrix of dev-llama-spm", "[imatrix]") {
    auto r = native::open_file(test::shared_path("models/dev-llama-spm/imatrix.dat"));
    Imatrix im = read_imatrix(*r);
    CHECK(im.legacy);
    CHECK(im.entries.size() == 21);  // 3 blocks x q, k, v, output, gate, up, down
    CHECK(im.chunk_count == 10);
    REQUIRE(im.datasets.size() == 1);
    CHECK(im.datasets[0] == "calib2.txt");
    for (const auto& [name, e] : im.entries) {
        INFO(name);
        CHECK(name.rfind("blk.", 0) == 0);
        CHECK(e.weights->size() == (name.find("ffn_down") != std::string::npos ? 768u : 256u));
        for (float x : *e.weights) CHECK((std::isfinite(x) && x >= 0));
    }
    CHECK(im.entries.count("blk.2.ffn_down.weight"));

    Metadata kv = imatrix_metadata(im, "imatrix.dat");
    REQUIRE(kv.size() == 4);
    CHECK(kv[0].key == "quantize.imatrix.file");
    CHECK(kv[0].value.as_str() == "imatrix.dat");
    CHECK(kv[1].key == "quantize.imatrix.dataset");
    CHECK(kv[1].value.as_str() == "calib2.txt");
    CHECK(kv[2].key == "quantize.imatrix.entries_count");
    CHECK(kv[2].value.type == ValueType::U32);
    CHECK(kv[2].value.as_u64() == 21);
    CHECK(kv[3].key == "quantize.imatrix.chunks_count");
    CHECK(kv[3].value.type == ValueType::U32);
    CHECK(kv[3].value.as_u64() == 10);
}

TEST_CASE("legacy imatrix: sums divided by calls, optional trailer", "[imatrix]") {
    Dat d;
    d.i32(2).entry("a.weight", 4, {2.f, 8.f}).entry("b.weight", 0, {3.f});
    Imatrix im = read_bytes(d.b);  // no trailer: written by old llama-imatrix
    CHECK(im.chunk_count == 0);
    CHECK(im.datasets.empty());
    CHECK(*im.entries.at("a.weight").weights == std::vector<float>{0.5f, 2.f});
    CHECK(*im.entries.at("b.weight").weights == std::vector<float>{3.f});  // 0 calls: sums kept, as llama-quantize
    Metadata kv = imatrix_metadata(im, std::string(200, 'x'));
    REQUIRE(kv.size() == 2);  // no dataset, no chunk count
    CHECK(kv[0].value.as_str().size() == 127);

    d.i32(5).str("data.txt");
    im = read_bytes(d.b);
    CHECK(im.chunk_count == 5);
    CHECK(im.datasets == std::vector<std::string>{"data.txt"});
}

TEST_CASE("malformed legacy imatrix files are refused with the file and entry", "[imatrix]") {
    auto one = [](int32_t ncall, std::vector<float> v) { return Dat().i32(1).entry("blk.0.x.weight", ncall, v).b; };
    CHECK(read_error(Dat().i32(0).b).find("entry count 0") != std::string::npos);
    CHECK(read_error("ab").find("truncated") != std::string::npos);
    CHECK(read_error(Dat().i32(1000).entry("a", 1, {1.f}).b).find("entry count 1000") != std::string::npos);
    std::string e = read_error(one(-1, {1.f}));
    CHECK(e.find("im.dat") != std::string::npos);
    CHECK(e.find("blk.0.x.weight") != std::string::npos);
    CHECK(e.find("negative") != std::string::npos);
    CHECK(read_error(one(1, {std::numeric_limits<float>::quiet_NaN()})).find("not finite") != std::string::npos);
    CHECK(read_error(one(1, {std::numeric_limits<float>::infinity()})).find("blk.0.x.weight") != std::string::npos);
    CHECK(read_error(one(1, {})).find("value count 0") != std::string::npos);
    std::string trunc = one(1, {1.f, 2.f});
    trunc.resize(trunc.size() - 2);
    CHECK(read_error(trunc).find("value count 2") != std::string::npos);
    CHECK(read_error(Dat().i32(1).str("").i32(1).i32(1).f32(1).b).find("name length 0") != std::string::npos);
    CHECK(read_error(Dat().i32(2).entry("a", 1, {1.f}).entry("a", 1, {1.f}).b).find("twice") != std::string::npos);
    CHECK(read_error(one(1, {1.f}) + "xy").find("truncated") != std::string::npos);
    CHECK(read_error(Dat().i32(1).entry("a", 1, {1.f}).i32(3).str("d").i32(9).b).find("unexpected") != std::string::npos);
    CHECK(read_error(Dat().i32(1).entry("a", 1, {1.f}).i32(3).i32(50).b).find("dataset name length") != std::string::npos);
}

TEST_CASE("GGUF imatrix: per-expert weights from in_sum2 / counts", "[imatrix]") {
    // Two experts of row length 2: expert 0 saw 4 calls, expert 1 none (its weights become 1).
    Imatrix im = read_bytes(gguf_imatrix({{"blk.0.ffn_down_exps.weight", 2, {4.f, 8.f, 5.f, 6.f}, {4.f, 0.f}},
                                          {"blk.0.attn_q.weight", 3, {3.f, 6.f, 9.f}, {3.f}}}));
    CHECK_FALSE(im.legacy);
    CHECK(im.chunk_count == 7);
    CHECK(im.datasets == std::vector<std::string>{"wiki.txt", "code.txt"});
    REQUIRE(im.entries.size() == 2);
    const ImatrixEntry& moe = im.entries.at("blk.0.ffn_down_exps.weight");
    CHECK(moe.n_mat == 2);
    CHECK(moe.row_len() == 2);
    CHECK(*moe.weights == std::vector<float>{1.f, 2.f, 1.f, 1.f});
    CHECK(*im.entries.at("blk.0.attn_q.weight").weights == std::vector<float>{1.f, 2.f, 3.f});
    Metadata kv = imatrix_metadata(im, "im.gguf");
    CHECK(find(kv, "quantize.imatrix.dataset")->as_str() == "wiki.txt");
    CHECK(find(kv, "quantize.imatrix.entries_count")->as_u64() == 2);

    GgufTensorInfo t{"blk.0.ffn_down_exps.weight", {2, 5, 2}, GgmlType::Q8_0, 0};
    CHECK(imatrix_for_tensor(im, t) == moe.weights);
    t.ne = {2, 5, 3};
    CHECK(error_text([&] { imatrix_for_tensor(im, t); }).find("has 4 weights") != std::string::npos);
    t.name = "blk.1.ffn_down_exps.weight";
    CHECK(imatrix_for_tensor(im, t) == nullptr);
}

TEST_CASE("malformed GGUF imatrix files are refused", "[imatrix]") {
    const GgufEntry good{"blk.0.attn_q.weight", 2, {1.f, 2.f}, {1.f}};
    CHECK(read_error(gguf_imatrix({good}, false)).find("missing key imatrix.datasets") != std::string::npos);
    GgufEntry bad = good;
    bad.sums[1] = std::numeric_limits<float>::infinity();
    std::string e = read_error(gguf_imatrix({bad}));
    CHECK(e.find("blk.0.attn_q.weight") != std::string::npos);
    CHECK(e.find("not finite") != std::string::npos);
    bad = good;
    bad.counts = {-2.f};
    CHECK(read_error(gguf_imatrix({bad})).find("negative") != std::string::npos);
    bad = good;
    bad.counts_type = GgmlType::F16;
    CHECK(read_error(gguf_imatrix({bad})).find("expected F32") != std::string::npos);
    bad = good;
    bad.row_len = 3;
    bad.sums = {1.f, 2.f, 3.f};
    bad.counts = {1.f, 1.f};
    CHECK(read_error(gguf_imatrix({bad})).find("do not split") != std::string::npos);

    // A lone .counts tensor.
    Metadata kv;
    set(kv, "imatrix.datasets", Value::str_array({"a"}));
    set(kv, "imatrix.chunk_count", Value::u32(1));
    set(kv, "imatrix.chunk_size", Value::u32(1));
    std::vector<GgufTensorInfo> t{{"x.weight.counts", {1, 1}, GgmlType::F32, 0}};
    StringSink s;
    GgufStreamWriter w(s, "im.gguf", kv, t);
    w.begin_tensor(0);
    float one = 1.f;
    w.write(&one, 4);
    w.end_tensor();
    w.finish();
    CHECK(read_error(s.bytes).find("has no .in_sum2") != std::string::npos);
}

TEST_CASE("token_embd with a stale imatrix entry is quantized without weights", "[imatrix]") {
    Imatrix im = read_bytes(Dat().i32(1).entry("token_embd.weight", 1, {1.f, 2.f}).b);
    GgufTensorInfo t{"token_embd.weight", {32, 4}, GgmlType::Q8_0, 0};
    CHECK(imatrix_for_tensor(im, t) == nullptr);
}
