// A GGUF file with F32/F16/BF16 tensors as a conversion source (what `ggufsmith convert -t F32` or
// convert_hf_to_gguf.py write). Its tensors become a one-file Catalog, so RowReader streams them exactly like
// safetensors data, and the parsed file is kept for its metadata.
#pragma once
#include <string>

#include "core/model/model_input.h"

namespace gs {

// rel names the GGUF file in folder. Quantized tensors are refused (requantizing loses quality and is not supported).
ModelInput load_gguf_input(const Folder& folder, const std::string& rel);

}  // namespace gs
