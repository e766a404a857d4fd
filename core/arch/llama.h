#pragma once
#include "core/arch/arch.h"

namespace gs {
// LlamaForCausalLM and MistralForCausalLM.
ArchResult map_llama(const ModelInput& in);
}
