// Pipeline row transforms: the q/k permutation equals the converter's reshape/swapaxes, size labels and names.
#include <catch2/catch.hpp>

#include "core/pipeline/rows.h"
#include "core/error.h"
#include "core/plan/plan.h"

using namespace gs;

TEST_CASE("q/k head permutation matches reshape(n_head, 2, hd/2, cols).swapaxes(1, 2)", "[pipeline]") {
    const size_t hd = 8, cols = 3;
    std::vector<uint8_t> in(hd * cols), out(hd * cols);
    for (size_t r = 0; r < hd; ++r)
        for (size_t c = 0; c < cols; ++c) in[r * cols + c] = static_cast<uint8_t>(r * 10 + c);
    permute_head_rows(in.data(), out.data(), hd, cols);
    // new[i][j] = old[j][i] over axes (2, hd/2): new row 2*i + j = old row j*hd/2 + i
    for (size_t i = 0; i < hd / 2; ++i)
        for (size_t j = 0; j < 2; ++j) CHECK(out[(2 * i + j) * cols] == in[(j * hd / 2 + i) * cols]);
    CHECK(out[1 * cols] == 40);  // row 1 comes from row 4
}

TEST_CASE("size labels and names as gguf-py writes them", "[plan]") {
    CHECK(size_label(10553088) == "11M");
    CHECK(size_label(656000) == "656K");
    CHECK(size_label(1100048384) == "1.1B");
    CHECK(size_label(7241732096) == "7.2B");
    CHECK(size_label(70553706496) == "71B");
    CHECK(display_name("dev-llama-spm") == "Dev Llama Spm");
}

TEST_CASE("decode and encode rows", "[pipeline]") {
    const uint16_t bf[2] = {0x3f80, 0xc000};  // 1, -2
    float f[2];
    decode_to_f32(Dtype::BF16, reinterpret_cast<const uint8_t*>(bf), f, 2);
    CHECK(f[0] == 1.f);
    CHECK(f[1] == -2.f);
    uint16_t h[2];
    encode_rows(GgmlType::F16, f, reinterpret_cast<uint8_t*>(h), 1, 2, nullptr);
    CHECK(h[0] == 0x3c00);
    CHECK(h[1] == 0xc000);
    CHECK_THROWS_AS(decode_to_f32(Dtype::I32, reinterpret_cast<const uint8_t*>(bf), f, 1), Error);
    CHECK(is_passthrough(Dtype::BF16, GgmlType::BF16));
    CHECK_FALSE(is_passthrough(Dtype::BF16, GgmlType::F16));
}

TEST_CASE("norm offsets are added in the converter's precision", "[pipeline]") {
    // The converter upcasts BF16 to F32 before adding (exact), but adds F16 tensors in F16 (rounded).
    const float w = 0.0078125f + 0.000030517578125f;  // 2^-7 + 2^-15: exact in BF16, F16 and F32
    float bf[1] = {w}, h[1] = {w};
    gs::add_in_precision(gs::Dtype::BF16, bf, 1, 1.0f);
    gs::add_in_precision(gs::Dtype::F16, h, 1, 1.0f);
    CHECK(bf[0] == 1.0f + w);           // not 1.0078125 (what rounding back to BF16 would give)
    CHECK(h[0] == 1.0078125f);          // F16 keeps 10 mantissa bits
}
