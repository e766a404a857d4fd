#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <thread>

#include "core/error.h"
#include "core/gguf/reader.h"
#include "core/model/gguf_input.h"
#include "core/gguf/writer.h"
#include "core/imatrix/imatrix.h"
#include "core/pipeline/execute.h"
#include "core/plan/apply_imatrix.h"
#include "core/plan/plan.h"
#include "core/plan/profile.h"
#include "core/plan/split_plan.h"
#include "native/cli.h"
#include "native/file_io.h"
#include "native/output_files.h"

namespace gs::cli {
namespace {
struct ConvertArgs {
    std::string path, out, force_arch;
    std::string type = "F16";  // -t: an ftype or built-in profile name
    std::string profile_file;  // --profile
    QuantOptions overrides;    // llama-quantize's override flags, applied over the profile
    bool dry_run = false, quiet = false;
    bool vocab_only = false;
    std::string tokenizer_pre;
    std::string imatrix;  // --imatrix FILE (recorded in quantize.imatrix.file as given)
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    SplitOptions split;  // --split-max-size / --split-max-tensors
};

GgmlType type_arg(const std::vector<std::string>& args, size_t& i) {
    const std::string& opt = args[i];
    const std::string& v = next_value(args, i);
    auto t = type_from_name(v);
    if (!t) throw UsageError{opt + ": unknown type '" + v + "'"};
    return *t;
}

std::string quant_names() {
    std::string s;
    for (const auto& f : all_ftypes()) s += (s.empty() ? "" : " ") + std::string(f.name);
    for (const auto& p : builtin_profile_names()) s += " " + p;
    return s;
}

ConvertArgs parse(const std::vector<std::string>& args) {
    ConvertArgs a;
    bool type_given = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& x = args[i];
        if (is_flag(x, "-o") || is_flag(x, "--output")) a.out = next_value(args, i);
        else if (is_flag(x, "-t") || is_flag(x, "--type")) {
            a.type = next_value(args, i);
            if (!resolve_quant_name(a.type))
                throw UsageError{"unknown type '" + a.type + "' (choose one of: " + quant_names() + ")"};
            type_given = true;
        } else if (is_flag(x, "--profile")) a.profile_file = next_value(args, i);
        else if (is_flag(x, "--token-embedding-type")) a.overrides.token_embedding_type = type_arg(args, i);
        else if (is_flag(x, "--output-tensor-type")) a.overrides.output_tensor_type = type_arg(args, i);
        else if (is_flag(x, "--tensor-type")) {
            const std::string& spec = next_value(args, i);
            try {
                a.overrides.tensor_types.push_back(parse_tensor_type_rule(spec));
            } catch (const Error& e) {
                throw UsageError{e.detail};
            }
        } else if (is_flag(x, "--pure")) a.overrides.pure = true;
        else if (is_flag(x, "--leave-output-tensor")) a.overrides.leave_output_tensor = true;
        else if (is_flag(x, "--force-arch")) a.force_arch = next_value(args, i);
        else if (is_flag(x, "--dry-run")) a.dry_run = true;
        else if (is_flag(x, "--vocab-only")) a.vocab_only = true;
        else if (is_flag(x, "--tokenizer-pre")) a.tokenizer_pre = next_value(args, i);
        else if (is_flag(x, "--imatrix")) a.imatrix = next_value(args, i);
        else if (is_flag(x, "-j") || is_flag(x, "--threads")) {
            const std::string& v = next_value(args, i);
            char* end = nullptr;
            const unsigned long n = std::strtoul(v.c_str(), &end, 10);
            if (v.empty() || *end || n < 1 || n > 1024) throw UsageError{"-j needs a thread count from 1 to 1024, not '" + v + "'"};
            a.threads = static_cast<unsigned>(n);
        }
        else if (is_flag(x, "--split-max-size")) {
            const std::string& v = next_value(args, i);
            try {
                a.split.max_bytes = parse_split_size(v);
            } catch (const Error& e) {
                throw UsageError{"--split-max-size: " + e.detail};
            }
        } else if (is_flag(x, "--split-max-tensors")) {
            const std::string& v = next_value(args, i);
            char* end = nullptr;
            errno = 0;
            const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
            if (v.empty() || v[0] == '-' || *end || errno == ERANGE || n < 1)
                throw UsageError{"--split-max-tensors needs a tensor count of at least 1, not '" + v + "'"};
            a.split.max_tensors = n;
        }
        else if (is_flag(x, "-q") || is_flag(x, "--quiet")) a.quiet = true;
        else if (!x.empty() && x[0] == '-') throw UsageError{"unknown option " + x};
        else if (a.path.empty()) a.path = x;
        else throw UsageError{"more than one input path"};
    }
    if (a.path.empty()) throw UsageError{"convert needs a model folder"};
    if (type_given && !a.profile_file.empty()) throw UsageError{"give either -t or --profile, not both"};
    return a;
}

std::string read_text_file(const std::string& path) {
    auto r = native::open_file(path);
    std::string s(static_cast<size_t>(r->size()), '\0');
    if (!s.empty()) r->read(0, s.data(), s.size());
    return s;
}

// The profile to plan with: -t's ftype/profile or --profile's file, then the command line's overrides on top
// (its --tensor-type rules first, so they win under llama-quantize's first-match rule).
Profile choose_profile(const ConvertArgs& a) {
    Profile p = a.profile_file.empty() ? *resolve_quant_name(a.type)
                                       : parse_profile(read_text_file(a.profile_file), a.profile_file);
    const QuantOptions& o = a.overrides;
    if (o.token_embedding_type) p.options.token_embedding_type = o.token_embedding_type;
    if (o.output_tensor_type) p.options.output_tensor_type = o.output_tensor_type;
    p.options.tensor_types.insert(p.options.tensor_types.begin(), o.tensor_types.begin(), o.tensor_types.end());
    p.options.pure = p.options.pure || o.pure;
    p.options.leave_output_tensor = p.options.leave_output_tensor || o.leave_output_tensor;
    return p;
}

void print_plan(const Plan& plan, uint64_t file_size) {
    std::printf("%-40s %-8s %-22s %12s  %s\n", "tensor", "type", "shape", "bytes", "why");
    for (const auto& t : plan.tensors) {
        std::string shape;
        for (size_t i = 0; i < t.out.ne.size(); ++i) shape += (i ? " x " : "") + std::to_string(t.out.ne[i]);
        std::printf("%-40s %-8s %-22s %12llu  %s\n", t.out.name.c_str(), type_name(t.out.type), shape.c_str(),
                    static_cast<unsigned long long>(t.out.nbytes()), t.why.c_str());
    }
    const double bpw = plan.n_params() ? 8.0 * static_cast<double>(file_size) / static_cast<double>(plan.n_params()) : 0;
    std::printf("%zu tensors, %llu parameters, file size %llu bytes (%.2f MiB), %.2f bits per weight\n",
                plan.tensors.size(), static_cast<unsigned long long>(plan.n_params()),
                static_cast<unsigned long long>(file_size), static_cast<double>(file_size) / 1048576.0, bpw);
    if (plan.n_fallback > 0) std::printf("%d tensor(s) needed a fallback type for their row length\n", plan.n_fallback);
    if (plan.needs_imatrix()) std::printf("this quantization needs an importance matrix\n");
}

void print_parts(const std::vector<OutputPart>& parts) {
    std::printf("split into %zu parts:\n", parts.size());
    for (const auto& p : parts)
        std::printf("  %s  %zu tensors, %llu bytes\n", p.name.c_str(), p.tensors.size(),
                    static_cast<unsigned long long>(p.file_bytes));
}

ProgressFn terminal_progress() {
    auto start = std::chrono::steady_clock::now();
    auto last = start;
    return [start, last](const ProgressInfo& p) mutable {
        auto now = std::chrono::steady_clock::now();
        if (now - last < std::chrono::milliseconds(200) && p.bytes_in < p.bytes_in_total) return;
        last = now;
        const double secs = std::chrono::duration<double>(now - start).count();
        const double mb = static_cast<double>(p.bytes_in) / 1e6, total = static_cast<double>(p.bytes_in_total) / 1e6;
        char part[32] = "";
        if (p.n_parts > 1) std::snprintf(part, sizeof part, "part %zu/%zu ", p.part + 1, p.n_parts);
        std::fprintf(stderr, "\r%s[%zu/%zu] %-32.32s %8.1f / %.1f MB  %7.1f MB/s", part, p.tensor + 1, p.n_tensors,
                     p.name ? p.name->c_str() : "", mb, total, secs > 0 ? mb / secs : 0.0);
        std::fflush(stderr);
    };
}
}  // namespace

int run_convert(const std::vector<std::string>& args) {
    ConvertArgs a = parse(args);
    auto folder = native::open_folder(a.path);
    // A .gguf file (F32/F16/BF16) is requantized as llama-quantize would; anything else is a model folder.
    const bool gguf_in = !native::is_directory(a.path) && looks_like_gguf(*native::open_file(a.path));
    ModelInput in = gguf_in ? load_gguf_input(*folder, folder->files().at(0)) : load_model_input(*folder);
    PlanOptions po;
    po.quant = choose_profile(a);
    po.quant->options.has_imatrix = !a.imatrix.empty();
    po.allow_unwritable = a.dry_run;
    po.force_arch = a.force_arch;
    po.vocab.tokenizer_pre = a.tokenizer_pre;
    po.vocab_only = a.vocab_only;
    Plan plan = build_plan(in, po);
    if (!a.imatrix.empty()) {
        auto r = native::open_file(a.imatrix);
        apply_imatrix(plan, read_imatrix(*r), a.imatrix);
    }
    if (a.out.empty()) a.out = in.name + "-" + po.quant->name + ".gguf";
    const std::vector<OutputPart> parts = plan_output_parts(plan, a.split, a.out);
    uint64_t size = 0;
    for (const auto& p : parts) size += p.file_bytes;
    if (a.dry_run) {
        print_plan(plan, size);
        if (parts.size() > 1) print_parts(parts);
        return kOk;
    }
    require_executable(plan);
    std::vector<std::string> paths;
    for (const auto& p : parts) {
        for (const auto& f : folder->files())
            if (native::same_file(p.name, (native::is_directory(a.path) ? a.path + "/" : std::string()) + f) ||
                native::same_file(p.name, a.path))
                throw Error(p.name, "", "output would overwrite an input file");
        paths.push_back(p.name);
    }

    native::OutputFiles out(paths);
    ExecuteOptions eo;
    eo.threads = a.threads;
    const bool show = !a.quiet && ::isatty(2);
    if (show) eo.progress = terminal_progress();
    auto t0 = std::chrono::steady_clock::now();
    execute_plan(plan, in, parts, [&out](size_t part) -> Sink& { return out.open(part); }, eo);
    out.commit();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (show) std::fputc('\n', stderr);
    if (!a.quiet) {
        if (a.split.enabled() && parts.size() == 1)
            std::fprintf(stderr, "the output fits in one part: not split\n");
        const std::string what =
            parts.size() == 1 ? parts[0].name : std::to_string(parts.size()) + " parts, " + parts[0].name + " first";
        std::fprintf(stderr, "wrote %s: %zu tensors, %.1f MB in %.2f s\n", what.c_str(), plan.tensors.size(),
                     static_cast<double>(out.written()) / 1e6, secs);
    }
    for (const auto& p : parts) std::printf("%s\n", p.name.c_str());
    return kOk;
}

}  // namespace gs::cli
