// Type selection against llama.cpp's own snapshots: for each model we can describe, every ftype section must come
// out identical (same check as llama.cpp's tests/test-quant-type-selection.cpp).
#include <catch2/catch.hpp>

#include <cstdio>

#include "tests/unit/schema_support.h"

using namespace gs;
using namespace gs::test;

namespace {
struct ModelCase {
    const char* file;
    Layout layout;
    uint64_t head_dim;
    bool with_output;  // the GGUF the snapshot was made from has output.weight
};

const ModelCase kModels[] = {
    {"qwen3-0.6b.schema", Layout::Qwen3, 128, true},
    {"qwen3-14b.schema", Layout::Qwen3, 128, true},
    {"meta-llama-3.1-70b-instruct.schema", Layout::Llama, 128, true},
    {"gemma-3-4b-it.schema", Layout::Gemma3, 256, false},
    {"gpt-oss-120b.schema", Layout::GptOss, 64, true},
    {"deepseek-v3.1.schema", Layout::DeepSeek3, 128, true},
};
}  // namespace

TEST_CASE("type selection reproduces llama.cpp's snapshots section by section", "[type-selection]") {
    for (const auto& mc : kModels) {
        const Schema s = parse_schema(slurp(shared_path(std::string("golden/type-selection/") + mc.file)));
        REQUIRE(s.sections.size() == 33);
        const ModelTensors m = build_model_tensors(mc.layout, s, mc.head_dim, mc.with_output);
        size_t identical = 0;
        std::string first_failure;
        for (const auto& sec : s.sections) {
            SectionResult r = check_section(m, sec);
            if (r.identical) ++identical;
            else if (first_failure.empty()) {
                first_failure = "[" + sec.ftype_name + "]";
                for (const auto& x : r.mismatches) first_failure += "\n    " + x;
            }
        }
        std::printf("type-selection %-40s %zu/%zu sections identical\n", mc.file, identical, s.sections.size());
        INFO(mc.file << ": " << first_failure);
        CHECK(identical == s.sections.size());
    }
}

TEST_CASE("the snapshot check notices a wrong type", "[type-selection]") {
    const Schema s = parse_schema(slurp(shared_path("golden/type-selection/qwen3-0.6b.schema")));
    const ModelTensors m = build_model_tensors(Layout::Qwen3, s, 128, true);
    SchemaSection sec;
    for (const auto& x : s.sections)
        if (x.ftype_name == "Q4_K_M") sec = x;
    REQUIRE(check_section(m, sec).identical);
    sec.differing.back().second = "q5_K";  // blk.27.ffn_down is really q6_K
    CHECK_FALSE(check_section(m, sec).identical);
    sec.differing.pop_back();
    CHECK_FALSE(check_section(m, sec).identical);
}
