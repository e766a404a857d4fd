// The legacy .dat format written by llama-imatrix before its GGUF format (and still with --output-format dat):
//   int32 n_entries; n_entries x { int32 name_len; name; int32 ncall; int32 nval; float sums[nval] }
//   then, optionally, int32 chunk_count; int32 dataset_len; dataset.
// All little-endian. Sums are divided by ncall here, as llama-quantize does when it loads the file.
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "core/imatrix/imatrix.h"
#include "core/util/le.h"

namespace gs {
namespace {
class LegacyCursor {
public:
    explicit LegacyCursor(RangeReader& r) : r_(r), size_(r.size()) {}
    uint64_t remaining() const { return size_ - pos_; }
    void bytes(void* dst, uint64_t n, const std::string& entry, const char* what) {
        if (n > remaining())
            throw Error(r_.name(), entry, std::string("truncated: ") + what + " needs " + std::to_string(n) +
                                              " bytes at offset " + std::to_string(pos_) + ", the file has " +
                                              std::to_string(remaining()) + " left");
        if (n) r_.read(pos_, dst, static_cast<size_t>(n));
        pos_ += n;
    }
    int32_t i32(const std::string& entry, const char* what) {
        uint8_t b[4];
        bytes(b, 4, entry, what);
        return le::load<int32_t>(b);
    }

private:
    RangeReader& r_;
    uint64_t size_, pos_ = 0;
};
}  // namespace

Imatrix read_imatrix_legacy(RangeReader& r) {
    const std::string& file = r.name();
    LegacyCursor c(r);
    Imatrix im;
    im.legacy = true;
    const int32_t n_entries = c.i32("", "entry count");
    // Each entry takes at least 16 bytes (three ints and one value), so a count the file cannot hold is caught here.
    if (n_entries < 1 || static_cast<uint64_t>(n_entries) > c.remaining() / 16)
        throw Error(file, "", "entry count " + std::to_string(n_entries) +
                                  " is impossible for this file (not an importance matrix?)");
    std::vector<uint8_t> raw;
    for (int32_t i = 0; i < n_entries; ++i) {
        const std::string at = "entry " + std::to_string(i + 1);
        const int32_t len = c.i32(at, "name length");
        if (len < 1 || static_cast<uint64_t>(len) > c.remaining())
            throw Error(file, at, "name length " + std::to_string(len) + " is impossible");
        std::string name(static_cast<size_t>(len), '\0');
        c.bytes(name.data(), static_cast<uint64_t>(len), at, "name");
        if (name.find('\0') != std::string::npos) throw Error(file, at, "name contains a NUL byte");
        const int32_t ncall = c.i32(name, "call count");
        const int32_t nval = c.i32(name, "value count");
        if (ncall < 0) throw Error(file, name, "call count " + std::to_string(ncall) + " is negative");
        if (nval < 1 || static_cast<uint64_t>(nval) > c.remaining() / 4)
            throw Error(file, name, "value count " + std::to_string(nval) + " is impossible for this file");
        raw.resize(static_cast<size_t>(nval) * 4);
        c.bytes(raw.data(), raw.size(), name, "values");
        auto w = std::make_shared<std::vector<float>>(static_cast<size_t>(nval));
        for (int32_t k = 0; k < nval; ++k) {
            const float s = le::load<float>(raw.data() + 4 * static_cast<size_t>(k));
            if (!std::isfinite(s))
                throw Error(file, name, "value " + std::to_string(k) + " is not finite (" + std::to_string(s) + ")");
            // llama-quantize keeps the raw sums when ncall is 0.
            (*w)[static_cast<size_t>(k)] = ncall > 0 ? s / static_cast<float>(ncall) : s;
        }
        ImatrixEntry e;
        e.weights = std::move(w);
        if (!im.entries.emplace(name, std::move(e)).second) throw Error(file, name, "entry appears twice");
    }
    if (c.remaining() == 0) return im;  // written before the trailer existed
    const int32_t chunks = c.i32("", "chunk count");
    if (chunks < 0) throw Error(file, "", "chunk count " + std::to_string(chunks) + " is negative");
    im.chunk_count = static_cast<uint32_t>(chunks);
    if (c.remaining() == 0) return im;
    const int32_t len = c.i32("", "dataset name length");
    if (len < 0 || static_cast<uint64_t>(len) > c.remaining())
        throw Error(file, "", "dataset name length " + std::to_string(len) + " is impossible");
    std::string dataset(static_cast<size_t>(len), '\0');
    c.bytes(dataset.data(), static_cast<uint64_t>(len), "", "dataset name");
    // llama-quantize reads the name as a C string.
    dataset.resize(std::strlen(dataset.c_str()));
    if (len > 0) im.datasets.push_back(dataset);
    if (c.remaining() != 0)
        throw Error(file, "", std::to_string(c.remaining()) + " unexpected bytes after the dataset name");
    return im;
}

}  // namespace gs
