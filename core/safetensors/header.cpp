#include "core/safetensors/header.h"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/util/json_parse.h"
#include "core/util/le.h"

namespace gs {

uint64_t StTensor::numel() const {
    uint64_t n = 1;
    for (uint64_t d : shape) n *= d;
    return n;
}

namespace {
using json = nlohmann::json;

std::string shape_text(const std::vector<uint64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

uint64_t require_u64(const json& v, const std::string& file, const std::string& tensor, const char* what) {
    if (v.is_number_unsigned()) return v.get<uint64_t>();
    if (v.is_number_integer() && v.get<int64_t>() >= 0) return static_cast<uint64_t>(v.get<int64_t>());
    throw Error(file, tensor, std::string(what) + " must be a non-negative integer, got " + v.dump());
}

StTensor parse_entry(const std::string& file, const std::string& name, const json& e) {
    if (!e.is_object()) throw Error(file, name, "header entry is not a JSON object");
    StTensor t;
    t.name = name;
    auto dt = e.find("dtype");
    if (dt == e.end() || !dt->is_string()) throw Error(file, name, "missing \"dtype\" string");
    auto d = dtype_from_name(dt->get<std::string>());
    if (!d) throw Error(file, name, "unknown dtype \"" + dt->get<std::string>() + "\"");
    t.dtype = *d;
    auto sh = e.find("shape");
    if (sh == e.end() || !sh->is_array()) throw Error(file, name, "missing \"shape\" array");
    for (const auto& x : *sh) t.shape.push_back(require_u64(x, file, name, "shape entry"));
    auto off = e.find("data_offsets");
    if (off == e.end() || !off->is_array() || off->size() != 2)
        throw Error(file, name, "\"data_offsets\" must be an array of two integers");
    uint64_t begin = require_u64((*off)[0], file, name, "data_offsets[0]");
    uint64_t end = require_u64((*off)[1], file, name, "data_offsets[1]");
    if (end < begin) throw Error(file, name, "data_offsets end " + std::to_string(end) + " is before begin " +
                                                 std::to_string(begin));
    // numel * size, refusing overflow
    uint64_t n = dtype_size(t.dtype);
    for (uint64_t dim : t.shape) {
        if (dim != 0 && n > UINT64_MAX / dim) throw Error(file, name, "shape is too large (size overflows)");
        n *= dim;
    }
    if (end - begin != n)
        throw Error(file, name, "byte range is " + std::to_string(end - begin) + " bytes but shape " +
                                    shape_text(t.shape) + " of " + dtype_name(t.dtype) + " needs " + std::to_string(n));
    t.offset = begin;  // relative until the caller adds data_start
    t.nbytes = n;
    return t;
}
}  // namespace

StFile parse_safetensors(RangeReader& r) {
    StFile f;
    f.name = r.name();
    f.size = r.size();
    if (f.size == 0) throw Error(f.name, "", "is empty (0 bytes): incomplete download?");
    if (is_lfs_pointer(r)) throw Error(f.name, "", lfs_pointer_message());
    if (f.size < 8) throw Error(f.name, "", "too small to be a safetensors file (" + std::to_string(f.size) + " bytes)");
    uint8_t lenbuf[8];
    r.read(0, lenbuf, 8);
    const uint64_t n = le::load<uint64_t>(lenbuf);
    if (n == 0) throw Error(f.name, "", "header length is 0 (not a safetensors file?)");
    if (n > kMaxSafetensorsHeader)
        throw Error(f.name, "", "header length " + std::to_string(n) + " exceeds the 100 MB limit (not a safetensors file?)");
    if (n > f.size - 8)
        throw Error(f.name, "", "header length " + std::to_string(n) + " runs past the end of the file (" +
                                    std::to_string(f.size) + " bytes): truncated download?");
    std::string text(static_cast<size_t>(n), '\0');
    r.read(8, text.data(), text.size());
    // Two entries for one name would mean two byte ranges for one tensor: the safetensors library keeps one
    // silently, so which weights are meant is anyone's guess.
    const json h = parse_json_text(text, f.name, {"header", true});
    if (!h.is_object()) throw Error(f.name, "", "header is not a JSON object");
    f.data_start = 8 + n;
    const uint64_t data_size = f.size - f.data_start;
    for (auto it = h.begin(); it != h.end(); ++it) {
        if (it.key() == "__metadata__") {
            if (!it->is_object()) throw Error(f.name, "", "__metadata__ is not a JSON object");
            for (auto m = it->begin(); m != it->end(); ++m) {
                if (!m->is_string()) throw Error(f.name, "", "__metadata__ value of \"" + m.key() + "\" is not a string");
                f.metadata[m.key()] = m->get<std::string>();
            }
            continue;
        }
        if (it.key().size() > kMaxTensorName)
            throw Error(f.name, it.key(), "tensor name is " + std::to_string(it.key().size()) + " bytes long, more than " +
                                              std::to_string(kMaxTensorName) + " (a corrupt header?)");
        StTensor t = parse_entry(f.name, it.key(), *it);
        if (t.offset + t.nbytes > data_size)
            throw Error(f.name, t.name, "data range ends at byte " + std::to_string(t.offset + t.nbytes) +
                                            " of the data section, which has only " + std::to_string(data_size) +
                                            " bytes: truncated file?");
        t.offset += f.data_start;
        f.tensors.push_back(std::move(t));
    }
    std::sort(f.tensors.begin(), f.tensors.end(), [](const StTensor& a, const StTensor& b) {
        return a.offset != b.offset ? a.offset < b.offset : a.nbytes < b.nbytes;
    });
    // Empty tensors occupy nothing and are skipped: comparing only neighbours would let one hide an overlap.
    const StTensor* prev = nullptr;
    for (const auto& t : f.tensors) {
        if (t.nbytes == 0) continue;
        if (prev && t.offset < prev->offset + prev->nbytes)
            throw Error(f.name, t.name, "data range overlaps tensor '" + prev->name + "'");
        prev = &t;
    }
    return f;
}

}  // namespace gs
