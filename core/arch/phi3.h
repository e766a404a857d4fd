#pragma once
#include "core/arch/arch.h"

namespace gs {
// Phi3ForCausalLM: fused qkv_proj and gate_up_proj kept fused (attn_qkv, ffn_up), as the converter does.
ArchResult map_phi3(const ModelInput& in);
}
