// IQ4_NL, IQ4_XS, MXFP4, TQ1_0 and TQ2_0 against ggml's own bytes (../shared/golden/quant/), scalar and SIMD, with
// and without the importance matrix; and SIMD == scalar on random stress blocks.
#include "tests/quant/golden.h"

#include "hwy/targets.h"

#include "core/quant/iq4.h"
#include "core/quant/mxfp4.h"
#include "core/quant/tq.h"

using namespace gs;

namespace {
struct Case {
    const char* name;
    GgmlType type;
};
const Case kCases[] = {{"iq4_nl", GgmlType::IQ4_NL}, {"iq4_xs", GgmlType::IQ4_XS}, {"mxfp4", GgmlType::MXFP4},
                       {"tq1_0", GgmlType::TQ1_0},   {"tq2_0", GgmlType::TQ2_0}};

void golden(const Case& c) {
    const quant::Kernel* k = quant::find_kernel(c.type);
    REQUIRE(k != nullptr);
    for (bool simd : {false, true}) {
        auto r = test::run_golden(c.name, simd ? k->simd : k->scalar);
        WARN(c.name << (simd ? " simd" : " scalar") << ": " << r.identical << "/" << r.rows << " rows identical ("
                    << r.files << " files)");
        CHECK(r.files == 8);  // four sets, with and without imatrix
        CHECK(r.rows == 208);
        CHECK(r.identical == r.rows);
    }
}

void simd_equals_scalar(const Case& c, size_t blocks) {
    const quant::Kernel* k = quant::find_kernel(c.type);
    REQUIRE(k != nullptr);
    for (bool im : {false, true}) {
        const size_t rows = test::check_simd_equals_scalar(c.type, k->scalar, k->simd, blocks, im, 20240 + im);
        WARN(c.name << (im ? " (imatrix)" : "") << ": SIMD == scalar on " << rows << " rows of 8 blocks");
    }
}
}  // namespace

TEST_CASE("iq4_nl matches ggml", "[quant][golden][iq4]") { golden(kCases[0]); }
TEST_CASE("iq4_xs matches ggml", "[quant][golden][iq4]") { golden(kCases[1]); }
TEST_CASE("mxfp4 matches ggml", "[quant][golden][mxfp4]") { golden(kCases[2]); }
TEST_CASE("tq1_0 matches ggml", "[quant][golden][tq]") { golden(kCases[3]); }
TEST_CASE("tq2_0 matches ggml", "[quant][golden][tq]") { golden(kCases[4]); }

TEST_CASE("iq4_nl SIMD equals scalar on stress blocks", "[quant][simd][iq4]") { simd_equals_scalar(kCases[0], 100000); }
TEST_CASE("iq4_xs SIMD equals scalar on stress blocks", "[quant][simd][iq4]") { simd_equals_scalar(kCases[1], 100000); }
TEST_CASE("mxfp4 SIMD equals scalar on stress blocks", "[quant][simd][mxfp4]") { simd_equals_scalar(kCases[2], 100000); }
TEST_CASE("tq1_0 SIMD equals scalar on stress blocks", "[quant][simd][tq]") { simd_equals_scalar(kCases[3], 100000); }
TEST_CASE("tq2_0 SIMD equals scalar on stress blocks", "[quant][simd][tq]") { simd_equals_scalar(kCases[4], 100000); }

TEST_CASE("mxfp4 exponent wraps like ggml's float -> uint8_t conversion", "[quant][mxfp4]") {
    CHECK(quant::mxfp4::exponent_of(0.f) == 0);
    CHECK(quant::mxfp4::exponent_of(1.f) == 125);
    CHECK(quant::mxfp4::exponent_of(6.f) == 127);
    CHECK(quant::mxfp4::exponent_of(1e-40f) == 248);  // floor(log2) = -133: -8 wraps to 248
    CHECK(quant::mxfp4::half_scale(0) == std::ldexp(1.f, -128));
    CHECK(quant::mxfp4::half_scale(128) == 1.f);
}

namespace {
// Offsets of the f16 scales in a block of each type (ggml-common.h).
std::vector<size_t> f16_scale_offsets(GgmlType t) {
    switch (t) {
        case GgmlType::IQ4_NL: case GgmlType::IQ4_XS: return {0};
        case GgmlType::TQ1_0: return {52};
        case GgmlType::TQ2_0: return {64};
        default: return {};
    }
}

// b with every f16 scale that is NaN in both a and b replaced by a's: the sign of a NaN is not the kernels' to choose.
void same_nan_scales(GgmlType t, const std::string& a, std::string& b) {
    const size_t bs = type_traits(t)->type_size;
    auto is_nan = [](const std::string& s, size_t at) {
        const unsigned h = static_cast<uint8_t>(s[at]) | static_cast<uint8_t>(s[at + 1]) << 8;
        return (h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0;
    };
    for (size_t blk = 0; blk < a.size(); blk += bs)
        for (size_t off : f16_scale_offsets(t))
            if (is_nan(a, blk + off) && is_nan(b, blk + off)) b.replace(blk + off, 2, a, blk + off, 2);
}
}  // namespace

TEST_CASE("iq4/mxfp4/tq SIMD equals scalar on blocks holding NaN and infinities", "[quant][simd][nonfinite]") {
    // Non-finite inputs take the kernels' fallback and masking paths; the bytes must still be the scalar ones, up to
    // the sign of a NaN scale. That sign is decided by the compiler, in ggml as here: once a block's sums meet both
    // the input NaN and a default NaN (negative on x86) from inf - inf (x * x overflows for |x| ~ 1e30), the sign
    // follows the operand order the compiler picks for an add (x86 returns the first operand's NaN), and that order
    // changes with the optimisation level (the -O1 sanitizer build differs from -O3 on IQ4_NL).
    const int64_t n_per_row = 1024, nrows = 64;
    std::vector<float> im(n_per_row, 1.f);
    for (uint32_t seed : {5u, 6u, 7u}) {
        auto src = test::stress_blocks(nrows * n_per_row / 32, 32, 99 + seed);
        std::mt19937 rng(seed);
        const float specials[] = {std::nanf(""), INFINITY, -INFINITY};
        for (int i = 0; i < 400; ++i) src[rng() % src.size()] = specials[rng() % 3];
        for (const auto& c : kCases) {
            const quant::Kernel* k = quant::find_kernel(c.type);
            const size_t rb = row_bytes(c.type, n_per_row);
            for (bool with_im : {false, true}) {
                std::string a(nrows * rb, '\0'), b(nrows * rb, '\0');
                k->scalar(src.data(), a.data(), nrows, n_per_row, with_im ? im.data() : nullptr);
                k->simd(src.data(), b.data(), nrows, n_per_row, with_im ? im.data() : nullptr);
                same_nan_scales(c.type, a, b);
                size_t first = 0;
                while (first < a.size() && a[first] == b[first]) ++first;
                INFO(c.name << (with_im ? " (imatrix)" : "") << " seed " << seed << ": first differing byte " << first
                            << " (block " << first / type_traits(c.type)->type_size << ")");
                CHECK(first == a.size());
            }
        }
    }
}

TEST_CASE("iq4/mxfp4/tq SIMD matches ggml on every Highway target this CPU runs", "[quant][simd][targets]") {
    // Dynamic dispatch picks the best target; the narrower ones (other lane counts) must give the same bytes.
    for (int64_t target : hwy::SupportedAndGeneratedTargets()) {
        hwy::SetSupportedTargetsForTest(target);
        for (const auto& c : kCases) {
            auto r = test::run_golden(c.name, quant::find_kernel(c.type)->simd);
            INFO(hwy::TargetName(target) << " " << c.name << ": " << r.identical << "/" << r.rows);
            CHECK((r.rows == 208 && r.identical == r.rows));
        }
        WARN(hwy::TargetName(target) << ": all golden rows of the 5 types identical");
    }
    hwy::SetSupportedTargetsForTest(0);
}
