// The tensors of a model folder across all its safetensors shards: which file holds each tensor and where.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/io/reader.h"
#include "core/safetensors/header.h"

namespace gs {

struct CatalogTensor {
    StTensor st;      // dtype, shape, absolute offset and size in its file
    size_t file = 0;  // index into Catalog::files
};

struct Catalog {
    std::vector<StFile> files;           // parsed headers, in shard order
    std::vector<CatalogTensor> tensors;  // in file order, then data order
    std::map<std::string, size_t> by_name;

    const CatalogTensor* find(const std::string& name) const;
    uint64_t total_bytes() const;
};

// Finds the weights of a folder: model.safetensors.index.json (its weight_map names the shards), else
// model.safetensors, else every *.safetensors file. Duplicate tensor names across shards, index entries naming a
// missing shard or a tensor the shard lacks are errors.
Catalog load_catalog(const Folder& folder);

}  // namespace gs
