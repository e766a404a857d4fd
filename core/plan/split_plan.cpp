#include "core/plan/split_plan.h"

#include <cstdio>
#include <limits>

#include "core/error.h"
#include "core/gguf/writer.h"

namespace gs {
namespace {
constexpr uint64_t kMaxParts = std::numeric_limits<uint16_t>::max();  // split.count is a u16

// The split.* keys of part `no` (placeholder values size the header exactly: all three are fixed-size).
void set_split_keys(Metadata& kv, size_t no, size_t n_parts, size_t n_tensors) {
    set(kv, "split.no", Value::u16(static_cast<uint16_t>(no)));
    set(kv, "split.count", Value::u16(static_cast<uint16_t>(n_parts)));
    set(kv, "split.tensors.count", Value::i32(static_cast<int32_t>(n_tensors)));
}

Metadata later_part_kv(const Metadata& plan_kv) {
    Metadata kv;
    if (const Value* a = find(plan_kv, "general.alignment")) set(kv, "general.alignment", *a);
    return kv;
}

// A part being filled: its header and data sizes so far.
struct Filling {
    size_t first = 0, count = 0;
    uint64_t header = 0, data = 0;  // header bytes before padding; tensor bytes, each padded
};
}  // namespace

std::string split_part_name(const std::string& out_name, size_t part, size_t n_parts) {
    const std::string ext = ".gguf";
    std::string prefix = out_name;
    if (prefix.size() > ext.size() && prefix.compare(prefix.size() - ext.size(), ext.size(), ext) == 0)
        prefix.resize(prefix.size() - ext.size());
    char tail[48];
    std::snprintf(tail, sizeof tail, "-%05zu-of-%05zu.gguf", part + 1, n_parts);
    return prefix + tail;
}

uint64_t parse_split_size(const std::string& s) {
    const auto bad = [&](const std::string& why) {
        return Error("split size '" + s + "' " + why + " (examples: 2G, 500M, 800K, 1000000)");
    };
    if (s.empty()) throw bad("is empty");
    uint64_t unit = 1;
    size_t digits = s.size();
    switch (s.back()) {
        case 'K': unit = 1000; --digits; break;
        case 'M': unit = 1000 * 1000; --digits; break;
        case 'G': unit = 1000 * 1000 * 1000; --digits; break;
        default: break;
    }
    if (digits == 0) throw bad("has no number");
    uint64_t n = 0;
    for (size_t i = 0; i < digits; ++i) {
        const char c = s[i];
        if (c < '0' || c > '9') throw bad("is not a whole number with an optional K, M or G");
        if (n > (std::numeric_limits<uint64_t>::max() - 9) / 10) throw bad("is too large");
        n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    if (n == 0) throw bad("must be positive");
    if (n > std::numeric_limits<uint64_t>::max() / unit) throw bad("is too large");
    return n * unit;
}

std::vector<OutputPart> plan_output_parts(const Plan& plan, const SplitOptions& opt, const std::string& out_name) {
    const std::vector<GgufTensorInfo> all = plan.infos();
    const uint32_t align = gguf_alignment_of(plan.kv);

    // Header sizes assume the split.* keys are present; an output that ends up in one part loses them and only
    // gets smaller, so the limit still holds.
    Metadata first_kv = plan.kv, later_kv = later_part_kv(plan.kv);
    set_split_keys(first_kv, 0, 1, all.size());
    set_split_keys(later_kv, 0, 1, all.size());
    const uint64_t first_meta = gguf_metadata_bytes(first_kv), later_meta = gguf_metadata_bytes(later_kv);

    std::vector<Filling> cut;
    Filling cur;
    cur.header = first_meta;
    for (size_t i = 0; i < all.size(); ++i) {
        const uint64_t info = gguf_tensor_info_bytes(all[i]), data = align_up(all[i].nbytes(), align);
        const bool full = opt.max_tensors != 0 && cur.count >= opt.max_tensors;
        const bool too_big = opt.max_bytes != 0 && align_up(cur.header + info, align) + cur.data + data > opt.max_bytes;
        if (opt.enabled() && cur.count > 0 && (full || too_big)) {
            cut.push_back(cur);
            cur = Filling{};
            cur.first = i;
            cur.header = later_meta;
        }
        cur.header += info;
        cur.data += data;
        ++cur.count;
    }
    cut.push_back(cur);

    std::vector<OutputPart> parts(cut.size());
    if (cut.size() == 1) {
        parts[0].name = out_name;
        parts[0].kv = plan.kv;
        parts[0].tensors = all;
        parts[0].file_bytes = gguf_file_size(plan.kv, all);
        return parts;
    }
    if (cut.size() > kMaxParts)
        throw Error(out_name, "", "the split needs " + std::to_string(cut.size()) + " parts, more than the " +
                                      std::to_string(kMaxParts) + " split.count can number; raise the limits");
    if (all.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
        throw Error(out_name, "", "too many tensors for split.tensors.count");
    for (size_t p = 0; p < cut.size(); ++p) {
        OutputPart& part = parts[p];
        part.name = split_part_name(out_name, p, cut.size());
        part.kv = p == 0 ? plan.kv : later_part_kv(plan.kv);
        set_split_keys(part.kv, p, cut.size(), all.size());
        part.first = cut[p].first;
        part.tensors.assign(all.begin() + static_cast<std::ptrdiff_t>(cut[p].first),
                            all.begin() + static_cast<std::ptrdiff_t>(cut[p].first + cut[p].count));
        part.file_bytes = align_up(cut[p].header, align) + cut[p].data;
    }
    return parts;
}

}  // namespace gs
