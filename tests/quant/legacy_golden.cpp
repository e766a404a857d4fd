// Q8_0, Q4_0, Q4_1, Q5_0, Q5_1 against ggml's own bytes (../shared/golden/quant, with and without imatrix), and
// SIMD == scalar on random stress blocks.
#include <catch2/catch.hpp>

#include "core/quant/quant.h"
#include "tests/quant/golden.h"

using namespace gs;

namespace {

struct Legacy {
    const char* name;
    GgmlType type;
};

const Legacy kTypes[] = {
    {"q8_0", GgmlType::Q8_0},
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

}  // namespace

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
