// GGUF output: the whole layout (metadata, tensor infos, aligned offsets) is computed before any tensor data, so the
// header is written first and tensor bytes then stream through in bounded chunks, in order.
#pragma once
#include <string>
#include <vector>

#include "core/gguf/tensor_info.h"
#include "core/gguf/value.h"
#include "core/io/sink.h"

namespace gs {

// Assigns each tensor's aligned offset and returns the encoded header, padded to the alignment (general.alignment
// if present, else 32). Version 3, little-endian.
std::string encode_gguf_header(const Metadata& kv, std::vector<GgufTensorInfo>& tensors);

// general.alignment if present (must be a power of two), else 32.
uint32_t gguf_alignment_of(const Metadata& kv);

// Total file size for this layout (header + data, each tensor padded to the alignment).
uint64_t gguf_file_size(const Metadata& kv, std::vector<GgufTensorInfo> tensors);

// Header bytes before padding, in two additive pieces, so that a layout's size can be grown one tensor at a time
// (splitting): gguf_file_size = align_up(gguf_metadata_bytes + sum of gguf_tensor_info_bytes) + padded data.
uint64_t gguf_metadata_bytes(const Metadata& kv);  // magic, version, counts and every key/value
uint64_t gguf_tensor_info_bytes(const GgufTensorInfo& t);

// Streams a GGUF into a sink and checks that every tensor receives exactly its byte count, in order.
class GgufStreamWriter {
public:
    GgufStreamWriter(Sink& sink, std::string out_name, const Metadata& kv, std::vector<GgufTensorInfo> tensors);
    const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }
    void begin_tensor(size_t index);
    void write(const void* data, size_t n);
    void end_tensor();
    void finish();  // after the last tensor
    uint64_t bytes_written() const { return pos_; }

private:
    Sink& sink_;
    std::string out_name_;
    std::vector<GgufTensorInfo> tensors_;
    uint32_t alignment_;
    uint64_t pos_ = 0, data_start_ = 0;
    size_t next_ = 0;        // next tensor expected
    long current_ = -1;      // tensor being written
    uint64_t current_written_ = 0;
    void pad_to(uint64_t target);
    void put(const void* data, size_t n);  // every byte goes to the sink through here
};

}  // namespace gs
