// Input interfaces of the core. There are really two implementations of each: native files (native/) and the
// browser's File objects read through File.slice() (wasm/). The core never opens a file itself.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gs {

// Random-access reads of one input file.
struct RangeReader {
    virtual ~RangeReader() = default;
    virtual const std::string& name() const = 0;  // used in error messages
    virtual uint64_t size() const = 0;
    // Reads exactly n bytes at offset, or throws gs::Error naming the file (short read, I/O error).
    virtual void read(uint64_t offset, void* dst, size_t n) = 0;
};

// A model folder: a flat set of files addressed by their names relative to the folder.
struct Folder {
    virtual ~Folder() = default;
    virtual std::string name() const = 0;             // the folder's own name (general.name is derived from it)
    virtual std::vector<std::string> files() const = 0;  // relative names, sorted
    virtual bool has(const std::string& rel) const = 0;
    virtual std::unique_ptr<RangeReader> open(const std::string& rel) const = 0;  // throws gs::Error if missing
};

// Reads a whole small file (config, tokenizer) as text; throws if it is larger than max_bytes.
std::string read_text(RangeReader& r, uint64_t max_bytes);

// A Git LFS pointer (a clone without `git lfs pull`) is the most common input file that is not what its name says.
bool is_lfs_pointer(const std::string& head);  // head: the file's first bytes (at least 24 when it has them)
std::string lfs_pointer_message();             // what to tell the user
bool is_lfs_pointer(RangeReader& r);

// A reader over bytes in memory (tests, and small files the page already holds).
std::unique_ptr<RangeReader> memory_reader(std::string name, std::string bytes);

}  // namespace gs
