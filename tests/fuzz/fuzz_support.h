// What the fuzz targets share: a model folder in memory cut from one input, and safetensors files whose data
// section is implicit zeros (the corpus holds real headers, not gigabytes of weights).
#pragma once
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/io/reader.h"

namespace gs::fuzz {

// A header-only safetensors file: the bytes given, then `tail` zero bytes standing for the tensor data. Big enough
// for the data of the seed models (tinystories 2.6 MB, dev-llama-spm 21 MB), so their real headers are accepted.
constexpr uint64_t kZeroTail = 32ull << 20;

struct ZeroTailReader final : RangeReader {
    std::string name_, bytes_;
    uint64_t size_;
    ZeroTailReader(std::string name, std::string bytes, uint64_t tail)
        : name_(std::move(name)), bytes_(std::move(bytes)), size_(bytes_.size() + tail) {}
    const std::string& name() const override { return name_; }
    uint64_t size() const override { return size_; }
    void read(uint64_t offset, void* dst, size_t n) override {
        if (offset > size_ || n > size_ - offset)
            throw Error(name_, "", "read of " + std::to_string(n) + " bytes at offset " + std::to_string(offset) +
                                       " runs past the end of the file");
        auto* out = static_cast<uint8_t*>(dst);
        const uint64_t have = bytes_.size();
        const size_t from_bytes = offset < have ? static_cast<size_t>(std::min<uint64_t>(n, have - offset)) : 0;
        if (from_bytes) std::memcpy(out, bytes_.data() + offset, from_bytes);
        std::memset(out + from_bytes, 0, n - from_bytes);
    }
};

inline bool ends_with(const std::string& s, const char* suffix) {
    const size_t n = std::strlen(suffix);
    return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

// A flat folder of named files. *.safetensors files get the zero tail.
struct FuzzFolder final : Folder {
    std::map<std::string, std::string> content;
    std::string name() const override { return "fuzz-model"; }
    std::vector<std::string> files() const override {
        std::vector<std::string> v;
        for (const auto& kv : content) v.push_back(kv.first);
        return v;
    }
    bool has(const std::string& rel) const override { return content.count(rel) != 0; }
    std::unique_ptr<RangeReader> open(const std::string& rel) const override {
        auto it = content.find(rel);
        if (it == content.end()) throw Error(rel, "", "no such file in the folder");
        if (ends_with(rel, ".safetensors")) return std::make_unique<ZeroTailReader>(rel, it->second, kZeroTail);
        return memory_reader(rel, it->second);
    }
};

// The framing of a folder in one input: sections "#@file NAME\n" followed by the file's bytes, up to the next
// "\n#@file " or the end. An input that does not start with "#@file " is one file, `default_name`. A repeated name
// keeps its last section.
constexpr const char* kFileMark = "#@file ";

inline FuzzFolder split_folder(const uint8_t* data, size_t size, const std::string& default_name) {
    FuzzFolder f;
    const std::string in(reinterpret_cast<const char*>(data), size);
    const std::string mark = kFileMark, sep = "\n" + mark;
    if (in.compare(0, mark.size(), mark) != 0) {
        f.content[default_name] = in;
        return f;
    }
    size_t pos = 0;
    while (pos < in.size()) {
        const size_t name_start = pos + mark.size();
        size_t eol = in.find('\n', name_start);
        if (eol == std::string::npos) eol = in.size();
        const std::string name = in.substr(name_start, eol - name_start);
        // The newline ending the name line may also start the next mark (an empty file).
        size_t next = eol < in.size() ? in.find(sep, eol) : std::string::npos;
        if (next == std::string::npos) next = in.size();
        const size_t body = std::min(eol + 1, next);
        if (!name.empty()) f.content[name] = in.substr(body, next - body);
        pos = next == in.size() ? next : next + 1;
    }
    return f;
}

}  // namespace gs::fuzz
