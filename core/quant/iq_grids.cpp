// Expands ggml's compact grids and builds the key map and the neighbour lists, as ggml's iq2xs_init_impl and
// iq3xs_init_impl do, with one difference that changes no result: neighbour lists are built only for the keys a
// quantizer can produce (levels 0..max_level), not for every key below the largest one.
#include "core/quant/iq_grids.h"

#include <mutex>

#include "core/quant/iq_grid_data.h"

namespace gs::quant::iq {
namespace {

struct Spec {
    const uint16_t* packed;
    int size, dims, bits, max_level;
    int nwant;  // neighbour lists hold the points at this many nearest distinct distances
};

Spec spec_of(Grid g) {
    switch (g) {
        case Grid::Iq2xxs: return {kGridIq2xxs, 256, 8, 2, 2, 2};
        case Grid::Iq2xs: return {kGridIq2xs, 512, 8, 2, 2, 2};
        case Grid::Iq2s: return {kGridIq2s, 1024, 8, 2, 2, 1};
        case Grid::Iq1: return {kGridIq1, 2048, 8, 2, 2, 3};
        case Grid::Iq3xxs: return {kGridIq3xxs, 256, 4, 3, 7, 2};
        case Grid::Iq3s: break;
    }
    return {kGridIq3s, 512, 4, 3, 7, 3};
}

int level(uint32_t key, int i, int bits) { return static_cast<int>(key >> (bits * i)) & ((1 << bits) - 1); }

// Appends key's neighbour list: every grid point whose squared distance to the key's point is among the nwant
// smallest distinct distances, by distance and then by index (the order of ggml's qsort on (d2, index)).
void add_neighbours(Codebook& cb, uint32_t key, int nwant) {
    const int n = cb.size();
    int8_t pos[8];
    for (int i = 0; i < cb.dims; ++i) pos[i] = static_cast<int8_t>(2 * level(key, i, cb.bits) + 1);
    std::vector<int> d2(n);
    int nearest[3];  // the nwant smallest distinct distances, ascending
    int have = 0;
    for (int j = 0; j < n; ++j) {
        const int8_t* p = cb.point(j);
        int d = 0;
        for (int i = 0; i < cb.dims; ++i) d += (p[i] - pos[i]) * (p[i] - pos[i]);
        d2[j] = d;
        int at = 0;
        while (at < have && nearest[at] < d) ++at;
        if ((at < have && nearest[at] == d) || at == nwant) continue;
        for (int k = (have < nwant ? have : nwant - 1); k > at; --k) nearest[k] = nearest[k - 1];
        nearest[at] = d;
        if (have < nwant) ++have;
    }
    cb.map[key] = -static_cast<int32_t>(cb.neighbours.size()) - 1;
    const size_t count_at = cb.neighbours.size();
    cb.neighbours.push_back(0);
    for (int k = 0; k < have; ++k)
        for (int j = 0; j < n; ++j)
            if (d2[j] == nearest[k]) cb.neighbours.push_back(static_cast<uint16_t>(j));
    cb.neighbours[count_at] = static_cast<uint16_t>(cb.neighbours.size() - count_at - 1);
}

void build(Codebook& cb, const Spec& s) {
    cb.dims = s.dims;
    cb.bits = s.bits;
    cb.max_level = s.max_level;
    cb.points.resize(size_t(s.size) * s.dims);
    uint32_t max_key = 0;  // every level at max_level
    for (int i = 0; i < s.dims; ++i) max_key |= uint32_t(s.max_level) << (s.bits * i);
    // Keys with a level above max_level are never looked up; they map to point 0 so that no lookup can stray.
    cb.map.assign(max_key + 1, 0);
    std::vector<bool> on_grid(max_key + 1, false);
    for (int k = 0; k < s.size; ++k) {
        const uint32_t key = s.packed[k];
        for (int i = 0; i < s.dims; ++i)
            cb.points[size_t(k) * s.dims + i] = static_cast<int8_t>(2 * level(key, i, s.bits) + 1);
        cb.map[key] = k;
        on_grid[key] = true;
    }
    cb.points_f.assign(cb.points.begin(), cb.points.end());
    for (uint32_t key = 0; key <= max_key; ++key) {
        if (on_grid[key]) continue;
        bool reachable = true;
        for (int i = 0; i < s.dims; ++i) reachable = reachable && level(key, i, s.bits) <= s.max_level;
        if (reachable) add_neighbours(cb, key, s.nwant);
    }
}

}  // namespace

const Codebook& codebook(Grid g) {
    static Codebook books[6];
    static std::once_flag once[6];
    const int i = static_cast<int>(g);
    std::call_once(once[i], [&] { build(books[i], spec_of(g)); });
    return books[i];
}

}  // namespace gs::quant::iq
