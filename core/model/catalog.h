// The tensors of a model folder across all its safetensors shards: which file holds each tensor and where.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/io/reader.h"
#include "core/safetensors/header.h"

namespace gs {

// How a pre-quantized (FP8) weight's stored values are scaled back to real ones (core/model/weight_scales.h). In the
// weight's 2-D view [rows, cols], matrices of mat_rows rows (the leading dimensions stack them) are cut into blocks of
// block_rows x block_cols elements (the last ones ragged); each block multiplies by one value of the scale tensor,
// which holds ceil(mat_rows / block_rows) x ceil(cols / block_cols) values per matrix, row-major.
struct WeightScale {
    size_t src = SIZE_MAX;  // catalog index of the scale tensor; SIZE_MAX: stored values are the values
    uint64_t mat_rows = 1, block_rows = 1, block_cols = 1;
};

struct CatalogTensor {
    StTensor st;      // dtype, shape, absolute offset and size in its file
    size_t file = 0;  // index into Catalog::files
    WeightScale scale;
    bool consumed = false;  // a scale (or an unused activation scale): read with its weight, never an output
    bool scaled() const { return scale.src != SIZE_MAX; }
};

struct Catalog {
    std::vector<StFile> files;           // parsed headers, in shard order
    std::vector<CatalogTensor> tensors;  // in file order, then data order
    std::map<std::string, size_t> by_name;
    // The file that says which tensors the checkpoint has, for "missing tensor" messages: the index, the only
    // shard, or (loose shards) the folder's name.
    std::string listing;

    const CatalogTensor* find(const std::string& name) const;
    uint64_t total_bytes() const;
};

// Finds the weights of a folder: model.safetensors.index.json (its weight_map names the shards), else
// model.safetensors, else every *.safetensors file. Duplicate tensor names across shards, index entries naming a
// missing shard, a tensor the shard lacks or a shard tensor the index does not list are errors.
Catalog load_catalog(const Folder& folder);

}  // namespace gs
