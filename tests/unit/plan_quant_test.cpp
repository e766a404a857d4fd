// The plan on the reference model against llama-quantize's own outputs (../shared/golden/models/dev-llama-spm):
// every ftype there, with and without an importance matrix, and the Q4_K_L profile — tensor types, tensor order
// and general.file_type.
#include <catch2/catch.hpp>

#include <iterator>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/gguf/writer.h"
#include "core/model/model_input.h"
#include "core/plan/ftype.h"
#include "core/plan/plan.h"
#include "native/file_io.h"
#include "tests/logging_folder.h"
#include "tests/support.h"

using namespace gs;

namespace {
const ModelInput& dev_model() {
    static const auto folder = native::open_folder(test::shared_path("models/dev-llama-spm"));
    static const ModelInput in = load_model_input(*folder);
    return in;
}

Plan plan_for(const std::string& name, bool imatrix) {
    PlanOptions po;
    po.quant = resolve_quant_name(name);
    REQUIRE(po.quant);
    po.quant->options.has_imatrix = imatrix;
    po.allow_unwritable = true;  // IQ2_XXS, Q2_K, Q4_K, ...: only their choice is checked here
    return build_plan(dev_model(), po);
}

const char* const kRefs[] = {
    "F32", "F16", "BF16", "Q8_0", "Q4_0", "Q5_1", "Q2_K", "Q3_K_M", "Q3_K_L", "Q4_K_S", "Q4_K_M", "Q5_K_M", "Q6_K",
    "IQ4_XS", "Q4_K_L", "IQ2_XXS.imatrix", "IQ4_XS.imatrix", "Q3_K_S.imatrix", "Q4_K_M.imatrix",
};
}  // namespace

TEST_CASE("plans match llama-quantize's outputs for the reference model", "[plan][type-selection]") {
    size_t identical = 0;
    for (const std::string ref : kRefs) {
        const auto j = nlohmann::json::parse(test::slurp(test::shared_path("golden/models/dev-llama-spm/ref." + ref + ".json")));
        const bool imatrix = ref.find(".imatrix") != std::string::npos;
        const std::string name = imatrix ? ref.substr(0, ref.find('.')) : ref;
        const Plan p = plan_for(name, imatrix);
        bool same = p.tensors.size() == j["tensors"].size();
        for (const auto& t : p.tensors) {
            INFO(ref << " " << t.out.name << " (" << t.why << ")");
            REQUIRE(j["tensors"].contains(t.out.name));
            CHECK(type_name(t.out.type) == j["tensors"][t.out.name]["type"].get<std::string>());
            same = same && type_name(t.out.type) == j["tensors"][t.out.name]["type"].get<std::string>();
        }
        CHECK(find(p.kv, "general.file_type")->as_u64() == j["kv"]["general.file_type"].get<uint64_t>());
        if (name != "F32" && name != "F16" && name != "BF16") {  // the plain conversion keeps the converter's order
            std::vector<std::string> order;
            for (const auto& t : p.tensors) order.push_back(t.out.name);
            INFO(ref);
            CHECK(order == j["tensor_order"].get<std::vector<std::string>>());
            same = same && order == j["tensor_order"].get<std::vector<std::string>>();
        }
        if (same) ++identical;
    }
    std::printf("dev-llama-spm: %zu/%zu llama-quantize outputs identical in types and order\n", identical,
                std::size(kRefs));
    CHECK(identical == std::size(kRefs));
}

TEST_CASE("the plan refuses types it cannot write and flags the imatrix requirement", "[plan]") {
    PlanOptions po;
    po.quant = resolve_quant_name("Q4_K_M");
    po.quant->options.tensor_types.push_back(parse_tensor_type_rule("ffn_down=Q8_K"));  // a ggml type no kernel writes
    try {
        build_plan(dev_model(), po);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK_THAT(e.detail, Catch::Contains("Q8_K") && Catch::Contains("cannot be written"));
        CHECK(e.tensor.rfind("blk.", 0) == 0);
    }
    // IQ2_XXS can be written, but like llama-quantize only with an importance matrix
    PlanOptions pi;
    pi.quant = resolve_quant_name("IQ2_XXS");
    pi.quant->options.token_embedding_type = GgmlType::Q8_0;
    const Plan p = build_plan(dev_model(), pi);
    CHECK(p.needs_imatrix());
    CHECK_THROWS_WITH(require_executable(p), Catch::Contains("IQ2_XXS") && Catch::Contains("needs an importance matrix"));
    CHECK(p.tensors[0].out.name == "output_norm.weight");
    CHECK_FALSE(plan_for("Q8_0", false).needs_imatrix());
}

TEST_CASE("command-line style overrides reach the plan", "[plan]") {
    PlanOptions po;
    po.quant = resolve_quant_name("Q8_0");
    po.quant->options.tensor_types.push_back(parse_tensor_type_rule("ffn_(up|gate)=Q4_0"));
    po.quant->options.token_embedding_type = GgmlType::Q6_K;
    const Plan p = build_plan(dev_model(), po);
    for (const auto& t : p.tensors) {
        INFO(t.out.name);
        if (t.out.name.find("ffn_up") != std::string::npos || t.out.name.find("ffn_gate") != std::string::npos)
            CHECK(t.out.type == GgmlType::Q4_0);
        else if (t.out.name == "token_embd.weight") CHECK(t.out.type == GgmlType::Q6_K);
        else if (t.out.ne.size() == 1) CHECK(t.out.type == GgmlType::F32);
        else CHECK(t.out.type == GgmlType::Q8_0);
    }
}

TEST_CASE("a vocabulary cache gives the same plans and reads the tokenizer once", "[plan]") {
    test::ReadLog log;
    test::LoggingFolder folder(native::open_folder(test::shared_path("models/dev-llama-spm")), log);
    const ModelInput in = load_model_input(folder);
    auto header = [](const Plan& p) {
        std::vector<GgufTensorInfo> infos = p.infos();
        return encode_gguf_header(p.kv, infos);
    };
    auto tokenizer_reads = [&] {
        size_t n = 0;
        for (const auto& r : log.reads) n += std::get<0>(r) == "tokenizer.model";
        return n;
    };
    VocabCache cache;
    for (const char* type : {"Q4_K_M", "IQ2_XXS", "F16"}) {
        PlanOptions po;
        po.quant = resolve_quant_name(type);
        po.allow_unwritable = true;
        log.reads.clear();
        const std::string plain = header(build_plan(in, po));
        CHECK(tokenizer_reads() > 0);
        po.vocab_cache = &cache;
        log.reads.clear();
        const bool first = !cache.kv;
        const std::string cached = header(build_plan(in, po));
        INFO(type);
        CHECK(cached == plain);
        CHECK((tokenizer_reads() > 0) == first);  // only the plan that filled the cache read the tokenizer
        CHECK(cache.file == "tokenizer.model");
    }
}
