// FP8 checkpoints: exact decoding of both formats, scale layouts (blocks with ragged edges, per tensor, per row),
// dequantization through the pipeline (permuted, sliced, stacked, chunked, threaded) against values computed here
// independently, and every error for broken FP8 or unsupported pre-quantized checkpoints.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>

#include "core/convert/fp8.h"
#include "core/gguf/reader.h"
#include "core/io/sink.h"
#include "core/model/model_input.h"
#include "core/model/weight_scales.h"
#include "core/pipeline/execute.h"
#include "core/pipeline/rows.h"
#include "core/plan/plan.h"
#include "tests/memory_folder.h"
#include "tests/unit/st_builder.h"

using namespace gs;
using json = nlohmann::json;

namespace {
// The formats' definitions, written independently of core/convert/fp8.cpp: value = ±2^(e - bias) * (1 + m / 2^mbits)
// for normals, ±2^(1 - bias) * m / 2^mbits for subnormals, in double.
double ref_e4m3(int b) {
    const int s = b >> 7, e = (b >> 3) & 15, m = b & 7;
    if (e == 15 && m == 7) return std::numeric_limits<double>::quiet_NaN();
    const double v = e ? std::ldexp(1.0 + m / 8.0, e - 7) : std::ldexp(m / 8.0, -6);
    return s ? -v : v;
}
double ref_e5m2(int b) {
    const int s = b >> 7, e = (b >> 2) & 31, m = b & 3;
    double v;
    if (e == 31) v = m ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
    else v = e ? std::ldexp(1.0 + m / 4.0, e - 15) : std::ldexp(m / 4.0, -14);
    return s ? -v : v;
}

void check_table(const float* t, double (*ref)(int)) {
    for (int b = 0; b < 256; ++b) {
        const double want = ref(b);
        INFO("code 0x" << std::hex << b);
        if (std::isnan(want)) {
            CHECK(std::isnan(t[b]));
            continue;
        }
        CHECK(static_cast<double>(t[b]) == want);
        CHECK(std::signbit(t[b]) == std::signbit(want));  // -0 stays -0
    }
}

struct StT {
    std::string name, dtype;
    std::vector<uint64_t> shape;
    std::string bytes;
};
std::string safetensors(const std::vector<StT>& ts) {
    json h = json::object();
    std::string data;
    for (const auto& t : ts) {
        h[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {data.size(), data.size() + t.bytes.size()}}};
        data += t.bytes;
    }
    return test::make_safetensors(h, data);
}

// Deterministic FP8 codes without NaN/inf, so that every value compares equal to itself.
std::string fp8_bytes(size_t n, uint32_t seed, bool e5m2) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i) {
        seed = seed * 1664525u + 1013904223u;
        uint8_t b = static_cast<uint8_t>(seed >> 24);
        if (!e5m2 && (b & 0x7f) == 0x7f) b ^= 1;
        if (e5m2 && (b & 0x7c) == 0x7c) b ^= 0x40;
        s[i] = static_cast<char>(b);
    }
    return s;
}
std::string f32_bytes(const std::vector<float>& v) { return std::string(reinterpret_cast<const char*>(v.data()), v.size() * 4); }
std::string bf16_bytes(const std::vector<uint16_t>& v) {
    return std::string(reinterpret_cast<const char*>(v.data()), v.size() * 2);
}
float bf16_value(uint16_t b) {
    const uint32_t u = static_cast<uint32_t>(b) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

ModelInput load(test::MemoryFolder& f) { return load_model_input(f); }

std::string load_error(const json& config, const std::vector<StT>& tensors) {
    test::MemoryFolder f;
    f.content["config.json"] = config.dump();
    f.content["model.safetensors"] = safetensors(tensors);
    return test::error_text([&] { load(f); });
}

std::vector<float> tensor_values(const std::string& gguf, const std::string& name) {
    auto r = memory_reader("x.gguf", gguf);
    GgufFile g = read_gguf(*r);
    const GgufTensorInfo* t = g.find_tensor(name);
    REQUIRE(t);
    REQUIRE(t->type == GgmlType::F32);
    std::vector<float> v(t->numel());
    std::memcpy(v.data(), gguf.data() + g.data_start + t->offset, v.size() * 4);
    return v;
}
}  // namespace

TEST_CASE("FP8 E4M3 (fn) and E5M2 decode exactly, all 256 codes", "[fp8]") {
    check_table(convert::fp8_e4m3_table(), ref_e4m3);
    check_table(convert::fp8_e5m2_table(), ref_e5m2);
    CHECK(convert::fp8_e4m3_to_f32(0x7e) == 448.f);  // largest finite E4M3
    CHECK(convert::fp8_e4m3_to_f32(0xfe) == -448.f);
    CHECK(convert::fp8_e4m3_to_f32(0x78) == 256.f);  // exponent 15 is finite in the fn variant
    CHECK(std::isnan(convert::fp8_e4m3_to_f32(0x7f)));
    CHECK(std::isnan(convert::fp8_e4m3_to_f32(0xff)));
    CHECK(convert::fp8_e4m3_to_f32(0x01) == std::ldexp(1.f, -9));  // smallest subnormal
    CHECK(convert::fp8_e4m3_to_f32(0x08) == std::ldexp(1.f, -6));  // smallest normal
    CHECK(convert::fp8_e5m2_to_f32(0x7b) == 57344.f);
    CHECK(std::isinf(convert::fp8_e5m2_to_f32(0x7c)));
    CHECK(convert::fp8_e5m2_to_f32(0xfc) == -std::numeric_limits<float>::infinity());
    CHECK(convert::fp8_e5m2_to_f32(0x01) == std::ldexp(1.f, -16));
    // The pipeline's decoder goes through the same tables.
    uint8_t codes[256];
    float out[256];
    for (int i = 0; i < 256; ++i) codes[i] = static_cast<uint8_t>(i);
    decode_to_f32(Dtype::F8_E4M3, codes, out, 256);
    check_table(out, ref_e4m3);
    decode_to_f32(Dtype::F8_E5M2, codes, out, 256);
    check_table(out, ref_e5m2);
}

TEST_CASE("scale layouts: blocks with ragged edges, per tensor, per row, per expert", "[fp8]") {
    WeightScale ws;
    std::string why;
    // DeepSeek-V3/Qwen3-FP8: [128, 128] blocks; 300 x 200 needs ceil(300/128) x ceil(200/128) = 3 x 2 scales
    REQUIRE(scale_layout({300, 200}, {3, 2}, {128, 128}, ws, why));
    CHECK(ws.mat_rows == 300);
    CHECK(ws.block_rows == 128);
    CHECK(ws.block_cols == 128);
    CHECK_FALSE(scale_layout({300, 200}, {2, 2}, {128, 128}, ws, why));
    CHECK_THAT(why, Catch::Contains("[3, 2]"));
    CHECK_FALSE(scale_layout({300, 200}, {3, 2, 1}, {128, 128}, ws, why));
    CHECK_FALSE(scale_layout({200}, {2}, {128, 128}, ws, why));  // 1-D weight with a block size
    REQUIRE(scale_layout({4, 300, 200}, {4, 3, 2}, {128, 128}, ws, why));  // stacked experts: per matrix
    CHECK(ws.mat_rows == 300);
    // no block size: one scale, or one per leading index
    REQUIRE(scale_layout({300, 200}, {}, {}, ws, why));
    CHECK((ws.mat_rows == 300 && ws.block_rows == 300 && ws.block_cols == 200));
    REQUIRE(scale_layout({300, 200}, {1}, {}, ws, why));
    CHECK(ws.block_rows == 300);
    REQUIRE(scale_layout({300, 200}, {300}, {}, ws, why));
    CHECK((ws.mat_rows == 1 && ws.block_rows == 1 && ws.block_cols == 200));
    REQUIRE(scale_layout({300, 200}, {300, 1}, {}, ws, why));
    CHECK(ws.block_rows == 1);
    REQUIRE(scale_layout({4, 300, 200}, {4}, {}, ws, why));  // per expert
    CHECK((ws.mat_rows == 300 && ws.block_rows == 300));
    CHECK_FALSE(scale_layout({300, 200}, {1, 200}, {}, ws, why));  // per input column: not a layout any format uses
    CHECK_FALSE(scale_layout({300, 200}, {3, 2}, {}, ws, why));
    CHECK_THAT(why, Catch::Contains("block size"));
    CHECK_FALSE(scale_layout({300, 200}, {300, 200}, {}, ws, why));  // one per element
}

TEST_CASE("block scales multiply their columns, the last block ragged", "[fp8]") {
    // 2 rows of 5 values, blocks of 2 columns: 3 scales per row, the third covering one column
    std::vector<float> v = {1, 2, 3, 4, 5, -1, -2, -3, -4, -5};
    const std::vector<float> s = {10, 100, 1000, 0.5f, 0.25f, 2};
    apply_block_scales(v.data(), s.data(), 2, 5, 2);
    CHECK(v == std::vector<float>{10, 20, 300, 400, 5000, -0.5f, -1, -0.75f, -1, -10});
}

TEST_CASE("FP8 weights dequantize through the pipeline: permuted, sliced, stacked, any chunking and threads", "[fp8][pipeline]") {
    // q: 2 heads of head_dim 4 (8 rows) x 10 columns, blocks of 3 x 4: scales 3 x 3 (both edges ragged), BF16.
    // Heads (4 rows) straddle the 3-row blocks, so a permuted row must take the scale of its SOURCE row.
    const std::string qb = fp8_bytes(80, 1, false);
    std::vector<uint16_t> qs;
    for (int i = 0; i < 9; ++i) qs.push_back(static_cast<uint16_t>(0x3c00 + 0x53 * i));  // 2^-7 .. larger, BF16
    // two experts of 5 x 10 with F32 scales 2 x 3
    const std::string e0 = fp8_bytes(50, 2, false), e1 = fp8_bytes(50, 3, false);
    const std::vector<float> s0 = {0.5f, 0.25f, 3.f, 1e-3f, 7.f, 0.125f}, s1 = {2.f, 4.f, 8.f, 16.f, 32.f, 64.f};
    test::MemoryFolder f;
    f.content["config.json"] = json{{"quantization_config", {{"quant_method", "fp8"}, {"weight_block_size", {3, 4}}}}}.dump();
    f.content["model.safetensors"] = safetensors({
        {"q.weight", "F8_E4M3", {8, 10}, qb},
        {"q.weight_scale_inv", "BF16", {3, 3}, bf16_bytes(qs)},
        {"e.0.weight", "F8_E4M3", {5, 10}, e0},
        {"e.0.weight_scale_inv", "F32", {2, 3}, f32_bytes(s0)},
        {"e.1.weight", "F8_E4M3", {5, 10}, e1},
        {"e.1.weight_scale_inv", "F32", {2, 3}, f32_bytes(s1)},
        {"q.input_scale", "F32", {}, f32_bytes({1.f})},
    });
    ModelInput in = load(f);
    const Catalog& cat = in.catalog;
    CHECK(cat.find("q.weight")->scaled());
    CHECK(cat.find("q.weight_scale_inv")->consumed);
    CHECK(cat.find("q.input_scale")->consumed);  // unused activation scale

    // the expected values: decoded in double (exact), times the f32 scale, rounded once to f32 like torch
    auto q_val = [&](uint64_t r, uint64_t c) {
        return static_cast<float>(ref_e4m3(static_cast<uint8_t>(qb[r * 10 + c]))) * bf16_value(qs[(r / 3) * 3 + c / 4]);
    };
    auto e_val = [&](const std::string& b, const std::vector<float>& s, uint64_t r, uint64_t c) {
        return static_cast<float>(ref_e4m3(static_cast<uint8_t>(b[r * 10 + c]))) * s[(r / 3) * 3 + c / 4];
    };

    Plan p;
    p.arch = "test";
    auto add = [&](const std::string& name, std::vector<uint64_t> ne, TensorSource s) {
        TensorPlan tp;
        tp.out.name = name;
        tp.out.ne = std::move(ne);
        tp.out.type = GgmlType::F32;
        check_source(s, cat, name, tp.out.ne[0], tp.out.nrows());
        tp.source = std::move(s);
        p.tensors.push_back(std::move(tp));
    };
    const size_t qi = cat.by_name.at("q.weight"), e0i = cat.by_name.at("e.0.weight"), e1i = cat.by_name.at("e.1.weight");
    TensorSource permuted = whole(cat, qi);
    permuted.permute_heads = 2;
    add("q_permuted", {10, 8}, permuted);
    add("q_plain", {10, 8}, whole(cat, qi));
    TensorSource part;  // rows 3..7 of q, as a fused tensor's part would take them
    part.slices = {{qi, 3, 5}};
    add("q_part", {10, 5}, part);
    TensorSource stacked;
    stacked.slices = {{e0i, 0, 5}, {e1i, 0, 5}};
    add("experts", {10, 5, 2}, stacked);
    TensorSource offset = whole(cat, e1i);  // the converter adds to the dequantized float32 tensor
    offset.add = 1.f;
    add("e1_plus_one", {10, 5}, offset);

    for (unsigned threads : {1u, 3u}) {
        for (size_t chunk : {size_t{1}, size_t{25}, size_t{8u << 20}}) {
            StringSink sink;
            ExecuteOptions o;
            o.threads = threads;
            o.chunk_bytes = chunk;
            execute_plan(p, in, sink, "out.gguf", o);
            INFO("threads " << threads << ", chunk " << chunk);
            const auto perm = tensor_values(sink.bytes, "q_permuted"), plain = tensor_values(sink.bytes, "q_plain"),
                       qpart = tensor_values(sink.bytes, "q_part"), ex = tensor_values(sink.bytes, "experts"),
                       plus = tensor_values(sink.bytes, "e1_plus_one");
            int bad = 0;
            for (uint64_t o_row = 0; o_row < 8; ++o_row) {
                // within a head of 4 rows, output row 2i + j is source row 2j + i (head_dim / 2 = 2)
                const uint64_t h = o_row / 4, i = (o_row % 4) / 2, j = o_row % 2, src = h * 4 + j * 2 + i;
                for (uint64_t c = 0; c < 10; ++c) {
                    bad += perm[o_row * 10 + c] != q_val(src, c);
                    bad += plain[o_row * 10 + c] != q_val(o_row, c);
                }
            }
            for (uint64_t r = 0; r < 5; ++r)
                for (uint64_t c = 0; c < 10; ++c) {
                    bad += qpart[r * 10 + c] != q_val(r + 3, c);
                    bad += ex[r * 10 + c] != e_val(e0, s0, r, c);
                    bad += ex[50 + r * 10 + c] != e_val(e1, s1, r, c);
                    bad += plus[r * 10 + c] != e_val(e1, s1, r, c) + 1.f;
                }
            CHECK(bad == 0);
        }
    }
}

TEST_CASE("per-tensor and per-row scales, E5M2, compressed-tensors and ModelOpt names", "[fp8][pipeline]") {
    const std::string rb = fp8_bytes(70, 4, true), tb = fp8_bytes(60, 5, false);
    const std::vector<float> rs = {1, 2, 4, 8, 0.5f, 0.25f, 3};
    for (const json& qc : {json::parse(R"({"quant_method": "fp8"})"),
                           json::parse(R"({"quant_method": "compressed-tensors", "format": "float-quantized",
                                           "config_groups": {"group_0": {"weights":
                                               {"num_bits": 8, "type": "float", "strategy": "channel"}}}})"),
                           json::parse(R"({"quant_method": "modelopt", "quant_algo": "FP8"})")}) {
        const std::string sfx = qc["quant_method"] == "fp8" ? "_scale_inv" : "_scale";
        test::MemoryFolder f;
        f.content["config.json"] = json{{"quantization_config", qc}}.dump();
        f.content["model.safetensors"] = safetensors({
            {"r.weight", "F8_E5M2", {7, 10}, rb},
            {"r.weight" + sfx, "F32", {7, 1}, f32_bytes(rs)},
            {"t.weight", "F8_E4M3", {6, 10}, tb},
            {"t.weight" + sfx, "F32", {}, f32_bytes({0.0625f})},
        });
        INFO(qc.dump());
        ModelInput in = load(f);
        Plan p;
        for (const char* n : {"r.weight", "t.weight"}) {
            TensorPlan tp;
            tp.out.name = n;
            const auto& st = in.catalog.find(n)->st;
            tp.out.ne = {st.shape[1], st.shape[0]};
            tp.out.type = GgmlType::F32;
            tp.source = whole(in.catalog, in.catalog.by_name.at(n));
            p.tensors.push_back(tp);
        }
        StringSink sink;
        execute_plan(p, in, sink, "out.gguf");
        const auto r = tensor_values(sink.bytes, "r.weight"), t = tensor_values(sink.bytes, "t.weight");
        int bad = 0;
        for (size_t i = 0; i < 70; ++i) bad += r[i] != static_cast<float>(ref_e5m2(static_cast<uint8_t>(rb[i]))) * rs[i / 10];
        for (size_t i = 0; i < 60; ++i) bad += t[i] != static_cast<float>(ref_e4m3(static_cast<uint8_t>(tb[i]))) * 0.0625f;
        CHECK(bad == 0);
    }
}

TEST_CASE("broken FP8 checkpoints are refused before any output, naming file and tensor", "[fp8][errors]") {
    const json fp8 = {{"quantization_config", {{"quant_method", "fp8"}, {"weight_block_size", {128, 128}}}}};
    const StT w = {"w.weight", "F8_E4M3", {200, 130}, std::string(26000, '\x10')};
    const StT s = {"w.weight_scale_inv", "F32", {2, 2}, std::string(16, '\0')};
    CHECK(load_error(fp8, {w, s}).empty());

    // an FP8 weight without its scale
    CHECK_THAT(load_error(fp8, {w}), Catch::Contains("model.safetensors") && Catch::Contains("w.weight") &&
                                         Catch::Contains("F8_E4M3 weight has no scale tensor w.weight_scale_inv"));
    // a scale without its weight
    CHECK_THAT(load_error(fp8, {s, {"x.weight", "F32", {1}, std::string(4, '\0')}}),
               Catch::Contains("w.weight_scale_inv") && Catch::Contains("without its weight w.weight"));
    // a scale shape that does not fit the blocks (ceil(200/128) x ceil(130/128) = 2 x 2)
    CHECK_THAT(load_error(fp8, {w, {"w.weight_scale_inv", "F32", {2, 1}, std::string(8, '\0')}}),
               Catch::Contains("w.weight_scale_inv") && Catch::Contains("[2, 1]") && Catch::Contains("[200, 130]") &&
                   Catch::Contains("weight_block_size [128, 128]") && Catch::Contains("expected [2, 2]"));
    // a scale of an integer or FP8 dtype
    CHECK_THAT(load_error(fp8, {w, {"w.weight_scale_inv", "I32", {2, 2}, std::string(16, '\0')}}),
               Catch::Contains("w.weight_scale_inv") && Catch::Contains("dtype I32"));
    CHECK_THAT(load_error(fp8, {w, {"w.weight_scale_inv", "F8_E4M3", {2, 2}, std::string(4, '\0')}}),
               Catch::Contains("dtype F8_E4M3"));
    // no block size: a block-shaped scale fits neither per-tensor nor per-row
    const json no_block = {{"quantization_config", {{"quant_method", "fp8"}}}};
    CHECK_THAT(load_error(no_block, {w, s}),
               Catch::Contains("w.weight_scale_inv") && Catch::Contains("no block size") && Catch::Contains("[200]"));
    // invalid block sizes
    for (const json& b : {json{128}, json{0, 128}, json{128, -1}, json("128x128"), json{128.5, 128}, json{128, 128, 1}}) {
        INFO(b.dump());
        CHECK_THAT(load_error({{"quantization_config", {{"quant_method", "fp8"}, {"weight_block_size", b}}}}, {w, s}),
                   Catch::Contains("config.json") && Catch::Contains("weight_block_size must be two positive integers"));
    }
    // FP8 without any quantization_config
    CHECK_THAT(load_error(json::object(), {w, s}),
               Catch::Contains("w.weight") && Catch::Contains("F8_E4M3 weight, but config.json has no quantization_config"));
    CHECK_THAT(load_error(json::object(), {{"w.weight", "F8_E5M2", {2}, "ab"}}), Catch::Contains("F8_E5M2 weight"));
    // compressed-tensors FP8 without a scale names the compressed-tensors name of it
    const json ct = json::parse(R"({"quantization_config": {"quant_method": "compressed-tensors",
        "format": "float-quantized", "config_groups": {"g": {"weights":
            {"num_bits": 8, "type": "float", "strategy": "block", "block_structure": [128, 128]}}}}})");
    CHECK(load_error(ct, {w, {"w.weight_scale", "BF16", {2, 2}, std::string(8, '\0')}}).empty());
    CHECK_THAT(load_error(ct, {w}), Catch::Contains("no scale tensor w.weight_scale ") && Catch::Contains("compressed-tensors"));
    // a transposed scaled weight (GPT-2 Conv1D layout) is refused by the plan's source check
    test::MemoryFolder f;
    f.content["config.json"] = fp8.dump();
    f.content["model.safetensors"] = safetensors({w, s});
    ModelInput in = load(f);
    TensorSource t = whole(in.catalog, in.catalog.by_name.at("w.weight"));
    t.transpose = true;
    t.slices[0].rows = 130;
    CHECK_THAT(test::error_text([&] { check_source(t, in.catalog, "out", 200, 130); }),
               Catch::Contains("w.weight") && Catch::Contains("cannot be transposed"));
}

TEST_CASE("pre-quantized formats other than FP8 are refused with one line naming the format", "[fp8][errors]") {
    const StT plain = {"w.weight", "BF16", {2}, "abcd"};
    auto method_error = [&](const json& q) { return load_error({{"quantization_config", q}}, {plain}); };
    const std::string need = "is not supported: ggufsmith needs a checkpoint in F32/F16/BF16 or FP8; use the original "
                             "(unquantized) model";
    CHECK(method_error({{"quant_method", "gptq"}, {"bits", 4}}) ==
          "config.json: quantization_config.quant_method 'gptq' (GPTQ) " + need);
    CHECK_THAT(method_error({{"quant_method", "awq"}}), Catch::Contains("'awq' (AWQ) " + need));
    CHECK_THAT(method_error({{"quant_method", "bitsandbytes"}}), Catch::Contains("'bitsandbytes' (bitsandbytes) " + need));
    CHECK_THAT(method_error({{"load_in_4bit", true}}), Catch::Contains("bitsandbytes") && Catch::Contains(need));
    CHECK_THAT(method_error({{"quant_method", "bitnet"}}), Catch::Contains("(BitNet)"));
    CHECK_THAT(method_error({{"quant_method", "mxfp4"}}), Catch::Contains("(MXFP4)"));
    CHECK_THAT(method_error({{"quant_method", "fbgemm_fp8"}}), Catch::Contains("(FBGEMM FP8)"));
    CHECK_THAT(method_error({{"quant_method", "zzz"}}), Catch::Contains("'zzz' (an unknown quantization method) " + need));
    CHECK_THAT(method_error({{"quant_method", 3}}), Catch::Contains("quant_method is not a string"));
    CHECK_THAT(method_error({{"quant_method", "modelopt"}, {"quant_algo", "NVFP4"}}),
               Catch::Contains("quant_algo 'NVFP4'") && Catch::Contains(need));
    CHECK_THAT(load_error({{"quantization_config", "fp8"}}, {plain}), Catch::Contains("quantization_config is not an object"));
    auto ct = [&](const json& extra) {
        json q = {{"quant_method", "compressed-tensors"}};
        q.update(extra);
        return method_error(q);
    };
    auto groups = [](const char* weights) {
        return json::parse(std::string(R"({"format": "float-quantized", "config_groups": {"a": {"weights": )") +
                           weights + "}}}");
    };
    CHECK_THAT(ct({{"format", "pack-quantized"}}), Catch::Contains("format 'pack-quantized' (packed integer weights) " + need));
    CHECK_THAT(ct({{"format", "int-quantized"}}), Catch::Contains("(INT8 weights)") && Catch::Contains(need));
    CHECK_THAT(ct({{"format", "nvfp4-pack-quantized"}}), Catch::Contains("(NVFP4)"));
    CHECK_THAT(ct(json::object()), Catch::Contains("has no \"format\""));
    CHECK_THAT(ct(json::parse(R"({"format": "float-quantized", "config_groups": {
                   "a": {"weights": {"num_bits": 8, "type": "float", "strategy": "channel"}},
                   "b": {"weights": {"num_bits": 8, "type": "float", "strategy": "channel"}}}})")),
               Catch::Contains("2 config_groups") && Catch::Contains(need));
    CHECK_THAT(ct(groups(R"({"num_bits": 4, "type": "float", "strategy": "channel"})")),
               Catch::Contains("float weights of 4 bits") && Catch::Contains(need));
    CHECK_THAT(ct(groups(R"({"num_bits": 8, "type": "float", "strategy": "group", "group_size": 128})")),
               Catch::Contains("group_size 128"));
    CHECK_THAT(ct(groups(R"({"num_bits": 8, "type": "float", "strategy": "token"})")), Catch::Contains("strategy 'token'"));
    CHECK_THAT(ct(groups(R"({"num_bits": 8, "type": "float", "strategy": "block"})")),
               Catch::Contains("block_structure must be two positive integers"));
    CHECK(ct({{"format", "dense"}}).empty());  // stored unquantized

    // recognised by tensor names, whatever config.json says
    const std::string i32 = std::string(8, '\0');
    CHECK_THAT(load_error(json::object(), {{"l.q_proj.qweight", "I32", {2}, i32}}),
               Catch::Contains("model.safetensors: tensor 'l.q_proj.qweight'") &&
                   Catch::Contains("GPTQ/AWQ packed weight (qweight): this pre-quantized format " + need));
    CHECK_THAT(load_error(json::object(), {{"l.q_proj.g_idx", "I32", {2}, i32}}), Catch::Contains("GPTQ group index"));
    CHECK_THAT(load_error(json::object(), {{"l.q_proj.weight.absmax", "F32", {2}, i32}}), Catch::Contains("bitsandbytes"));
    CHECK_THAT(load_error(json::object(), {{"l.q_proj.SCB", "F32", {2}, i32}}), Catch::Contains("bitsandbytes int8"));
    CHECK_THAT(load_error(json::object(), {{"l.q_proj.weight_packed", "I32", {2}, i32}}), Catch::Contains("compressed-tensors packed"));
    CHECK_THAT(load_error(json::object(), {{"mlp.experts.gate_up_proj_blocks", "U8", {8}, i32}}), Catch::Contains("MXFP4"));
    CHECK(load_error(json::object(), {{"x.transformer_blocks", "F32", {2}, i32}}).empty());  // a name alone is not enough
}
