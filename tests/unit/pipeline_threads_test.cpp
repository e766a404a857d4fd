// The threaded pipeline writes the same bytes as the single-threaded one, importance weights reach the kernels per
// expert, and a GGUF file works as a conversion source.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <map>
#include <tuple>

#include "core/gguf/reader.h"
#include "core/gguf/writer.h"
#include "core/imatrix/imatrix.h"
#include "core/model/gguf_input.h"
#include "core/pipeline/execute.h"
#include "core/pipeline/rows.h"
#include "core/pipeline/worker_pool.h"
#include "core/plan/apply_imatrix.h"
#include "core/plan/gguf_plan.h"
#include "core/plan/tensor_order.h"
#include "core/quant/quant.h"
#include "native/file_io.h"
#include "tests/logging_folder.h"
#include "tests/memory_folder.h"
#include "tests/support.h"
#include "tests/unit/st_builder.h"

using namespace gs;

namespace {
const std::string kModel = test::shared_path("models/dev-llama-spm");

std::string run(const Plan& p, const ModelInput& in, unsigned threads, size_t chunk_bytes) {
    StringSink s;
    ExecuteOptions o;
    o.threads = threads;
    o.chunk_bytes = chunk_bytes;
    execute_plan(p, in, s, "out.gguf", o);
    return s.bytes;
}

void set_2d_types(Plan& p, GgmlType t) {
    for (auto& tp : p.tensors)
        if (tp.out.ne.size() >= 2) tp.out.type = t;
}

// dev-llama-spm's plan with every 2-D tensor in type t and its imatrix.dat applied; returns how many got weights.
size_t weighted_plan(const ModelInput& in, GgmlType t, Plan& p) {
    p = build_plan(in, PlanOptions{GgmlType::F16});
    set_2d_types(p, t);
    auto imr = native::open_file(kModel + "/imatrix.dat");
    return apply_imatrix(p, read_imatrix(*imr), "imatrix.dat");
}

// Tensor data by name.
std::map<std::string, std::string> tensor_bytes(const std::string& gguf) {
    auto r = memory_reader("x.gguf", gguf);
    GgufFile g = read_gguf(*r);
    std::map<std::string, std::string> m;
    for (const auto& t : g.tensors) m[t.name] = gguf.substr(g.data_start + t.offset, t.nbytes());
    return m;
}
}  // namespace

TEST_CASE("output bytes do not depend on the thread count", "[pipeline][threads]") {
    auto folder = native::open_folder(kModel);
    ModelInput in = load_model_input(*folder);
    Plan p;
    CHECK(weighted_plan(in, GgmlType::Q6_K, p) == 21);
    // Small chunks, so that every tensor spans several chunks and every chunk is split over the threads.
    const std::string one = run(p, in, 1, 64 << 10);
    const std::string four = run(p, in, 4, 64 << 10);
    CHECK(one.size() == four.size());
    CHECK(one == four);
    CHECK(run(p, in, 3, 8u << 20) == one);  // chunk size does not matter either

    // Without the importance weights Q6_K comes out different: they do reach the kernel.
    for (auto& t : p.tensors) t.imatrix = nullptr;
    const std::string plain = run(p, in, 2, 64 << 10);
    CHECK(plain.size() == one.size());
    CHECK(plain != one);
}

TEST_CASE("tensors converted apart, in any order, a chunk at a time, give execute_plan's file", "[pipeline][layout]") {
    auto folder = native::open_folder(kModel);
    ModelInput in = load_model_input(*folder);
    Plan p;
    weighted_plan(in, GgmlType::Q4_K, p);
    const std::string whole = run(p, in, 1, 64 << 10);

    const OutputLayout l = output_layout(p, "out.gguf");
    REQUIRE(l.file_bytes == whole.size());
    REQUIRE(l.offsets.size() == p.tensors.size());
    CHECK(whole.compare(0, l.header.size(), l.header) == 0);
    // Zeros where nothing is written (the padding), as a fresh file of file_bytes holds them.
    std::string mine(static_cast<size_t>(l.file_bytes), '\0');
    mine.replace(0, l.header.size(), l.header);
    ExecuteOptions o;
    o.chunk_bytes = 64 << 10;
    TensorConverter conv(p, in, "out.gguf", o);
    size_t pieces = 0;
    for (size_t k = p.tensors.size(); k-- > 0;) {  // backwards: order must not matter
        const uint64_t rows = conv.rows(k), step = conv.chunk_rows(k);
        const uint64_t row_bytes = rows ? l.bytes[k] / rows : 0;
        uint64_t total = 0;
        // Every chunk on its own, the last first, as workers given one chunk each would write them.
        for (uint64_t first = rows ? (rows - 1) / step * step : 0;; first -= step) {
            StringSink s;
            const uint64_t next = conv.convert(k, s, first, 1);
            CHECK(next == std::min(rows, first + step));
            mine.replace(static_cast<size_t>(l.offsets[k] + first * row_bytes), s.bytes.size(), s.bytes);
            total += s.bytes.size();
            ++pieces;
            if (first == 0) break;
        }
        REQUIRE(total == l.bytes[k]);
    }
    CHECK(pieces > p.tensors.size());  // some tensor did span several calls
    CHECK(mine == whole);
    StringSink s;
    CHECK_THROWS_WITH(conv.convert(0, s, 1, 1), Catch::Contains("not at a chunk boundary") ||
                                                    Catch::Contains("converted whole"));
}

TEST_CASE("worker pool runs every task once and reports the first failure", "[pipeline][threads][spawns-threads]") {
    WorkerPool pool(3);
    std::vector<int> hits(100, 0);
    pool.start(hits.size(), [&](size_t i, unsigned w) {
        CHECK(w < 3);
        hits[i]++;
    });
    pool.wait();
    CHECK(std::count(hits.begin(), hits.end(), 1) == 100);
    pool.start(10, [](size_t i, unsigned) {
        if (i == 4) throw Error("f", "t", "task failed");
    });
    CHECK(test::error_text([&] { pool.wait(); }) == "f: tensor 't': task failed");
    pool.start(5, [&](size_t i, unsigned) { hits[i] = 7; });
    pool.wait();
    CHECK(hits[4] == 7);
}

TEST_CASE("each expert is quantized with its own importance weights", "[pipeline]") {
    const size_t row_len = 256, rows = 3, n_mat = 2;
    std::vector<float> x(row_len * rows * n_mat), im(row_len * n_mat);
    for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>((i * 7919) % 257) / 64.f - 2.f;
    for (size_t i = 0; i < im.size(); ++i) im[i] = i < row_len ? 1.f + static_cast<float>(i % 5) : 0.01f;
    const size_t rb = static_cast<size_t>(row_bytes(GgmlType::Q6_K, row_len));
    std::vector<uint8_t> want(rb * rows * n_mat), got(want.size());
    for (size_t e = 0; e < n_mat; ++e)
        quant::quantize(GgmlType::Q6_K, x.data() + e * rows * row_len, want.data() + e * rows * rb, rows, row_len,
                        im.data() + e * row_len);
    // Rows 2..5 straddle the two experts.
    encode_tensor_rows(GgmlType::Q6_K, x.data(), got.data(), 0, 2, row_len, im.data(), rows, n_mat);
    encode_tensor_rows(GgmlType::Q6_K, x.data() + 2 * row_len, got.data() + 2 * rb, 2, 4, row_len, im.data(), rows, n_mat);
    CHECK(got == want);
}

TEST_CASE("a GGUF file as the conversion source", "[pipeline][gguf-input]") {
    auto folder = native::open_folder(kModel);
    ModelInput st = load_model_input(*folder);
    Plan f32 = build_plan(st, PlanOptions{GgmlType::F32});
    test::MemoryFolder mem;
    mem.content["dev.gguf"] = run(f32, st, 1, 8u << 20);

    ModelInput in = load_gguf_input(mem, "dev.gguf");
    CHECK(in.name == "dev");
    REQUIRE(in.gguf);
    Plan p = plan_from_gguf(in);
    CHECK(p.arch == "llama");
    CHECK(p.tensors.size() == f32.tensors.size());
    CHECK(p.tensors[0].out.name == "output_norm.weight");  // llama-quantize's order
    CHECK(p.tensors[1].out.name == "token_embd.weight");
    CHECK(p.tensors[2].out.name == "blk.0.attn_k.weight");
    CHECK(p.kv.size() == f32.kv.size());

    // GGUF F32 -> Q8_0 gives the same tensors as safetensors BF16 -> Q8_0, threaded or not.
    set_2d_types(p, GgmlType::Q8_0);
    Plan direct = build_plan(st, PlanOptions{GgmlType::F16});
    set_2d_types(direct, GgmlType::Q8_0);
    sort_like_llama_quantize(direct.tensors);
    const std::string from_gguf = run(p, in, 1, 1 << 20), from_st = run(direct, st, 1, 1 << 20);
    CHECK(tensor_bytes(from_gguf) == tensor_bytes(from_st));
    CHECK(run(p, in, 4, 1 << 20) == from_gguf);
    // Metadata carried over unchanged.
    auto r = memory_reader("x.gguf", from_gguf);
    GgufFile g = read_gguf(*r);
    CHECK(find(g.kv, "tokenizer.ggml.tokens")->strings == find(f32.kv, "tokenizer.ggml.tokens")->strings);
    CHECK(find(g.kv, "llama.block_count")->as_u64() == 3);
}

TEST_CASE("quantized GGUF tensors are refused as a source", "[gguf-input]") {
    std::vector<GgufTensorInfo> t{{"w", {32, 1}, GgmlType::Q8_0, 0}};
    StringSink s;
    GgufStreamWriter w(s, "q.gguf", {}, t);
    w.begin_tensor(0);
    std::string q(34, '\0');
    w.write(q.data(), q.size());
    w.end_tensor();
    w.finish();
    test::MemoryFolder mem;
    mem.content["q.gguf"] = s.bytes;
    const std::string e = test::error_text([&] { load_gguf_input(mem, "q.gguf"); });
    CHECK(e.find("'w'") != std::string::npos);
    CHECK(e.find("Q8_0") != std::string::npos);
}

TEST_CASE("llama-quantize tensor order", "[plan]") {
    CHECK(quantize_order_less("output.weight", "blk.0.attn_q.weight"));
    CHECK(quantize_order_less("blk.2.ffn_up.weight", "blk.10.attn_k.weight"));
    CHECK(quantize_order_less("blk.3.attn_k.weight", "blk.3.attn_norm.weight"));
    CHECK_FALSE(quantize_order_less("token_embd.weight", "output_norm.weight"));
}


TEST_CASE("chunk_reads names exactly the reads of a chunk's conversion", "[pipeline][layout]") {
    test::ReadLog log;
    test::LoggingFolder folder(native::open_folder(kModel), log);
    ModelInput in = load_model_input(folder);
    Plan p = build_plan(in, PlanOptions{GgmlType::F16});
    set_2d_types(p, GgmlType::Q4_K);
    // Two stacked slices of other tensors' rows, out of file order, as an expert stack or a fused tensor has.
    TensorPlan& stacked = p.tensors[p.tensors.size() - 2];
    const uint64_t nrows = stacked.out.nrows();
    REQUIRE(stacked.source.slices.size() == 1);
    REQUIRE(!stacked.source.permute_heads);
    const SourceSlice whole_src = stacked.source.slices[0];
    stacked.source.slices = {{whole_src.src, nrows / 2, nrows - nrows / 2}, {whole_src.src, 0, nrows / 2}};
    check_source(stacked.source, in.catalog, stacked.out.name, stacked.out.ne[0], nrows);

    ExecuteOptions o;
    o.chunk_bytes = 48 << 10;  // chunks that cut the slices and the head groups' tensors several times
    TensorConverter conv(p, in, "out.gguf", o);
    size_t chunks = 0, multi = 0;
    for (size_t k = 0; k < p.tensors.size(); ++k) {
        for (uint64_t first = 0; first < conv.rows(k);) {
            const std::vector<FileRange> expected = conv.chunk_reads(k, first);
            log.reads.clear();
            StringSink s;
            const uint64_t next = conv.convert(k, s, first, 1);
            std::vector<std::tuple<std::string, uint64_t, uint64_t>> named;
            for (const FileRange& r : expected) named.emplace_back(in.catalog.files[r.file].name, r.offset, r.bytes);
            INFO(p.tensors[k].out.name << " from row " << first);
            CHECK(!named.empty());
            CHECK(log.reads == named);
            multi += named.size() > 1;
            ++chunks;
            first = next;
        }
        CHECK(conv.chunk_reads(k, conv.rows(k)).empty());
    }
    CHECK(chunks > p.tensors.size());
    CHECK(multi > 0);  // a chunk across the two slices
}
