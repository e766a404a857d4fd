#include "core/plan/plan_report.h"

#include "core/error.h"
#include "core/gguf/writer.h"

namespace gs {
namespace {
nlohmann::json model_summary(const ModelInput& in, const Plan& plan) {
    const Catalog& c = in.catalog;
    nlohmann::json files = nlohmann::json::array(), dtypes = nlohmann::json::object();
    for (const auto& f : c.files) files.push_back({{"name", f.name}, {"bytes", f.size}});
    for (const auto& t : c.tensors) {
        auto& d = dtypes[dtype_name(t.st.dtype)];
        if (d.is_null()) d = {{"tensors", 0}, {"bytes", uint64_t{0}}};
        d["tensors"] = d["tensors"].get<uint64_t>() + 1;
        d["bytes"] = d["bytes"].get<uint64_t>() + t.st.nbytes;
    }
    return {{"name", in.name},
            {"arch", plan.arch},
            {"params", plan.n_params()},
            {"size_label", size_label(plan.n_params())},
            {"files", files},
            {"shards", c.files.size()},
            {"tensors", c.tensors.size()},
            {"source_bytes", c.total_bytes()},
            {"dtypes", dtypes}};
}
}  // namespace

nlohmann::json plan_report(const ModelInput& in, const Plan& plan) {
    const uint64_t size = gguf_file_size(plan.kv, plan.infos());
    const uint64_t params = plan.n_params();
    nlohmann::json tensors = nlohmann::json::array();
    for (const auto& t : plan.tensors)
        tensors.push_back({{"name", t.out.name},
                           {"type", type_name(t.out.type)},
                           {"shape", t.out.ne},
                           {"bytes", t.out.nbytes()},
                           {"why", t.why},
                           {"imatrix", t.requires_imatrix},
                           {"imatrix_weights", t.imatrix != nullptr}});
    std::string why_not;
    try {
        require_executable(plan);
    } catch (const Error& e) {
        why_not = e.what();
    }
    return {{"model", model_summary(in, plan)},
            {"file_bytes", size},
            {"bpw", params ? 8.0 * static_cast<double>(size) / static_cast<double>(params) : 0.0},
            {"fallbacks", plan.n_fallback},
            {"needs_imatrix", plan.needs_imatrix()},
            {"executable", why_not.empty()},
            {"not_executable_why", why_not},
            {"tensors", tensors}};
}

}  // namespace gs
