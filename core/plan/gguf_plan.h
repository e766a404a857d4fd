// The plan for a GGUF input (core/model/gguf_input.h): every tensor with its name and shape, in llama-quantize's
// order, and the file's metadata without the split.* keys, as llama-quantize copies them. Each tensor keeps its
// source type; the caller chooses output types and sets general.file_type.
#pragma once
#include "core/model/model_input.h"
#include "core/plan/plan.h"

namespace gs {

Plan plan_from_gguf(const ModelInput& in);

}  // namespace gs
