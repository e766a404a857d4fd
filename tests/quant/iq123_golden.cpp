// IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S against ggml's own bytes (../shared/golden/quant): every
// golden row, with the importance matrix and, where ggml quantizes without one, without it; and robustness where
// ggml would assert.
#include "tests/quant/golden.h"

#include "core/error.h"

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

TEST_CASE("IQ1/IQ2/IQ3 kernels stay in bounds on non-finite, huge and zero-importance input",
          "[quant][iq][nonfinite]") {
    // Where ggml would assert or read past its tables (NaN, infinities, sub-blocks whose importance is all zero),
    // these kernels must still finish and write the same bytes every time.
    const int64_t n = 1024, rows = 32;
    auto src = test::stress_blocks(rows * n / 32, 32, 4242);
    std::mt19937 rng(9);
    const float specials[] = {std::nanf(""), INFINITY, -INFINITY, 3e38f, -3e38f, 1e-45f};
    for (int i = 0; i < 24; ++i) src[rng() % src.size()] = specials[rng() % 6];  // most super-blocks stay finite
    std::vector<float> im(n);
    for (int64_t i = 0; i < n; ++i) im[i] = (i / 32) % 3 == 0 ? 0.f : float(i % 7);  // every third block of 32 zero
    for (const auto& c : kCases) {
        const quant::Kernel* k = quant::find_kernel(c.type);
        const size_t bytes = rows * row_bytes(c.type, n);
        std::string a(bytes, '\0'), b(bytes, '\1');
        k->scalar(src.data(), a.data(), rows, n, im.data());
        k->scalar(src.data(), b.data(), rows, n, im.data());
        INFO(c.name);
        CHECK(a == b);
        if (!k->needs_imatrix) {
            k->scalar(src.data(), a.data(), rows, n, nullptr);
            k->scalar(src.data(), b.data(), rows, n, nullptr);
            CHECK(a == b);
        }
    }
}
