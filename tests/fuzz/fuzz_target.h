// One fuzz target = one plain function `int fuzz_<name>(const uint8_t*, size_t)` shared by two builds:
//  - the fuzz preset (clang, GGUFSMITH_LIBFUZZER defined): one executable per target, whose LLVMFuzzerTestOneInput
//    calls the function;
//  - the normal build: every target linked into fuzz_replay, which runs the committed corpus and the saved
//    reproducers through the same functions (a plain main), so findings stay regression tests where clang is absent.
// A target catches gs::Error, the expected outcome for bad input. Anything else escaping (another exception type),
// a crash, a sanitizer report, a hang or a huge allocation is a finding; so is a broken invariant (GS_FUZZ_CHECK)
// of something a reader accepted.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace gs::fuzz {

using TargetFn = int (*)(const uint8_t* data, size_t size);

// Registers a target for fuzz_replay; returns true.
bool register_target(const char* name, TargetFn fn);

// Called by a target with the gs::Error that refused its input: fuzz_replay -v prints it (which seeds get deep).
#ifdef GGUFSMITH_LIBFUZZER
inline void rejected(const char*) {}
#else
void rejected(const char* what);
#endif

[[noreturn]] inline void check_failed(const char* what, const char* file, int line) {
    std::fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", file, line, what);
    std::abort();
}

}  // namespace gs::fuzz

#define GS_FUZZ_CHECK(cond) ((cond) ? (void)0 : ::gs::fuzz::check_failed(#cond, __FILE__, __LINE__))

#ifdef GGUFSMITH_LIBFUZZER
#define GS_FUZZ_TARGET(name)                                                                        \
    static int fuzz_##name(const uint8_t* data, size_t size);                                       \
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {                       \
        return fuzz_##name(data, size);                                                             \
    }                                                                                               \
    static int fuzz_##name(const uint8_t* data, size_t size)
#else
#define GS_FUZZ_TARGET(name)                                                                        \
    static int fuzz_##name(const uint8_t* data, size_t size);                                       \
    [[maybe_unused]] static const bool fuzz_registered_##name = ::gs::fuzz::register_target(#name, fuzz_##name);     \
    static int fuzz_##name(const uint8_t* data, size_t size)
#endif
