// Split outputs (core/plan/split_plan.h): part boundaries, names and split.* keys as llama.cpp reads them, every part's
// size known before writing; and failures while writing (a full disk, a cancel) that must leave nothing behind.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "core/error.h"
#include "core/gguf/reader.h"
#include "core/gguf/writer.h"
#include "core/pipeline/execute.h"
#include "core/plan/split_plan.h"
#include "native/file_io.h"
#include "native/output_files.h"
#include "tests/support.h"
#include "tests/unit/st_builder.h"

using namespace gs;

namespace {
const std::string kModel = test::shared_path("models/dev-llama-spm");

// A plan without sources: enough for plan_output_parts, which looks at names, shapes, types and metadata only.
Plan synthetic_plan(size_t n, uint64_t row_len = 64) {
    Plan p;
    p.kv.push_back({"general.architecture", Value::str("llama")});
    p.kv.push_back({"general.name", Value::str("Synthetic")});
    for (size_t i = 0; i < n; ++i) {
        TensorPlan t;
        t.out.name = "blk." + std::to_string(i) + ".w";
        t.out.ne = {row_len, 1 + i % 3};  // uneven sizes: 1, 2, 3 rows of F32
        t.out.type = GgmlType::F32;
        p.tensors.push_back(t);
    }
    return p;
}

uint64_t part_size_by_writer(const OutputPart& p) { return gguf_file_size(p.kv, p.tensors); }

std::vector<std::string> keys(const Metadata& kv) {
    std::vector<std::string> v;
    for (const auto& x : kv) v.push_back(x.key);
    return v;
}

// Fails like a full disk once `budget` bytes are written, as the native sink reports it.
struct FailingSink final : Sink {
    std::string name;
    uint64_t budget = 0, written = 0;
    void write(const void*, size_t n) override {
        if (written + n > budget) throw Error(name, "", "write failed: No space left on device (the disk is full)");
        written += n;
    }
};

std::vector<std::string> dir_entries(const std::string& dir) {
    std::vector<std::string> v;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (dirent* e = ::readdir(d))
            if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") v.push_back(e->d_name);
        ::closedir(d);
    }
    std::sort(v.begin(), v.end());
    return v;
}

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/gs-split-test-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() {
        for (const auto& f : dir_entries(path)) ::unlink((path + "/" + f).c_str());
        ::rmdir(path.c_str());
    }
};

struct Dev {
    std::unique_ptr<Folder> folder = native::open_folder(kModel);
    ModelInput in = load_model_input(*folder);
    Plan plan = build_plan(in, PlanOptions{GgmlType::F16});
};

// Tensor data by name, from one GGUF's bytes.
void collect_tensors(const std::string& bytes, std::map<std::string, std::string>& out) {
    auto r = memory_reader("x.gguf", bytes);
    GgufFile g = read_gguf(*r);
    for (const auto& t : g.tensors) out[t.name] = bytes.substr(g.data_start + t.offset, t.nbytes());
}
}  // namespace

TEST_CASE("split part names follow llama_split_path", "[split]") {
    CHECK(split_part_name("model.gguf", 0, 3) == "model-00001-of-00003.gguf");
    CHECK(split_part_name("out/dir.v2/model-Q4_K_M.gguf", 2, 3) == "out/dir.v2/model-Q4_K_M-00003-of-00003.gguf");
    CHECK(split_part_name("model", 9, 12) == "model-00010-of-00012.gguf");
    CHECK(split_part_name("model.bin", 0, 2) == "model.bin-00001-of-00002.gguf");
    CHECK(split_part_name("a.gguf", 65534, 65535) == "a-65535-of-65535.gguf");
}

TEST_CASE("split sizes: K, M, G are powers of 1000, plain numbers are bytes", "[split]") {
    CHECK(parse_split_size("2G") == 2000000000ull);
    CHECK(parse_split_size("500M") == 500000000ull);
    CHECK(parse_split_size("800K") == 800000ull);
    CHECK(parse_split_size("123456") == 123456ull);
    CHECK(parse_split_size("17179869184") == 17179869184ull);
    for (const char* bad : {"", "0", "0M", "G", "1.5G", "-1", "12T", "2g", "M2", " 2G", "99999999999999999999",
                            "99999999999G"})
        CHECK_THROWS_AS(parse_split_size(bad), Error);
    CHECK(test::error_text([] { parse_split_size("1.5G"); }).find("'1.5G'") != std::string::npos);
}

TEST_CASE("without limits, or when everything fits, the output is one plain file", "[split]") {
    const Plan p = synthetic_plan(7);
    for (SplitOptions o : {SplitOptions{}, SplitOptions{0, 7}, SplitOptions{1u << 30, 0}}) {
        auto parts = plan_output_parts(p, o, "m.gguf");
        REQUIRE(parts.size() == 1);
        CHECK(parts[0].name == "m.gguf");
        CHECK(keys(parts[0].kv) == keys(p.kv));  // no split.* keys
        CHECK(parts[0].tensors.size() == 7);
        CHECK(parts[0].file_bytes == gguf_file_size(p.kv, p.infos()));
    }
    // No tensors (vocab-only): one part, whatever the limits.
    auto parts = plan_output_parts(synthetic_plan(0), SplitOptions{1, 1}, "v.gguf");
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].tensors.empty());
}

TEST_CASE("split by tensor count: every part but the last is full, split.* keys as gguf-split writes them", "[split]") {
    const Plan p = synthetic_plan(7);
    auto parts = plan_output_parts(p, SplitOptions{0, 3}, "dir/m.gguf");
    REQUIRE(parts.size() == 3);
    const std::vector<size_t> counts{3, 3, 1}, firsts{0, 3, 6};
    for (size_t i = 0; i < parts.size(); ++i) {
        const OutputPart& part = parts[i];
        CHECK(part.name == split_part_name("dir/m.gguf", i, 3));
        CHECK(part.first == firsts[i]);
        CHECK(part.tensors.size() == counts[i]);
        for (size_t k = 0; k < part.tensors.size(); ++k) CHECK(part.tensors[k].name == p.tensors[part.first + k].out.name);
        // The sizes planned are the sizes the writer produces.
        CHECK(part.file_bytes == part_size_by_writer(part));
        const Value* no = find(part.kv, "split.no");
        const Value* count = find(part.kv, "split.count");
        const Value* total = find(part.kv, "split.tensors.count");
        REQUIRE(no);
        REQUIRE(count);
        REQUIRE(total);
        CHECK(no->type == ValueType::U16);
        CHECK(count->type == ValueType::U16);
        CHECK(total->type == ValueType::I32);
        CHECK(no->as_u64() == i);
        CHECK(count->as_u64() == 3);
        CHECK(total->as_i64() == 7);
    }
    // All metadata in the first part, then the split keys; the others carry the split keys only.
    std::vector<std::string> first = keys(p.kv);
    for (const char* k : {"split.no", "split.count", "split.tensors.count"}) first.push_back(k);
    CHECK(keys(parts[0].kv) == first);
    CHECK(keys(parts[1].kv) == std::vector<std::string>{"split.no", "split.count", "split.tensors.count"});
    CHECK(keys(parts[2].kv) == keys(parts[1].kv));

    CHECK(plan_output_parts(p, SplitOptions{0, 1}, "m.gguf").size() == 7);
}

TEST_CASE("split by size: whole part files within the limit, each part as full as it can be", "[split]") {
    const Plan p = synthetic_plan(40);
    const uint64_t total = gguf_file_size(p.kv, p.infos());
    for (uint64_t max : {total / 2, total / 5, total / 11, uint64_t{2000}}) {
        auto parts = plan_output_parts(p, SplitOptions{max, 0}, "m.gguf");
        REQUIRE(parts.size() > 1);
        size_t next = 0;
        for (size_t i = 0; i < parts.size(); ++i) {
            const OutputPart& part = parts[i];
            CHECK(part.first == next);
            REQUIRE_FALSE(part.tensors.empty());
            next += part.tensors.size();
            CHECK(part.file_bytes == part_size_by_writer(part));
            CHECK((part.file_bytes <= max || part.tensors.size() == 1));
            if (i + 1 < parts.size()) {  // greedy: the next part's first tensor would not have fitted
                OutputPart grown = part;
                grown.tensors.push_back(parts[i + 1].tensors[0]);
                CHECK(part_size_by_writer(grown) > max);
            }
        }
        CHECK(next == p.tensors.size());
    }
    // Both limits at once: whichever is hit first cuts.
    auto parts = plan_output_parts(p, SplitOptions{total / 2, 4}, "m.gguf");
    CHECK(parts.size() == 10);
}

TEST_CASE("a tensor larger than the size limit goes alone in its part", "[split]") {
    Plan p = synthetic_plan(5);
    p.tensors[2].out.ne = {4096, 64};  // 1 MiB
    auto parts = plan_output_parts(p, SplitOptions{100000, 0}, "m.gguf");
    REQUIRE(parts.size() == 3);
    CHECK(parts[0].tensors.size() == 2);
    CHECK(parts[1].tensors.size() == 1);
    CHECK(parts[1].tensors[0].name == "blk.2.w");
    CHECK(parts[1].file_bytes > 100000);
    CHECK(parts[2].tensors.size() == 2);
    // Even as the very first tensor (llama-gguf-split stops there with "one of splits have 0 tensors").
    p.tensors[0].out.ne = {4096, 64};
    parts = plan_output_parts(p, SplitOptions{100000, 0}, "m.gguf");
    REQUIRE(parts.size() >= 2);
    CHECK(parts[0].tensors.size() == 1);
}

TEST_CASE("a plan's general.alignment reaches every part", "[split]") {
    Plan p = synthetic_plan(6, 40);  // 160-byte rows: padding differs between alignments
    p.kv.push_back({"general.alignment", Value::u32(64)});
    auto parts = plan_output_parts(p, SplitOptions{0, 2}, "m.gguf");
    REQUIRE(parts.size() == 3);
    for (const auto& part : parts) {
        REQUIRE(find(part.kv, "general.alignment"));
        CHECK(find(part.kv, "general.alignment")->as_u64() == 64);
        CHECK(part.file_bytes == part_size_by_writer(part));
        CHECK(part.file_bytes % 64 == 0);
    }
}

TEST_CASE("more parts than split.count can number is an error", "[split]") {
    const Plan p = synthetic_plan(65536, 1);
    const std::string e = test::error_text([&] { plan_output_parts(p, SplitOptions{0, 1}, "m.gguf"); });
    CHECK(e.find("m.gguf") == 0);
    CHECK(e.find("65536 parts") != std::string::npos);
    CHECK(plan_output_parts(p, SplitOptions{0, 2}, "m.gguf").size() == 32768);
}

TEST_CASE("a split output holds the single file's tensors, byte for byte, and parts open one after another",
          "[split][pipeline]") {
    Dev d;
    StringSink single;
    execute_plan(d.plan, d.in, single, "dev.gguf");
    std::map<std::string, std::string> want;
    collect_tensors(single.bytes, want);

    for (unsigned threads : {1u, 3u}) {
        auto parts = plan_output_parts(d.plan, SplitOptions{0, 10}, "dev.gguf");
        REQUIRE(parts.size() == (d.plan.tensors.size() + 9) / 10);
        std::vector<StringSink> sinks(parts.size());
        size_t opened = 0;
        ExecuteOptions eo;
        eo.threads = threads;
        eo.chunk_bytes = 64 << 10;
        execute_plan(d.plan, d.in, parts, [&](size_t i) -> Sink& {
            CHECK(i == opened);
            if (i > 0) CHECK(sinks[i - 1].bytes.size() == parts[i - 1].file_bytes);  // previous part complete
            ++opened;
            return sinks[i];
        }, eo);
        CHECK(opened == parts.size());
        std::map<std::string, std::string> got;
        for (size_t i = 0; i < parts.size(); ++i) {
            CHECK(sinks[i].bytes.size() == parts[i].file_bytes);
            auto r = memory_reader(parts[i].name, sinks[i].bytes);
            GgufFile g = read_gguf(*r);
            CHECK(find(g.kv, "split.no")->as_u64() == i);
            CHECK(find(g.kv, "split.count")->as_u64() == parts.size());
            CHECK(find(g.kv, "split.tensors.count")->as_u64() == d.plan.tensors.size());
            CHECK((find(g.kv, "tokenizer.ggml.tokens") != nullptr) == (i == 0));
            collect_tensors(sinks[i].bytes, got);
        }
        CHECK(got == want);
    }
}

TEST_CASE("a full disk while writing: the sink's error names the output, nothing after it is opened",
          "[split][pipeline][disk-full]") {
    Dev d;
    auto parts = plan_output_parts(d.plan, SplitOptions{0, 10}, "dev.gguf");
    REQUIRE(parts.size() >= 3);
    // Fail in the middle of part 2's tensor data, single- and multi-threaded.
    for (unsigned threads : {1u, 3u}) {
        std::vector<FailingSink> sinks(parts.size());
        for (size_t i = 0; i < parts.size(); ++i) {
            sinks[i].name = parts[i].name;
            sinks[i].budget = i == 1 ? parts[1].file_bytes / 2 : UINT64_MAX;
        }
        size_t opened = 0;
        ExecuteOptions eo;
        eo.threads = threads;
        eo.chunk_bytes = 16 << 10;
        const std::string e = test::error_text([&] {
            execute_plan(d.plan, d.in, parts, [&](size_t i) -> Sink& {
                opened = i + 1;
                return sinks[i];
            }, eo);
        });
        CHECK(e == "dev-00002-of-0000" + std::to_string(parts.size()) +
                       ".gguf: write failed: No space left on device (the disk is full)");
        CHECK(opened == 2);
    }
    // A sink that does not know its file (the page's) is still reported against the output, not the source file.
    struct Anonymous final : Sink {
        void write(const void*, size_t) override { throw Error("write failed: QuotaExceededError"); }
    } anon;
    CHECK(test::error_text([&] { execute_plan(d.plan, d.in, anon, "dev-F16.gguf"); }) ==
          "dev-F16.gguf: write failed: QuotaExceededError");
}

TEST_CASE("native output files: published together, first part last; any failure leaves the folder empty",
          "[split][native][disk-full]") {
    Dev d;
    TempDir dir;
    auto named = [&](uint64_t max_tensors = 10) {
        auto ps = plan_output_parts(d.plan, SplitOptions{0, max_tensors}, dir.path + "/dev.gguf");
        std::vector<std::string> paths;
        for (const auto& p : ps) paths.push_back(p.name);
        return std::make_pair(ps, paths);
    };

    SECTION("a failure half-way (here a cancel from the progress callback) removes every temporary part") {
        const auto named_parts = named();
        const auto& ps = named_parts.first;
        const auto& paths = named_parts.second;
        {
            native::OutputFiles out(paths);
            ExecuteOptions eo;
            eo.progress = [&](const ProgressInfo& pi) {
                if (pi.part == 2 && pi.tensor == ps[2].first + 1) throw Error("cancelled");
            };
            CHECK(test::error_text([&] {
                execute_plan(d.plan, d.in, ps, [&](size_t i) -> Sink& { return out.open(i); }, eo);
            }) == "cancelled");
            CHECK(dir_entries(dir.path).size() == 3);  // three temporary parts exist until out is gone
            for (const auto& f : dir_entries(dir.path)) CHECK(f.find(".tmp-") != std::string::npos);
        }
        CHECK(dir_entries(dir.path).empty());
    }
    SECTION("a part never written is refused at commit, and nothing is published") {
        const auto named_parts = named();
        const auto& ps = named_parts.first;
        const auto& paths = named_parts.second;
        {
            native::OutputFiles out(paths);
            for (size_t i = 0; i + 1 < ps.size(); ++i) out.open(i).write("GGUF", 4);
            CHECK(test::error_text([&] { out.commit(); }).find("never written") != std::string::npos);
        }
        CHECK(dir_entries(dir.path).empty());
    }
    SECTION("success: every part under its final name, no temporary file") {
        const auto named_parts = named(3);
        const auto& ps = named_parts.first;
        const auto& paths = named_parts.second;
        REQUIRE(ps.size() == 10);
        native::OutputFiles out(paths);
        // One part file open at a time, however many parts: from the second part on (the source file is open by
        // then) the count of open descriptors stays the same, where /proc/self/fd shows it.
        [[maybe_unused]] size_t fds = 0;
        execute_plan(d.plan, d.in, ps, [&](size_t i) -> Sink& {
            Sink& s = out.open(i);
#ifdef __linux__  // not under emscripten, whose /proc would be node's
            const size_t now = dir_entries("/proc/self/fd").size();
            if (i == 1) fds = now;
            if (i > 1 && fds > 0) CHECK(now == fds);
#endif
            return s;
        });
        out.commit();
        std::vector<std::string> want;
        for (const auto& p : ps) want.push_back(p.name.substr(dir.path.size() + 1));
        std::sort(want.begin(), want.end());
        CHECK(dir_entries(dir.path) == want);
        for (const auto& p : ps) CHECK(native::open_file(p.name)->size() == p.file_bytes);
    }
}
