// An in-memory model folder for tests (the core reads folders only through gs::Folder).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/io/reader.h"

namespace gs::test {

struct MemoryFolder final : Folder {
    std::map<std::string, std::string> content;  // file name -> bytes
    std::string name() const override { return "memfolder"; }
    std::vector<std::string> files() const override {
        std::vector<std::string> v;
        for (const auto& kv : content) v.push_back(kv.first);
        return v;
    }
    bool has(const std::string& rel) const override { return content.count(rel) != 0; }
    std::unique_ptr<RangeReader> open(const std::string& rel) const override {
        auto it = content.find(rel);
        if (it == content.end()) throw Error("memfolder", "", "missing file " + rel);
        return memory_reader("memfolder/" + rel, it->second);
    }
};

}  // namespace gs::test
