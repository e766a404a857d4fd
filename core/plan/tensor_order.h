// llama-quantize writes tensors in its model loader's order: tensors outside blocks first, then block by block
// ("blk.N." compared as numbers), by name within each. A quantized output must use it to be byte-identical.
#pragma once
#include <string>
#include <vector>

#include "core/plan/plan.h"

namespace gs {

bool llama_quantize_less(const std::string& a, const std::string& b);
void sort_like_llama_quantize(std::vector<TensorPlan>& tensors);

}  // namespace gs
