#include "core/model/weight_scales.h"

#include <algorithm>

#include "core/error.h"
#include "core/model/quant_config.h"

namespace gs {
namespace {
bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
bool is_fp8(Dtype d) { return d == Dtype::F8_E4M3 || d == Dtype::F8_E5M2; }
uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// Tensors of pre-quantized formats other than FP8, by the names their libraries give them.
struct PackedName {
    const char* ends;
    const char* format;
    bool u8_only = false;  // the name alone is too common
};
constexpr PackedName kPacked[] = {
    {".qweight", "GPTQ/AWQ packed weight (qweight)"},
    {".qzeros", "GPTQ/AWQ packed zero points (qzeros)"},
    {".g_idx", "GPTQ group index (g_idx)"},
    {".weight_packed", "compressed-tensors packed integer weight (weight_packed)"},
    {".SCB", "bitsandbytes int8 scale (SCB)"},
    {".absmax", "bitsandbytes 4-bit block scale (absmax)"},
    {".quant_map", "bitsandbytes 4-bit code book (quant_map)"},
    {".quant_state.bitsandbytes__nf4", "bitsandbytes NF4 state"},
    {".quant_state.bitsandbytes__fp4", "bitsandbytes FP4 state"},
    {"_blocks", "MXFP4 block (gpt-oss _blocks)", true},
    {".weight_zero_point", "asymmetric quantization zero point (weight_zero_point)"},
};

// Scales the converter drops: activation, input and KV-cache scales, which llama.cpp does not use.
constexpr const char* kUnused[] = {".activation_scale", "_activation_scale", ".input_scale", ".k_scale", ".v_scale",
                                   ".qscale_act"};
}  // namespace

std::string shape_text(const std::vector<uint64_t>& s) {
    std::string t = "[";
    for (size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
    return t + "]";
}

bool scale_layout(const std::vector<uint64_t>& w, const std::vector<uint64_t>& s, const std::vector<uint64_t>& block,
                  WeightScale& out, std::string& expected) {
    const uint64_t cols = w.empty() ? 1 : w.back();
    uint64_t numel = 1;
    for (uint64_t d : w) numel *= d;
    const uint64_t rows = cols ? numel / cols : 0;
    if (!block.empty()) {
        if (w.size() < 2) {
            expected = "a block size needs a weight of 2 or more dimensions";
            return false;
        }
        std::vector<uint64_t> want(w.begin(), w.end() - 2);
        want.push_back(ceil_div(w[w.size() - 2], block[0]));
        want.push_back(ceil_div(cols, block[1]));
        if (s != want) {
            expected = "expected " + shape_text(want) + " (ceil of the weight's last two dimensions / block " +
                       shape_text(block) + ")";
            return false;
        }
        out.mat_rows = std::max<uint64_t>(1, w[w.size() - 2]);
        out.block_rows = block[0];
        out.block_cols = block[1];
        return true;
    }
    std::vector<uint64_t> lead = s;
    while (!lead.empty() && lead.back() == 1) lead.pop_back();
    const bool prefix = lead.size() < w.size() && std::equal(lead.begin(), lead.end(), w.begin());
    if (!prefix) {
        expected = "expected one scale ([] or [1]) or one per row (" + shape_text({w.empty() ? 1 : w[0]}) + " or " +
                   shape_text({w.empty() ? 1 : w[0], 1}) + "), or a block size in config.json";
        return false;
    }
    // each scale covers the rows of the dimensions after the prefix (all rows when the prefix is empty)
    uint64_t run = 1;
    for (size_t i = lead.size(); i + 1 < w.size(); ++i) run *= w[i];
    out.mat_rows = out.block_rows = std::max<uint64_t>(1, std::min(run, std::max<uint64_t>(1, rows)));
    out.block_cols = std::max<uint64_t>(1, cols);
    return true;
}

void attach_weight_scales(const nlohmann::json& config, Catalog& c) {
    const Fp8Config q = read_quant_config(config);
    auto file_of = [&](const CatalogTensor& t) -> const std::string& { return c.files[t.file].name; };
    for (const auto& t : c.tensors)
        for (const auto& p : kPacked)
            if (ends_with(t.st.name, p.ends) && (!p.u8_only || t.st.dtype == Dtype::U8))
                throw Error(file_of(t), t.st.name, std::string(p.format) + ": " + unsupported_prequant("this pre-quantized format"));

    if (!q.fp8) {
        for (const auto& t : c.tensors)
            if (is_fp8(t.st.dtype))
                throw Error(file_of(t), t.st.name,
                            std::string(dtype_name(t.st.dtype)) +
                                " weight, but config.json has no quantization_config to say how it is scaled (FP8 "
                                "needs quant_method 'fp8' with <weight>_scale_inv tensors, or compressed-tensors / "
                                "modelopt with <weight>_scale)");
        return;
    }
    for (size_t i = 0; i < c.tensors.size(); ++i) {
        CatalogTensor& s = c.tensors[i];
        const std::string& name = s.st.name;
        if (std::any_of(std::begin(kUnused), std::end(kUnused), [&](const char* u) { return ends_with(name, u); })) {
            s.consumed = true;
            continue;
        }
        if (!ends_with(name, q.scale_ends)) continue;
        const std::string wname = name.substr(0, name.size() - q.scale_suffix.size());
        auto wi = c.by_name.find(wname);
        if (wi == c.by_name.end())
            throw Error(file_of(s), name, "scale tensor without its weight " + wname + " (" + q.what + ")");
        CatalogTensor& w = c.tensors[wi->second];
        const Dtype sd = s.st.dtype;
        if (sd != Dtype::F32 && sd != Dtype::BF16 && sd != Dtype::F16 && sd != Dtype::F64)
            throw Error(file_of(s), name, std::string("scale tensor of dtype ") + dtype_name(sd) +
                                              " (F32, BF16, F16 or F64 expected)");
        WeightScale ws;
        std::string expected;
        if (!scale_layout(w.st.shape, s.st.shape, q.block, ws, expected))
            throw Error(file_of(s), name,
                        "scale shape " + shape_text(s.st.shape) + " does not fit weight " + wname + " " +
                            shape_text(w.st.shape) +
                            (q.block.empty() ? std::string(" (") + q.what + ", no block size)" : " with " + q.block_key + " " + shape_text(q.block)) +
                            ": " + expected);
        ws.src = i;
        w.scale = ws;
        s.consumed = true;
    }
    for (const auto& t : c.tensors)
        if (is_fp8(t.st.dtype) && !t.scaled())
            throw Error(file_of(t), t.st.name,
                        std::string(dtype_name(t.st.dtype)) + " weight has no scale tensor " + t.st.name + q.scale_suffix +
                            " (" + q.what + ")");
}

}  // namespace gs
