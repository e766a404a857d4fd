#include "core/tokenizer/protobuf.h"

#include <cstring>

#include "core/error.h"
#include "core/util/le.h"

namespace gs::pb {

namespace {
const char* wire_name(Wire w) {
    switch (w) {
        case Wire::Varint: return "varint";
        case Wire::Fixed64: return "fixed64";
        case Wire::Bytes: return "length-delimited";
        case Wire::Fixed32: return "fixed32";
    }
    return "?";
}
}  // namespace

void Reader::fail_at(size_t pos, const std::string& problem) const {
    throw Error(file_, "", "not a valid protobuf: " + problem + " at byte " + std::to_string(base_ + pos));
}

void Reader::fail(const Field& f, const std::string& what, const std::string& problem) const {
    throw Error(file_, "", what + " (field at byte " + std::to_string(f.offset) + "): " + problem);
}

void Reader::expect(const Field& f, Wire w, const char* what) const {
    if (f.wire != w)
        fail(f, what, std::string("expected wire type ") + wire_name(w) + ", found " + wire_name(f.wire));
}

uint64_t Reader::read_varint(const char* what) {
    const size_t start = pos_;
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (pos_ >= data_.size()) fail_at(start, std::string("truncated ") + what);
        const auto b = static_cast<uint8_t>(data_[pos_++]);
        v |= static_cast<uint64_t>(b & 0x7f) << shift;
        if (!(b & 0x80)) return v;
    }
    fail_at(start, std::string(what) + " longer than 10 bytes");
}

bool Reader::next(Field& f) {
    if (pos_ >= data_.size()) return false;
    const size_t key_pos = pos_;
    const uint64_t key = read_varint("field key");
    const uint64_t number = key >> 3;
    const uint32_t wire = static_cast<uint32_t>(key & 7);
    if (number == 0 || number > 0x1fffffff) fail_at(key_pos, "field number " + std::to_string(number));
    f = Field{};
    f.number = static_cast<uint32_t>(number);
    f.offset = base_ + key_pos;
    switch (wire) {
        case 0:
            f.wire = Wire::Varint;
            f.varint = read_varint("varint");
            return true;
        case 1:
        case 5: {
            const size_t n = wire == 1 ? 8 : 4;
            if (data_.size() - pos_ < n) fail_at(key_pos, "truncated fixed-size field " + std::to_string(number));
            // Little-endian like every other fixed-size number we read: through core/util/le.h, so the byte-order
            // test build (GGUFSMITH_FORCE_BYTESWAP) covers these too.
            const auto* p = reinterpret_cast<const uint8_t*>(data_.data() + pos_);
            const uint64_t v = n == 8 ? le::load<uint64_t>(p) : le::load<uint32_t>(p);
            pos_ += n;
            f.wire = wire == 1 ? Wire::Fixed64 : Wire::Fixed32;
            f.varint = v;
            return true;
        }
        case 2: {
            const uint64_t n = read_varint("length");
            if (n > data_.size() - pos_)
                fail_at(key_pos, "field " + std::to_string(number) + " claims " + std::to_string(n) +
                                     " bytes but only " + std::to_string(data_.size() - pos_) + " remain (truncated?)");
            f.wire = Wire::Bytes;
            f.bytes = data_.substr(pos_, static_cast<size_t>(n));
            f.bytes_offset = base_ + pos_;
            pos_ += static_cast<size_t>(n);
            return true;
        }
        default:
            // 3/4 are proto1 groups, which SentencePiece never wrote; 6/7 do not exist.
            fail_at(key_pos, "unsupported wire type " + std::to_string(wire) + " for field " + std::to_string(number));
    }
}

float as_float(const Field& f) {
    const auto bits = static_cast<uint32_t>(f.varint);
    float v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
}

}  // namespace gs::pb
