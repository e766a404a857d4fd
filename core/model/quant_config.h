// What config.json's quantization_config says about pre-quantized weights, read as llama.cpp's converter reads it
// (ModelBase.dequant_model). FP8 layouts are accepted; any other method (GPTQ, AWQ, bitsandbytes, ...) is refused
// here, before anything is written, with one line naming it.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gs {

struct Fp8Config {
    bool fp8 = false;           // the checkpoint declares FP8 weights with scale tensors
    std::string what;           // "quantization_config.quant_method 'fp8'", for messages
    std::string scale_ends;     // a scale tensor's name ends with this: "_scale_inv" or ".weight_scale"
    std::string scale_suffix;   // and is its weight's name + this: "_scale_inv" or "_scale"
    std::vector<uint64_t> block;  // {rows, cols} of the block one scale covers; empty: one per tensor or per row
    std::string block_key;        // the config key the block came from (messages)
};

// Throws gs::Error naming config.json for a quantization method or format ggufsmith cannot read.
Fp8Config read_quant_config(const nlohmann::json& config);

// "<what> is not supported: ggufsmith needs a checkpoint in F32/F16/BF16 or FP8; use the original (unquantized) model"
std::string unsupported_prequant(const std::string& what);

}  // namespace gs
