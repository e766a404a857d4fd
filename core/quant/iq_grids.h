// The lattice codebooks of the IQ1/IQ2/IQ3 formats and the search tables ggml derives from them (iq2xs_init_impl,
// iq3xs_init_impl): which key is a grid point, and for each key that is not, its nearest grid points.
// A key packs a group's levels l (0..kmax-1 per coordinate): l_i << (bits * i). Built once per grid on first use,
// thread-safe (std::call_once), no OS calls.
#pragma once
#include <cstdint>
#include <vector>

namespace gs::quant::iq {

enum class Grid { Iq2xxs, Iq2xs, Iq2s, Iq1, Iq3xxs, Iq3s };

struct Codebook {
    int dims = 0;                    // coordinates per point: 8 (IQ1, IQ2) or 4 (IQ3)
    int bits = 0;                    // bits per level in a key: 2 (IQ1, IQ2) or 3 (IQ3)
    int max_level = 0;               // the quantizers' levels run 0..max_level (2 for IQ1/IQ2, 7 for IQ3)
    std::vector<int8_t> points;      // dims values 2*l + 1 per grid point, in the format's index order
    std::vector<float> points_f;     // the same as floats, for the searches
    // key -> grid index (>= 0), or -(1 + offset) of the key's neighbour list in `neighbours`: a count n, then the n
    // grid points at the nearest nwant distinct squared distances, nearest first, lower index first on ties.
    std::vector<int32_t> map;
    std::vector<uint16_t> neighbours;

    int size() const { return static_cast<int>(points.size()) / dims; }
    const int8_t* point(int i) const { return points.data() + i * dims; }
    const float* point_f(int i) const { return points_f.data() + i * dims; }
    // Grid index of a key, or -1 when it is not on the grid.
    int index_of(uint32_t key) const { return map[key] >= 0 ? map[key] : -1; }
    // A key's neighbour list (count first); only for keys index_of() puts off the grid.
    const uint16_t* neighbours_of(uint32_t key) const { return neighbours.data() - map[key] - 1; }
};

const Codebook& codebook(Grid g);

}  // namespace gs::quant::iq
