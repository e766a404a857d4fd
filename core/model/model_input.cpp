#include "core/model/model_input.h"

#include "core/error.h"
#include "core/model/weight_scales.h"
#include "core/util/json_parse.h"

namespace gs {

nlohmann::json read_json_file(const Folder& folder, const std::string& rel) {
    auto r = folder.open(rel);
    return parse_json_text(read_text(*r, 256u << 20), rel);
}

ModelInput load_model_input(const Folder& folder) {
    ModelInput m;
    m.folder = &folder;
    m.name = folder.name();
    if (!folder.has("config.json"))
        throw Error(folder.name(), "", "no config.json: not a Hugging Face model folder (or the download is incomplete)");
    m.config = read_json_file(folder, "config.json");
    if (!m.config.is_object()) throw Error("config.json", "", "is not a JSON object");
    m.catalog = load_catalog(folder);
    attach_weight_scales(m.config, m.catalog);
    return m;
}

}  // namespace gs
