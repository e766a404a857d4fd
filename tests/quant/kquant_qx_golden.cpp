// Q6_K and Q3_K against ggml's own bytes (../shared/golden/quant), reference and imatrix paths, scalar and SIMD;
// and SIMD == scalar on random stress blocks.
#include <catch2/catch.hpp>

#include "hwy/targets.h"

#include "core/quant/q3_k.h"
#include "core/quant/q6_k.h"
#include "tests/quant/golden.h"

using namespace gs;

namespace {

struct Case {
    const char* name;
    GgmlType type;
    quant::QuantizeFn scalar, simd;
};

const Case kCases[] = {
    {"q6_k", GgmlType::Q6_K, quant::quantize_q6_k_scalar, quant::quantize_q6_k_simd},
    {"q3_k", GgmlType::Q3_K, quant::quantize_q3_k_scalar, quant::quantize_q3_k_simd},
};

}  // namespace

TEST_CASE("q6_k and q3_k golden rows are identical to ggml, scalar and SIMD", "[quant][golden][kquant]") {
    for (const auto& c : kCases) {
        for (bool simd : {false, true}) {
            const auto r = test::run_golden(c.name, simd ? c.simd : c.scalar);
            WARN(c.name << (simd ? " simd" : " scalar") << ": " << r.identical << "/" << r.rows
                        << " golden rows identical (" << r.files << " files)");
            REQUIRE(r.files >= 8);  // 4 sets, with and without imatrix
            CHECK(r.identical == r.rows);
        }
    }
}

TEST_CASE("q6_k and q3_k SIMD equal scalar on random blocks", "[quant][simd][kquant]") {
    for (const auto& c : kCases) {
        for (bool im : {false, true}) {
            const size_t rows = test::check_simd_equals_scalar(c.type, c.scalar, c.simd, 100000, im, 42);
            INFO(c.name << (im ? " imatrix" : "") << ": " << rows << " rows");
            CHECK(rows * 8 >= 100000);
        }
    }
}

TEST_CASE("q6_k and q3_k SIMD give ggml's bytes on every Highway target this CPU runs", "[quant][simd][kquant]") {
    struct ResetTargets {  // also when a check throws, so later tests dispatch normally
        ~ResetTargets() { hwy::SetSupportedTargetsForTest(0); }
    } reset;
    for (int64_t target : hwy::SupportedAndGeneratedTargets()) {
        hwy::SetSupportedTargetsForTest(target);
        for (const auto& c : kCases) {
            const auto r = test::run_golden(c.name, c.simd);
            INFO(hwy::TargetName(target) << " " << c.name);
            REQUIRE(r.identical == r.rows);
            for (bool im : {false, true}) test::check_simd_equals_scalar(c.type, c.scalar, c.simd, 8000, im, 7);
            // Counts of super-blocks that leave partly filled lane batches (Q3_K's imatrix path batches them).
            for (int64_t nb = 1; nb <= 19; ++nb) {
                auto src = test::stress_blocks(size_t(3 * nb), 256, uint32_t(nb));
                auto im = test::stress_blocks(size_t(nb), 256, uint32_t(100 + nb));
                for (auto& w : im) w = std::fabs(w);
                const size_t bytes = row_bytes(c.type, uint64_t(nb) * 256) * 3;
                for (const float* w : {static_cast<const float*>(nullptr), static_cast<const float*>(im.data())}) {
                    std::string a(bytes, '\0'), b(bytes, '\0');
                    c.scalar(src.data(), a.data(), 3, nb * 256, w);
                    c.simd(src.data(), b.data(), 3, nb * 256, w);
                    INFO(nb << " blocks per row" << (w ? ", imatrix" : ""));
                    REQUIRE(a == b);
                }
            }
        }
        WARN(hwy::TargetName(target) << ": q6_k, q3_k golden rows, 8000 random blocks and short rows identical");
    }
}

TEST_CASE("q6_k and q3_k are registered and reachable through quant::quantize", "[quant][kquant]") {
    auto src = test::stress_blocks(64, 256, 3);
    for (const auto& c : kCases) {
        REQUIRE(quant::find_kernel(c.type) != nullptr);
        const size_t bytes = row_bytes(c.type, 1024) * 16;
        std::string a(bytes, '\0'), b(bytes, '\0');
        quant::quantize(c.type, src.data(), a.data(), 16, 1024, nullptr);
        c.simd(src.data(), b.data(), 16, 1024, nullptr);
        CHECK(a == b);
        CHECK_THROWS(quant::quantize(c.type, src.data(), a.data(), 1, 100, nullptr));
    }
}
