#include "native/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/error.h"

namespace gs::native {
namespace fs = std::filesystem;

namespace {
std::string errno_text() { return std::strerror(errno); }

// Output errors say what the user can do about them.
std::string write_error(const char* what) {
    const int e = errno;
    std::string s = std::string(what) + " failed: " + std::strerror(e);
    if (e == ENOSPC) s += " (the disk is full)";
    else if (e == EDQUOT) s += " (disk quota exceeded)";
    else if (e == EFBIG) s += " (larger than the file size limit)";
    return s;
}

struct FileReader final : RangeReader {
    std::string name_;
    int fd_;
    uint64_t size_;
    FileReader(std::string name, int fd, uint64_t size) : name_(std::move(name)), fd_(fd), size_(size) {}
    ~FileReader() override { ::close(fd_); }
    const std::string& name() const override { return name_; }
    uint64_t size() const override { return size_; }
    void read(uint64_t offset, void* dst, size_t n) override {
        if (offset > size_ || n > size_ - offset)
            throw Error(name_, "", "read of " + std::to_string(n) + " bytes at offset " + std::to_string(offset) +
                                       " runs past the end of the file (" + std::to_string(size_) + " bytes)");
        auto* p = static_cast<char*>(dst);
        while (n > 0) {
            ssize_t got = ::pread(fd_, p, n, static_cast<off_t>(offset));
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) throw Error(name_, "", "read failed: " + errno_text());
            if (got == 0) throw Error(name_, "", "file shrank while being read");
            p += got;
            n -= static_cast<size_t>(got);
            offset += static_cast<uint64_t>(got);
        }
    }
};

struct DirFolder final : Folder {
    std::string dir_;
    std::vector<std::string> files_;
    std::string name() const override { return fs::path(dir_).filename().string(); }
    std::vector<std::string> files() const override { return files_; }
    bool has(const std::string& rel) const override {
        return std::binary_search(files_.begin(), files_.end(), rel);
    }
    std::unique_ptr<RangeReader> open(const std::string& rel) const override {
        if (!has(rel)) throw Error(rel, "", "is not in the folder");
        // Named relative to the folder, as the page names them: messages are the same in both.
        return open_file((fs::path(dir_) / rel).string(), rel);
    }
};
}  // namespace

std::unique_ptr<RangeReader> open_file(const std::string& path, const std::string& name) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(path, "", "cannot open: " + errno_text());
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(path, "", "not a regular file");
    }
    return std::make_unique<FileReader>(name.empty() ? path : name, fd, static_cast<uint64_t>(st.st_size));
}

std::unique_ptr<Folder> open_folder(const std::string& path) {
    auto f = std::make_unique<DirFolder>();
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        f->dir_ = fs::path(path).lexically_normal().string();
        if (f->dir_.size() > 1 && f->dir_.back() == '/') f->dir_.pop_back();
        for (const auto& e : fs::directory_iterator(path, ec))
            if (e.is_regular_file(ec)) f->files_.push_back(e.path().filename().string());
        if (ec) throw Error(path, "", "cannot list directory: " + ec.message());
    } else if (fs::is_regular_file(path, ec)) {
        fs::path p(path);
        f->dir_ = p.has_parent_path() ? p.parent_path().string() : ".";
        f->files_.push_back(p.filename().string());
    } else {
        throw Error(path, "", "no such file or directory");
    }
    std::sort(f->files_.begin(), f->files_.end());
    return f;
}

AtomicFileSink::AtomicFileSink(std::string path) : path_(std::move(path)) {
    tmp_ = path_ + ".tmp-" + std::to_string(::getpid());
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(path_, "", "cannot create output: " + errno_text());
}

AtomicFileSink::~AtomicFileSink() {
    if (fd_ >= 0) ::close(fd_);
    if (!published_) ::unlink(tmp_.c_str());
}

void AtomicFileSink::write_all(const char* p, size_t n) {
    while (n > 0) {
        ssize_t w = ::write(fd_, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) throw Error(path_, "", write_error("write"));
        p += w;
        n -= static_cast<size_t>(w);
        unsynced_ += static_cast<uint64_t>(w);
    }
#ifdef __linux__
    // Start writeback every kWriteback bytes instead of leaving gigabytes of dirty pages for commit()'s fsync: the
    // disk then writes while we convert, and the final fsync only waits for the tail. Asynchronous (no WAIT flags),
    // so a fast producer is not slowed; errors still surface at fsync.
    constexpr uint64_t kWriteback = 64ull << 20;
    if (unsynced_ >= kWriteback) {
        ::sync_file_range(fd_, static_cast<off_t>(written_to_fd_), static_cast<off_t>(unsynced_), SYNC_FILE_RANGE_WRITE);
        written_to_fd_ += unsynced_;
        unsynced_ = 0;
    }
#endif
}

void AtomicFileSink::flush() {
    write_all(buf_.data(), buf_.size());
    buf_.clear();
}

void AtomicFileSink::write(const void* data, size_t n) {
    constexpr size_t kBuffer = 1 << 20;
    written_ += n;
    if (buf_.size() + n > kBuffer) flush();
    if (n >= kBuffer) {
        write_all(static_cast<const char*>(data), n);  // large tensor chunks go straight out, without a copy
    } else {
        buf_.append(static_cast<const char*>(data), n);
    }
}

void AtomicFileSink::finish() {
    if (fd_ < 0) return;
    flush();
    if (::fsync(fd_) != 0 && errno != EINVAL) throw Error(path_, "", write_error("fsync"));
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw Error(path_, "", write_error("close"));
}

void AtomicFileSink::publish() {
    if (fd_ >= 0) throw Error(path_, "", "output published before it was finished");
    if (::rename(tmp_.c_str(), path_.c_str()) != 0)
        throw Error(path_, "", "cannot rename temporary output into place: " + errno_text());
    published_ = true;
}

void AtomicFileSink::commit() {
    finish();
    publish();
}

bool is_directory(const std::string& path) {
    std::error_code ec;
    return fs::is_directory(path, ec);
}

bool same_file(const std::string& a, const std::string& b) {
    std::error_code ec;
    return fs::equivalent(a, b, ec);
}

}  // namespace gs::native
