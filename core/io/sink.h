// Output interface of the core: a sequential byte sink. Natively a temp file renamed on success; in the page a
// File System Access writable or an OPFS handle. The GGUF writer only ever appends.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace gs {

struct Sink {
    virtual ~Sink() = default;
    virtual void write(const void* data, size_t n) = 0;  // throws gs::Error on failure (disk full, cancelled)
};

// A sink that appends to a string (tests, small outputs).
struct StringSink final : Sink {
    std::string bytes;
    void write(const void* data, size_t n) override { bytes.append(static_cast<const char*>(data), n); }
};

// A sink that only counts (dry runs, size checks).
struct CountingSink final : Sink {
    uint64_t count = 0;
    void write(const void*, size_t n) override { count += n; }
};

}  // namespace gs
