#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/gguf/reader.h"
#include "core/model/catalog.h"
#include "native/cli.h"
#include "native/file_io.h"

namespace gs::cli {
namespace {
using json = nlohmann::json;

// Long arrays (vocabularies) are summarised, as llama.cpp's gguf-dump does.
json value_json(const Value& v) {
    if (v.type == ValueType::String) return v.as_str();
    if (!v.is_array()) {
        if (v.type == ValueType::Bool) return v.as_bool();
        if (v.type == ValueType::F32 || v.type == ValueType::F64) return v.as_f64();
        if (v.type == ValueType::U64) return v.as_u64();
        return v.as_i64();
    }
    json a = json::array();
    const uint64_t shown = std::min<uint64_t>(v.count, 8);
    for (uint64_t i = 0; i < shown; ++i) {
        if (v.elem == ValueType::String) a.push_back(v.strings[i]);
        else if (v.elem == ValueType::F32 || v.elem == ValueType::F64) a.push_back(v.number_at(i));
        else a.push_back(v.int_at(i));
    }
    if (shown == v.count) return a;
    return json{{"type", std::string("array of ") + value_type_name(v.elem)}, {"len", v.count}, {"first", a}};
}

json shape_json(const std::vector<uint64_t>& s) { return json(s); }

json inspect_gguf(RangeReader& r) {
    GgufFile g = read_gguf(r);
    json j;
    j["format"] = "gguf";
    j["version"] = g.version;
    j["metadata"] = json::object();
    for (const auto& kv : g.kv) j["metadata"][kv.key] = value_json(kv.value);
    j["tensors"] = json::array();
    for (const auto& t : g.tensors)
        j["tensors"].push_back({{"name", t.name}, {"type", type_name(t.type)}, {"shape", shape_json(t.ne)},
                                {"offset", t.offset}, {"bytes", t.nbytes()}});
    return j;
}

json inspect_safetensors(const Folder& folder) {
    Catalog c = load_catalog(folder);
    json j;
    j["format"] = "safetensors";
    j["files"] = json::array();
    for (const auto& f : c.files) j["files"].push_back({{"name", f.name}, {"bytes", f.size}, {"metadata", f.metadata}});
    j["tensors"] = json::array();
    for (const auto& t : c.tensors)
        j["tensors"].push_back({{"name", t.st.name}, {"dtype", dtype_name(t.st.dtype)}, {"shape", shape_json(t.st.shape)},
                                {"file", c.files[t.file].name}, {"bytes", t.st.nbytes}});
    return j;
}

void print_text(const json& j) {
    std::printf("format: %s\n", j["format"].get<std::string>().c_str());
    if (j.contains("files"))
        for (const auto& f : j["files"])
            std::printf("file %s: %llu bytes, metadata %s\n", f["name"].get<std::string>().c_str(),
                        static_cast<unsigned long long>(f["bytes"].get<uint64_t>()), f["metadata"].dump().c_str());
    if (j.contains("metadata"))
        for (auto it = j["metadata"].begin(); it != j["metadata"].end(); ++it)
            std::printf("%-44s %s\n", it.key().c_str(), it->dump().substr(0, 120).c_str());
    if (j.contains("metadata") && j["metadata"].contains("split.count") && j["metadata"]["split.count"].get<int64_t>() > 1) {
        const json& m = j["metadata"];
        std::printf("split: part %lld of %lld, %lld tensors in all\n",
                    static_cast<long long>(m.value("split.no", int64_t{0}) + 1),
                    static_cast<long long>(m["split.count"].get<int64_t>()),
                    static_cast<long long>(m.value("split.tensors.count", int64_t{0})));
    }
    std::printf("%zu tensors\n", j["tensors"].size());
    for (const auto& t : j["tensors"]) {
        const std::string type = t.contains("type") ? t["type"].get<std::string>() : t["dtype"].get<std::string>();
        std::printf("  %-44s %-8s %s\n", t["name"].get<std::string>().c_str(), type.c_str(), t["shape"].dump().c_str());
    }
}
}  // namespace

int run_inspect(const std::vector<std::string>& args) {
    std::string path;
    bool as_json = false;
    for (const auto& a : args) {
        if (a == "--json") as_json = true;
        else if (!a.empty() && a[0] == '-') throw UsageError{"unknown option " + a};
        else if (path.empty()) path = a;
        else throw UsageError{"more than one path"};
    }
    if (path.empty()) throw UsageError{"inspect needs a path"};
    json j;
    if (!native::is_directory(path)) {
        auto r = native::open_file(path);
        if (looks_like_gguf(*r)) j = inspect_gguf(*r);
    }
    if (j.is_null()) j = inspect_safetensors(*native::open_folder(path));
    if (as_json) std::printf("%s\n", j.dump(1).c_str());
    else print_text(j);
    return kOk;
}

}  // namespace gs::cli
