#include "core/plan/plan.h"

#include <cmath>
#include <cstdio>

#include "core/arch/arch.h"
#include "core/error.h"
#include "core/tokenizer/vocab.h"

namespace gs {

std::vector<GgufTensorInfo> Plan::infos() const {
    std::vector<GgufTensorInfo> v;
    for (const auto& t : tensors) v.push_back(t.out);
    return v;
}

uint64_t Plan::n_params() const {
    uint64_t n = 0;
    for (const auto& t : tensors) n += t.out.numel();
    return n;
}

uint64_t Plan::source_bytes(const Catalog& c) const {
    uint64_t n = 0;
    for (const auto& t : tensors) n += gs::source_bytes(t.source, c, t.out.ne.empty() ? 1 : t.out.ne[0], t.out.nrows());
    return n;
}

uint32_t llama_ftype_of(GgmlType t) {
    switch (t) {
        case GgmlType::F32: return 0;
        case GgmlType::F16: return 1;
        case GgmlType::BF16: return 32;
        case GgmlType::Q8_0: return 7;
        default: throw Error(std::string("no llama file type for ") + type_name(t));
    }
}

std::string size_label(uint64_t n) {
    double x = static_cast<double>(n);
    const char* suffix = "K";
    double scaled = x * 1e-3;
    if (x > 1e12) { suffix = "T"; scaled = x * 1e-12; }
    else if (x > 1e9) { suffix = "B"; scaled = x * 1e-9; }
    else if (x > 1e6) { suffix = "M"; scaled = x * 1e-6; }
    // as many decimals as keep at least two significant digits
    const std::string whole = std::to_string(static_cast<long long>(std::nearbyint(scaled)));
    const int fix = std::max(2 - static_cast<int>(whole == "0" ? 0 : whole.size()), 0);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f%s", fix, scaled, suffix);
    return buf;
}

std::string display_name(const std::string& folder) {
    std::string out;
    bool start = true;
    for (char ch : folder) {
        if (ch == '-' || ch == '_' || ch == ' ') {
            if (!out.empty() && out.back() != ' ') out += ' ';
            start = true;
            continue;
        }
        out += start && ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch;
        start = false;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

Plan build_plan(const ModelInput& in, const PlanOptions& opt) {
    if (opt.out_type != GgmlType::F32 && opt.out_type != GgmlType::F16 && opt.out_type != GgmlType::BF16)
        throw Error(std::string("output type ") + type_name(opt.out_type) + " is not supported yet (F32, F16, BF16)");
    ArchResult a = map_architecture(in);
    Plan p;
    p.arch = a.arch;
    for (auto& t : a.tensors) {
        TensorPlan tp;
        tp.out.name = t.name;
        tp.out.ne = t.ne;
        check_source(t.source, in.catalog, t.name, t.ne.empty() ? 1 : t.ne[0], tp.out.nrows());
        if (!t.source.values) {
            const auto& ct = in.catalog.tensors[t.source.slices[0].src];
            if (!dtype_is_float(ct.st.dtype))
                throw Error(in.catalog.files[ct.file].name, ct.st.name,
                            std::string("dtype ") + dtype_name(ct.st.dtype) + " is not a float type and cannot be converted");
        }
        tp.source = std::move(t.source);
        tp.out.type = t.keep_f32 ? GgmlType::F32 : opt.out_type;
        tp.why = t.keep_f32 ? "1-D/norm stays F32" : "output type";
        p.tensors.push_back(std::move(tp));
    }

    Metadata& kv = p.kv;
    set(kv, "general.architecture", Value::str(a.arch));
    set(kv, "general.type", Value::str("model"));
    set(kv, "general.name", Value::str(display_name(in.name)));
    set(kv, "general.size_label", Value::str(size_label(p.n_params())));
    for (auto& x : a.kv) set(kv, x.key, std::move(x.value));
    set(kv, "general.file_type", Value::u32(llama_ftype_of(opt.out_type)));
    set(kv, "general.quantization_version", Value::u32(2));
    for (auto& x : vocab_metadata(*in.folder, in.config, opt.vocab)) set(kv, x.key, std::move(x.value));
    // The tensors were still mapped: the architecture's keys (which llama.cpp reads even for a vocabulary-only
    // file) come from the same mapping, and mapping errors are worth reporting either way.
    if (opt.vocab_only) p.tensors.clear();
    return p;
}

}  // namespace gs
