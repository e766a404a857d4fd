// F16/BF16 row conversions against ggml's own output (../shared/golden/quant/*.f16.bin, *.bf16.bin), and
// SIMD == scalar over every half value.
#include <catch2/catch.hpp>

#include "core/convert/convert.h"
#include "tests/support.h"

using namespace gs;

namespace {
const char* kSets[] = {"gauss", "outliers", "uniform", "edge"};
}

TEST_CASE("f32 -> f16 and bf16 rows match ggml for every golden set", "[convert][golden]") {
    for (const char* set : kSets) {
        auto input = test::slurp_as<float>(test::shared_path(std::string("golden/quant/") + set + ".input.f32"));
        for (const char* t : {"f16", "bf16"}) {
            auto want = test::slurp_as<uint16_t>(test::shared_path(std::string("golden/quant/") + set + "." + t + ".bin"));
            REQUIRE(want.size() == input.size());
            std::vector<uint16_t> s(input.size()), v(input.size());
            bool f16 = std::string(t) == "f16";
            (f16 ? convert::scalar::f32_to_f16 : convert::scalar::f32_to_bf16)(input.data(), s.data(), input.size());
            (f16 ? convert::f32_to_f16 : convert::f32_to_bf16)(input.data(), v.data(), input.size());
            INFO(set << "." << t);
            CHECK(s == want);
            CHECK(v == want);
        }
    }
}

TEST_CASE("half -> f32 is exact and SIMD equals scalar for all 65536 values", "[convert]") {
    std::vector<uint16_t> all(65536);
    for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint16_t>(i);
    for (bool f16 : {true, false}) {
        std::vector<float> s(all.size()), v(all.size());
        (f16 ? convert::scalar::f16_to_f32 : convert::scalar::bf16_to_f32)(all.data(), s.data(), all.size());
        (f16 ? convert::f16_to_f32 : convert::bf16_to_f32)(all.data(), v.data(), all.size());
        CHECK(std::memcmp(s.data(), v.data(), s.size() * 4) == 0);
        // Round trip back is the identity for every non-NaN value.
        std::vector<uint16_t> back(all.size());
        (f16 ? convert::f32_to_f16 : convert::f32_to_bf16)(v.data(), back.data(), all.size());
        size_t bad = 0;
        for (size_t i = 0; i < all.size(); ++i) {
            bool nan = f16 ? ((i & 0x7c00) == 0x7c00 && (i & 0x3ff)) : ((i & 0x7f80) == 0x7f80 && (i & 0x7f));
            if (!nan && back[i] != all[i]) ++bad;
        }
        CHECK(bad == 0);
    }
}

TEST_CASE("f32 -> f16/bf16 SIMD equals scalar on random bit patterns", "[convert]") {
    std::vector<float> in(1 << 20);
    uint32_t x = 12345;
    for (auto& f : in) {
        x = x * 1664525u + 1013904223u;
        uint32_t b = x;
        std::memcpy(&f, &b, 4);
    }
    for (bool f16 : {true, false}) {
        std::vector<uint16_t> s(in.size()), v(in.size());
        (f16 ? convert::scalar::f32_to_f16 : convert::scalar::f32_to_bf16)(in.data(), s.data(), in.size());
        (f16 ? convert::f32_to_f16 : convert::f32_to_bf16)(in.data(), v.data(), in.size());
        CHECK(s == v);
    }
}
