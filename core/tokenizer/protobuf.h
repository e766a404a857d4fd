// A reader of the protobuf wire format, just enough for SentencePiece's tokenizer.model. Every read is bounds-checked
// and every problem is a gs::Error naming the file and the byte offset, because a tokenizer.model comes from the
// user and may be truncated or not a protobuf at all.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace gs::pb {

enum class Wire : uint32_t { Varint = 0, Fixed64 = 1, Bytes = 2, Fixed32 = 5 };

struct Field {
    uint32_t number = 0;
    Wire wire = Wire::Varint;
    uint64_t offset = 0;   // file offset of the field's key (for error messages)
    uint64_t varint = 0;   // Varint, Fixed64 and Fixed32 payloads
    std::string_view bytes;  // Bytes payload (a view into the message being read)
    uint64_t bytes_offset = 0;  // file offset of the Bytes payload, to read it as a nested message
};

// Reads the fields of one message in order. `base` is the file offset of data[0], so that errors inside nested
// messages still point at the right byte of the file.
class Reader {
public:
    Reader(std::string_view data, std::string file, uint64_t base = 0)
        : data_(data), file_(std::move(file)), base_(base) {}

    // Reads the next field into f; false at the end of the message.
    bool next(Field& f);

    // Throws a gs::Error for field f naming the file, the offset and `what` (e.g. "TrainerSpec.unk_id").
    [[noreturn]] void fail(const Field& f, const std::string& what, const std::string& problem) const;
    // Checks that f has the wire type a known field must have.
    void expect(const Field& f, Wire w, const char* what) const;

    const std::string& file() const { return file_; }

private:
    std::string_view data_;
    std::string file_;
    uint64_t base_;
    size_t pos_ = 0;

    uint64_t read_varint(const char* what);
    [[noreturn]] void fail_at(size_t pos, const std::string& problem) const;
};

// Payload reinterpretations of the scalar types SentencePiece uses.
inline int32_t as_int32(const Field& f) { return static_cast<int32_t>(static_cast<uint32_t>(f.varint)); }
inline bool as_bool(const Field& f) { return f.varint != 0; }
float as_float(const Field& f);

}  // namespace gs::pb
