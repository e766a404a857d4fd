#include "core/gguf/writer.h"

#include "core/error.h"
#include "core/util/le.h"

namespace gs {
namespace {
struct Encoder {
    std::string out;
    template <typename T>
    void num(T v) {
        uint8_t b[sizeof(T)];
        le::store(b, v);
        out.append(reinterpret_cast<const char*>(b), sizeof(T));
    }
    void str(const std::string& s) {
        num<uint64_t>(s.size());
        out += s;
    }
    // Numeric payloads are already little-endian bytes (gs::Value keeps them packed).
    void value(const Value& v) {
        num<uint32_t>(static_cast<uint32_t>(v.type));
        if (v.type == ValueType::String) {
            str(v.as_str());
        } else if (v.type == ValueType::Array) {
            num<uint32_t>(static_cast<uint32_t>(v.elem));
            num<uint64_t>(v.count);
            if (v.elem == ValueType::String) {
                for (const auto& s : v.strings) str(s);
            } else {
                out += v.bytes;
            }
        } else {
            out += v.bytes;
        }
    }
};
}  // namespace

uint32_t gguf_alignment_of(const Metadata& kv) {
    const Value* a = find(kv, "general.alignment");
    if (!a) return kGgufDefaultAlignment;
    uint64_t v = a->as_u64();
    if (v == 0 || (v & (v - 1)) != 0 || v > (1u << 30)) throw Error("general.alignment must be a power of two");
    return static_cast<uint32_t>(v);
}

std::string encode_gguf_header(const Metadata& kv, std::vector<GgufTensorInfo>& tensors) {
    const uint32_t align = gguf_alignment_of(kv);
    Encoder e;
    e.out += "GGUF";
    e.num<uint32_t>(3);
    e.num<uint64_t>(tensors.size());
    e.num<uint64_t>(kv.size());
    for (const auto& x : kv) {
        e.str(x.key);
        e.value(x.value);
    }
    uint64_t offset = 0;
    for (auto& t : tensors) {
        const auto* tt = type_traits(t.type);
        if (!tt) throw Error("", t.name, "unknown ggml type " + std::to_string(static_cast<uint32_t>(t.type)));
        if (t.ne.empty() || t.ne.size() > 4) throw Error("", t.name, "GGUF tensors have 1 to 4 dimensions");
        if (t.ne[0] % tt->block_size != 0)
            throw Error("", t.name, "row length " + std::to_string(t.ne[0]) + " is not a multiple of " + tt->name +
                                        "'s block size " + std::to_string(tt->block_size));
        t.offset = offset;
        e.str(t.name);
        e.num<uint32_t>(static_cast<uint32_t>(t.ne.size()));
        for (uint64_t d : t.ne) e.num<uint64_t>(d);
        e.num<uint32_t>(static_cast<uint32_t>(t.type));
        e.num<uint64_t>(t.offset);
        offset = align_up(offset + t.nbytes(), align);
    }
    e.out.resize(align_up(e.out.size(), align), '\0');
    return e.out;
}

uint64_t gguf_file_size(const Metadata& kv, std::vector<GgufTensorInfo> tensors) {
    const uint64_t header = encode_gguf_header(kv, tensors).size();
    if (tensors.empty()) return header;
    const auto& last = tensors.back();
    return header + align_up(last.offset + last.nbytes(), gguf_alignment_of(kv));
}

uint64_t gguf_metadata_bytes(const Metadata& kv) {
    Encoder e;
    for (const auto& x : kv) {
        e.str(x.key);
        e.value(x.value);
    }
    return 4 + 4 + 8 + 8 + e.out.size();
}

uint64_t gguf_tensor_info_bytes(const GgufTensorInfo& t) {
    return 8 + t.name.size() + 4 + 8 * t.ne.size() + 4 + 8;  // name, n_dims, dims, type, offset
}

GgufStreamWriter::GgufStreamWriter(Sink& sink, std::string out_name, const Metadata& kv,
                                   std::vector<GgufTensorInfo> tensors)
    : sink_(sink), out_name_(std::move(out_name)), tensors_(std::move(tensors)), alignment_(gguf_alignment_of(kv)) {
    const std::string header = encode_gguf_header(kv, tensors_);
    put(header.data(), header.size());
    pos_ = data_start_ = header.size();
}

void GgufStreamWriter::put(const void* data, size_t n) {
    try {
        sink_.write(data, n);
    } catch (const Error& e) {
        // A sink that does not know its file name (the page's) still gets its failure reported against the output,
        // never against the tensor's source file.
        if (!e.file.empty()) throw;
        throw Error(out_name_, e.tensor, e.detail);
    }
}

void GgufStreamWriter::pad_to(uint64_t target) {
    static const char zeros[64] = {};
    while (pos_ < target) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(sizeof zeros, target - pos_));
        put(zeros, n);
        pos_ += n;
    }
}

void GgufStreamWriter::begin_tensor(size_t index) {
    if (current_ >= 0 || index != next_)
        throw Error(out_name_, index < tensors_.size() ? tensors_[index].name : "", "tensors written out of order");
    current_ = static_cast<long>(index);
    current_written_ = 0;
    pad_to(data_start_ + tensors_[index].offset);
}

void GgufStreamWriter::write(const void* data, size_t n) {
    if (current_ < 0) throw Error(out_name_, "", "tensor data written outside a tensor");
    const auto& t = tensors_[static_cast<size_t>(current_)];
    if (current_written_ + n > t.nbytes())
        throw Error(out_name_, t.name, "more data than the tensor's " + std::to_string(t.nbytes()) + " bytes");
    put(data, n);
    pos_ += n;
    current_written_ += n;
}

void GgufStreamWriter::end_tensor() {
    const auto& t = tensors_.at(static_cast<size_t>(current_));
    if (current_written_ != t.nbytes())
        throw Error(out_name_, t.name, "got " + std::to_string(current_written_) + " of " + std::to_string(t.nbytes()) + " bytes");
    current_ = -1;
    ++next_;
}

void GgufStreamWriter::finish() {
    if (current_ >= 0 || next_ != tensors_.size()) throw Error(out_name_, "", "not every tensor was written");
    pad_to(align_up(pos_, alignment_));
}

}  // namespace gs
