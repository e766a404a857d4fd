// Quantization throughput of every registered kernel on one thread: scalar vs SIMD, without and with an importance
// matrix, on a fixed gaussian 256 x 4096 matrix. Usage: bench_quant [--cpu] [type ...]   (e.g. bench_quant q8_0 q4_k)
// --cpu times by the process's CPU time (std::clock) instead of the wall clock: steadier on a loaded machine.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "core/gguf/types.h"
#include "core/quant/quant.h"
#include "hwy/highway.h"
#include "hwy/targets.h"

using namespace gs;

namespace {

constexpr int64_t kRows = 256, kCols = 4096;
constexpr double kMinSeconds = 0.3;
constexpr int kRepeats = 3;

bool g_cpu_time = false;  // --cpu

struct Stamp {
    std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
    std::clock_t cpu = std::clock();
};

double seconds_since(const Stamp& t0) {
    if (g_cpu_time) return double(std::clock() - t0.cpu) / CLOCKS_PER_SEC;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0.wall).count();
}

// Million weights per second: each measurement runs the kernel on enough rows (and repeats) to last
// kMinSeconds; the best of kRepeats measurements counts.
double measure(quant::QuantizeFn fn, const float* src, uint8_t* dst, const float* im) {
    fn(src, dst, 1, kCols, im);  // warm up
    Stamp t0;
    fn(src, dst, 1, kCols, im);
    const double per_row = std::max(seconds_since(t0), 1e-7);
    const int64_t rows = std::clamp<int64_t>(int64_t(std::ceil(kMinSeconds / per_row)), 1, kRows);
    const int64_t reps = std::max<int64_t>(1, int64_t(std::ceil(kMinSeconds / (per_row * rows))));
    double best = 1e30;
    for (int r = 0; r < kRepeats; ++r) {
        t0 = Stamp();
        for (int64_t i = 0; i < reps; ++i) fn(src, dst, rows, kCols, im);
        best = std::min(best, seconds_since(t0));
    }
    return double(rows * reps * kCols) / best / 1e6;
}

bool same_bytes(const quant::Kernel& k, const float* src, const float* im) {
    const size_t n = row_bytes(k.type, kCols) * 8;
    std::vector<uint8_t> a(n), b(n);
    k.scalar(src, a.data(), 8, kCols, im);
    k.simd(src, b.data(), 8, kCols, im);
    return a == b;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<GgmlType> only;
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--cpu") {
            g_cpu_time = true;
            continue;
        }
        auto t = type_from_name(argv[i]);
        if (!t || !quant::find_kernel(*t)) {
            std::fprintf(stderr, "bench_quant: no kernel for type '%s'\n", argv[i]);
            return 2;
        }
        only.push_back(*t);
    }

    std::mt19937 rng(20240611);
    std::normal_distribution<float> gauss(0.f, 0.02f);
    std::vector<float> src(kRows * kCols), im(kCols);
    for (auto& v : src) v = gauss(rng);
    std::uniform_real_distribution<float> uni(0.f, 4.f);
    for (auto& w : im) w = (rng() % 16 == 0) ? 0.f : uni(rng);

    uint64_t best = 0;
    for (int64_t t = hwy::SupportedTargets() & HWY_TARGETS; t; t &= t - 1) best = best ? best : (t & -t);
    std::printf("gaussian %lld x %lld, one thread, best of %d runs of >= %.1f s (%s); SIMD target %s\n",
                (long long)kRows, (long long)kCols, kRepeats, kMinSeconds, g_cpu_time ? "CPU time" : "wall clock",
                hwy::TargetName(int64_t(best)));
    std::printf("%-8s | %26s %6s | %26s %6s\n", "", "no imatrix: scalar / SIMD", "ratio", "imatrix: scalar / SIMD",
                "ratio");
    std::printf("%-8s | %12s %13s %6s | %12s %13s %6s\n", "type", "Mw/s", "Mw/s", "", "Mw/s", "Mw/s", "");

    std::vector<uint8_t> dst(row_bytes(GgmlType::F32, kCols) * kRows);  // f32 is the widest row
    for (const quant::Kernel* k : quant::all_kernels()) {
        if (!only.empty() && std::find(only.begin(), only.end(), k->type) == only.end()) continue;
        std::printf("%-8s |", type_name(k->type));
        for (bool with_im : {false, true}) {
            const float* w = with_im ? im.data() : nullptr;
            if (!with_im && k->needs_imatrix) {
                std::printf(" %12s %13s %6s |", "-", "-", "");
                continue;
            }
            const double s = measure(k->scalar, src.data(), dst.data(), w);
            const double v = measure(k->simd, src.data(), dst.data(), w);
            const char* mark = same_bytes(*k, src.data(), w) ? "" : "  SIMD != scalar!";
            std::printf(" %12.1f %13.1f %6.2f%s%s", s, v, v / s, mark, with_im ? "\n" : " |");
            std::fflush(stdout);
        }
    }
    return 0;
}
