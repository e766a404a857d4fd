// Type selection against llama.cpp's own snapshots: for each model we can describe, every ftype section must come
// out identical (same check as llama.cpp's tests/test-quant-type-selection.cpp).
#include <catch2/catch.hpp>

#include <cstdio>

#include "core/error.h"
#include "core/plan/quant_model.h"
#include "tests/unit/schema_layouts.h"

using namespace gs;
using namespace gs::test;

namespace {
// Config facts (Hugging Face config.json) the snapshot headers do not carry.
LayoutDims with_head_dim(uint64_t head_dim) {
    LayoutDims d;
    d.head_dim = head_dim;
    return d;
}

LayoutDims glm_4_6v() {  // GLM-4.5-Air text model: first layer dense, then 128 experts + 1 shared
    LayoutDims d;
    d.n_ff_exp = d.n_ff_shexp = 1408;
    d.n_dense_lead = 1;
    return d;
}

LayoutDims step_3_5_flash() {  // three dense layers, then 288 experts + 1 shared
    LayoutDims d;
    d.n_ff_exp = d.n_ff_shexp = 1280;
    d.n_dense_lead = 3;
    return d;
}

LayoutDims qwen3_next_like(uint64_t n_ff_exp, uint64_t lin_v_heads) {  // full attention every 4th layer
    LayoutDims d;
    d.head_dim = 256;
    d.n_ff_exp = d.n_ff_shexp = n_ff_exp;
    d.full_attn_interval = 4;
    d.lin_k_heads = 16;
    d.lin_v_heads = lin_v_heads;
    d.lin_head_dim = 128;
    return d;
}

LayoutDims nemotron_3_nano() {  // hybrid_override_pattern: 23 Mamba2, 6 attention, 23 MoE layers
    LayoutDims d;
    d.pattern = "MEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEMEM*EMEMEMEME";
    d.attn_n_head_kv = 2;
    d.n_ff_exp = 1856;
    d.n_ff_shexp = 3712;
    d.ssm_d_inner = 4096;  // 64 heads x 64
    d.ssm_n_head = 64;
    d.ssm_n_group = 8;
    d.ssm_d_state = 128;
    return d;
}

struct ModelCase {
    const char* file;
    Layout layout;
    LayoutDims dims;
    bool with_output;  // the GGUF the snapshot was made from has output.weight
};

const ModelCase kModels[] = {
    {"qwen3-0.6b.schema", Layout::Qwen3, with_head_dim(128), true},
    {"qwen3-14b.schema", Layout::Qwen3, with_head_dim(128), true},
    {"meta-llama-3.1-70b-instruct.schema", Layout::Llama, with_head_dim(128), true},
    {"gemma-3-4b-it.schema", Layout::Gemma3, with_head_dim(256), false},
    {"gpt-oss-120b.schema", Layout::GptOss, with_head_dim(64), true},
    {"deepseek-v3.1.schema", Layout::DeepSeek3, with_head_dim(128), true},
    {"glm-4.6v.schema", Layout::Glm4Moe, glm_4_6v(), true},
    {"step-3.5-flash.schema", Layout::Step35, step_3_5_flash(), true},
    {"qwen3-coder-next.schema", Layout::Qwen3Next, qwen3_next_like(512, 32), true},
    {"qwen3.5-397b-a17b.schema", Layout::Qwen35Moe, qwen3_next_like(1024, 64), true},
    {"qwen3.6-27b.schema", Layout::Qwen35, qwen3_next_like(0, 48), true},  // its header says Qwen3.5-27B
    {"nvidia-nemotron-3-nano-30b-a3b.schema", Layout::NemotronHMoe, nemotron_3_nano(), true},
};
}  // namespace

TEST_CASE("type selection reproduces llama.cpp's snapshots section by section", "[type-selection]") {
    for (const auto& mc : kModels) {
        const Schema s = parse_schema(slurp(shared_path(std::string("golden/type-selection/") + mc.file)));
        REQUIRE(s.sections.size() == 33);
        const ModelTensors m = build_model_tensors(mc.layout, s, mc.dims, mc.with_output);
        // the header is what llama.cpp's mock model was built from (per-layer arrays read by their first element)
        auto header = [&](const char* k) { return s.header.count(k) ? s.header.at(k) : 0; };
        CHECK(m.model.n_layer == header("n_layer"));
        CHECK(m.model.n_head == header("n_head"));
        CHECK(m.model.n_head_kv == header("n_head_kv"));
        CHECK(m.model.n_expert == header("n_expert"));
        size_t identical = 0;
        std::string failing, first_failure;
        for (const auto& sec : s.sections) {
            SectionResult r = check_section(m, sec);
            if (r.identical) {
                ++identical;
                continue;
            }
            failing += " " + sec.ftype_name;
            if (first_failure.empty()) {
                first_failure = "[" + sec.ftype_name + "]";
                for (const auto& x : r.mismatches) first_failure += "\n    " + x;
            }
        }
        std::printf("type-selection %-40s %zu/%zu sections identical\n", mc.file, identical, s.sections.size());
        INFO(mc.file << ": differing sections:" << failing << "\nfirst: " << first_failure);
        CHECK(identical == s.sections.size());
    }
}

TEST_CASE("the snapshot check notices a wrong type", "[type-selection]") {
    const Schema s = parse_schema(slurp(shared_path("golden/type-selection/qwen3-0.6b.schema")));
    const ModelTensors m = build_model_tensors(Layout::Qwen3, s, with_head_dim(128), true);
    SchemaSection sec;
    for (const auto& x : s.sections)
        if (x.ftype_name == "Q4_K_M") sec = x;
    REQUIRE(check_section(m, sec).identical);
    sec.differing.back().second = "q5_K";  // blk.27.ffn_down is really q6_K
    CHECK_FALSE(check_section(m, sec).identical);
    sec.differing.pop_back();
    CHECK_FALSE(check_section(m, sec).identical);
}

TEST_CASE("llama-quantize's model facts from GGUF metadata", "[type-selection]") {
    Metadata kv = {{"nemotron_h_moe.block_count", Value::u32(4)},
                   {"nemotron_h_moe.attention.head_count", Value::u32(32)},
                   {"nemotron_h_moe.attention.head_count_kv", Value::u32_array({0, 2, 0, 0})},
                   {"nemotron_h_moe.expert_count", Value::u32(128)}};
    QuantModel m = quant_model_of("nemotron_h_moe", kv);
    CHECK(m.n_layer == 4);
    CHECK(m.n_head_kv == 0);  // layer 0 is a Mamba layer: no GQA bonus for attn_v, as in llama.cpp
    CHECK(m.n_gqa() == 0);
    CHECK(m.n_expert == 128);

    kv[2].value = Value::u32_array({8, 0});
    CHECK(quant_model_of("nemotron_h_moe", kv).n_gqa() == 4);

    erase(kv, "nemotron_h_moe.attention.head_count_kv");
    CHECK(quant_model_of("nemotron_h_moe", kv).n_head_kv == 32);  // absent: no grouping

    const Metadata llama70 = {{"llama.block_count", Value::u32(80)}, {"llama.attention.head_count", Value::u32(64)},
                              {"llama.attention.head_count_kv", Value::u32(8)}};
    CHECK(quant_model_of("llama", llama70).is_70b);
    CHECK_FALSE(quant_model_of("mistral", {{"mistral.block_count", Value::u32(80)}}).is_70b);

    kv.push_back({"nemotron_h_moe.attention.head_count_kv", Value::u32_array({})});
    CHECK_THROWS_AS(quant_model_of("nemotron_h_moe", kv), Error);
    kv.back().value = Value::str("two");
    CHECK_THROWS_AS(quant_model_of("nemotron_h_moe", kv), Error);
}
