// Throughput of the IQ4_NL, IQ4_XS, MXFP4, TQ1_0 and TQ2_0 kernels, scalar vs SIMD, with and without an imatrix.
// Usage: bench_quant_iq [million elements, default 2]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "core/gguf/types.h"
#include "core/quant/quant.h"

int main(int argc, char** argv) {
    using namespace gs;
    const int64_t n_per_row = 4096;
    const int64_t nrows = static_cast<int64_t>((argc > 1 ? std::atof(argv[1]) : 2.0) * 1e6) / n_per_row;
    std::mt19937 rng(1);
    std::normal_distribution<float> g(0.f, 0.02f);
    std::vector<float> src(nrows * n_per_row), im(n_per_row);
    for (auto& v : src) v = g(rng);
    for (auto& v : im) v = std::uniform_real_distribution<float>(0.f, 4.f)(rng);
    const GgmlType types[] = {GgmlType::IQ4_NL, GgmlType::IQ4_XS, GgmlType::MXFP4, GgmlType::TQ1_0, GgmlType::TQ2_0};
    std::printf("%-8s %-8s %14s %14s %8s\n", "type", "imatrix", "scalar Melem/s", "simd Melem/s", "speedup");
    for (GgmlType t : types) {
        std::vector<uint8_t> dst(row_bytes(t, n_per_row) * nrows);
        for (bool with_im : {false, true}) {
            double rate[2];
            for (int s = 0; s < 2; ++s) {
                const auto t0 = std::chrono::steady_clock::now();
                quant::quantize(t, src.data(), dst.data(), nrows, n_per_row, with_im ? im.data() : nullptr,
                                s ? quant::Impl::Simd : quant::Impl::Scalar);
                const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                rate[s] = nrows * n_per_row / sec / 1e6;
            }
            std::printf("%-8s %-8s %14.1f %14.1f %7.1fx\n", type_name(t), with_im ? "yes" : "no", rate[0], rate[1],
                        rate[1] / rate[0]);
        }
    }
}
