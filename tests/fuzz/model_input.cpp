// The model folder reader (core/model/model_input.cpp, catalog.cpp): config.json, model.safetensors.index.json and
// the shards' headers, from one input cut into files by fuzz_support.h's framing (default file: config.json).
#include "core/error.h"
#include "core/model/model_input.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/fuzz_target.h"

GS_FUZZ_TARGET(model_input) {
    using namespace gs;
    const fuzz::FuzzFolder folder = fuzz::split_folder(data, size, "config.json");
    try {
        const ModelInput in = load_model_input(folder);
        GS_FUZZ_CHECK(in.config.is_object());
        const Catalog& c = in.catalog;
        GS_FUZZ_CHECK(c.by_name.size() == c.tensors.size());
        for (const auto& [name, i] : c.by_name) {
            GS_FUZZ_CHECK(i < c.tensors.size() && c.tensors[i].st.name == name);
            const CatalogTensor& t = c.tensors[i];
            GS_FUZZ_CHECK(t.file < c.files.size() && folder.has(c.files[t.file].name));
            const StFile& f = c.files[t.file];
            GS_FUZZ_CHECK(t.st.offset >= f.data_start && t.st.nbytes <= f.size - t.st.offset);
        }
    } catch (const Error& e) {
        fuzz::rejected(e.what());
    }
    return 0;
}
