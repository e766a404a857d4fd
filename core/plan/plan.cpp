#include "core/plan/plan.h"
#include "core/plan/gguf_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/arch/arch.h"
#include "core/error.h"
#include "core/plan/quant_model.h"
#include "core/plan/tensor_order.h"
#include "core/plan/type_select.h"
#include "core/quant/quant.h"
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

bool Plan::needs_imatrix() const {
    for (const auto& t : tensors)
        if (t.requires_imatrix) return true;
    return false;
}

namespace {
bool is_float_type(GgmlType t) { return t == GgmlType::F32 || t == GgmlType::F16 || t == GgmlType::BF16; }
}  // namespace

void require_executable(const Plan& plan) {
    for (const auto& t : plan.tensors) {
        if (!is_float_type(t.out.type) && !quant::find_kernel(t.out.type))
            throw Error("", t.out.name,
                        std::string("type ") + type_name(t.out.type) + " (" + t.why + ") cannot be written by ggufsmith yet");
        if (t.requires_imatrix && !t.imatrix)
            throw Error("", t.out.name,
                        std::string("type ") + type_name(t.out.type) + " needs an importance matrix, and none was given");
    }
}

namespace {

// config.json's vocab_size is the embedding's row count in every Hugging Face model (transformers refuses a
// checkpoint where they differ: "size mismatch"). The vocabulary is padded up to it, so check it first.
void check_config_vocab_size(const ModelInput& in, const TensorPlan& embd) {
    auto v = in.config.find("vocab_size");
    if (v == in.config.end() || !v->is_number_integer()) return;
    const auto& ct = in.catalog.tensors[embd.source.slices[0].src];
    const uint64_t rows = ct.st.shape.empty() ? 0 : ct.st.shape[0];
    if (v->get<int64_t>() < 0 || static_cast<uint64_t>(v->get<int64_t>()) != rows)
        throw Error(in.catalog.files[ct.file].name, ct.st.name,
                    "has " + std::to_string(rows) + " rows, but config.json's vocab_size is " + v->dump());
}

// llama.cpp wants one embedding row per token (tokenizer.ggml.tokens), or it refuses the file when loading it.
void check_tokens_fill_embedding(const ModelInput& in, const TensorPlan& embd, const Metadata& kv, const std::string& file) {
    const Value* tokens = find(kv, "tokenizer.ggml.tokens");
    if (!tokens) return;
    const uint64_t n = tokens->count, rows = embd.out.ne[1];
    if (n == rows) return;
    const auto& ct = in.catalog.tensors[embd.source.slices[0].src];
    throw Error(file, "", "has " + std::to_string(n) + " tokens, but the embedding " + ct.st.name + " has " +
                              std::to_string(rows) + " rows (llama.cpp needs one row per token)");
}

// The plain conversion handles a bare float ftype; overrides need llama-quantize's selection even there.
bool plain_conversion(const PlanOptions& opt) {
    if (!opt.quant) return true;
    const QuantOptions& q = opt.quant->options;
    return ftype_is_float(opt.quant->base) && !q.token_embedding_type && !q.output_tensor_type &&
           q.tensor_types.empty() && !q.leave_output_tensor;
}

// convert_hf_to_gguf.py --outtype auto: the first 2-D tensor stored as BF16 or F16 sets the type (FP8 weights are
// passed over), else F16. Its walk is shard by shard, names sorted.
GgmlType converter_auto_type(const Catalog& c) {
    std::vector<size_t> order(c.tensors.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const auto& x = c.tensors[a];
        const auto& y = c.tensors[b];
        return x.file != y.file ? x.file < y.file : x.st.name < y.st.name;
    });
    for (size_t i : order) {
        const auto& t = c.tensors[i];
        if (t.consumed || t.st.shape.size() < 2) continue;
        if (t.st.dtype == Dtype::BF16) return GgmlType::BF16;
        if (t.st.dtype == Dtype::F16) return GgmlType::F16;
    }
    return GgmlType::F16;
}

// A tensor llama-quantize leaves alone keeps the type it has in the GGUF it reads: F32 for norms, else the
// checkpoint's own float precision (lossless, like convert_hf_to_gguf.py --outtype auto); dequantized FP8 weights
// get the type --outtype auto gives them.
GgmlType kept_type(bool keep_f32, const TensorSource& s, const Catalog& c) {
    if (keep_f32 || s.values || s.slices.empty()) return GgmlType::F32;
    switch (c.tensors[s.slices[0].src].st.dtype) {
        case Dtype::F32: return GgmlType::F32;
        case Dtype::BF16: return GgmlType::BF16;
        case Dtype::F8_E4M3:
        case Dtype::F8_E5M2: return converter_auto_type(c);
        default: return GgmlType::F16;
    }
}

// Chooses every tensor's type as llama-quantize would for the profile, and puts the tensors in its order.
// kept[i]: the type tensor i keeps when llama-quantize leaves it alone.
void assign_quant_types(Plan& p, const QuantModel& model, const std::vector<GgmlType>& kept, const PlanOptions& opt) {
    const Profile& prof = *opt.quant;
    std::vector<TensorShape> shapes;
    for (const auto& t : p.tensors) shapes.push_back({t.out.name, t.out.ne});
    const TypeSelection sel = select_types(model, prof.base, prof.options, shapes);
    p.n_fallback = sel.n_fallback;
    for (size_t i = 0; i < p.tensors.size(); ++i) {
        const TypeChoice& ch = sel.tensors[i];
        TensorPlan& tp = p.tensors[i];
        tp.out.type = ch.quantize ? ch.type : kept[i];
        tp.why = ch.why;
        tp.requires_imatrix = ch.quantize && ch.requires_imatrix;
        if (!opt.allow_unwritable && !is_float_type(tp.out.type) && !quant::find_kernel(tp.out.type))
            throw Error("", tp.out.name,
                        std::string("type ") + type_name(tp.out.type) + " (" + tp.why + ") cannot be written by ggufsmith yet");
    }
    sort_like_llama_quantize(p.tensors);
}

// A GGUF input (F32/F16/BF16) is requantized the way llama-quantize would: its metadata and tensors as they are,
// types chosen by the profile (a bare float ftype included, as llama-quantize F16 does).
Plan build_gguf_plan(const ModelInput& in, const PlanOptions& opt) try {
    Plan p = plan_from_gguf(in);
    if (!opt.quant) throw Error(in.gguf->name, "", "a GGUF input needs a type (-t)");
    std::vector<GgmlType> kept;
    for (const auto& t : p.tensors) kept.push_back(t.out.type);
    assign_quant_types(p, quant_model_of(p.arch, p.kv), kept, opt);
    set(p.kv, "general.file_type", Value::u32(ftype_id(opt.quant->base)));
    set(p.kv, "general.quantization_version", Value::u32(2));
    return p;
} catch (const Error& e) {
    // Everything here comes from the one input file (a metadata value of the wrong type, say): name it.
    if (!e.file.empty()) throw;
    throw Error(in.gguf->name, e.tensor, e.detail);
}
}  // namespace

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

Plan build_plan(const ModelInput& in, const PlanOptions& opt_in) {
    PlanOptions opt = opt_in;
    if (in.gguf) return build_gguf_plan(in, opt);
    const bool plain = plain_conversion(opt);
    if (plain && opt.quant) opt.out_type = ftype_info(opt.quant->base).default_type;
    if (plain && !is_float_type(opt.out_type))
        throw Error(std::string("output type ") + type_name(opt.out_type) + " is not supported yet (F32, F16, BF16)");
    ArchResult a = map_architecture(in, opt.force_arch);
    Plan p;
    p.arch = a.arch;
    for (auto& t : a.tensors) {
        TensorPlan tp;
        tp.out.name = t.name;
        tp.out.ne = t.ne;
        check_source(t.source, in.catalog, t.name, t.ne.empty() ? 1 : t.ne[0], tp.out.nrows());
        if (!t.source.values) {
            const auto& ct = in.catalog.tensors[t.source.slices[0].src];
            const Dtype d = ct.st.dtype;
            const bool fp8 = d == Dtype::F8_E4M3 || d == Dtype::F8_E5M2;
            if (fp8 && !ct.scaled())  // attach_weight_scales refuses these first; kept for plans built by hand
                throw Error(in.catalog.files[ct.file].name, ct.st.name,
                            std::string("dtype ") + dtype_name(d) + " has no scale tensor to dequantize it");
            if (d != Dtype::F32 && d != Dtype::F16 && d != Dtype::BF16 && d != Dtype::F64 && !fp8)
                throw Error(in.catalog.files[ct.file].name, ct.st.name,
                            std::string("dtype ") + dtype_name(d) +
                                " cannot be converted (F32, F16, BF16, F64 and scaled FP8 can)");
        }
        tp.source = std::move(t.source);
        tp.out.type = t.keep_f32 ? GgmlType::F32 : opt.out_type;
        tp.why = t.keep_f32 ? "stays F32 (1-D/norm/bias/router)" : "output type";
        p.tensors.push_back(std::move(tp));
    }
    if (!plain) {
        std::vector<GgmlType> kept;
        for (size_t i = 0; i < p.tensors.size(); ++i) kept.push_back(kept_type(a.tensors[i].keep_f32, p.tensors[i].source, in.catalog));
        assign_quant_types(p, quant_model_of(a.arch, a.kv), kept, opt);
    }

    Metadata& kv = p.kv;
    set(kv, "general.architecture", Value::str(a.arch));
    set(kv, "general.type", Value::str("model"));
    set(kv, "general.name", Value::str(display_name(in.name)));
    set(kv, "general.size_label", Value::str(size_label(p.n_params())));
    for (auto& x : a.kv) set(kv, x.key, std::move(x.value));
    set(kv, "general.file_type", Value::u32(plain ? llama_ftype_of(opt.out_type) : ftype_id(opt.quant->base)));
    set(kv, "general.quantization_version", Value::u32(2));
    const TensorPlan* embd = nullptr;
    for (const auto& t : p.tensors)
        if (t.out.name == "token_embd.weight" && t.out.ne.size() == 2 && !t.source.values) embd = &t;
    if (embd) check_config_vocab_size(in, *embd);
    VocabCache fresh;
    VocabCache& vc = opt.vocab_cache ? *opt.vocab_cache : fresh;
    if (!vc.kv) vc.kv = vocab_metadata(*in.folder, in.config, opt.vocab, &vc.file);
    const std::string vocab_file = vc.file;
    if (&vc == &fresh) {
        for (auto& x : *vc.kv) set(kv, x.key, std::move(x.value));
    } else {
        for (const auto& x : *vc.kv) set(kv, x.key, x.value);
    }
    for (auto& x : a.vocab_kv) set(kv, x.key, std::move(x.value));
    if (embd) check_tokens_fill_embedding(in, *embd, kv, vocab_file);
    // The tensors were still mapped: the architecture's keys (which llama.cpp reads even for a vocabulary-only
    // file) come from the same mapping, and mapping errors are worth reporting either way.
    if (opt.vocab_only) p.tensors.clear();
    return p;
}

}  // namespace gs
