// Quantization throughput of every registered kernel on one thread: scalar vs SIMD, without and with an importance
// matrix, on a fixed gaussian 256 x 4096 matrix. Usage: bench_quant [--target NAME] [--cpu] [type ...]
// (e.g. bench_quant q8_0 q4_k). --target SSE4 runs the SIMD kernels on 4 float lanes, as wasm's SIMD128 does;
// --cpu times with the CPU time this thread (in wasm: the node process) got instead of the wall clock, which
// keeps A/B comparisons meaningful on a machine shared with other jobs.
// The wasm build has it too: node --no-experimental-fetch build/wasm/bench_quant.js [...].
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/gguf/types.h"
#include "core/quant/quant.h"
#include "hwy/highway.h"
#include "hwy/targets.h"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
// User CPU time of the node process: the kernels run on its main thread; V8's compiler threads add a little.
EM_JS(double, js_cpu_seconds, (), { return process.cpuUsage().user / 1e6; });
#else
#include <time.h>
#endif

using namespace gs;

namespace {

constexpr int64_t kRows = 256, kCols = 4096;
constexpr double kMinSeconds = 0.3;
constexpr int kRepeats = 3;

bool g_cpu_time = false;

double now_seconds() {
    if (!g_cpu_time)
        return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
#ifdef __EMSCRIPTEN__
    return js_cpu_seconds();
#else
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
#endif
}

double seconds_since(double t0) { return now_seconds() - t0; }

// Million weights per second: the work of one measurement (rows, then repetitions) doubles until it lasts
// kMinSeconds, so a coarse clock (process CPU time may tick in milliseconds) cannot make it tiny; the best of
// kRepeats measurements of that work counts.
double measure(quant::QuantizeFn fn, const float* src, uint8_t* dst, const float* im) {
    fn(src, dst, 1, kCols, im);  // warm up
    int64_t rows = 1, reps = 1;
    double best = 1e30;
    for (;;) {
        const double t0 = now_seconds();
        for (int64_t i = 0; i < reps; ++i) fn(src, dst, rows, kCols, im);
        best = seconds_since(t0);
        if (best >= kMinSeconds) break;
        if (rows < kRows) rows = std::min<int64_t>(kRows, rows * 2);
        else reps *= 2;
    }
    for (int r = 1; r < kRepeats; ++r) {
        const double t0 = now_seconds();
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
        if (std::strcmp(argv[i], "--target") == 0 && i + 1 < argc) {
            const char* want = argv[++i];
            int64_t found = 0;
            for (int64_t t = hwy::SupportedTargets() & HWY_TARGETS; t; t &= t - 1)
                if (std::strcmp(hwy::TargetName(t & -t), want) == 0) found = t & -t;
            if (!found) {
                std::fprintf(stderr, "bench_quant: SIMD target '%s' is not compiled in or not supported here\n", want);
                return 2;
            }
            hwy::SetSupportedTargetsForTest(found);
            continue;
        }
        if (std::strcmp(argv[i], "--cpu") == 0) {
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
