// The page's entry points (embind): open a folder, load or drop an importance matrix, list the -t names, plan one,
// convert with one. Each returns a JSON string; failures come back as {"error": "<gs::Error text>"} so the worker
// never sees a C++ exception.
// One model is open at a time: its ModelInput refers to the folder, so both live here between calls. The importance
// matrix is read whole when loaded (its weights are what planning needs) and kept apart from the model: it applies to
// every plan and conversion until cleared, as --imatrix does for one CLI run.
#include <emscripten.h>
#include <emscripten/bind.h>
#include <emscripten/heap.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/imatrix/imatrix.h"
#include "core/pipeline/execute.h"
#include "core/plan/apply_imatrix.h"
#include "core/plan/ftype.h"
#include "core/plan/plan.h"
#include "core/plan/plan_report.h"
#include "core/plan/profile.h"
#include "wasm/web/js_io.h"

namespace gs::web {
namespace {
using nlohmann::json;

EM_JS(void, gs_js_progress, (size_t tensor, size_t n_tensors, double bytes_in, double bytes_total, const char* name), {
    if (Module["gsProgress"]) Module["gsProgress"](tensor, n_tensors, bytes_in, bytes_total, UTF8ToString(name));
});

struct Session {
    std::unique_ptr<JsFolder> folder;
    ModelInput input;
    VocabCache vocab;  // the folder's tokenizer metadata, read by the first plan (every type is planned on opening)
    // A parallel conversion's plan (layout()), which convertChunk() converts tensors of.
    std::unique_ptr<Plan> plan;
    std::unique_ptr<TensorConverter> converter;
    OutputLayout layout;
};
std::unique_ptr<Session> session;

struct LoadedImatrix {
    Imatrix im;
    std::string name;  // as the user sees it; recorded in quantize.imatrix.file like the CLI's --imatrix argument
};
std::unique_ptr<LoadedImatrix> imatrix;

template <class F>
std::string guarded(F&& f) {
    try {
        return f().dump();
    } catch (const std::exception& e) {  // gs::Error's what() is already "file: tensor 'x': detail"
        return json{{"error", e.what()}}.dump();
    }
}

void report_progress(const ProgressInfo& pi) {
    gs_js_progress(pi.tensor, pi.n_tensors, static_cast<double>(pi.bytes_in), static_cast<double>(pi.bytes_in_total),
                   pi.name ? pi.name->c_str() : "");
}

Profile profile_named(const std::string& type) {
    auto p = resolve_quant_name(type);
    if (!p) throw Error("unknown type '" + type + "'");
    return *p;
}

// As the CLI plans with --imatrix: the mixes choose with has_imatrix, then the weights are joined to the tensors.
Plan plan_for(const std::string& type, bool dry_run, size_t* imatrix_tensors = nullptr) {
    if (!session) throw Error("no model folder is open");
    PlanOptions po;
    po.quant = profile_named(type);
    po.quant->options.has_imatrix = imatrix != nullptr;
    po.allow_unwritable = dry_run;
    po.vocab_cache = &session->vocab;
    Plan p = build_plan(session->input, po);
    if (imatrix) {
        const size_t n = apply_imatrix(p, imatrix->im, imatrix->name);
        if (imatrix_tensors) *imatrix_tensors = n;
    }
    return p;
}

// {"name": folder name, "files": [{"name": relative name, "size": bytes}]}, in the order gsRead indexes them.
std::string open_folder(const std::string& spec) {
    return guarded([&] {
        session.reset();
        const json j = json::parse(spec);
        std::vector<JsFile> files;
        for (const auto& f : j.at("files"))
            files.push_back({f.at("name").get<std::string>(), f.at("size").get<uint64_t>(), static_cast<int>(files.size())});
        auto s = std::make_unique<Session>();
        s->folder = std::make_unique<JsFolder>(j.at("name").get<std::string>(), std::move(files));
        s->input = load_model_input(*s->folder);
        session = std::move(s);
        return json{{"ok", true}};
    });
}

// {"name": the file name as the user sees it, "size": bytes, "handle": the gsRead index of its File}. Read through
// the same File.slice() reader as model files. Replaces any loaded imatrix; on failure none is loaded.
std::string load_imatrix(const std::string& spec) {
    return guarded([&] {
        imatrix.reset();
        const json j = json::parse(spec);
        const std::string name = j.at("name").get<std::string>();
        const JsFolder one("", {{name, j.at("size").get<uint64_t>(), j.at("handle").get<int>()}});
        auto loaded = std::make_unique<LoadedImatrix>();
        loaded->im = read_imatrix(*one.open(name));
        loaded->name = name;
        const Imatrix& im = loaded->im;
        json r = {{"ok", true},
                  {"name", name},
                  {"format", im.legacy ? "legacy" : "gguf"},
                  {"entries", im.entries.size()},
                  {"chunks", im.chunk_count},
                  {"datasets", im.datasets}};
        imatrix = std::move(loaded);
        return r;
    });
}

std::string clear_imatrix() {
    imatrix.reset();
    return json{{"ok", true}}.dump();
}

// Every -t name the CLI accepts, ftypes first, with the profiles' descriptions.
std::string types() {
    return guarded([] {
        json v = json::array();
        for (const auto& f : all_ftypes()) v.push_back({{"name", f.name}, {"profile", false}});
        for (const auto& n : builtin_profile_names())
            v.push_back({{"name", n}, {"profile", true}, {"description", builtin_profile(n)->description}});
        return v;
    });
}

std::string plan(const std::string& type) {
    return guarded([&] {
        size_t with_weights = 0;
        const Plan p = plan_for(type, true, &with_weights);  // first: it throws when no folder is open
        json r = plan_report(session->input, p);
        r["type"] = type;
        r["imatrix"] = imatrix ? json{{"name", imatrix->name}, {"tensors", with_weights}} : json(nullptr);
        r["output_name"] = session->input.name + "-" + profile_named(type).name + ".gguf";
        return r;
    });
}

std::string convert(const std::string& type) {
    return guarded([&] {
        const Plan p = plan_for(type, false);
        require_executable(p);
        const std::string out = session->input.name + "-" + profile_named(type).name + ".gguf";
        JsSink sink;
        ExecuteOptions eo;
        eo.progress = report_progress;
        execute_plan(p, session->input, sink, out, eo);
        sink.flush();
        // wasm memory only grows, so its size now is the peak of this whole session.
        return json{{"ok", true}, {"bytes", sink.written()}, {"output_name", out},
                    {"heap_bytes", emscripten_get_heap_size()}};
    });
}
// Parallel conversion (web/worker.js coordinates, web/converter.js converts): every party plans the same type and
// gets the same layout: {"output_name", "file_bytes", "header_bytes", "source_bytes", "tensors": [{"name",
// "offset", "bytes", "rows", "chunk_rows", "source_bytes"}]}. Later convertChunk() calls convert tensors of this
// plan, starting at row 0 or any multiple of chunk_rows.
// chunk_bytes: source bytes per chunk (0: execute's default); every party must use the same.
std::string layout(const std::string& type, double chunk_bytes) {
    return guarded([&] {
        if (session) session->converter.reset(), session->plan.reset();
        auto p = std::make_unique<Plan>(plan_for(type, false));
        require_executable(*p);
        const std::string out = session->input.name + "-" + profile_named(type).name + ".gguf";
        OutputLayout l = output_layout(*p, out);
        ExecuteOptions eo;
        eo.progress = report_progress;
        if (chunk_bytes >= 1) eo.chunk_bytes = static_cast<size_t>(chunk_bytes);
        auto conv = std::make_unique<TensorConverter>(*p, session->input, out, eo);
        json tensors = json::array();
        for (size_t i = 0; i < p->tensors.size(); ++i)
            tensors.push_back({{"name", p->tensors[i].out.name}, {"offset", l.offsets[i]}, {"bytes", l.bytes[i]},
                               {"rows", conv->rows(i)}, {"chunk_rows", conv->chunk_rows(i)},
                               {"source_bytes", source_bytes(p->tensors[i].source, session->input.catalog,
                                                p->tensors[i].out.ne.empty() ? 1 : p->tensors[i].out.ne[0], conv->rows(i))}});
        json r = {{"output_name", out}, {"file_bytes", l.file_bytes}, {"header_bytes", l.header.size()},
                  {"source_bytes", p->source_bytes(session->input.catalog)}, {"tensors", tensors}};
        session->plan = std::move(p);
        session->layout = std::move(l);
        session->converter = std::move(conv);
        return r;
    });
}

// The layout's header through gsWrite (it goes at offset 0).
std::string write_header() {
    return guarded([] {
        if (!session || !session->plan) throw Error("no conversion is laid out");
        JsSink sink;
        sink.write(session->layout.header.data(), session->layout.header.size());
        sink.flush();
        return json{{"ok", true}, {"bytes", sink.written()}};
    });
}

// A tensor index of the laid-out conversion (layout()), checked.
size_t laid_out_tensor(double index) {
    if (!session || !session->converter) throw Error("no conversion is laid out");
    const size_t i = static_cast<size_t>(index);
    if (i >= session->plan->tensors.size()) throw Error("tensor index out of range");
    return i;
}

// The source ranges convertChunk(index, row) will read, for the page's read-ahead: {"reads": [[gsRead handle,
// offset, bytes], ...]} (empty where a tensor is gathered by many short reads, or computed).
std::string chunk_reads(double index, double row) {
    return guarded([&] {
        const size_t i = laid_out_tensor(index);
        json reads = json::array();
        for (const FileRange& r : session->converter->chunk_reads(i, static_cast<uint64_t>(row)))
            reads.push_back({session->folder->handle_of(session->input.catalog.files[r.file].name), r.offset, r.bytes});
        return json{{"reads", reads}};
    });
}

// A heap view for bytes [offset, offset + n) of file `handle` that the next convertChunk() reads from there instead
// of calling gsRead (JsFolder::stage); undefined if no file has that handle.
emscripten::val stage(double handle, double offset, double n) {
    if (!session || n < 0 || n > double(1u << 30)) return emscripten::val::undefined();
    uint8_t* p = session->folder->stage(static_cast<int>(handle), static_cast<uint64_t>(offset), static_cast<size_t>(n));
    if (!p) return emscripten::val::undefined();
    return emscripten::val(emscripten::typed_memory_view(static_cast<size_t>(n), p));
}

// Converts one source chunk of the layout's tensor `index` from row `row` (a multiple of its chunk_rows) on, its
// bytes through gsWrite, in order. {"next_row": the row to continue with, "rows": the tensor's, "staged_bytes" /
// "js_bytes": source bytes it took from staged buffers / read through gsRead}.
std::string convert_chunk(double index, double row) {
    return guarded([&] {
        const size_t i = laid_out_tensor(index);
        JsFolder& f = *session->folder;
        const uint64_t staged0 = f.staged_bytes(), js0 = f.js_bytes();
        JsSink sink;
        struct Unstage {  // the staged bytes serve this chunk only, whatever happens
            JsFolder& f;
            ~Unstage() { f.clear_staged(); }
        } unstage{f};
        const uint64_t next = session->converter->convert(i, sink, static_cast<uint64_t>(row), 1);
        sink.flush();
        return json{{"next_row", next}, {"rows", session->converter->rows(i)}, {"bytes", sink.written()},
                    {"heap_bytes", emscripten_get_heap_size()}, {"staged_bytes", f.staged_bytes() - staged0},
                    {"js_bytes", f.js_bytes() - js0}};
    });
}
}  // namespace

EMSCRIPTEN_BINDINGS(ggufsmith) {
    emscripten::function("layout", &layout);
    emscripten::function("writeHeader", &write_header);
    emscripten::function("convertChunk", &convert_chunk);
    emscripten::function("chunkReads", &chunk_reads);
    emscripten::function("stage", &stage);
    emscripten::function("openFolder", &open_folder);
    emscripten::function("loadImatrix", &load_imatrix);
    emscripten::function("clearImatrix", &clear_imatrix);
    emscripten::function("types", &types);
    emscripten::function("plan", &plan);
    emscripten::function("convert", &convert);
}

}  // namespace gs::web
