// Joins an importance matrix to a plan the way llama-quantize does: each quantized tensor gets the weights stored
// under its GGUF name (none is fine; a size mismatch is an error), and the quantize.imatrix.* keys are added.
#pragma once
#include <string>

#include "core/imatrix/imatrix.h"
#include "core/plan/plan.h"

namespace gs {

// Call after the output types are chosen. file_arg is the imatrix path as the user gave it (recorded in the file).
// Returns how many tensors received weights.
size_t apply_imatrix(Plan& p, const Imatrix& im, const std::string& file_arg);

}  // namespace gs
