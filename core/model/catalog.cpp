#include "core/model/catalog.h"

#include <algorithm>
#include <set>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/util/json_parse.h"

namespace gs {

const CatalogTensor* Catalog::find(const std::string& name) const {
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : &tensors[it->second];
}

uint64_t Catalog::total_bytes() const {
    uint64_t n = 0;
    for (const auto& t : tensors) n += t.st.nbytes;
    return n;
}

namespace {
bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

constexpr const char* kIndex = "model.safetensors.index.json";

// Shards named by the index, in first-mention order, with the tensors each must hold.
std::vector<std::string> shards_from_index(const Folder& folder, std::map<std::string, std::string>& weight_map) {
    auto r = folder.open(kIndex);
    // A tensor named twice in weight_map would sit in two shards at once.
    const nlohmann::json j = parse_json_text(read_text(*r, 64u << 20), kIndex, {"", true});
    if (!j.is_object()) throw Error(kIndex, "", "is not a JSON object");
    auto wm = j.find("weight_map");
    if (wm == j.end() || !wm->is_object()) throw Error(kIndex, "", "has no \"weight_map\" object");
    if (wm->empty()) throw Error(kIndex, "", "weight_map is empty: the index names no tensors");
    std::vector<std::string> shards;
    for (auto it = wm->begin(); it != wm->end(); ++it) {
        if (!it->is_string()) throw Error(kIndex, it.key(), "weight_map value is not a file name");
        const std::string shard = it->get<std::string>();
        if (shard.find('/') != std::string::npos || shard.find('\\') != std::string::npos)
            throw Error(kIndex, it.key(), "shard name \"" + shard + "\" is not a plain file name");
        if (!folder.has(shard)) throw Error(kIndex, it.key(), "names shard \"" + shard + "\", which is not in the folder");
        weight_map[it.key()] = shard;
        if (std::find(shards.begin(), shards.end(), shard) == shards.end()) shards.push_back(shard);
    }
    std::sort(shards.begin(), shards.end());
    return shards;
}
}  // namespace

Catalog load_catalog(const Folder& folder) {
    std::vector<std::string> shards;
    std::map<std::string, std::string> weight_map;
    Catalog c;
    if (folder.has(kIndex)) {
        shards = shards_from_index(folder, weight_map);
        c.listing = kIndex;
    } else if (folder.has("model.safetensors")) {
        shards.push_back("model.safetensors");
    } else {
        for (const auto& f : folder.files())
            if (ends_with(f, ".safetensors")) shards.push_back(f);
    }
    if (shards.empty())
        throw Error(folder.name(), "", "no .safetensors files found (is this a Hugging Face model folder?)");
    if (c.listing.empty()) c.listing = shards.size() == 1 ? shards[0] : folder.name();

    for (const auto& shard : shards) {
        auto r = folder.open(shard);
        c.files.push_back(parse_safetensors(*r));
        c.files.back().name = shard;
        const size_t fi = c.files.size() - 1;
        for (const auto& t : c.files.back().tensors) {
            auto prev = c.by_name.find(t.name);
            if (prev != c.by_name.end())
                throw Error(shard, t.name, "tensor also appears in " + c.files[c.tensors[prev->second].file].name);
            if (!weight_map.empty()) {
                // llama.cpp's converter refuses these too ("Mismatch between weight map and model parts"): the index
                // and the shards come from different revisions, or a shard is not the one the index means.
                auto w = weight_map.find(t.name);
                if (w == weight_map.end())
                    throw Error(shard, t.name, std::string("is in the shard but not listed in ") + kIndex +
                                                   " (index and shards from different downloads?)");
                if (w->second != shard)
                    throw Error(shard, t.name, std::string(kIndex) + " says this tensor is in " + w->second);
            }
            c.by_name[t.name] = c.tensors.size();
            c.tensors.push_back({t, fi, {}, false});
        }
    }
    for (const auto& [name, shard] : weight_map)
        if (!c.by_name.count(name)) throw Error(shard, name, std::string(kIndex) + " lists this tensor but the shard lacks it");
    return c;
}

}  // namespace gs
