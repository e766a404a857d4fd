// The validating GGUF reader (core/gguf/reader.cpp), then what a GGUF input goes through before any tensor data is
// read: load_gguf_input (core/model/gguf_input.cpp) and a Q4_K_M dry-run plan (core/plan/gguf_plan.cpp, type
// selection over its metadata). The input is a GGUF file.
#include "core/error.h"
#include "core/gguf/reader.h"
#include "core/gguf/writer.h"
#include "core/model/gguf_input.h"
#include "core/plan/plan.h"
#include "core/plan/profile.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/fuzz_target.h"

GS_FUZZ_TARGET(gguf_reader) {
    using namespace gs;
    fuzz::FuzzFolder folder;
    folder.content["fuzz.gguf"] = std::string(reinterpret_cast<const char*>(data), size);
    try {
        auto r = folder.open("fuzz.gguf");
        const bool magic = looks_like_gguf(*r);
        const GgufFile g = read_gguf(*r);
        GS_FUZZ_CHECK(magic);
        // Every tensor the reader accepts lies inside the file, in a data section that starts inside it.
        GS_FUZZ_CHECK(g.data_start % g.alignment == 0);
        const uint64_t data_size = size >= g.data_start ? size - g.data_start : 0;
        for (const GgufTensorInfo& t : g.tensors) {
            GS_FUZZ_CHECK(!t.ne.empty() && t.ne.size() <= 4);
            const TypeTraits* tt = type_traits(t.type);
            GS_FUZZ_CHECK(tt != nullptr);
            // nbytes computed without wrap-around: blocks * block bytes <= data_size
            unsigned __int128 bytes = 1;
            for (uint64_t d : t.ne) bytes *= d;
            bytes = bytes / tt->block_size * tt->type_size;
            GS_FUZZ_CHECK(bytes == t.nbytes());
            GS_FUZZ_CHECK(t.offset <= data_size && t.nbytes() <= data_size - t.offset);
        }
        ModelInput in = load_gguf_input(folder, "fuzz.gguf");
        PlanOptions po;
        po.quant = resolve_quant_name("Q4_K_M");
        po.allow_unwritable = true;
        const Plan p = build_plan(in, po);
        gguf_file_size(p.kv, p.infos());
    } catch (const Error& e) {
        fuzz::rejected(e.what());
    }
    return 0;
}
