// IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S against ggml's own bytes (../shared/golden/quant): every
// golden row, with the importance matrix and, where ggml quantizes without one, without it.
#include "tests/quant/golden.h"

#include <thread>

#include "core/error.h"
#include "core/quant/iq_grids.h"

using namespace gs;

namespace {
struct Case {
    const char* name;
    GgmlType type;
    int files;  // 4 sets with imatrix, and 4 more without where ggml allows it
};
const Case kCases[] = {{"iq2_xxs", GgmlType::IQ2_XXS, 4}, {"iq2_xs", GgmlType::IQ2_XS, 4},
                       {"iq2_s", GgmlType::IQ2_S, 8},     {"iq3_xxs", GgmlType::IQ3_XXS, 8},
                       {"iq3_s", GgmlType::IQ3_S, 8},     {"iq1_s", GgmlType::IQ1_S, 4},
                       {"iq1_m", GgmlType::IQ1_M, 8}};

void golden(const Case& c) {
    const quant::Kernel* k = quant::find_kernel(c.type);
    REQUIRE(k != nullptr);
    const auto r = test::run_golden(c.name, k->scalar);
    WARN(c.name << ": " << r.identical << "/" << r.rows << " golden rows identical (" << r.files << " files)");
    CHECK(r.files == c.files);
    CHECK(r.rows == 26 * c.files);  // 32 + 32 + 16 + 24 rows per four files
    CHECK(r.identical == r.rows);
}
}  // namespace

TEST_CASE("iq2_xxs matches ggml", "[quant][golden][iq2]") { golden(kCases[0]); }
TEST_CASE("iq2_xs matches ggml", "[quant][golden][iq2]") { golden(kCases[1]); }
TEST_CASE("iq2_s matches ggml", "[quant][golden][iq2]") { golden(kCases[2]); }
TEST_CASE("iq3_xxs matches ggml", "[quant][golden][iq3]") { golden(kCases[3]); }
TEST_CASE("iq3_s matches ggml", "[quant][golden][iq3]") { golden(kCases[4]); }
TEST_CASE("iq1_s matches ggml", "[quant][golden][iq1]") { golden(kCases[5]); }
TEST_CASE("iq1_m matches ggml", "[quant][golden][iq1]") { golden(kCases[6]); }

TEST_CASE("IQ2_XXS, IQ2_XS and IQ1_S refuse to quantize without an importance matrix", "[quant][iq]") {
    std::vector<float> src(256, 0.5f);
    std::vector<uint8_t> dst(256);
    for (GgmlType t : {GgmlType::IQ2_XXS, GgmlType::IQ2_XS, GgmlType::IQ1_S}) {
        CHECK(quant::find_kernel(t)->needs_imatrix);
        CHECK_THROWS_AS(quant::quantize(t, src.data(), dst.data(), 1, 256, nullptr), Error);
    }
    for (GgmlType t : {GgmlType::IQ2_S, GgmlType::IQ3_XXS, GgmlType::IQ3_S, GgmlType::IQ1_M})
        CHECK_FALSE(quant::find_kernel(t)->needs_imatrix);
}
