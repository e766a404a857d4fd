// The IQ codebooks against ggml's own dequantization tables, the derived neighbour lists against a plain sort, and
// the one-time initialization from many threads at once.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

#include "core/gguf/types.h"
#include "core/quant/iq_grids.h"
#include "core/quant/quant.h"
#include "tests/quant/golden.h"

using namespace gs;
using quant::iq::Codebook;
using quant::iq::Grid;

namespace {

// FNV-1a over every point's coordinates as the bytes of ggml's dequantization grid (ggml-common.h: iq2xxs_grid,
// iq2xs_grid, iq2s_grid, iq1s_grid, iq3xxs_grid, iq3s_grid), whose hashes were computed from that file. The byte for
// each level is the value llama.cpp multiplies by the scale when it reads the file.
uint64_t dequant_hash(const Codebook& cb, const std::vector<uint8_t>& byte_of_level) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (int8_t v : cb.points) {
        h ^= byte_of_level[(v - 1) / 2];
        h *= 0x100000001b3ull;
    }
    return h;
}

}  // namespace

TEST_CASE("IQ codebooks are ggml's grids, point for point and in index order", "[quant][iq][grids]") {
    const std::vector<uint8_t> iq2 = {0x08, 0x19, 0x2b}, iq1 = {0xff, 0x00, 0x01};
    const std::vector<uint8_t> iq3xxs = {4, 12, 20, 28, 36, 44, 52, 62}, iq3s = {1, 3, 5, 7, 9, 11, 13, 15};
    struct Want {
        Grid g;
        int size;
        const std::vector<uint8_t>* bytes;
        uint64_t hash;
    };
    const Want wants[] = {
        {Grid::Iq2xxs, 256, &iq2, 0xbb4ee025b5ac6e8eull},   {Grid::Iq2xs, 512, &iq2, 0xc9b1ee61e79909bdull},
        {Grid::Iq2s, 1024, &iq2, 0x123edd38a3b62b90ull},    {Grid::Iq1, 2048, &iq1, 0x6703ed863501ae2eull},
        {Grid::Iq3xxs, 256, &iq3xxs, 0xdfa5dc83d6a155d5ull}, {Grid::Iq3s, 512, &iq3s, 0xfa37020c25b44829ull},
    };
    for (const auto& w : wants) {
        const Codebook& cb = quant::iq::codebook(w.g);
        INFO("grid " << int(w.g));
        CHECK(cb.size() == w.size);
        CHECK(dequant_hash(cb, *w.bytes) == w.hash);
        // every grid point maps to its own index
        for (int i = 0; i < cb.size(); ++i) {
            uint32_t key = 0;
            for (int d = 0; d < cb.dims; ++d) key |= uint32_t((cb.point(i)[d] - 1) / 2) << (cb.bits * d);
            REQUIRE(cb.index_of(key) == i);
        }
    }
}

TEST_CASE("IQ neighbour lists are ggml's: sorted by (distance, index), the nearest few distances",
          "[quant][iq][grids]") {
    struct Want {
        Grid g;
        int nwant;  // ggml: IQ2_XXS/IQ2_XS 2, IQ2_S 1, IQ1 3, IQ3_XXS 2, IQ3_S 3
    };
    for (const auto& w : {Want{Grid::Iq2xxs, 2}, Want{Grid::Iq2xs, 2}, Want{Grid::Iq2s, 1}, Want{Grid::Iq1, 3},
                          Want{Grid::Iq3xxs, 2}, Want{Grid::Iq3s, 3}}) {
        const Codebook& cb = quant::iq::codebook(w.g);
        int checked = 0;
        for (uint32_t key = 0; key < cb.map.size(); key += 7) {
            bool reachable = true;
            for (int d = 0; d < cb.dims; ++d)
                reachable = reachable && int((key >> (cb.bits * d)) & ((1u << cb.bits) - 1)) <= cb.max_level;
            if (!reachable || cb.index_of(key) >= 0) continue;
            std::vector<std::pair<int, int>> d2;  // (squared distance, index), as ggml sorts them
            for (int j = 0; j < cb.size(); ++j) {
                int d = 0;
                for (int i = 0; i < cb.dims; ++i) {
                    const int p = 2 * int((key >> (cb.bits * i)) & ((1u << cb.bits) - 1)) + 1;
                    d += (cb.point(j)[i] - p) * (cb.point(j)[i] - p);
                }
                d2.push_back({d, j});
            }
            std::sort(d2.begin(), d2.end());
            std::vector<int> want;
            int distinct = 0, last = -1;
            for (const auto& [d, j] : d2) {
                if (d != last && ++distinct > w.nwant) break;
                last = d;
                want.push_back(j);
            }
            const uint16_t* nb = cb.neighbours_of(key);
            REQUIRE(std::vector<int>(nb + 1, nb + 1 + nb[0]) == want);
            ++checked;
        }
        CHECK(checked > 100);
    }
}

TEST_CASE("IQ codebooks initialize once when many threads quantize at the same time", "[quant][iq][spawns-threads]") {
    // The first use of each grid races here; every thread must see complete tables and give the same bytes.
    const GgmlType types[] = {GgmlType::IQ2_XXS, GgmlType::IQ2_XS, GgmlType::IQ2_S, GgmlType::IQ3_XXS,
                              GgmlType::IQ3_S,   GgmlType::IQ1_S,  GgmlType::IQ1_M};
    const int64_t n = 512, rows = 4;
    auto src = test::stress_blocks(rows * n / 32, 32, 77);
    std::vector<float> im(n, 1.f);
    std::vector<std::vector<std::string>> out(8, std::vector<std::string>(std::size(types)));
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            while (!go) std::this_thread::yield();
            for (size_t i = 0; i < std::size(types); ++i) {
                std::string& o = out[t][i];
                o.assign(rows * row_bytes(types[i], n), '\0');
                quant::find_kernel(types[i])->scalar(src.data(), o.data(), rows, n, im.data());
            }
        });
    }
    go = true;
    for (auto& th : threads) th.join();
    for (int t = 1; t < 8; ++t)
        for (size_t i = 0; i < std::size(types); ++i) CHECK(out[t][i] == out[0][i]);
}
