#include "core/plan/quant_model.h"

#include "core/error.h"

namespace gs {
namespace {
// A count, or layer 0's count when the key holds one per layer.
uint32_t layer0_u32(const Metadata& kv, const std::string& key) {
    const Value* v = find(kv, key);
    if (!v) return 0;
    try {
        if (!v->is_array()) return static_cast<uint32_t>(v->as_u64());
        if (v->count == 0) throw Error("empty array");
        const int64_t x = v->int_at(0);
        if (x < 0) throw Error("negative first element");
        return static_cast<uint32_t>(x);
    } catch (const Error& e) {
        throw Error("", "", "metadata " + key + ": " + e.detail);
    }
}
}  // namespace

QuantModel quant_model_of(const std::string& arch, const Metadata& kv) {
    QuantModel m;
    m.n_layer = layer0_u32(kv, arch + ".block_count");
    m.n_head = layer0_u32(kv, arch + ".attention.head_count");
    m.n_head_kv = find(kv, arch + ".attention.head_count_kv") ? layer0_u32(kv, arch + ".attention.head_count_kv")
                                                                : m.n_head;
    m.n_expert = layer0_u32(kv, arch + ".expert_count");
    // llama.cpp's LLM_TYPE_70B: an 80-layer Llama with grouped-query attention
    m.is_70b = arch == "llama" && m.n_layer == 80 && m.n_head != m.n_head_kv;
    m.is_falcon = arch == "falcon";
    return m;
}

}  // namespace gs
