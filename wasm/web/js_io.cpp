#include "wasm/web/js_io.h"

#include <emscripten.h>

#include <algorithm>
#include <cstring>

#include "core/error.h"

namespace {
// Both hooks return "" or an error text; a JS exception must not unwind through wasm frames (it would skip C++
// destructors), so the hook catches and reports instead.
constexpr size_t kErrCap = 512;

EM_JS(void, gs_js_read, (int file, double offset, uint8_t* dst, size_t n, char* err, size_t err_cap), {
    let msg = "";
    try {
        msg = Module["gsRead"](file, offset, HEAPU8.subarray(dst, dst + n)) || "";
    } catch (e) {
        msg = String(e && e.message || e);
    }
    stringToUTF8(msg, err, err_cap);
});

EM_JS(void, gs_js_write, (const uint8_t* src, size_t n, char* err, size_t err_cap), {
    let msg = "";
    try {
        msg = Module["gsWrite"](HEAPU8.subarray(src, src + n)) || "";
    } catch (e) {
        msg = String(e && e.message || e);
    }
    stringToUTF8(msg, err, err_cap);
});

constexpr size_t kWindowBytes = 4u << 20;    // the small-read window
constexpr size_t kSmallRead = 256u << 10;    // reads shorter than this go through it
constexpr size_t kMaxRead = 16u << 20;       // one File.slice() never asks for more (one ArrayBuffer in JS)
constexpr size_t kSinkBuffer = 4u << 20;

struct JsReader final : gs::RangeReader {
    const gs::web::JsFolder* folder;
    size_t index;
    std::string name_;
    uint64_t size_;
    JsReader(const gs::web::JsFolder* f, size_t i, std::string n, uint64_t s)
        : folder(f), index(i), name_(std::move(n)), size_(s) {}
    const std::string& name() const override { return name_; }
    uint64_t size() const override { return size_; }
    void read(uint64_t offset, void* dst, size_t n) override {
        if (offset > size_ || n > size_ - offset)
            throw gs::Error(name_, "", "read of " + std::to_string(n) + " bytes at offset " + std::to_string(offset) +
                                           " runs past the end of the file (" + std::to_string(size_) + " bytes)");
        if (n) folder->read(index, offset, dst, n);
    }
};
}  // namespace

namespace gs::web {

JsFolder::JsFolder(std::string name, std::vector<JsFile> files) : name_(std::move(name)), files_(std::move(files)) {}

std::vector<std::string> JsFolder::files() const {
    std::vector<std::string> v;
    for (const auto& f : files_) v.push_back(f.name);
    std::sort(v.begin(), v.end());
    return v;
}

size_t JsFolder::index_of(const std::string& rel) const {
    size_t i = 0;
    while (i < files_.size() && files_[i].name != rel) ++i;
    return i;
}

bool JsFolder::has(const std::string& rel) const { return index_of(rel) < files_.size(); }

std::unique_ptr<RangeReader> JsFolder::open(const std::string& rel) const {
    const size_t i = index_of(rel);
    if (i == files_.size()) throw Error(rel, "", "is not in the folder");
    return std::make_unique<JsReader>(this, i, rel, files_[i].size);
}

int JsFolder::handle_of(const std::string& rel) const {
    const size_t i = index_of(rel);
    return i < files_.size() ? files_[i].handle : -1;
}

uint8_t* JsFolder::stage(int handle, uint64_t offset, size_t n) {
    for (size_t i = 0; i < files_.size(); ++i)
        if (files_[i].handle == handle) {
            staged_.push_back({i, offset, std::vector<uint8_t>(n)});
            return staged_.back().bytes.data();
        }
    return nullptr;
}

void JsFolder::clear_staged() { staged_.clear(); }

void JsFolder::read(size_t file, uint64_t offset, void* dst, size_t n) const {
    for (const Staged& s : staged_)
        if (s.file == file && offset >= s.offset && offset - s.offset <= s.bytes.size() &&
            n <= s.bytes.size() - (offset - s.offset)) {
            std::memcpy(dst, s.bytes.data() + (offset - s.offset), n);
            staged_bytes_ += n;
            return;
        }
    char err[kErrCap] = "";
    auto js_read = [&](uint64_t off, void* to, size_t len) {
        gs_js_read(files_[file].handle, static_cast<double>(off), static_cast<uint8_t*>(to), len, err, kErrCap);
        js_bytes_ += len;
        if (err[0]) throw Error(files_[file].name, "", std::string("read failed: ") + err);
    };
    if (n >= kSmallRead) {  // the pipeline's chunks are ~8 MiB; only a huge safetensors header is longer
        for (size_t done = 0; done < n; done += kMaxRead)
            js_read(offset + done, static_cast<uint8_t*>(dst) + done, std::min(kMaxRead, n - done));
        return;
    }
    const bool hit = window_file_ == file && offset >= window_begin_ && offset + n <= window_begin_ + window_.size();
    if (!hit) {
        window_file_ = SIZE_MAX;  // stays invalid if the read below throws
        window_.resize(static_cast<size_t>(std::min<uint64_t>(kWindowBytes, files_[file].size - offset)));
        js_read(offset, window_.data(), window_.size());
        window_file_ = file;
        window_begin_ = offset;
    }
    std::memcpy(dst, window_.data() + (offset - window_begin_), n);
}

void JsSink::hand_to_js(const void* data, size_t n) {
    char err[kErrCap] = "";
    gs_js_write(static_cast<const uint8_t*>(data), n, err, kErrCap);
    if (err[0]) throw Error("", "", std::string("write failed: ") + err);
    written_ += n;
}

void JsSink::write(const void* data, size_t n) {
    if (buf_.size() + n <= kSinkBuffer) {
        buf_.insert(buf_.end(), static_cast<const uint8_t*>(data), static_cast<const uint8_t*>(data) + n);
        return;
    }
    flush();
    if (n >= kSinkBuffer) return hand_to_js(data, n);  // large chunks go straight from the encoder's buffer
    buf_.assign(static_cast<const uint8_t*>(data), static_cast<const uint8_t*>(data) + n);
}

void JsSink::flush() {
    if (buf_.empty()) return;
    hand_to_js(buf_.data(), buf_.size());
    buf_.clear();
}

}  // namespace gs::web
