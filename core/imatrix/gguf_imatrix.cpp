// The GGUF imatrix format (llama-imatrix's default since mid 2025): keys imatrix.datasets / imatrix.chunk_count /
// imatrix.chunk_size, and per weight tensor `<name>.in_sum2` (sums of squared activations, ne {row_len, n_mat}) and
// `<name>.counts` (calls per matrix, ne {1, n_mat}), both F32; `<name>.in_sum` (plain sums) is optional and unused.
// Weights are in_sum2 / round(count) per matrix, and 1 for a matrix that never saw input, as in llama-quantize.
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/gguf/reader.h"
#include "core/imatrix/imatrix.h"
#include "core/util/le.h"

namespace gs {
namespace {
struct Parts {
    const GgufTensorInfo* sum2 = nullptr;
    const GgufTensorInfo* counts = nullptr;
    const GgufTensorInfo* sum = nullptr;
};

bool strip_suffix(std::string& s, const std::string& suffix) {
    if (s.size() < suffix.size() || s.compare(s.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
    s.resize(s.size() - suffix.size());
    return true;
}

std::vector<float> read_f32(RangeReader& r, const GgufFile& g, const GgufTensorInfo& t, const std::string& entry) {
    std::vector<uint8_t> raw(static_cast<size_t>(t.nbytes()));
    r.read(g.data_start + t.offset, raw.data(), raw.size());
    std::vector<float> v(raw.size() / 4);
    for (size_t i = 0; i < v.size(); ++i) {
        v[i] = le::load<float>(raw.data() + 4 * i);
        if (!std::isfinite(v[i]))
            throw Error(r.name(), entry, t.name + " value " + std::to_string(i) + " is not finite (" +
                                             std::to_string(v[i]) + ")");
    }
    return v;
}

uint32_t u32_key(const GgufFile& g, const char* key) {
    const Value* v = find(g.kv, key);
    const uint64_t x = v->as_u64();
    if (x > std::numeric_limits<uint32_t>::max()) throw Error(g.name, "", std::string(key) + " is out of range");
    return static_cast<uint32_t>(x);
}
}  // namespace

Imatrix read_imatrix_gguf(RangeReader& r) {
    const GgufFile g = read_gguf(r);
    const std::string& file = r.name();
    if (g.tensors.empty()) throw Error(file, "", "has no tensors (not an importance matrix?)");
    // llama-quantize refuses a GGUF imatrix without these keys.
    for (const char* key : {"imatrix.datasets", "imatrix.chunk_count", "imatrix.chunk_size"})
        if (!find(g.kv, key)) throw Error(file, "", std::string("missing key ") + key + " (not an importance matrix?)");

    Imatrix im;
    const Value* ds = find(g.kv, "imatrix.datasets");
    if (ds->is_array() && ds->elem == ValueType::String) im.datasets = ds->strings;
    try {
        im.chunk_count = u32_key(g, "imatrix.chunk_count");
        u32_key(g, "imatrix.chunk_size");
    } catch (const Error& e) {
        throw Error(file, "", e.detail);
    }

    std::map<std::string, Parts> parts;
    for (const auto& t : g.tensors) {
        std::string base = t.name;
        if (strip_suffix(base, ".in_sum2")) parts[base].sum2 = &t;
        else if (strip_suffix(base, ".counts")) parts[base].counts = &t;
        else if (strip_suffix(base, ".in_sum")) parts[base].sum = &t;
    }
    for (const auto& [name, p] : parts) {
        if (!p.sum2 || !p.counts) throw Error(file, name, p.sum2 ? "has no .counts tensor" : "has no .in_sum2 tensor");
        if (p.sum && p.sum->numel() != p.sum2->numel())
            throw Error(file, name, ".in_sum and .in_sum2 have different sizes");
        for (const GgufTensorInfo* t : {p.sum2, p.counts, p.sum})
            if (t && t->type != GgmlType::F32)
                throw Error(file, name, t->name + " is " + type_name(t->type) + ", expected F32");
        const uint64_t ncounts = p.counts->numel(), nsums = p.sum2->numel();
        if (ncounts == 0 || nsums == 0) continue;  // llama-quantize skips such entries
        if (nsums % ncounts != 0)
            throw Error(file, name, std::to_string(nsums) + " sums do not split into " + std::to_string(ncounts) +
                                        " matrices");
        const std::vector<float> counts = read_f32(r, g, *p.counts, name);
        std::vector<float> w = read_f32(r, g, *p.sum2, name);
        const uint64_t row_len = nsums / ncounts;
        for (uint64_t j = 0; j < ncounts; ++j) {
            if (counts[j] < 0) throw Error(file, name, "count " + std::to_string(j) + " is negative");
            const float count = static_cast<float>(std::lround(counts[j]));
            for (uint64_t i = 0; i < row_len; ++i) {
                float& x = w[j * row_len + i];
                x = count > 0 ? x / count : 1.f;
            }
        }
        ImatrixEntry e;
        e.weights = std::make_shared<const std::vector<float>>(std::move(w));
        e.n_mat = ncounts;
        im.entries.emplace(name, std::move(e));
    }
    return im;
}

}  // namespace gs
