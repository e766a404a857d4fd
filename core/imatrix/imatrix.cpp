#include "core/imatrix/imatrix.h"

#include "core/error.h"
#include "core/gguf/reader.h"

namespace gs {

Imatrix read_imatrix(RangeReader& r) {
    if (r.size() == 0) throw Error(r.name(), "", "is empty (0 bytes)");
    if (is_lfs_pointer(r))
        throw Error(r.name(), "", "this is a Git LFS pointer file, not the importance matrix: run `git lfs pull` where it was cloned");
    Imatrix im = looks_like_gguf(r) ? read_imatrix_gguf(r) : read_imatrix_legacy(r);
    if (im.entries.empty()) throw Error(r.name(), "", "has no usable entries");
    return im;
}

std::shared_ptr<const std::vector<float>> imatrix_for_tensor(const Imatrix& im, const GgufTensorInfo& t) {
    auto it = im.entries.find(t.name);
    if (it == im.entries.end()) return nullptr;
    const uint64_t want = (t.ne.empty() ? 0 : t.ne[0]) * (t.ne.size() > 2 ? t.ne[2] : 1);
    const uint64_t have = it->second.weights->size();
    if (have == want) return it->second.weights;
    if (t.name == "token_embd.weight" || t.name == "per_layer_token_embd.weight") return nullptr;
    throw Error("", t.name, "the importance matrix has " + std::to_string(have) + " weights for it, the tensor needs " +
                                std::to_string(want) + " (row length x experts)");
}

Metadata imatrix_metadata(const Imatrix& im, const std::string& file_arg) {
    Metadata kv;
    if (im.entries.empty()) return kv;
    // llama-quantize passes these through its 128-byte KV-override strings.
    auto clip = [](const std::string& s) { return s.substr(0, 127); };
    set(kv, "quantize.imatrix.file", Value::str(clip(file_arg)));
    if (!im.datasets.empty()) set(kv, "quantize.imatrix.dataset", Value::str(clip(im.datasets[0])));
    set(kv, "quantize.imatrix.entries_count", Value::u32(static_cast<uint32_t>(im.entries.size())));
    if (im.chunk_count > 0) set(kv, "quantize.imatrix.chunks_count", Value::u32(im.chunk_count));
    return kv;
}

}  // namespace gs
