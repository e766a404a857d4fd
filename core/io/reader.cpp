#include "core/io/reader.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"

namespace gs {

std::string read_text(RangeReader& r, uint64_t max_bytes) {
    uint64_t n = r.size();
    if (n > max_bytes)
        throw Error(r.name(), "", "file is " + std::to_string(n) + " bytes, more than the " +
                                      std::to_string(max_bytes) + " bytes allowed for it");
    std::string s(static_cast<size_t>(n), '\0');
    if (n) r.read(0, s.data(), s.size());
    return s;
}

bool is_lfs_pointer(const std::string& head) { return head.rfind("version https://git-lfs", 0) == 0; }

bool is_lfs_pointer(RangeReader& r) {
    std::string head(static_cast<size_t>(std::min<uint64_t>(r.size(), 24)), '\0');
    if (!head.empty()) r.read(0, head.data(), head.size());
    return is_lfs_pointer(head);
}

std::string lfs_pointer_message() {
    return "this is a Git LFS pointer file, not the file itself: run `git lfs pull` in the model folder";
}

namespace {
struct MemoryReader final : RangeReader {
    std::string name_, bytes_;
    MemoryReader(std::string n, std::string b) : name_(std::move(n)), bytes_(std::move(b)) {}
    const std::string& name() const override { return name_; }
    uint64_t size() const override { return bytes_.size(); }
    void read(uint64_t offset, void* dst, size_t n) override {
        if (offset > bytes_.size() || n > bytes_.size() - offset)
            throw Error(name_, "", "read of " + std::to_string(n) + " bytes at offset " + std::to_string(offset) +
                                       " runs past the end of the file (" + std::to_string(bytes_.size()) + " bytes)");
        if (n) std::memcpy(dst, bytes_.data() + offset, n);
    }
};
}  // namespace

std::unique_ptr<RangeReader> memory_reader(std::string name, std::string bytes) {
    return std::make_unique<MemoryReader>(std::move(name), std::move(bytes));
}

}  // namespace gs
