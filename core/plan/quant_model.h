// What llama-quantize knows of a model when it chooses types: a few hyperparameters read from the GGUF metadata the
// way llama.cpp's loader reads them.
#pragma once
#include <string>

#include "core/gguf/value.h"
#include "core/plan/type_select.h"

namespace gs {

// From "<arch>.block_count", ".attention.head_count", ".attention.head_count_kv" and ".expert_count". Hybrid models
// (Mamba/attention, sliding/full attention) store the head counts per layer as arrays; llama-quantize's rules ask
// for layer 0's values (hparams.n_gqa() is n_gqa(0)), so an array counts by its first element. A missing
// head_count_kv means no grouping (= head_count), as in llama.cpp. Throws gs::Error for a non-numeric or empty value.
QuantModel quant_model_of(const std::string& arch, const Metadata& kv);

}  // namespace gs
