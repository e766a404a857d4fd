#pragma once
#include "core/arch/arch.h"

namespace gs {
// LlamaForCausalLM, MistralForCausalLM, MixtralForCausalLM (llama + stacked experts) and SmolLM3ForCausalLM
// (llama layout under the smollm3 architecture name).
ArchResult map_llama(const ModelInput& in);
ArchResult map_smollm3(const ModelInput& in);
}
