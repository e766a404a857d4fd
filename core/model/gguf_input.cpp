#include "core/model/gguf_input.h"

#include <algorithm>

#include "core/error.h"

namespace gs {
namespace {
Dtype dtype_of(GgmlType t, const std::string& file, const std::string& tensor) {
    switch (t) {
        case GgmlType::F32: return Dtype::F32;
        case GgmlType::F16: return Dtype::F16;
        case GgmlType::BF16: return Dtype::BF16;
        default:
            throw Error(file, tensor, std::string("is ") + type_name(t) +
                                          "; only F32, F16 and BF16 tensors can be converted (no requantizing)");
    }
}

std::string stem(const std::string& rel) {
    const std::string ext = ".gguf";
    if (rel.size() > ext.size() && rel.compare(rel.size() - ext.size(), ext.size(), ext) == 0)
        return rel.substr(0, rel.size() - ext.size());
    return rel;
}
}  // namespace

ModelInput load_gguf_input(const Folder& folder, const std::string& rel) {
    auto r = folder.open(rel);
    auto g = std::make_shared<GgufFile>(read_gguf(*r));
    // One part of a split GGUF holds only some of the tensors: converting it alone would write an incomplete model.
    if (const Value* n = find(g->kv, "split.count"); n && n->as_u64() > 1) {
        const Value* no = find(g->kv, "split.no");
        throw Error(rel, "", "is part " + std::to_string((no ? no->as_u64() : 0) + 1) + " of " +
                                 std::to_string(n->as_u64()) +
                                 " of a split GGUF; ggufsmith reads a single GGUF file (merge the parts first with "
                                 "llama-gguf-split --merge)");
    }

    StFile f;
    f.name = rel;
    f.size = r->size();
    f.data_start = g->data_start;
    for (const auto& t : g->tensors) {
        StTensor st;
        st.name = t.name;
        st.dtype = dtype_of(t.type, rel, t.name);
        st.shape.assign(t.ne.rbegin(), t.ne.rend());  // safetensors order: outermost first
        st.offset = g->data_start + t.offset;          // read_gguf checked it lies inside the file
        st.nbytes = t.nbytes();
        f.tensors.push_back(std::move(st));
    }
    std::stable_sort(f.tensors.begin(), f.tensors.end(),
                     [](const StTensor& a, const StTensor& b) { return a.offset < b.offset; });

    ModelInput m;
    m.folder = &folder;
    m.name = stem(rel);
    m.config = nlohmann::json::object();
    for (const auto& t : f.tensors) {  // read_gguf refused duplicate names
        m.catalog.by_name[t.name] = m.catalog.tensors.size();
        m.catalog.tensors.push_back({t, 0, {}, false});
    }
    m.catalog.files.push_back(std::move(f));
    m.gguf = std::move(g);
    return m;
}

}  // namespace gs
