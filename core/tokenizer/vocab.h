// The tokenizer.* metadata of a model folder, whatever tokenizer files it has.
#pragma once
#include <nlohmann/json.hpp>

#include "core/gguf/value.h"
#include "core/io/reader.h"

namespace gs {
Metadata vocab_metadata(const Folder& folder, const nlohmann::json& config);
}
