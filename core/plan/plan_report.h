// The plan as JSON, for front ends that show it rather than print it (the web page's dry run): the model summary
// and every tensor's type, shape, size and why. Built from the plan alone, so no tensor data has been read.
#pragma once
#include <nlohmann/json.hpp>

#include "core/model/model_input.h"
#include "core/plan/plan.h"

namespace gs {

// {"model": {name, arch, params, size_label, files: [{name, bytes}], shards, source_bytes, dtypes: {F32: {tensors,
//  bytes}}}, "file_bytes", "bpw", "fallbacks", "needs_imatrix", "executable", "not_executable_why",
//  "tensors": [{name, type, shape, bytes, why, imatrix (requires one), imatrix_weights (has them)}]}
nlohmann::json plan_report(const ModelInput& in, const Plan& plan);

}  // namespace gs
