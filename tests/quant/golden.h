// Golden-vector harness for quantization kernels: runs a kernel on every set in ../shared/golden/quant/ (with and
// without the set's importance matrix, as manifest.tsv lists) and counts rows identical to ggml's bytes; and a
// random-block property check that a SIMD kernel equals its scalar twin.
#pragma once
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/gguf/types.h"
#include "core/quant/quant.h"
#include "tests/support.h"

namespace gs::test {

struct GoldenEntry {
    std::string set, type;
    int nrows = 0, n_per_row = 0;
    bool imatrix = false;
    size_t row_bytes = 0;
    std::string file;
};

inline std::vector<GoldenEntry> golden_manifest() {
    std::istringstream in(slurp(shared_path("golden/quant/manifest.tsv")));
    std::string line;
    std::vector<GoldenEntry> out;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        GoldenEntry e;
        std::string id, im;
        ls >> e.set >> e.nrows >> e.n_per_row >> e.type >> id >> im >> e.row_bytes >> e.file;
        e.imatrix = im == "yes";
        if (!e.file.empty()) out.push_back(e);
    }
    return out;
}

struct GoldenResult {
    int rows = 0, identical = 0, files = 0;
};

// Runs fn on every manifest entry of `type` (lower-case, as in manifest.tsv); returns identical/total rows.
inline GoldenResult run_golden(const std::string& type, quant::QuantizeFn fn) {
    GoldenResult r;
    for (const auto& e : golden_manifest()) {
        if (e.type != type) continue;
        auto input = slurp_as<float>(shared_path("golden/quant/" + e.set + ".input.f32"));
        std::vector<float> imatrix;
        if (e.imatrix) imatrix = slurp_as<float>(shared_path("golden/quant/" + e.set + ".imatrix.f32"));
        std::string want = slurp(shared_path("golden/quant/" + e.file));
        REQUIRE(input.size() == size_t(e.nrows) * e.n_per_row);
        REQUIRE(want.size() == size_t(e.nrows) * e.row_bytes);
        std::string got(want.size(), '\0');
        fn(input.data(), got.data(), e.nrows, e.n_per_row, e.imatrix ? imatrix.data() : nullptr);
        ++r.files;
        for (int row = 0; row < e.nrows; ++row) {
            ++r.rows;
            bool same = std::memcmp(got.data() + row * e.row_bytes, want.data() + row * e.row_bytes, e.row_bytes) == 0;
            if (same) ++r.identical;
            else UNSCOPED_INFO(e.file << " row " << row << " differs");
        }
    }
    return r;
}

// Fills `blocks` blocks of `block` floats with patterns that stress quantizers: gaussian, zeros, constants,
// single spikes, huge (non-inf) values, tiny and subnormal values, mixed scales.
inline std::vector<float> stress_blocks(size_t blocks, size_t block, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.f, 1.f);
    std::uniform_int_distribution<int> kind(0, 9);
    std::vector<float> v(blocks * block);
    for (size_t b = 0; b < blocks; ++b) {
        float* p = v.data() + b * block;
        int k = kind(rng);
        float scale = std::ldexp(1.f, int(rng() % 40) - 20);
        for (size_t i = 0; i < block; ++i) {
            switch (k) {
                case 0: p[i] = 0.f; break;
                case 1: p[i] = 0.37f * scale; break;
                case 2: p[i] = (i == rng() % block) ? 50.f * scale : 0.f; break;
                case 3: p[i] = g(rng) * 1e30f; break;
                case 4: p[i] = g(rng) * 1e-40f; break;  // f32 subnormals
                case 5: p[i] = g(rng) * 6e-8f; break;   // f16 subnormal range
                case 6: p[i] = (i % 2 ? 1.f : -1.f) * scale; break;
                case 7: p[i] = g(rng) * scale * ((rng() % 16) == 0 ? 40.f : 1.f); break;
                default: p[i] = g(rng) * scale; break;
            }
        }
    }
    return v;
}

// SIMD equals scalar on n_blocks random blocks (rows of `row_blocks` blocks), with and without an imatrix.
// Returns the number of rows compared; FAILs on the first differing row.
inline size_t check_simd_equals_scalar(GgmlType t, quant::QuantizeFn scalar, quant::QuantizeFn simd, size_t n_blocks,
                                       bool with_imatrix, uint32_t seed = 1) {
    const auto* tt = type_traits(t);
    const size_t row_blocks = 8, n_per_row = row_blocks * tt->block_size;
    const size_t nrows = (n_blocks + row_blocks - 1) / row_blocks;
    auto src = stress_blocks(nrows * row_blocks, tt->block_size, seed);
    std::vector<float> im(n_per_row);
    std::mt19937 rng(seed + 7);
    for (auto& w : im) w = (rng() % 8 == 0) ? 0.f : std::uniform_real_distribution<float>(0.f, 4.f)(rng);
    const size_t rb = row_bytes(t, n_per_row);
    std::string a(nrows * rb, '\0'), b(nrows * rb, '\0');
    scalar(src.data(), a.data(), nrows, n_per_row, with_imatrix ? im.data() : nullptr);
    simd(src.data(), b.data(), nrows, n_per_row, with_imatrix ? im.data() : nullptr);
    for (size_t r = 0; r < nrows; ++r) {
        if (std::memcmp(a.data() + r * rb, b.data() + r * rb, rb) != 0) {
            FAIL(type_name(t) << (with_imatrix ? " (imatrix)" : "") << ": SIMD differs from scalar in row " << r);
        }
    }
    return nrows;
}

}  // namespace gs::test
