// Test tool: converts a model folder or an F32/F16/BF16 GGUF with the tensor types of a llama-quantize digest
// (ref.<TYPE>[.imatrix].json), so the pipeline, the kernels and the importance-matrix plumbing can be checked
// against llama.cpp tensor for tensor without the type-selection rules.
// usage: gs_golden_quant IN OUT.gguf --types REF.json [--imatrix FILE] [-j N]   (exit 3: a type has no kernel)
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/gguf/reader.h"
#include "core/imatrix/imatrix.h"
#include "core/model/gguf_input.h"
#include "core/pipeline/execute.h"
#include "core/plan/apply_imatrix.h"
#include "core/plan/gguf_plan.h"
#include "core/plan/tensor_order.h"
#include "core/quant/quant.h"
#include "native/file_io.h"

using namespace gs;

int main(int argc, char** argv) {
    std::vector<std::string> a(argv + 1, argv + argc);
    std::string in_path, out, types, imatrix;
    unsigned threads = 1;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i] == "--types" && i + 1 < a.size()) types = a[++i];
        else if (a[i] == "--imatrix" && i + 1 < a.size()) imatrix = a[++i];
        else if (a[i] == "-j" && i + 1 < a.size()) threads = static_cast<unsigned>(std::atoi(a[++i].c_str()));
        else if (in_path.empty()) in_path = a[i];
        else out = a[i];
    }
    if (in_path.empty() || out.empty() || types.empty()) {
        std::fputs("usage: gs_golden_quant IN OUT.gguf --types REF.json [--imatrix FILE] [-j N]\n", stderr);
        return 2;
    }
    try {
        auto folder = native::open_folder(in_path);
        const bool is_gguf = !native::is_directory(in_path) && looks_like_gguf(*native::open_file(in_path));
        ModelInput in;
        Plan plan;
        if (is_gguf) {
            in = load_gguf_input(*folder, folder->files().at(0));
            plan = plan_from_gguf(in);
        } else {
            in = load_model_input(*folder);
            plan = build_plan(in, PlanOptions{GgmlType::F32});
            sort_like_llama_quantize(plan.tensors);
        }
        const nlohmann::json ref = nlohmann::json::parse(read_text(*native::open_file(types), 64u << 20));
        for (auto& t : plan.tensors) {
            auto it = ref["tensors"].find(t.out.name);
            if (it == ref["tensors"].end()) throw Error(types, t.out.name, "not in the reference");
            t.out.type = *type_from_name((*it)["type"].get<std::string>());
            const bool plain = t.out.type == GgmlType::F32 || t.out.type == GgmlType::F16 || t.out.type == GgmlType::BF16;
            if (!plain && !quant::find_kernel(t.out.type)) {
                std::fprintf(stderr, "no kernel for %s\n", type_name(t.out.type));
                return 3;  // the script reports a skip
            }
        }
        set(plan.kv, "general.file_type", Value::u32(ref["kv"]["general.file_type"].get<uint32_t>()));
        if (!imatrix.empty()) {
            const size_t n = apply_imatrix(plan, read_imatrix(*native::open_file(imatrix)), imatrix);
            std::fprintf(stderr, "%zu tensors with importance weights\n", n);
        }
        native::AtomicFileSink sink(out);
        ExecuteOptions eo;
        eo.threads = threads;
        execute_plan(plan, in, sink, out, eo);
        sink.commit();
    } catch (const Error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
