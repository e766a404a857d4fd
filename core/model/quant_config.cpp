#include "core/model/quant_config.h"

#include "core/error.h"

namespace gs {
namespace {
struct KnownMethod {
    const char* method;
    const char* name;
};
// quant_method values transformers writes, with the names people know them by.
constexpr KnownMethod kMethods[] = {
    {"gptq", "GPTQ"},          {"awq", "AWQ"},           {"bitsandbytes", "bitsandbytes"}, {"bitnet", "BitNet"},
    {"mxfp4", "MXFP4"},        {"hqq", "HQQ"},           {"aqlm", "AQLM"},                 {"eetq", "EETQ"},
    {"quanto", "Quanto"},      {"torchao", "torchao"},   {"fbgemm_fp8", "FBGEMM FP8"},     {"vptq", "VPTQ"},
    {"higgs", "HIGGS"},        {"spqr", "SpQR"},         {"quark", "AMD Quark"},           {"auto-round", "AutoRound"},
    {"exl2", "ExLlamaV2"},     {"fp_quant", "FP-Quant"}, {"compressed-tensors", "compressed-tensors"},
    {"modelopt", "NVIDIA ModelOpt"},
};

std::string method_label(const std::string& m) {
    for (const auto& k : kMethods)
        if (m == k.method) return "quantization_config.quant_method '" + m + "' (" + k.name + ")";
    return "quantization_config.quant_method '" + m + "' (an unknown quantization method)";
}

[[noreturn]] void refuse(const std::string& what) { throw Error("config.json", "", unsupported_prequant(what)); }

std::string str_or_empty(const nlohmann::json& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<uint64_t> block_of(const nlohmann::json& v, const std::string& key) {
    bool ok = v.is_array() && v.size() == 2;
    std::vector<uint64_t> b;
    for (size_t i = 0; ok && i < 2; ++i) {
        ok = v[i].is_number_integer() && v[i].get<int64_t>() > 0 && v[i].get<int64_t>() <= (int64_t{1} << 32);
        if (ok) b.push_back(v[i].get<uint64_t>());
    }
    if (!ok) throw Error("config.json", "", key + " must be two positive integers [rows, cols], got " + v.dump());
    return b;
}

// compressed-tensors (llm-compressor): only "float-quantized" 8-bit float weights, one config group, scales per
// tensor, per output channel or per block; the converter reads the same (it refuses several groups too).
Fp8Config compressed_tensors(const nlohmann::json& q) {
    const std::string base = "quantization_config.quant_method 'compressed-tensors'";
    const std::string format = str_or_empty(q, "format");
    if (format.empty()) throw Error("config.json", "", base + " has no \"format\"");
    Fp8Config f;
    if (format == "dense") return f;  // stored unquantized (sparsity metadata at most)
    if (format != "float-quantized") {
        const char* kind = format == "int-quantized" || format == "naive-quantized" ? " (INT8 weights)"
                           : format == "pack-quantized"                            ? " (packed integer weights)"
                           : format.find("nvfp4") != std::string::npos             ? " (NVFP4)"
                                                                                   : "";
        refuse(base + " with format '" + format + "'" + kind);
    }
    auto groups = q.find("config_groups");
    if (groups == q.end() || !groups->is_object() || groups->empty())
        throw Error("config.json", "", base + " with format 'float-quantized' has no config_groups");
    if (groups->size() != 1)
        refuse(base + " with " + std::to_string(groups->size()) + " config_groups (mixed schemes)");
    const std::string gname = groups->begin().key();
    const nlohmann::json& g = groups->begin().value();
    const nlohmann::json* w = g.is_object() && g.contains("weights") ? &g["weights"] : nullptr;
    if (!w || !w->is_object()) throw Error("config.json", "", base + ": config_groups." + gname + " has no \"weights\"");
    const std::string type = str_or_empty(*w, "type");
    const nlohmann::json bits = w->value("num_bits", nlohmann::json());
    if (type != "float" || !bits.is_number_integer() || bits.get<int64_t>() != 8)
        refuse(base + " with " + (type.empty() ? std::string("untyped") : type) + " weights of " + bits.dump() +
               " bits (only 8-bit float is read)");
    const std::string strategy = str_or_empty(*w, "strategy");
    if (w->contains("group_size") && !(*w)["group_size"].is_null())
        refuse(base + " with FP8 weight groups (group_size " + (*w)["group_size"].dump() + ")");
    f.fp8 = true;
    f.what = base + " (FP8, strategy '" + strategy + "')";
    f.scale_ends = ".weight_scale";
    f.scale_suffix = "_scale";
    if (strategy == "block") {
        f.block_key = "quantization_config.config_groups." + gname + ".weights.block_structure";
        f.block = block_of(w->value("block_structure", nlohmann::json()), f.block_key);
    } else if (strategy != "tensor" && strategy != "channel") {
        refuse(base + " with FP8 strategy '" + strategy + "' (tensor, channel and block are read)");
    }
    return f;
}
}  // namespace

std::string unsupported_prequant(const std::string& what) {
    return what + " is not supported: ggufsmith needs a checkpoint in F32/F16/BF16 or FP8; use the original "
                  "(unquantized) model";
}

Fp8Config read_quant_config(const nlohmann::json& config) {
    const nlohmann::json* q = nullptr;
    for (const nlohmann::json* c : {&config, config.contains("text_config") ? &config["text_config"] : nullptr}) {
        if (!q && c && c->is_object() && c->contains("quantization_config") && !(*c)["quantization_config"].is_null())
            q = &(*c)["quantization_config"];
    }
    if (!q) return {};
    if (!q->is_object()) throw Error("config.json", "", "quantization_config is not an object");
    auto m = q->find("quant_method");
    if (m == q->end() || m->is_null()) {
        // transformers' old bitsandbytes configs carry only the load_in_* flags
        if (q->value("load_in_4bit", false) || q->value("load_in_8bit", false))
            refuse("quantization_config (bitsandbytes, load_in_4bit/load_in_8bit)");
        return {};
    }
    if (!m->is_string()) throw Error("config.json", "", "quantization_config.quant_method is not a string");
    const std::string method = m->get<std::string>();
    Fp8Config f;
    if (method == "fp8") {
        // transformers' FineGrainedFP8 (DeepSeek-V3/R1, Qwen3-FP8): <weight>_scale_inv multiplies each block
        f.fp8 = true;
        f.what = "quantization_config.quant_method 'fp8'";
        f.scale_ends = f.scale_suffix = "_scale_inv";
        f.block_key = "quantization_config.weight_block_size";
        auto b = q->find("weight_block_size");
        if (b != q->end() && !b->is_null()) f.block = block_of(*b, f.block_key);
        return f;
    }
    if (method == "compressed-tensors") return compressed_tensors(*q);
    if (method == "modelopt") {
        const std::string algo = str_or_empty(*q, "quant_algo");
        if (algo != "FP8")
            refuse(method_label(method) + " with quant_algo '" + algo + "' (only FP8 is read)");
        f.fp8 = true;
        f.what = method_label(method) + " FP8";
        f.scale_ends = ".weight_scale";
        f.scale_suffix = "_scale";
        return f;
    }
    refuse(method_label(method));
}

}  // namespace gs
