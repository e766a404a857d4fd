// plan_report (the page's dry run) and require_executable (the refusal the CLI and the page share), on the reference
// model: the report must agree with the plan and the GGUF layout it describes.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/gguf/writer.h"
#include "core/imatrix/imatrix.h"
#include "core/plan/apply_imatrix.h"
#include "core/plan/plan.h"
#include "core/plan/plan_report.h"
#include "native/file_io.h"
#include "tests/support.h"

using namespace gs;

namespace {
const ModelInput& dev_input() {
    static const auto folder = native::open_folder(test::shared_path("models/dev-llama-spm"));
    static const ModelInput in = load_model_input(*folder);
    return in;
}

Plan dry_plan(const std::string& name) {
    PlanOptions po;
    po.quant = resolve_quant_name(name);
    REQUIRE(po.quant);
    po.allow_unwritable = true;
    return build_plan(dev_input(), po);
}
}  // namespace

TEST_CASE("plan_report describes the plan and its file", "[plan][report]") {
    const Plan p = dry_plan("Q4_K_M");
    const auto r = plan_report(dev_input(), p);
    CHECK(r["file_bytes"].get<uint64_t>() == gguf_file_size(p.kv, p.infos()));
    CHECK(r["bpw"].get<double>() == Approx(8.0 * gguf_file_size(p.kv, p.infos()) / p.n_params()));
    CHECK(r["executable"].get<bool>());
    REQUIRE(r["tensors"].size() == p.tensors.size());
    for (size_t i = 0; i < p.tensors.size(); ++i) {
        CHECK(r["tensors"][i]["name"] == p.tensors[i].out.name);
        CHECK(r["tensors"][i]["type"] == type_name(p.tensors[i].out.type));
        CHECK(r["tensors"][i]["bytes"].get<uint64_t>() == p.tensors[i].out.nbytes());
        CHECK(r["tensors"][i]["why"] == p.tensors[i].why);
    }
    const auto& m = r["model"];
    CHECK(m["name"] == "dev-llama-spm");
    CHECK(m["arch"] == "llama");
    CHECK(m["params"].get<uint64_t>() == p.n_params());
    CHECK(m["shards"] == 1);
    CHECK(m["dtypes"]["BF16"]["tensors"].get<size_t>() == dev_input().catalog.tensors.size());
    CHECK(m["dtypes"]["BF16"]["bytes"].get<uint64_t>() == dev_input().catalog.total_bytes());
}

// IQ2_XXS needs an importance matrix, as in llama-quantize: refused without one, naming the type.
TEST_CASE("require_executable refuses what execute_plan cannot write, and the report says why", "[plan][report]") {
    const Plan p = dry_plan("IQ2_XXS");
    CHECK_THROWS_WITH(require_executable(p), Catch::Contains("IQ2_XXS"));
    const auto r = plan_report(dev_input(), p);
    CHECK_FALSE(r["executable"].get<bool>());
    CHECK(r["not_executable_why"].get<std::string>().find("IQ2_XXS") != std::string::npos);
    CHECK_NOTHROW(require_executable(dry_plan("Q4_K_M")));
}

// With the importance matrix applied (as the page and --imatrix do), IQ2_XXS becomes writable and the report marks
// exactly the tensors that received weights.
TEST_CASE("plan_report marks the tensors that have importance weights", "[plan][report][imatrix]") {
    PlanOptions po;
    po.quant = resolve_quant_name("IQ2_XXS");
    po.quant->options.has_imatrix = true;
    Plan p = build_plan(dev_input(), po);
    const auto reader = native::open_file(test::shared_path("models/dev-llama-spm/imatrix.dat"));
    const size_t n = apply_imatrix(p, read_imatrix(*reader), "imatrix.dat");
    REQUIRE(n > 0);
    const auto r = plan_report(dev_input(), p);
    CHECK(r["executable"].get<bool>());
    CHECK(r["needs_imatrix"].get<bool>());
    size_t marked = 0;
    for (size_t i = 0; i < p.tensors.size(); ++i) {
        CHECK(r["tensors"][i]["imatrix_weights"].get<bool>() == (p.tensors[i].imatrix != nullptr));
        marked += r["tensors"][i]["imatrix_weights"].get<bool>();
    }
    CHECK(marked == n);
    CHECK_FALSE(plan_report(dev_input(), dry_plan("IQ2_XXS"))["tensors"][1]["imatrix_weights"].get<bool>());
}
