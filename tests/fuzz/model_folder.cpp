// A whole model folder up to the plan, as `ggufsmith convert --dry-run` goes: config.json, the index and shard
// headers, the tokenizer files, the architecture mapping with its cross-file checks (shapes against config, tied
// embeddings, vocabulary size) and llama-quantize's type selection. Files are framed as in fuzz_support.h (default:
// config.json); an optional file "ftype" holds the -t name (default Q4_K_M), "vocab_only" asks for --vocab-only.
#include "core/error.h"
#include "core/gguf/writer.h"
#include "core/model/model_input.h"
#include "core/plan/plan.h"
#include "core/plan/plan_report.h"
#include "core/plan/profile.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/fuzz_target.h"

GS_FUZZ_TARGET(model_folder) {
    using namespace gs;
    const fuzz::FuzzFolder folder = fuzz::split_folder(data, size, "config.json");
    try {
        PlanOptions po;
        auto ft = folder.content.find("ftype");
        po.quant = resolve_quant_name(ft != folder.content.end() ? ft->second : "Q4_K_M");
        if (!po.quant) po.quant = resolve_quant_name("Q4_K_M");
        po.allow_unwritable = true;
        po.vocab_only = folder.has("vocab_only");
        const ModelInput in = load_model_input(folder);
        const Plan p = build_plan(in, po);
        for (const TensorPlan& t : p.tensors) {
            GS_FUZZ_CHECK(!t.out.ne.empty() && t.out.ne.size() <= 4);
            const TypeTraits* tt = type_traits(t.out.type);
            GS_FUZZ_CHECK(tt && t.out.ne[0] % tt->block_size == 0);
        }
        gguf_file_size(p.kv, p.infos());
        plan_report(in, p).dump();
    } catch (const Error& e) {
        fuzz::rejected(e.what());
    }
    return 0;
}
