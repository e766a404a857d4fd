// The core's I/O interfaces over JavaScript: a folder of browser File objects read through synchronous File.slice()
// reads (FileReaderSync in the worker, fs.readSync under node), and a sink that hands each chunk to JS as a view of
// the wasm heap. The JS side installs the hooks on the Module object: gsRead, gsWrite (see web/worker.js).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/io/reader.h"
#include "core/io/sink.h"

namespace gs::web {

struct JsFile {
    std::string name;  // relative to the folder
    uint64_t size = 0;
    int handle = 0;    // what Module.gsRead(handle, offset, view) is called with: the worker's index of the File
};

// A list of JS File objects seen as a folder (the model's, or the one importance-matrix file picked on its own).
class JsFolder final : public Folder {
public:
    JsFolder(std::string name, std::vector<JsFile> files);
    std::string name() const override { return name_; }
    std::vector<std::string> files() const override;
    bool has(const std::string& rel) const override;
    std::unique_ptr<RangeReader> open(const std::string& rel) const override;
    int handle_of(const std::string& rel) const;  // -1 if not in the folder

    // Reads through the small-read window: a RowReader transposing a tensor asks for many short ranges, and one
    // JS round trip (a File.slice() and a FileReaderSync) per few bytes would dominate.
    void read(size_t file, uint64_t offset, void* dst, size_t n) const;

    // Read-ahead (web/worker.js fetches the next chunks' bytes while a converting worker is busy): a heap buffer for
    // bytes [offset, offset + n) of the file with gsRead handle `handle`, to be filled by JS; reads inside it are
    // served from there, without a File.slice() round trip, until clear_staged(). Null if no file has the handle.
    uint8_t* stage(int handle, uint64_t offset, size_t n);
    void clear_staged();
    // Bytes served from staged buffers / read through gsRead, since the folder was opened.
    uint64_t staged_bytes() const { return staged_bytes_; }
    uint64_t js_bytes() const { return js_bytes_; }

private:
    struct Staged {
        size_t file;
        uint64_t offset;
        std::vector<uint8_t> bytes;
    };
    std::vector<Staged> staged_;
    size_t index_of(const std::string& rel) const;  // files_.size() if not in the folder
    mutable uint64_t staged_bytes_ = 0, js_bytes_ = 0;
    std::string name_;
    std::vector<JsFile> files_;
    mutable std::vector<uint8_t> window_;
    mutable size_t window_file_ = SIZE_MAX;
    mutable uint64_t window_begin_ = 0;
};

// Buffers small writes (the header's many key/values) so JS sees few, large chunks.
class JsSink final : public Sink {
public:
    void write(const void* data, size_t n) override;
    void flush();
    uint64_t written() const { return written_; }

private:
    std::vector<uint8_t> buf_;
    uint64_t written_ = 0;
    void hand_to_js(const void* data, size_t n);
};

}  // namespace gs::web
