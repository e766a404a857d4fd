// Files are little-endian whatever the host: the explicit load/store of core/util/le.h and the bulk row paths
// give the same numbers from the same file bytes on any host. Expectations are written as file bytes; in the
// byte-order test build (GGUFSMITH_FORCE_BYTESWAP) files are mirrored, so the expected bytes are too.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "core/pipeline/rows.h"
#include "core/util/le.h"

using namespace gs;

namespace {
// A file's bytes for one number, given little-endian (reversed in the mirror-world build).
std::vector<uint8_t> file_bytes(std::vector<uint8_t> le_bytes) {
#ifdef GGUFSMITH_FORCE_BYTESWAP
    std::reverse(le_bytes.begin(), le_bytes.end());
#endif
    return le_bytes;
}

// n copies of the given elements' file bytes.
std::vector<uint8_t> repeat(const std::vector<std::vector<uint8_t>>& elems, size_t n) {
    std::vector<uint8_t> out;
    for (size_t i = 0; i < n; ++i)
        for (const auto& e : elems) {
            const auto b = file_bytes(e);
            out.insert(out.end(), b.begin(), b.end());
        }
    return out;
}
}  // namespace

TEST_CASE("le::load and le::store read and write little-endian file bytes", "[byteorder]") {
    CHECK(le::load<uint32_t>(file_bytes({0x01, 0x02, 0x03, 0x04}).data()) == 0x04030201u);
    CHECK(le::load<uint16_t>(file_bytes({0x34, 0x12}).data()) == 0x1234u);
    CHECK(le::load<uint64_t>(file_bytes({1, 0, 0, 0, 0, 0, 0, 0x80}).data()) == 0x8000000000000001ull);
    CHECK(le::load<float>(file_bytes({0x00, 0x00, 0x80, 0x3f}).data()) == 1.0f);
    CHECK(le::load<double>(file_bytes({0, 0, 0, 0, 0, 0, 0, 0xc0}).data()) == -2.0);
    CHECK(le::load<int32_t>(file_bytes({0xfe, 0xff, 0xff, 0xff}).data()) == -2);

    uint8_t b[8];
    le::store<uint32_t>(b, 0x04030201u);
    CHECK(std::vector<uint8_t>(b, b + 4) == file_bytes({0x01, 0x02, 0x03, 0x04}));
    le::store<float>(b, -2.0f);
    CHECK(std::vector<uint8_t>(b, b + 4) == file_bytes({0x00, 0x00, 0x00, 0xc0}));
    le::store<uint64_t>(b, 0x0807060504030201ull);
    CHECK(std::vector<uint8_t>(b, b + 8) == file_bytes({1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST_CASE("row decoding reads little-endian elements, past the swap path's stretch size", "[byteorder]") {
    const size_t n = 3001;  // pairs: crosses the 1024-element stretches of a big-endian host's F16/BF16 path
    std::vector<float> f(2 * n);
    SECTION("BF16") {
        decode_to_f32(Dtype::BF16, repeat({{0x80, 0x3f}, {0x00, 0xc0}}, n).data(), f.data(), f.size());  // 1, -2
        for (size_t i = 0; i < f.size(); ++i) REQUIRE(f[i] == (i % 2 ? -2.f : 1.f));
    }
    SECTION("F16") {
        decode_to_f32(Dtype::F16, repeat({{0x00, 0x3c}, {0x00, 0xc0}}, n).data(), f.data(), f.size());
        for (size_t i = 0; i < f.size(); ++i) REQUIRE(f[i] == (i % 2 ? -2.f : 1.f));
    }
    SECTION("F32") {
        decode_to_f32(Dtype::F32, repeat({{0, 0, 0x80, 0x3f}, {0, 0, 0, 0xc0}}, n).data(), f.data(), f.size());
        for (size_t i = 0; i < f.size(); ++i) REQUIRE(f[i] == (i % 2 ? -2.f : 1.f));
    }
    SECTION("F64") {
        decode_to_f32(Dtype::F64, repeat({{0, 0, 0, 0, 0, 0, 0xf0, 0x3f}, {0, 0, 0, 0, 0, 0, 0, 0xc0}}, n).data(),
                      f.data(), f.size());
        for (size_t i = 0; i < f.size(); ++i) REQUIRE(f[i] == (i % 2 ? -2.f : 1.f));
    }
}

TEST_CASE("row encoding writes little-endian elements and scales", "[byteorder]") {
    std::vector<float> f(64);
    for (size_t i = 0; i < f.size(); ++i) f[i] = i % 2 ? -2.f : 1.f;
    std::vector<uint8_t> out(f.size() * 4);
    encode_rows(GgmlType::F16, f.data(), out.data(), 1, f.size(), nullptr);
    CHECK(std::vector<uint8_t>(out.begin(), out.begin() + 4 * 2 * 2) == repeat({{0x00, 0x3c}, {0x00, 0xc0}}, 4));
    encode_rows(GgmlType::BF16, f.data(), out.data(), 1, f.size(), nullptr);
    CHECK(std::vector<uint8_t>(out.begin(), out.begin() + 4 * 2 * 2) == repeat({{0x80, 0x3f}, {0x00, 0xc0}}, 4));
    encode_rows(GgmlType::F32, f.data(), out.data(), 1, f.size(), nullptr);
    CHECK(std::vector<uint8_t>(out.begin(), out.begin() + 2 * 4) == repeat({{0, 0, 0x80, 0x3f}, {0, 0, 0, 0xc0}}, 1));
    // Q8_0: block = f16 scale d = amax / 127 = 2/127, then 32 int8 (1 -> 64, -2 -> -127). 2/127 in f16 is 0x2408.
    encode_rows(GgmlType::Q8_0, f.data(), out.data(), 1, f.size(), nullptr);
    CHECK(std::vector<uint8_t>(out.begin(), out.begin() + 2) == file_bytes({0x08, 0x24}));
    CHECK(static_cast<int8_t>(out[2]) == 64);
    CHECK(static_cast<int8_t>(out[3]) == -127);
}
