// Q8_0, Q4_0, Q4_1, Q5_0, Q5_1 against ggml's own bytes (../shared/golden/quant, with and without imatrix), and
// SIMD == scalar on random stress blocks.
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <limits>
#include <random>

#ifndef __EMSCRIPTEN__
#include "hwy/targets.h"
#endif

#include "core/quant/quant.h"
#include "tests/quant/golden.h"

using namespace gs;

namespace {

struct Legacy {
    const char* name;
    GgmlType type;
};

const Legacy kTypes[] = {
    {"q4_0", GgmlType::Q4_0}, {"q4_1", GgmlType::Q4_1}, {"q5_0", GgmlType::Q5_0},
    {"q5_1", GgmlType::Q5_1}, {"q8_0", GgmlType::Q8_0},
};

void golden(const Legacy& t) {
    const quant::Kernel* k = quant::find_kernel(t.type);
    REQUIRE(k != nullptr);
    for (bool simd : {false, true}) {
        const auto r = test::run_golden(t.name, simd ? k->simd : k->scalar);
        WARN(t.name << (simd ? " simd" : " scalar") << ": " << r.identical << "/" << r.rows
                    << " golden rows identical (" << r.files << " files)");
        REQUIRE(r.files == 8);  // 4 sets, with and without imatrix
        REQUIRE(r.identical == r.rows);
    }
}

void simd_equals_scalar(const Legacy& t) {
    const quant::Kernel* k = quant::find_kernel(t.type);
    REQUIRE(k != nullptr);
    for (bool im : {false, true}) {
        const size_t rows = test::check_simd_equals_scalar(t.type, k->scalar, k->simd, 100000, im, 17);
        INFO(t.name << (im ? " imatrix" : "") << ": " << rows << " rows");
        CHECK(rows * 8 >= 100000);
    }
}

// Blocks whose bytes hinge on ggml's exact semantics: NaN anywhere (the SIMD kernels fall back to scalar code),
// infinities, signed zeros as extremes, +a and -a both present, f32 subnormals (1/d overflows), huge values.
std::vector<float> pathological_rows(size_t nrows, size_t n_per_row, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.f, 1.f);
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    std::vector<float> v(nrows * n_per_row);
    for (size_t b = 0; b < v.size() / 32; ++b) {
        float* x = v.data() + b * 32;
        for (int i = 0; i < 32; ++i) x[i] = g(rng);
        const int pos = int(rng() % 32), pos2 = int(rng() % 32);
        switch (rng() % 10) {
            case 0: x[pos] = nan; break;
            case 1: for (int i = 0; i < 32; ++i) x[i] = (i % 3 == 0) ? nan : x[i]; break;
            case 2: x[pos] = (rng() % 2) ? inf : -inf; break;
            case 3: for (int i = 0; i < 32; ++i) x[i] = (rng() % 2) ? 0.f : -0.f; break;
            case 4: for (int i = 0; i < 32; ++i) x[i] = std::fabs(x[i]) + ((rng() % 2) ? 0.f : -0.f); x[pos] = (rng() % 2) ? 0.f : -0.f; break;
            case 5: for (int i = 0; i < 32; ++i) x[i] = -std::fabs(x[i]); x[pos] = (rng() % 2) ? 0.f : -0.f; break;
            case 6: x[pos] = 9.f; x[pos2] = -9.f; break;
            case 7: for (int i = 0; i < 32; ++i) x[i] *= 1e-41f; break;
            case 8: for (int i = 0; i < 32; ++i) x[i] *= FLT_MAX / 8; break;
            default: for (int i = 0; i < 32; ++i) x[i] = float(int(x[i] * 4)); break;  // ties and repeats
        }
    }
    return v;
}

void pathological_simd_equals_scalar(const Legacy& t) {
    const quant::Kernel* k = quant::find_kernel(t.type);
    REQUIRE(k != nullptr);
    const size_t nrows = 64, n = 256;
    auto src = pathological_rows(nrows, n, 99);
    std::vector<float> im(n);
    std::mt19937 rng(5);
    for (auto& w : im) w = (rng() % 6 == 0) ? 0.f : std::uniform_real_distribution<float>(0.f, 3.f)(rng);
    const size_t rb = row_bytes(t.type, n);
    for (bool with_im : {false, true}) {
        std::vector<uint8_t> a(nrows * rb), b(nrows * rb);
        k->scalar(src.data(), a.data(), nrows, n, with_im ? im.data() : nullptr);
        k->simd(src.data(), b.data(), nrows, n, with_im ? im.data() : nullptr);
        size_t same = 0;
        for (size_t r = 0; r < nrows; ++r) same += std::memcmp(a.data() + r * rb, b.data() + r * rb, rb) == 0;
        INFO(t.name << (with_im ? " imatrix" : ""));
        CHECK(same == nrows);
    }
}

}  // namespace

TEST_CASE("legacy quants: SIMD equals scalar on NaN, inf, signed zeros, subnormals", "[quant][simd][legacy][nonfinite]") {
    for (const auto& t : kTypes) {
        SECTION(t.name) { pathological_simd_equals_scalar(t); }
    }
}

#ifndef __EMSCRIPTEN__  // wasm builds have one static target
// Every Highway target compiled into this binary that the CPU runs (SSSE3 ... AVX-512 here), not just the best.
TEST_CASE("legacy quants: SIMD equals scalar on every compiled Highway target", "[quant][simd][legacy]") {
    const auto targets = hwy::SupportedAndGeneratedTargets();
    for (int64_t target : targets) {
        hwy::SetSupportedTargetsForTest(target);
        for (const auto& t : kTypes) {
            const quant::Kernel* k = quant::find_kernel(t.type);
            INFO(hwy::TargetName(target) << " " << t.name);
            for (bool im : {false, true}) test::check_simd_equals_scalar(t.type, k->scalar, k->simd, 4000, im, 3);
            pathological_simd_equals_scalar(t);
        }
    }
    hwy::SetSupportedTargetsForTest(0);
    WARN("SIMD == scalar on " << targets.size() << " Highway targets");
}
#endif

TEST_CASE("legacy quants match ggml's golden rows", "[quant][golden][legacy]") {
    for (const auto& t : kTypes) {
        SECTION(t.name) { golden(t); }
    }
}

TEST_CASE("legacy quants: SIMD equals scalar on random blocks", "[quant][simd][legacy]") {
    for (const auto& t : kTypes) {
        SECTION(t.name) { simd_equals_scalar(t); }
    }
}
