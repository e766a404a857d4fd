// Pre-quantized (FP8) weights and their scale tensors, paired by name as llama.cpp's converter pairs them
// (<weight>_scale_inv for quant_method fp8, <weight>_scale for compressed-tensors and ModelOpt). The scales are read
// with their weights by the pipeline (core/pipeline/row_reader.h) and never become outputs.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/model/catalog.h"

namespace gs {

// Sets CatalogTensor::scale of every scaled weight and marks its scale tensor (and unused activation / KV-cache
// scales) consumed. Throws gs::Error naming the file and tensor for: a quantization method other than FP8
// (config.json), tensors of another pre-quantized format (GPTQ/AWQ qweight, bitsandbytes absmax, ...), an FP8
// weight without a scale or without a quantization_config, a scale without its weight, a scale of a non-float
// dtype, and a scale whose shape does not fit its weight and the block size.
void attach_weight_scales(const nlohmann::json& config, Catalog& c);

// The layout of a scale of shape `scale` for a weight of shape `weight` (both as stored, outermost first):
// block = {rows, cols}: ceil(rows / block) x ceil(cols / block) per matrix of the last two dimensions;
// block empty: one value for the tensor, or one per index of the leading dimensions (per row, per expert) with
// trailing 1s allowed ([rows] or [rows, 1]). False when the shapes do not fit; `expected` then says what would.
bool scale_layout(const std::vector<uint64_t>& weight, const std::vector<uint64_t>& scale,
                  const std::vector<uint64_t>& block, WeightScale& out, std::string& expected);

std::string shape_text(const std::vector<uint64_t>& shape);  // "[3, 2]"

}  // namespace gs
