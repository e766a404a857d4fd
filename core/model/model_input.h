// Everything read from a model folder before planning: its name, config.json and the tensor catalog.
// Tensor data is not read here; the pipeline streams it later.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/gguf/reader.h"
#include "core/io/reader.h"
#include "core/model/catalog.h"

namespace gs {

struct ModelInput {
    const Folder* folder = nullptr;
    std::string name;         // folder name
    nlohmann::json config;    // config.json
    Catalog catalog;
    std::shared_ptr<const GgufFile> gguf;  // set when the input is a GGUF file (core/model/gguf_input.h)
};

ModelInput load_model_input(const Folder& folder);

// Reads and parses a JSON file of the folder (throws gs::Error naming it when it is not valid JSON).
nlohmann::json read_json_file(const Folder& folder, const std::string& rel);

}  // namespace gs
