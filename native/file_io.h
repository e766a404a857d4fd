// Native implementations of the core's I/O interfaces: files and directories through POSIX calls, and an output
// file that is written under a temporary name and renamed into place only when everything succeeded.
#pragma once
#include <memory>
#include <string>

#include "core/io/reader.h"
#include "core/io/sink.h"

namespace gs::native {

// The reader's name (in messages) is `name`, or the path when that is empty.
std::unique_ptr<RangeReader> open_file(const std::string& path, const std::string& name = "");

// A directory as a Folder (its regular files, not recursive). A single file path gives a folder of that one file.
std::unique_ptr<Folder> open_folder(const std::string& path);

// Writes to "<path>.tmp-<pid>"; commit() renames it to path. Destroyed without commit() it removes the temp file,
// so a failure never leaves something that looks like a finished output. Errors name path (not the temp name) and
// say when the disk is full.
struct AtomicFileSink final : Sink {
    explicit AtomicFileSink(std::string path);
    ~AtomicFileSink() override;
    void write(const void* data, size_t n) override;
    // commit() = finish() + publish(); a split output finishes every part before publishing any.
    void finish();   // flush, fsync and close: every error a full disk can cause shows here at the latest
    void publish();  // rename the finished temp file into place
    void commit();
    const std::string& path() const { return path_; }
    const std::string& temp_path() const { return tmp_; }
    uint64_t written() const { return written_; }

private:
    std::string path_, tmp_;
    int fd_ = -1;
    bool published_ = false;
    uint64_t written_ = 0;
    std::string buf_;  // coalesces small writes (header KVs) into large ones
    uint64_t written_to_fd_ = 0, unsynced_ = 0;  // file offset where writeback was last started, bytes since
    void flush();
    void write_all(const char* p, size_t n);
};

bool is_directory(const std::string& path);
bool same_file(const std::string& a, const std::string& b);

}  // namespace gs::native
