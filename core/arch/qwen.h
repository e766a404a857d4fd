#pragma once
#include "core/arch/arch.h"

namespace gs {
// Qwen2ForCausalLM, Qwen3ForCausalLM (+ per-head q/k RMSNorm), Qwen2MoeForCausalLM (stacked experts + a gated
// shared expert) and Qwen3MoeForCausalLM.
ArchResult map_qwen2(const ModelInput& in);
ArchResult map_qwen3(const ModelInput& in);
ArchResult map_qwen2moe(const ModelInput& in);
ArchResult map_qwen3moe(const ModelInput& in);
}
