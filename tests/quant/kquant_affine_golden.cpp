// Q2_K, Q4_K, Q5_K against ggml's own bytes (../shared/golden/quant), scalar and SIMD, with and without an imatrix;
// and SIMD == scalar on random stress blocks.
#include <catch2/catch.hpp>

#include "hwy/targets.h"

#include "core/quant/q2_k.h"
#include "core/quant/q4_k.h"
#include "core/quant/q5_k.h"
#include "tests/quant/golden.h"

using namespace gs;

namespace {

struct Format {
    const char* name;
    GgmlType type;
    quant::QuantizeFn scalar, simd;
};

const Format kFormats[] = {
    {"q2_k", GgmlType::Q2_K, quant::quantize_q2_k_scalar, quant::quantize_q2_k_simd},
    {"q4_k", GgmlType::Q4_K, quant::quantize_q4_k_scalar, quant::quantize_q4_k_simd},
    {"q5_k", GgmlType::Q5_K, quant::quantize_q5_k_scalar, quant::quantize_q5_k_simd},
};

}  // namespace

TEST_CASE("Q2_K, Q4_K, Q5_K golden rows are identical to ggml", "[quant][golden][kquant]") {
    for (const auto& f : kFormats) {
        for (bool simd : {false, true}) {
            const auto r = test::run_golden(f.name, simd ? f.simd : f.scalar);
            WARN(f.name << (simd ? " simd" : " scalar") << ": " << r.identical << "/" << r.rows
                        << " rows identical (" << r.files << " files)");
            CHECK(r.files == 8);  // 4 sets, with and without imatrix
            CHECK(r.rows > 0);
            CHECK(r.identical == r.rows);
        }
    }
}

TEST_CASE("Q2_K, Q4_K, Q5_K SIMD equals scalar on random blocks", "[quant][simd][kquant]") {
    for (const auto& f : kFormats) {
        for (bool im : {false, true}) {
            const size_t rows = test::check_simd_equals_scalar(f.type, f.scalar, f.simd, 100000, im, 11);
            CHECK(rows * 8 >= 100000);
        }
    }
}

// The default run above covers the best target of this machine; this covers the others it can run (AVX2, SSE4,
// EMU128, ...) on fewer blocks, since CI machines differ.
TEST_CASE("Q2_K, Q4_K, Q5_K SIMD equals scalar on every Highway target", "[quant][simd][kquant]") {
    const size_t row_blocks = 8, n_per_row = row_blocks * 256, nrows = 1000;
    const auto src = test::stress_blocks(nrows * row_blocks, 256, 23);
    std::vector<float> im(n_per_row);
    for (size_t i = 0; i < im.size(); ++i) im[i] = (i % 7 == 3) ? 0.f : 0.25f + float((i * 37) % 101) / 25.f;
    for (const auto& f : kFormats) {
        for (bool with_im : {false, true}) {
            const size_t rb = row_bytes(f.type, n_per_row);
            std::string want(nrows * rb, '\0');
            f.scalar(src.data(), want.data(), nrows, n_per_row, with_im ? im.data() : nullptr);
            for (int64_t target : hwy::SupportedAndGeneratedTargets()) {
                hwy::SetSupportedTargetsForTest(target);
                std::string got(want.size(), '\0');
                f.simd(src.data(), got.data(), nrows, n_per_row, with_im ? im.data() : nullptr);
                INFO(f.name << (with_im ? " imatrix" : "") << " on " << hwy::TargetName(target));
                CHECK(got == want);
            }
            hwy::SetSupportedTargetsForTest(0);
        }
    }
}

TEST_CASE("Q2_K, Q4_K, Q5_K go through the registry", "[quant][kquant]") {
    for (const auto& f : kFormats) {
        const auto* k = quant::find_kernel(f.type);
        REQUIRE(k != nullptr);
        CHECK(k->scalar == f.scalar);
        CHECK(k->simd == f.simd);
        CHECK_FALSE(k->needs_imatrix);
    }
}
