#pragma once
#include "core/arch/arch.h"

namespace gs {
// GPT2LMHeadModel: Conv1D weights stored [in, out] are transposed; biases and LayerNorms as they are.
ArchResult map_gpt2(const ModelInput& in);
}
