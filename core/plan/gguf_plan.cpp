#include "core/plan/gguf_plan.h"

#include "core/error.h"
#include "core/plan/tensor_order.h"

namespace gs {

Plan plan_from_gguf(const ModelInput& in) {
    if (!in.gguf) throw Error("plan_from_gguf needs a GGUF input");
    const GgufFile& g = *in.gguf;
    Plan p;
    if (const Value* a = find(g.kv, "general.architecture")) p.arch = a->as_str();
    p.kv = g.kv;
    for (const char* k : {"split.no", "split.count", "split.tensors.count"}) erase(p.kv, k);
    for (const auto& t : g.tensors) {
        TensorPlan tp;
        tp.out.name = t.name;
        tp.out.ne = t.ne;
        tp.out.type = t.type;
        tp.source = whole(in.catalog, in.catalog.by_name.at(t.name));
        check_source(tp.source, in.catalog, t.name, t.ne.empty() ? 1 : t.ne[0], tp.out.nrows());
        tp.why = "as in the input";
        p.tensors.push_back(std::move(tp));
    }
    sort_like_llama_quantize(p.tensors);
    return p;
}

}  // namespace gs
