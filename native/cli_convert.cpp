#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <thread>

#include "core/error.h"
#include "core/gguf/writer.h"
#include "core/imatrix/imatrix.h"
#include "core/pipeline/execute.h"
#include "core/plan/apply_imatrix.h"
#include "core/plan/plan.h"
#include "native/cli.h"
#include "native/file_io.h"

namespace gs::cli {
namespace {
struct ConvertArgs {
    std::string path, out;
    GgmlType type = GgmlType::F16;
    bool dry_run = false, quiet = false;
    std::string imatrix;  // --imatrix FILE (recorded in quantize.imatrix.file as given)
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
};

ConvertArgs parse(const std::vector<std::string>& args) {
    ConvertArgs a;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& x = args[i];
        if (is_flag(x, "-o") || is_flag(x, "--output")) a.out = next_value(args, i);
        else if (is_flag(x, "-t") || is_flag(x, "--type")) {
            const std::string& t = next_value(args, i);
            auto ty = type_from_name(t);
            if (!ty || (*ty != GgmlType::F32 && *ty != GgmlType::F16 && *ty != GgmlType::BF16))
                throw UsageError{"unsupported type '" + t + "' (choose F32, F16 or BF16)"};
            a.type = *ty;
        } else if (is_flag(x, "--imatrix")) a.imatrix = next_value(args, i);
        else if (is_flag(x, "-j") || is_flag(x, "--threads")) {
            const std::string& v = next_value(args, i);
            char* end = nullptr;
            const unsigned long n = std::strtoul(v.c_str(), &end, 10);
            if (v.empty() || *end || n < 1 || n > 1024) throw UsageError{"-j needs a thread count from 1 to 1024, not '" + v + "'"};
            a.threads = static_cast<unsigned>(n);
        } else if (is_flag(x, "--dry-run")) a.dry_run = true;
        else if (is_flag(x, "-q") || is_flag(x, "--quiet")) a.quiet = true;
        else if (!x.empty() && x[0] == '-') throw UsageError{"unknown option " + x};
        else if (a.path.empty()) a.path = x;
        else throw UsageError{"more than one input path"};
    }
    if (a.path.empty()) throw UsageError{"convert needs a model folder"};
    return a;
}

void print_plan(const Plan& plan, uint64_t file_size) {
    std::printf("%-40s %-6s %-22s %12s  %s\n", "tensor", "type", "shape", "bytes", "why");
    for (const auto& t : plan.tensors) {
        std::string shape;
        for (size_t i = 0; i < t.out.ne.size(); ++i) shape += (i ? " x " : "") + std::to_string(t.out.ne[i]);
        std::printf("%-40s %-6s %-22s %12llu  %s\n", t.out.name.c_str(), type_name(t.out.type), shape.c_str(),
                    static_cast<unsigned long long>(t.out.nbytes()), t.why.c_str());
    }
    const double bpw = plan.n_params() ? 8.0 * static_cast<double>(file_size) / static_cast<double>(plan.n_params()) : 0;
    std::printf("%zu tensors, %llu parameters, file size %llu bytes (%.2f MiB), %.2f bits per weight\n",
                plan.tensors.size(), static_cast<unsigned long long>(plan.n_params()),
                static_cast<unsigned long long>(file_size), static_cast<double>(file_size) / 1048576.0, bpw);
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
        std::fprintf(stderr, "\r[%zu/%zu] %-32.32s %8.1f / %.1f MB  %7.1f MB/s", p.tensor + 1, p.n_tensors,
                     p.name ? p.name->c_str() : "", mb, total, secs > 0 ? mb / secs : 0.0);
        std::fflush(stderr);
    };
}
}  // namespace

int run_convert(const std::vector<std::string>& args) {
    ConvertArgs a = parse(args);
    auto folder = native::open_folder(a.path);
    ModelInput in = load_model_input(*folder);
    PlanOptions po;
    po.out_type = a.type;
    Plan plan = build_plan(in, po);
    if (!a.imatrix.empty()) {
        auto r = native::open_file(a.imatrix);
        apply_imatrix(plan, read_imatrix(*r), a.imatrix);
    }
    const uint64_t size = gguf_file_size(plan.kv, plan.infos());
    if (a.dry_run) {
        print_plan(plan, size);
        return kOk;
    }
    if (a.out.empty()) a.out = in.name + "-" + type_name(a.type) + ".gguf";
    for (const auto& f : folder->files())
        if (native::same_file(a.out, (native::is_directory(a.path) ? a.path + "/" : std::string()) + f) ||
            native::same_file(a.out, a.path))
            throw Error(a.out, "", "output would overwrite an input file");

    native::AtomicFileSink sink(a.out);
    ExecuteOptions eo;
    eo.threads = a.threads;
    const bool show = !a.quiet && ::isatty(2);
    if (show) eo.progress = terminal_progress();
    auto t0 = std::chrono::steady_clock::now();
    execute_plan(plan, in, sink, a.out, eo);
    sink.commit();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (show) std::fputc('\n', stderr);
    if (!a.quiet)
        std::fprintf(stderr, "wrote %s: %zu tensors, %.1f MB in %.2f s\n", a.out.c_str(), plan.tensors.size(),
                     static_cast<double>(sink.written()) / 1e6, secs);
    std::printf("%s\n", a.out.c_str());
    return kOk;
}

}  // namespace gs::cli
