#pragma once
#include "core/arch/arch.h"

namespace gs {
// Gemma2ForCausalLM and Gemma3ForCausalLM (text only).
ArchResult map_gemma2(const ModelInput& in);
ArchResult map_gemma3(const ModelInput& in);
}
