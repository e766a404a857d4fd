#include "core/gguf/reader.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "core/error.h"
#include "core/gguf/writer.h"
#include "core/util/le.h"

namespace gs {

const GgufTensorInfo* GgufFile::find_tensor(const std::string& n) const {
    for (const auto& t : tensors)
        if (t.name == n) return &t;
    return nullptr;
}

namespace {
// Sequential reads through a window, so a header of many small fields is not one read call per field.
class Cursor {
public:
    explicit Cursor(RangeReader& r) : r_(r), size_(r.size()) {}
    uint64_t pos() const { return pos_; }
    uint64_t remaining() const { return size_ - pos_; }

    void bytes(void* dst, uint64_t n, const char* what) {
        if (n > remaining())
            throw Error(r_.name(), "", std::string("truncated: ") + what + " needs " + std::to_string(n) +
                                           " bytes at offset " + std::to_string(pos_) + ", file has " +
                                           std::to_string(remaining()) + " left");
        auto* out = static_cast<uint8_t*>(dst);
        while (n > 0) {
            if (pos_ < win_start_ || pos_ >= win_start_ + win_.size()) fill();
            const uint64_t in_win = win_start_ + win_.size() - pos_;
            const size_t k = static_cast<size_t>(std::min<uint64_t>(n, in_win));
            std::memcpy(out, win_.data() + (pos_ - win_start_), k);
            out += k;
            pos_ += k;
            n -= k;
        }
    }
    template <typename T>
    T num(const char* what) {
        uint8_t b[sizeof(T)];
        bytes(b, sizeof(T), what);
        return le::load<T>(b);
    }
    std::string str(const char* what) {
        const uint64_t n = num<uint64_t>(what);
        if (n > remaining())
            throw Error(r_.name(), "", std::string(what) + " claims " + std::to_string(n) + " bytes but the file has " +
                                           std::to_string(remaining()) + " left");
        std::string s(static_cast<size_t>(n), '\0');
        bytes(s.data(), n, what);
        return s;
    }

private:
    RangeReader& r_;
    uint64_t size_, pos_ = 0, win_start_ = 0;
    std::string win_;
    void fill() {
        win_start_ = pos_;
        win_.resize(static_cast<size_t>(std::min<uint64_t>(1 << 20, size_ - pos_)));
        r_.read(pos_, win_.data(), win_.size());
    }
};

Value read_value(Cursor& c, ValueType t, const std::string& file, const std::string& key) {
    Value v;
    v.type = t;
    if (t == ValueType::String) {
        v.strings.push_back(c.str("string value"));
        return v;
    }
    if (t == ValueType::Array) {
        const uint32_t et = c.num<uint32_t>("array type");
        if (et > 12) throw Error(file, "", "key '" + key + "': unknown array element type " + std::to_string(et));
        v.elem = static_cast<ValueType>(et);
        if (v.elem == ValueType::Array) throw Error(file, "", "key '" + key + "': nested arrays are not supported");
        v.count = c.num<uint64_t>("array length");
        if (v.elem == ValueType::String) {
            // each string needs at least its 8-byte length
            if (v.count > c.remaining() / 8)
                throw Error(file, "", "key '" + key + "': array of " + std::to_string(v.count) + " strings cannot fit in the file");
            v.strings.reserve(static_cast<size_t>(v.count));
            for (uint64_t i = 0; i < v.count; ++i) v.strings.push_back(c.str("array string"));
        } else {
            const size_t sz = value_type_size(v.elem);
            if (v.count > c.remaining() / sz)
                throw Error(file, "", "key '" + key + "': array of " + std::to_string(v.count) + " elements runs past the end of the file");
            v.bytes.resize(static_cast<size_t>(v.count * sz));
            c.bytes(v.bytes.data(), v.bytes.size(), "array data");
            if (v.elem == ValueType::Bool)
                for (char& b : v.bytes)
                    if (b != 0 && b != 1) throw Error(file, "", "key '" + key + "': bool value is not 0 or 1");
        }
        return v;
    }
    if (static_cast<uint32_t>(t) > 12) throw Error(file, "", "key '" + key + "': unknown value type " + std::to_string(static_cast<uint32_t>(t)));
    v.bytes.resize(value_type_size(t));
    c.bytes(v.bytes.data(), v.bytes.size(), "value");
    if (t == ValueType::Bool && v.bytes[0] != 0 && v.bytes[0] != 1)
        throw Error(file, "", "key '" + key + "': bool value is not 0 or 1");
    return v;
}
}  // namespace

bool looks_like_gguf(RangeReader& r) {
    if (r.size() < 4) return false;
    char m[4];
    r.read(0, m, 4);
    return std::memcmp(m, "GGUF", 4) == 0;
}

GgufFile read_gguf(RangeReader& r) {
    GgufFile g;
    g.name = r.name();
    Cursor c(r);
    char magic[4];
    c.bytes(magic, 4, "magic");
    if (std::memcmp(magic, "GGUF", 4) != 0) throw Error(g.name, "", "not a GGUF file (bad magic)");
    g.version = c.num<uint32_t>("version");
    if (g.version == 1) throw Error(g.name, "", "GGUF version 1 is not supported (re-convert the model)");
    if (g.version != 2 && g.version != 3) {
        const bool swapped = (g.version & 0xffff) == 0 && (g.version >> 16) != 0;
        throw Error(g.name, "", "unsupported GGUF version " + std::to_string(g.version) +
                                    (swapped ? " (a big-endian GGUF?)" : ""));
    }
    const uint64_t n_tensors = c.num<uint64_t>("tensor count");
    const uint64_t n_kv = c.num<uint64_t>("metadata count");
    // The smallest KV is 8 (key length) + 4 (type) + 1 bytes; the smallest tensor info 8 + 4 + 8 + 4 + 8.
    if (n_kv > c.remaining() / 13) throw Error(g.name, "", "metadata count " + std::to_string(n_kv) + " cannot fit in the file");
    if (n_tensors > c.remaining() / 32) throw Error(g.name, "", "tensor count " + std::to_string(n_tensors) + " cannot fit in the file");
    std::set<std::string> keys;
    for (uint64_t i = 0; i < n_kv; ++i) {
        std::string key = c.str("key");
        if (!keys.insert(key).second) throw Error(g.name, "", "duplicate metadata key '" + key + "'");
        const auto t = static_cast<ValueType>(c.num<uint32_t>("value type"));
        Value v = read_value(c, t, g.name, key);
        g.kv.push_back({std::move(key), std::move(v)});
    }
    try {
        g.alignment = gguf_alignment_of(g.kv);
    } catch (const Error& e) {
        throw Error(g.name, "", e.detail);
    }
    std::set<std::string> names;
    for (uint64_t i = 0; i < n_tensors; ++i) {
        GgufTensorInfo t;
        t.name = c.str("tensor name");
        if (t.name.size() >= 64) throw Error(g.name, t.name, "tensor name is longer than ggml's 63-byte limit");
        if (!names.insert(t.name).second) throw Error(g.name, t.name, "duplicate tensor name");
        const uint32_t nd = c.num<uint32_t>("dimension count");
        if (nd == 0 || nd > 4) throw Error(g.name, t.name, std::to_string(nd) + " dimensions (GGUF allows 1 to 4)");
        uint64_t numel = 1;
        for (uint32_t d = 0; d < nd; ++d) {
            const uint64_t x = c.num<uint64_t>("dimension");
            if (x == 0 || x > (uint64_t(1) << 62) || numel > (uint64_t(1) << 62) / x)
                throw Error(g.name, t.name, "dimension " + std::to_string(x) + " is zero or too large");
            numel *= x;
            t.ne.push_back(x);
        }
        const uint32_t type = c.num<uint32_t>("tensor type");
        const TypeTraits* tt = type_traits_by_id(type);
        if (!tt) throw Error(g.name, t.name, "unknown ggml type " + std::to_string(type));
        t.type = tt->type;
        // Bounds the byte size before anything multiplies it out: 2^62 F32 elements would wrap to 0 bytes.
        if (numel / tt->block_size > r.size() / tt->type_size)
            throw Error(g.name, t.name, std::to_string(numel) + " elements of " + tt->name + " cannot fit in the file (" +
                                            std::to_string(r.size()) + " bytes)");
        if (t.ne[0] % tt->block_size != 0)
            throw Error(g.name, t.name, "row length " + std::to_string(t.ne[0]) + " is not a multiple of " + tt->name +
                                            "'s block size " + std::to_string(tt->block_size));
        t.offset = c.num<uint64_t>("tensor offset");
        if (t.offset % g.alignment != 0)
            throw Error(g.name, t.name, "data offset " + std::to_string(t.offset) + " is not aligned to " + std::to_string(g.alignment));
        g.tensors.push_back(std::move(t));
    }
    g.data_start = align_up(c.pos(), g.alignment);
    const uint64_t data_size = r.size() >= g.data_start ? r.size() - g.data_start : 0;
    std::vector<const GgufTensorInfo*> by_offset;
    for (const auto& t : g.tensors) {
        if (t.offset > data_size || t.nbytes() > data_size - t.offset)
            throw Error(g.name, t.name, "data (" + std::to_string(t.nbytes()) + " bytes at " + std::to_string(t.offset) +
                                            ") runs past the end of the file: truncated?");
        by_offset.push_back(&t);
    }
    std::sort(by_offset.begin(), by_offset.end(), [](auto a, auto b) { return a->offset < b->offset; });
    for (size_t i = 1; i < by_offset.size(); ++i)
        if (by_offset[i]->offset < by_offset[i - 1]->offset + by_offset[i - 1]->nbytes())
            throw Error(g.name, by_offset[i]->name, "data overlaps tensor '" + by_offset[i - 1]->name + "'");
    return g;
}

}  // namespace gs
